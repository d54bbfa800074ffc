package tokenclient

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRedirectsAreNotFollowed(t *testing.T) {
	var stolen atomic.Int64
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
	}))
	t.Cleanup(thief.Close)
	for _, code := range []int{301, 302, 307, 308} {
		for name, opt := range map[string]Option{
			"default client":          nil,
			"caller's default-policy": WithHTTPClient(&http.Client{}),
		} {
			t.Run(http.StatusText(code)+"/"+name, func(t *testing.T) {
				c, f, _ := setup(t, reply{status: code, header: map[string]string{"Location": thief.URL + "/steal"}})
				if opt != nil {
					c = newTestClient(t, f.server.URL, opt)
				}
				_, err := c.GenerateAuthorizeToken(context.Background())
				apiErr, ok := errors.AsType[*APIError](err)
				if !ok || apiErr.StatusCode != code {
					t.Fatalf("got %v, want *APIError with status %d", err, code)
				}
				if apiErr.Location != thief.URL+"/steal" || !strings.Contains(err.Error(), "not followed") {
					t.Errorf("got %q (Location %q), want it to name the redirect target", err, apiErr.Location)
				}
				if n := stolen.Load(); n != 0 {
					t.Errorf("redirect target got %d requests, want 0", n)
				}
			})
		}
	}
}

func TestWithHTTPClientLeavesCallersClientAlone(t *testing.T) {
	hc := &http.Client{}
	_ = newTestClient(t, "https://flinks.example", WithHTTPClient(hc))
	if hc.CheckRedirect != nil {
		t.Errorf("caller's CheckRedirect was changed")
	}
}

func TestResponseBodyIsBounded(t *testing.T) {
	padded := func(n int) string { return okBody + strings.Repeat(" ", n-len(okBody)) }
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		wantErr  error
		wantCode int
	}{
		{name: "exactly the limit", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(padded(MaxResponseBytes)))
		}},
		{name: "one byte over", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(padded(MaxResponseBytes + 1)))
		}, wantErr: ErrResponseTooLarge, wantCode: 200},
		{name: "endless 200", handler: endless(200), wantErr: ErrResponseTooLarge, wantCode: 200},
		{name: "endless 401", handler: endless(401), wantErr: ErrUnauthorized, wantCode: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := setup(t)
			f.handler = tt.handler
			tok, err := c.GenerateAuthorizeToken(context.Background())
			if tt.wantErr == nil {
				if err != nil || tok.Value != testToken {
					t.Errorf("got %q, %v, want %q", tok.Value, err, testToken)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !errors.Is(err, ErrResponseTooLarge) {
				t.Errorf("got %v, want errors.Is %v and ErrResponseTooLarge", err, tt.wantErr)
			}
			if apiErr, ok := errors.AsType[*APIError](err); !ok || apiErr.StatusCode != tt.wantCode {
				t.Errorf("got %v, want *APIError with status %d", err, tt.wantCode)
			}
		})
	}
}

// endless writes a body that never ends, until the client goes away.
func endless(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		chunk := []byte(strings.Repeat("x", 32<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
}

func TestDefaultHTTPClient(t *testing.T) {
	c := newTestClient(t, "https://flinks.example")
	other := newTestClient(t, "https://other.example")
	hc, ok := c.doer.(*http.Client)
	if !ok || hc == http.DefaultClient {
		t.Fatalf("default doer: got %T %p, want a dedicated *http.Client", c.doer, c.doer)
	}
	if other.doer != c.doer {
		t.Errorf("default doers: got %p and %p, want one shared client", other.doer, c.doer)
	}
	if !c.shareRequest {
		t.Errorf("default doer: requests are cloned, want them shared")
	}
	if hc.Timeout != 0 {
		t.Errorf("Timeout: got %v, want 0 (the call is bounded by its context)", hc.Timeout)
	}
	checkTransport(t, hc)
	if tr := hc.Transport.(*http.Transport); tr.ResponseHeaderTimeout != 0 {
		t.Errorf("ResponseHeaderTimeout: got %v, want 0 (the call is bounded by its context)", tr.ResponseHeaderTimeout)
	}

	direct := NewHTTPClient()
	if direct.Timeout <= 0 {
		t.Errorf("NewHTTPClient Timeout: got %v, want > 0 (the generated client has no other bound)", direct.Timeout)
	}
	if direct.Transport == hc.Transport {
		t.Errorf("NewHTTPClient shares the default transport, want one of its own")
	}
	checkTransport(t, direct)
}

func checkTransport(t *testing.T, hc *http.Client) {
	t.Helper()
	if hc.CheckRedirect == nil || hc.CheckRedirect(nil, nil) != http.ErrUseLastResponse {
		t.Errorf("CheckRedirect does not refuse redirects")
	}
	tr, ok := hc.Transport.(*http.Transport)
	if !ok || tr == http.DefaultTransport {
		t.Fatalf("Transport: got %T, want a dedicated *http.Transport", hc.Transport)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"own dialer (with a timeout)", tr.DialContext != nil},
		{"TLS handshake timeout", tr.TLSHandshakeTimeout > 0},
		{"TLS >= 1.2", tr.TLSClientConfig != nil && tr.TLSClientConfig.MinVersion >= tls.VersionTLS12},
		{"HTTP/2 attempted", tr.ForceAttemptHTTP2},
		{"idle pool per host > 2", tr.MaxIdleConnsPerHost >= 64},
		{"idle pool total >= per host", tr.MaxIdleConns >= tr.MaxIdleConnsPerHost},
	}
	for _, check := range checks {
		if !check.ok {
			t.Errorf("%s: not set", check.name)
		}
	}
}

func TestDelayBackoff(t *testing.T) {
	p := DefaultRetryPolicy()
	identity := func(d time.Duration) time.Duration { return d }
	ms := time.Millisecond
	for attempt, want := range map[int]time.Duration{1: 200 * ms, 2: 400 * ms, 3: 800 * ms, 4: 1600 * ms, 5: 2 * time.Second, 60: 2 * time.Second} {
		if got := p.delay(attempt, 0, identity); got != want {
			t.Errorf("delay(%d): got %v, want %v", attempt, got, want)
		}
	}
	for range 1000 {
		if got := fullJitter(time.Second); got < 0 || got >= time.Second {
			t.Fatalf("fullJitter(1s): got %v, want in [0, 1s)", got)
		}
	}
	if got := fullJitter(0); got != 0 {
		t.Errorf("fullJitter(0): got %v, want 0", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := map[string]time.Duration{
		"":                              0,
		"0":                             0,
		"-5":                            0,
		"7":                             7 * time.Second,
		" 7 ":                           7 * time.Second,
		"99999999999":                   24 * time.Hour,
		"Fri, 27 Nov 2026 12:00:30 GMT": 30 * time.Second,
		"Fri, 27 Nov 2026 11:00:00 GMT": 0,
		"tomorrow":                      0,
	}
	for in, want := range tests {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q): got %v, want %v", in, got, want)
		}
	}
}
