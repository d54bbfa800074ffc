package main

import (
	"encoding/json"
	"net/http"
	"testing"
)

// handedOut reads how many tokens the app's pool has handed out, from
// /healthz.
func handedOut(t *testing.T, appURL string) int64 {
	t.Helper()
	_, body := get(t, appURL+"/healthz")
	var got healthReport
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("healthz body %q: %v", body, err)
	}
	return got.Pool.HandedOut
}

// TestNoTokenWithoutAPage checks that requests that show no Connect page
// (HEAD, which link checkers and uptime monitors send, and every other
// route) take no token: each token taken is one minted at Flinks.
func TestNoTokenWithoutAPage(t *testing.T) {
	_, appURL := setup(t)
	tests := []struct {
		method, path string
		wantStatus   int
	}{
		{http.MethodHead, "/", 200},
		{http.MethodHead, "/?view=2", 200},
		{http.MethodHead, "/healthz", 200},
		{http.MethodHead, "/static/connect.js", 200},
		{http.MethodHead, "/other", 404},
		{http.MethodGet, "/healthz", 200},
		{http.MethodGet, "/static/page.css", 200},
		{http.MethodGet, "/other", 404},
		{http.MethodPost, "/", 405},
		{http.MethodOptions, "/", 405},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, appURL+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("%s %s: got status %d, want %d", tt.method, tt.path, resp.StatusCode,
				tt.wantStatus)
		}
		if got := handedOut(t, appURL); got != 0 {
			t.Fatalf("after %s %s: pool handed out %d tokens, want 0", tt.method, tt.path, got)
		}
	}
	// The counter does move for a page view.
	get(t, appURL+"/")
	if got := handedOut(t, appURL); got != 1 {
		t.Errorf("after GET /: pool handed out %d tokens, want 1", got)
	}
}
