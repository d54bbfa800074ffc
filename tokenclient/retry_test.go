package tokenclient

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRetries(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name       string
		opts       []Option
		replies    []reply
		wantHits   int64
		wantWaits  []time.Duration
		wantStatus int // of the final *APIError; 0 for none
		wantToken  bool
	}{
		{name: "503 then 503 then 200", replies: []reply{statusReply(503), statusReply(503), ok200}, wantHits: 3, wantWaits: []time.Duration{200 * ms, 400 * ms}, wantToken: true},
		{name: "408 then 200", replies: []reply{statusReply(408), ok200}, wantHits: 2, wantWaits: []time.Duration{200 * ms}, wantToken: true},
		{name: "429 then 200", replies: []reply{statusReply(429), ok200}, wantHits: 2, wantWaits: []time.Duration{200 * ms}, wantToken: true},
		{name: "500 502 504 gives up after 3", replies: []reply{statusReply(500), statusReply(502), statusReply(504)}, wantHits: 3, wantWaits: []time.Duration{200 * ms, 400 * ms}, wantStatus: 504},
		{name: "connection dropped then 200", replies: []reply{drop, ok200}, wantHits: 2, wantWaits: []time.Duration{200 * ms}, wantToken: true},
		{name: "connection dropped every time", replies: []reply{drop}, wantHits: 3, wantWaits: []time.Duration{200 * ms, 400 * ms}},
		{name: "400 not retried", replies: []reply{statusReply(400), ok200}, wantHits: 1, wantStatus: 400},
		{name: "401 not retried", replies: []reply{unauth, ok200}, wantHits: 1, wantStatus: 401},
		{name: "404 not retried", replies: []reply{statusReply(404), ok200}, wantHits: 1, wantStatus: 404},
		{name: "501 not retried", replies: []reply{statusReply(501), ok200}, wantHits: 1, wantStatus: 501},
		{name: "Retry-After on 400 not retried", replies: []reply{retryAfterReply(400, "1"), ok200}, wantHits: 1, wantStatus: 400},
		{name: "WithoutRetry", opts: []Option{WithoutRetry()}, replies: []reply{statusReply(503), ok200}, wantHits: 1, wantStatus: 503},
		{name: "five attempts with capped backoff", opts: []Option{WithRetry(RetryPolicy{MaxAttempts: 5, BaseDelay: 300 * ms, MaxDelay: time.Second})},
			replies: []reply{statusReply(503), statusReply(503), statusReply(503), statusReply(503), ok200}, wantHits: 5,
			wantWaits: []time.Duration{300 * ms, 600 * ms, time.Second, time.Second}, wantToken: true},
		{name: "Retry-After seconds", replies: []reply{retryAfterReply(503, "3"), ok200}, wantHits: 2, wantWaits: []time.Duration{3 * time.Second}, wantToken: true},
		{name: "Retry-After HTTP date", replies: []reply{retryAfterReply(429, "Fri, 27 Nov 2026 12:00:04 GMT"), ok200}, wantHits: 2, wantWaits: []time.Duration{4 * time.Second}, wantToken: true},
		{name: "Retry-After capped", replies: []reply{retryAfterReply(503, "3600"), ok200}, wantHits: 2, wantWaits: []time.Duration{10 * time.Second}, wantToken: true},
		{name: "Retry-After capped by policy", opts: []Option{WithRetry(RetryPolicy{MaxRetryAfter: 2 * time.Second})}, replies: []reply{retryAfterReply(503, "5"), ok200}, wantHits: 2, wantWaits: []time.Duration{2 * time.Second}, wantToken: true},
		{name: "Retry-After garbage falls back to backoff", replies: []reply{retryAfterReply(503, "soon"), ok200}, wantHits: 2, wantWaits: []time.Duration{200 * ms}, wantToken: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, waits := setup(t, tt.replies...)
			if len(tt.opts) > 0 {
				nc := newTestClient(t, f.server.URL, tt.opts...)
				nc.sleep, nc.jitter = c.sleep, c.jitter
				c = nc
			}
			c.now = func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }
			tok, err := c.GenerateAuthorizeToken(context.Background())
			if got := f.hits.Load(); got != tt.wantHits {
				t.Errorf("attempts: got %d, want %d", got, tt.wantHits)
			}
			if !slices.Equal(*waits, tt.wantWaits) {
				t.Errorf("waits: got %v, want %v", *waits, tt.wantWaits)
			}
			if tt.wantToken {
				if err != nil || tok.Value != testToken {
					t.Errorf("got %q, %v, want token %q", tok.Value, err, testToken)
				}
				return
			}
			if err == nil {
				t.Fatalf("got token %q, want an error", tok.Value)
			}
			apiErr, isAPIErr := errors.AsType[*APIError](err)
			switch {
			case tt.wantStatus == 0 && isAPIErr:
				t.Errorf("got *APIError %v, want a network error", err)
			case tt.wantStatus == 0 && !strings.Contains(err.Error(), "gave up after 3 attempts"):
				t.Errorf("got %q, want it to say how many attempts were made", err)
			case tt.wantStatus != 0 && (!isAPIErr || apiErr.StatusCode != tt.wantStatus):
				t.Errorf("got %v, want *APIError with status %d", err, tt.wantStatus)
			}
		})
	}
}
