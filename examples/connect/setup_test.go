package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

// connectVisit is one request for the stand-in Connect page.
type connectVisit struct {
	token  string
	status int
}

// fakeFlinks is flinkstest's handler on loopback, recording every request
// for the Connect page and its answer, so a test sees a spent token that
// a browser presents, not only the tokens that worked.
type fakeFlinks struct {
	*flinkstest.Handler
	URL string

	mu     sync.Mutex
	visits []connectVisit
}

func (f *fakeFlinks) Visits() []connectVisit {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]connectVisit(nil), f.visits...)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// setup starts a fake Flinks and the app, wired as run wires them with
// -fake, and returns the fake and the app's URL.
func setup(t *testing.T) (*fakeFlinks, string) {
	t.Helper()
	return setupWith(t, nil)
}

// setupWith is setup with Connect parameters for the iframe URL.
func setupWith(t *testing.T, params url.Values) (*fakeFlinks, string) {
	t.Helper()
	fake := &fakeFlinks{Handler: flinkstest.NewHandler()}
	fakeServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != flinkstest.ConnectPath {
			fake.Handler.ServeHTTP(w, r)
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		fake.Handler.ServeHTTP(rec, r)
		fake.mu.Lock()
		fake.visits = append(fake.visits, connectVisit{token: r.URL.Query().Get("authorizeToken"),
			status: rec.status})
		fake.mu.Unlock()
	}))
	t.Cleanup(fakeServer.Close)
	fake.URL = fakeServer.URL

	return fake, startApp(t, fakeServer.URL, fakeServer.Client(), params, t.Output())
}

// startApp serves the app with a client and Pool for the fake Flinks at
// fakeURL, logging to logs, and returns its URL.
func startApp(t *testing.T, fakeURL string, hc *http.Client, params url.Values,
	logs io.Writer) string {
	t.Helper()
	client, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(fakeURL), tokenclient.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	pool, err := tokenclient.NewPool(client)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	// As run serves it, behind the Host check: the browser test shows that
	// a real browser's Host (127.0.0.1:port) passes it.
	app := httptest.NewServer(checkHost(nil, newMux(pool, client, params,
		slog.New(slog.NewTextHandler(logs, nil)))))
	t.Cleanup(app.Close)
	return app.URL
}
