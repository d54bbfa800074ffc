package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/flinkskit/flinks-token-go/tokenclient"
)

type stubPool struct {
	err   error
	stats tokenclient.PoolStats
}

func (s stubPool) Err() error                   { return s.err }
func (s stubPool) Stats() tokenclient.PoolStats { return s.stats }

func TestHealthz(t *testing.T) {
	refused := fmt.Errorf("tokenclient: attempt 1 of 1: %w", tokenclient.ErrUnauthorized)
	tests := []struct {
		name       string
		pool       stubPool
		wantStatus int
		want       healthReport
	}{
		{"healthy", stubPool{stats: tokenclient.PoolStats{Ready: 4, Minted: 9, HandedOut: 5}}, 200,
			healthReport{Status: "ok", Pool: tokenclient.PoolStats{Ready: 4, Minted: 9,
				HandedOut: 5}}},
		{"refill failing",
			stubPool{err: refused, stats: tokenclient.PoolStats{RefillFailures: 3}}, 503,
			healthReport{Status: "unavailable", Error: refused.Error(),
				Pool: tokenclient.PoolStats{RefillFailures: 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/healthz", nil)
			withSecurityHeaders(healthz{tt.pool}).ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", rec.Code, tt.wantStatus)
			}
			var got healthReport
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestHealthzPool reads a real Pool: the page's token shows in its
// counters.
func TestHealthzPool(t *testing.T) {
	_, appURL := setup(t)
	get(t, appURL+"/")
	resp, body := get(t, appURL+"/healthz")
	var got healthReport
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	if resp.StatusCode != http.StatusOK || got.Status != "ok" || got.Pool.HandedOut != 1 {
		t.Errorf("got %d %+v, want 200 ok with 1 token handed out", resp.StatusCode, got)
	}
}
