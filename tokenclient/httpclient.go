package tokenclient

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// NewHTTPClient returns the *http.Client a Client uses by default, which
// also suits the generated api client:
//   - redirects are not followed, because Go forwards custom headers such as
//     flinks-auth-key to the redirect target;
//   - dial, TLS handshake and response header timeouts, and a 60s bound on a
//     whole attempt;
//   - TLS 1.2 or later, HTTP/2 attempted;
//   - an idle pool of 100 connections per host, so that many concurrent
//     callers reuse connections instead of churning them (net/http keeps 2).
func NewHTTPClient() *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   100,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{
		Transport:     transport,
		CheckRedirect: refuseRedirect,
		Timeout:       60 * time.Second,
	}
}

func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// withoutRedirects returns a shallow copy of hc that does not follow
// redirects, leaving the caller's client untouched.
func withoutRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = refuseRedirect
	return &c
}
