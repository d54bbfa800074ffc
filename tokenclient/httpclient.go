package tokenclient

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"time"
)

// NewHTTPClient returns an *http.Client for the generated api client (a
// Client by default uses one like it, shared by all Clients):
//   - redirects are not followed, because Go forwards custom headers such as
//     flinks-auth-key to the redirect target;
//   - dial and TLS handshake timeouts of 10s, and a 60s bound on a whole
//     request (http.Client.Timeout);
//   - TLS 1.2 or later, HTTP/2 attempted, with ping health checks: a
//     connection silent for 10s is pinged and closed if the ping is not
//     answered within 5s, so a dead connection is replaced in about 15s;
//   - an idle pool of 100 connections per host, so that many concurrent
//     callers reuse connections instead of churning them (net/http keeps 2).
//
// Each call returns a client with a transport of its own; call its
// CloseIdleConnections when done with it.
func NewHTTPClient() *http.Client {
	hc := newHTTPClient()
	hc.Timeout = defaultCallTimeout
	return hc
}

// newHTTPClient is NewHTTPClient without a per-request timeout: a Client
// bounds each call with its context instead.
func newHTTPClient() *http.Client {
	transport := &http.Transport{
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
	}
	return &http.Client{Transport: transport, CheckRedirect: refuseRedirect}
}

// dialer bounds connecting; net.Dialer is safe for concurrent use.
var dialer = &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}

// defaultHTTPClient is shared by every Client built without
// WithHTTPClient, as http.DefaultTransport is shared: one idle pool, and
// no goroutines per Client.
var defaultHTTPClient = sync.OnceValue(newHTTPClient)

// CloseIdleConnections closes the idle connections of the Client's HTTP
// client: for a Client with the default one, those shared by every such
// Client (they reconnect when next used); for WithHTTPClient, those of
// that client. Keep-alive connections otherwise live, with a goroutine
// each, up to 90 seconds after their last use.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// withoutRedirects returns a shallow copy of hc that does not follow
// redirects, leaving the caller's client untouched.
func withoutRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = refuseRedirect
	return &c
}

// leavesRequestAlone reports whether hc is known not to modify the
// requests it sends: net/http's own transport never does, a cookie jar
// adds headers, and a custom RoundTripper may do anything.
func leavesRequestAlone(hc *http.Client) bool {
	if hc.Jar != nil {
		return false
	}
	switch hc.Transport.(type) {
	case nil, *http.Transport:
		return true
	}
	return false
}
