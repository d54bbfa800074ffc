package flinkstest

import (
	"net/http"
	"net/http/httptest"
)

// Server is a fake Flinks API listening on a loopback address, for
// end-to-end tests. Its Handler methods (Issued, Redeem, FailNext, …) are
// promoted. It answers any Host header: it lives for one test on a random
// port, and a test may set Host on purpose (flinks-fake, which runs for
// hours, answers local names only).
type Server struct {
	*Handler

	// URL is the base URL, http://127.0.0.1:port (https:// from
	// NewTLSServer) with no trailing slash; pass it to
	// tokenclient.WithBaseURL. The Connect page is URL + ConnectPath.
	URL string

	ts *httptest.Server
}

// NewServer starts and returns a fake Flinks API. The caller should call
// Close when finished, to shut it down.
func NewServer(opts ...Option) *Server {
	return start(false, opts)
}

// NewTLSServer starts and returns a fake Flinks API over HTTPS with a
// self-signed certificate, as httptest.NewTLSServer does, so that tests run
// the client's production https path. Only the http.Client from Client
// trusts the certificate: pass it to tokenclient.WithHTTPClient. The
// caller should call Close when finished, to shut it down.
func NewTLSServer(opts ...Option) *Server {
	return start(true, opts)
}

func start(tls bool, opts []Option) *Server {
	h := NewHandler(opts...)
	ts := httptest.NewUnstartedServer(h)
	// No WriteTimeout: a test may ask for any latency.
	ts.Config.ReadHeaderTimeout = readTimeout
	ts.Config.ReadTimeout = readTimeout
	ts.Config.IdleTimeout = idleTimeout
	if tls {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	return &Server{Handler: h, URL: ts.URL, ts: ts}
}

// Close shuts down the server and blocks until all outstanding requests
// on it have completed.
func (s *Server) Close() { s.ts.Close() }

// Client returns an HTTP client configured for requests to the server;
// for a NewTLSServer it trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.ts.Client() }
