package tokenclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"go.uber.org/goleak"
)

func TestRedirectsAreNotFollowed(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("the redirect was followed")
	}))
	defer target.Close()
	_, f := setup(
		t,
		reply{
			status: http.StatusTemporaryRedirect,
			header: map[string]string{"Location": target.URL},
		},
	)
	mine := &http.Client{}
	for name, c := range map[string]*Client{
		"default":        newTestClient(t, f.server.URL),
		"WithHTTPClient": newTestClient(t, f.server.URL, WithHTTPClient(mine)),
	} {
		_, err := c.GenerateAuthorizeToken(t.Context())
		apiErr, ok := errors.AsType[*APIError](err)
		if !ok || apiErr.StatusCode != 307 || apiErr.Location != target.URL {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if mine.CheckRedirect != nil {
		t.Error("WithHTTPClient changed the caller's client")
	}
	if f.hits.Load() != 2 {
		t.Errorf("requests: got %d, want 2 (a 307 is not retried)", f.hits.Load())
	}
}

func TestHTTPClients(t *testing.T) {
	for name, hc := range map[string]*http.Client{"default": defaultHTTPClient(),
		"NewHTTPClient": NewHTTPClient()} {
		tr := hc.Transport.(*http.Transport)
		if tr.HTTP2 == nil || tr.HTTP2.SendPingTimeout != 10*time.Second ||
			tr.HTTP2.PingTimeout != 5*time.Second {
			t.Errorf(
				"%s: HTTP/2 health checks %+v, want pings after 10s silent, 5s to answer",
				name,
				tr.HTTP2,
			)
		}
		if !tr.ForceAttemptHTTP2 || tr.TLSClientConfig.MinVersion != tls.VersionTLS12 ||
			tr.MaxIdleConnsPerHost != 100 || tr.MaxIdleConns != 100 ||
			tr.TLSHandshakeTimeout != 10*time.Second || tr.IdleConnTimeout != 90*time.Second ||
			tr.Proxy == nil ||
			tr.DialContext == nil {
			t.Errorf("%s: transport %+v", name, tr)
		}
		if hc.CheckRedirect(nil, nil) != http.ErrUseLastResponse {
			t.Errorf("%s follows redirects", name)
		}
	}
	if NewHTTPClient().Timeout != 0 {
		t.Error("NewHTTPClient's client has a Timeout: a call's context bounds it")
	}
	a, b := newTestClient(t, "https://a.example"), newTestClient(t, "https://b.example")
	own := newTestClient(t, "https://a.example", WithHTTPClient(NewHTTPClient()))
	shared := defaultHTTPClient().Transport
	if a.s.hc.Transport != shared || b.s.hc.Transport != shared || own.s.hc.Transport == shared ||
		NewHTTPClient().Transport == NewHTTPClient().Transport {
		t.Error("default Clients do not share one transport, or other clients do")
	}
}

// Over TLS the default transport speaks HTTP/2.
func TestHTTP2(t *testing.T) {
	srv := httptest.NewUnstartedServer(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ProtoMajor != 2 {
				t.Errorf("got %s, want HTTP/2", r.Proto)
			}
			_, _ = w.Write([]byte(okBody))
		}),
	)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	hc := NewHTTPClient()
	roots := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	hc.Transport.(*http.Transport).TLSClientConfig.RootCAs = roots
	defer hc.CloseIdleConnections()
	c := newTestClient(t, srv.URL, WithHTTPClient(hc))
	if _, err := c.GenerateAuthorizeToken(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestCloseIdleConnections(t *testing.T) {
	_, f := setup(t, ok200)
	before := goleak.IgnoreCurrent() // the fake's listener among them
	for _, c := range []*Client{newTestClient(t, f.server.URL), newTestClient(t, f.server.URL,
		WithHTTPClient(NewHTTPClient()))} {
		if _, err := c.GenerateAuthorizeToken(t.Context()); err != nil {
			t.Fatal(err)
		}
		c.CloseIdleConnections()
	}
	goleak.VerifyNone(t, before)
}

func TestBrokenRoundTrippers(t *testing.T) {
	for _, tc := range []struct {
		name string
		rt   roundTripFunc
		want string
	}{
		{"nil Response", func(*http.Request) (*http.Response, error) { return nil, nil },
			"returned a nil *Response with a nil error"},
		{"nil Body", func(r *http.Request) (*http.Response, error) {
			resp := respond(r, 200, okBody)
			resp.Body = nil
			return resp, nil
		}, "but a nil Body"},
		{"nil Body, no length", func(r *http.Request) (*http.Response, error) {
			resp := respond(r, 200, "")
			resp.Body = nil
			return resp, nil
		}, "malformed response: body is not JSON"},
		{"body read error", func(r *http.Request) (*http.Response, error) {
			resp := respond(r, 200, okBody)
			resp.Body = io.NopCloser(iotest.ErrReader(errors.New("reset")))
			return resp, nil
		}, "tokenclient: reading the response from https://flinks.example failed: reset"},
	} {
		c := newTestClient(
			t,
			"https://flinks.example",
			noRetry,
			WithHTTPClient(&http.Client{Transport: tc.rt}),
		)
		if _, err := c.GenerateAuthorizeToken(t.Context()); err == nil ||
			!strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
}

func TestNetworkErrors(t *testing.T) {
	_, f := setup(t, drop, drop, ok200)
	c := newTestClient(t, f.server.URL+"/prefix", fastRetry)
	if _, err := c.GenerateAuthorizeToken(t.Context()); err != nil || f.hits.Load() != 3 {
		t.Fatalf(
			"after two drops: got %v after %d requests, want a token after 3",
			err,
			f.hits.Load(),
		)
	}
	f.replies = []reply{drop}
	_, err := c.GenerateAuthorizeToken(t.Context())
	if err == nil || !strings.HasSuffix(err.Error(), " (attempts: 3)") ||
		!strings.Contains(err.Error(), f.server.URL) {
		t.Fatalf("got %v, want the host and 3 attempts", err)
	}
	if strings.Contains(err.Error(), "prefix") || strings.Contains(err.Error(), testCustomerID) {
		t.Errorf("network error names more than the host: %v", err)
	}
	if _, ok := errors.AsType[net.Error](err); !ok {
		t.Errorf("%v is not a net.Error", err)
	}
	assertClean(t, err, testSecretKey)
}

// An untrusted certificate is not retried, and the error says so.
func TestUntrustedCertificate(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewUnstartedServer(
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			hits.Add(1)
			_, _ = w.Write([]byte(okBody))
		}),
	)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()
	mismatch := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) // the cert names 127.0.0.1
	for _, tc := range []struct {
		name, url string
		hc        *http.Client
		as        func(error) bool
	}{
		{"unknown authority", srv.URL, NewHTTPClient(), func(err error) bool {
			_, ok := errors.AsType[x509.UnknownAuthorityError](err)
			return ok
		}},
		{"host-name mismatch", mismatch, srv.Client(), func(err error) bool {
			_, ok := errors.AsType[x509.HostnameError](err)
			return ok
		}},
	} {
		hits.Store(0)
		_, err := newTestClient(
			t,
			tc.url,
			fastRetry,
			WithHTTPClient(tc.hc),
		).GenerateAuthorizeToken(t.Context())
		if !tc.as(err) ||
			!strings.Contains(fmt.Sprint(err), "the server's certificate is not trusted") {
			t.Errorf("%s: got %v", tc.name, err)
		}
		if _, ok := errors.AsType[*textError](err); !ok ||
			strings.Contains(err.Error(), "attempts") {
			t.Errorf("%s: got %v, want one attempt", tc.name, err)
		}
	}
}
