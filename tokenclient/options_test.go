package tokenclient

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestBackoff(t *testing.T) {
	p := RetryPolicy{BaseDelay: time.Second, MaxDelay: 5 * time.Second, MaxRetryAfter: 3 * time.Second}
	same := func(d time.Duration) time.Duration { return d }
	for _, tc := range []struct {
		attempt    int
		retryAfter time.Duration
		want       time.Duration
	}{
		{1, 0, time.Second}, {2, 0, 2 * time.Second}, {3, 0, 4 * time.Second}, {4, 0, 5 * time.Second}, {60, 0, 5 * time.Second},
		{1, time.Second, time.Second}, {1, 3 * time.Second, 3 * time.Second}, {1, 4 * time.Second, 3 * time.Second},
	} {
		if got := p.delay(tc.attempt, tc.retryAfter, same); got != tc.want {
			t.Errorf("delay(%d, %v): got %v, want %v", tc.attempt, tc.retryAfter, got, tc.want)
		}
	}
	if huge := (RetryPolicy{BaseDelay: 1 << 62, MaxDelay: 1 << 62}); huge.delay(3, 0, same) != 1<<62 {
		t.Errorf("a backoff at its cap doubled again (and overflowed): %v", huge.delay(3, 0, same))
	}
	if d := (RetryPolicy{}).withDefaults(); d != (RetryPolicy{3, 200 * time.Millisecond, 2 * time.Second, 10 * time.Second}) {
		t.Errorf("defaults: %+v", d)
	}
	if fullJitter(0) != 0 || fullJitter(1) != 0 {
		t.Error("fullJitter of 0 or 1ns is not 0")
	}
	for range 100 {
		if j := fullJitter(time.Second); j < 0 || j >= time.Second {
			t.Fatalf("fullJitter(1s) = %v", j)
		}
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("the redirect was followed")
	}))
	defer target.Close()
	_, f := setup(t, reply{status: http.StatusTemporaryRedirect, header: map[string]string{"Location": target.URL}})
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
	for name, hc := range map[string]*http.Client{"default": defaultHTTPClient(), "NewHTTPClient": NewHTTPClient()} {
		tr := hc.Transport.(*http.Transport)
		if tr.HTTP2 == nil || tr.HTTP2.SendPingTimeout != 10*time.Second || tr.HTTP2.PingTimeout != 5*time.Second {
			t.Errorf("%s: HTTP/2 health checks %+v, want pings after 10s silent, 5s to answer", name, tr.HTTP2)
		}
		if !tr.ForceAttemptHTTP2 || tr.TLSClientConfig.MinVersion != tls.VersionTLS12 || tr.MaxIdleConnsPerHost != 100 || tr.MaxIdleConns != 100 ||
			tr.TLSHandshakeTimeout != 10*time.Second || tr.IdleConnTimeout != 90*time.Second || tr.Proxy == nil || dialer.Timeout != 10*time.Second || dialer.KeepAlive != 30*time.Second {
			t.Errorf("%s: transport %+v", name, tr)
		}
		if hc.CheckRedirect(nil, nil) != http.ErrUseLastResponse {
			t.Errorf("%s follows redirects", name)
		}
	}
	if NewHTTPClient().Timeout != 60*time.Second || defaultHTTPClient().Timeout != 0 {
		t.Error("want a 60s request timeout on NewHTTPClient's client only (a Client has its call timeout)")
	}
	a, b := newTestClient(t, "https://a.example"), newTestClient(t, "https://b.example")
	own := newTestClient(t, "https://a.example", WithHTTPClient(NewHTTPClient()))
	if a.hc != b.hc || a.hc != defaultHTTPClient() || own.hc.Transport == a.hc.Transport || NewHTTPClient().Transport == NewHTTPClient().Transport {
		t.Error("default Clients do not share one transport, or other clients do")
	}
}

// Over TLS the default transport speaks HTTP/2.
func TestHTTP2(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			t.Errorf("got %s, want HTTP/2", r.Proto)
		}
		_, _ = w.Write([]byte(okBody))
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	hc := NewHTTPClient()
	hc.Transport.(*http.Transport).TLSClientConfig.RootCAs = srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	defer hc.CloseIdleConnections()
	c := newTestClient(t, srv.URL, WithHTTPClient(hc))
	if _, err := c.GenerateAuthorizeToken(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestCloseIdleConnections(t *testing.T) {
	_, f := setup(t, ok200)
	before := goleak.IgnoreCurrent() // the fake's listener among them
	for _, c := range []*Client{newTestClient(t, f.server.URL), newTestClient(t, f.server.URL, WithHTTPClient(NewHTTPClient()))} {
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
		{"nil Response", func(*http.Request) (*http.Response, error) { return nil, nil }, "returned a nil *Response with a nil error"},
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
	} {
		c := newTestClient(t, "https://flinks.example", WithoutRetry(), WithHTTPClient(&http.Client{Transport: tc.rt}))
		if _, err := c.GenerateAuthorizeToken(t.Context()); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
}
