package tokenclient

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"
)

// Clients built with the default HTTP client share one transport, and
// CloseIdleConnections leaves no goroutine behind.
func TestDefaultClientsLeaveNoGoroutines(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(benchHandler))
	defer srv.Close()
	before := goleak.IgnoreCurrent() // the server's listener among them
	var clients []*Client
	for range 50 {
		c := newTestClient(t, srv.URL)
		if _, err := c.GenerateAuthorizeToken(context.Background()); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	for _, c := range clients[1:] {
		if c.doer != clients[0].doer {
			t.Fatalf("got doers %p and %p, want one shared client", c.doer, clients[0].doer)
		}
	}
	clients[0].CloseIdleConnections()
	goleak.VerifyNone(t, before)
}

type closeCounter struct {
	doerFunc
	closed atomic.Int64
}

func (c *closeCounter) CloseIdleConnections() { c.closed.Add(1) }

func TestCloseIdleConnectionsReachesTheDoer(t *testing.T) {
	d := &closeCounter{doerFunc: func(*http.Request) (*http.Response, error) { return nil, context.Canceled }}
	c, err := New(testCustomerID, testSecretKey, WithDoer(d))
	if err != nil {
		t.Fatal(err)
	}
	c.CloseIdleConnections()
	if n := d.closed.Load(); n != 1 {
		t.Errorf("doer's CloseIdleConnections calls: got %d, want 1", n)
	}
	plain, err := New(testCustomerID, testSecretKey, WithDoer(doerFunc(func(*http.Request) (*http.Response, error) { return nil, context.Canceled })))
	if err != nil {
		t.Fatal(err)
	}
	plain.CloseIdleConnections() // a doer without the method: nothing to do, no panic
}

// headerAdder is a RoundTripper that breaks the rule not to modify the
// request, as some instrumentation does.
type headerAdder struct{ next http.RoundTripper }

func (h headerAdder) RoundTrip(r *http.Request) (*http.Response, error) {
	r.Header.Add("X-Trace", "1")
	return h.next.RoundTrip(r)
}

// Requests share the Client's headers only with HTTP clients known not
// to modify them; others get a copy each.
func TestRequestHeadersAreSharedOnlyWhenSafe(t *testing.T) {
	jar, _ := cookiejar.New(nil)
	tests := []struct {
		name      string
		hc        *http.Client
		wantShare bool
	}{
		{"default transport", &http.Client{}, true},
		{"net/http Transport", &http.Client{Transport: &http.Transport{}}, true},
		{"cookie jar", &http.Client{Jar: jar}, false},
		{"custom RoundTripper", &http.Client{Transport: headerAdder{http.DefaultTransport}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, f, _ := setup(t, ok200)
			var traces []int
			f.handler = func(w http.ResponseWriter, r *http.Request) {
				traces = append(traces, len(r.Header.Values("X-Trace")))
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(okBody))
			}
			c := newTestClient(t, f.server.URL, WithHTTPClient(tt.hc))
			if c.shareRequest != tt.wantShare {
				t.Errorf("shareRequest: got %v, want %v", c.shareRequest, tt.wantShare)
			}
			for range 3 {
				if _, err := c.GenerateAuthorizeToken(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			for i, n := range traces {
				if n > 1 {
					t.Errorf("call %d: got %d X-Trace headers, want at most 1 (headers leaked between calls)", i+1, n)
				}
			}
			if got := len(c.request.Header.Values("X-Trace")); got != 0 {
				t.Errorf("the Client's request got %d X-Trace headers, want 0", got)
			}
		})
	}
}
