package tokenclient

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// An error that ends a retry sequence keeps its story: how many attempts
// were made, and both the context's error and the last attempt's.
func TestErrorsKeepTheirStory(t *testing.T) {
	tests := []struct {
		name       string
		replies    []reply
		deadline   bool // the second attempt blocks until the context ends
		cancelWait bool // the context is cancelled during the first wait
		wantCtx    error
		wantStatus int
		wantText   []string
	}{
		{name: "503 three times", replies: []reply{statusReply(503)}, wantStatus: 503, wantText: []string{"503", "after 3 attempts"}},
		{name: "429 then 500 then 502", replies: []reply{statusReply(429), statusReply(500), statusReply(502)}, wantStatus: 502, wantText: []string{"502", "after 3 attempts"}},
		{name: "401 at once", replies: []reply{unauth}, wantStatus: 401, wantText: []string{"401"}},
		{name: "503 then the deadline", replies: []reply{statusReply(503)}, deadline: true, wantCtx: context.DeadlineExceeded, wantStatus: 503, wantText: []string{"during attempt 2: the call ran past its 1m0s call timeout", "503"}},
		{name: "503 then cancelled while waiting", replies: []reply{statusReply(503)}, cancelWait: true, wantCtx: context.Canceled, wantStatus: 503, wantText: []string{"during attempt 1: context canceled", "503"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := setup(t, tt.replies...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.deadline {
				first := true
				f.handler = func(w http.ResponseWriter, r *http.Request) {
					if first {
						first = false
						w.WriteHeader(503)
						return
					}
					expireNow(c.bounds) // the call timeout runs out now
					<-r.Context().Done()
				}
			}
			if tt.cancelWait {
				c.sleep = func(context.Context, time.Duration) error {
					cancel()
					return ctx.Err()
				}
			}
			_, err := c.GenerateAuthorizeToken(ctx)
			if err == nil {
				t.Fatal("got no error")
			}
			if tt.wantCtx != nil && !errors.Is(err, tt.wantCtx) {
				t.Errorf("got %v, want errors.Is %v", err, tt.wantCtx)
			}
			apiErr, ok := errors.AsType[*APIError](err)
			if !ok || apiErr.StatusCode != tt.wantStatus {
				t.Fatalf("got %v, want it to wrap the *APIError with status %d", err, tt.wantStatus)
			}
			if want := int(f.hits.Load()); tt.wantCtx == nil && apiErr.Attempts != want {
				t.Errorf("Attempts: got %d, want %d", apiErr.Attempts, want)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("got %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

// expireNow makes every call in b due and lets the timer's work run.
func expireNow(b *callBounds) {
	b.mu.Lock()
	for c := b.head; c != nil; c = c.next {
		c.deadline = time.Time{}
	}
	b.mu.Unlock()
	b.expire()
}
