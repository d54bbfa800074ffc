package tokenclient

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"time"
)

// NewHTTPClient returns an *http.Client, with a transport of its own, for the generated api client:
//   - redirects are not followed: Go forwards flinks-auth-key to their target;
//   - 10s dial and TLS handshake timeouts, and 60s for a whole request;
//   - TLS 1.2 or later, HTTP/2 with pings: a connection silent for 10s is
//     pinged, and closed if the ping goes unanswered for 5s;
//   - 100 idle connections per host (net/http keeps 2).
func NewHTTPClient() *http.Client {
	hc := newHTTPClient()
	hc.Timeout = defaultCallTimeout
	return hc
}

func newHTTPClient() *http.Client {
	return &http.Client{CheckRedirect: refuseRedirect, Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		HTTP2:                 &http.HTTP2Config{SendPingTimeout: 10 * time.Second, PingTimeout: 5 * time.Second},
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   100,
		IdleConnTimeout:       90 * time.Second,
	}}
}

var dialer = &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
var defaultHTTPClient = sync.OnceValue(newHTTPClient) // shared by every Client without WithHTTPClient

// CloseIdleConnections closes the idle connections of the Client's HTTP client, for the default one
// those every Client shares; otherwise one lives up to 90 seconds after its last use.
func (c *Client) CloseIdleConnections()                   { c.hc.CloseIdleConnections() }
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
