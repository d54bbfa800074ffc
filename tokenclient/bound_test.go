package tokenclient

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// trickle writes a 200's headers, then one byte of body every tick, never
// finishing, until the client goes away.
func trickle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := w.Write([]byte(" ")); err != nil {
			return
		}
		http.NewResponseController(w).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

// stallBody writes a 200's headers and part of a body, then nothing.
func stallBody(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"Token":`))
	http.NewResponseController(w).Flush()
	<-r.Context().Done()
}

func TestCallTimeoutCutsStalledCalls(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"no answer", blockUntilGone(make(chan struct{}, 10))},
		{"headers then a stalled body", stallBody},
		{"trickled body", trickle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, f, _ := setup(t)
			f.handler = tt.handler
			c := newTestClient(t, f.server.URL, WithCallTimeout(100*time.Millisecond))
			_, err := c.GenerateAuthorizeToken(context.Background())
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("got %v, want errors.Is context.DeadlineExceeded", err)
			}
			if ne, ok := errors.AsType[net.Error](err); !ok || !ne.Timeout() {
				t.Errorf("got %v, want a net.Error with Timeout() true", err)
			}
			if !strings.Contains(err.Error(), "WithCallTimeout") {
				t.Errorf("got %q, want it to name WithCallTimeout", err)
			}
			if n := f.hits.Load(); n != 1 {
				t.Errorf("attempts: got %d, want 1 (no retry once the call timeout ran out)", n)
			}
		})
	}
}

// The call timeout covers every attempt and wait, not each attempt.
func TestCallTimeoutCoversRetries(t *testing.T) {
	c, f, _ := setup(t, statusReply(503))
	c.bounds = newCallBounds(100 * time.Millisecond)
	c.retry.MaxAttempts = 1000
	c.sleep = sleepContext
	c.jitter = func(time.Duration) time.Duration { return time.Millisecond }
	_, err := c.GenerateAuthorizeToken(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want errors.Is context.DeadlineExceeded", err)
	}
	if apiErr, ok := errors.AsType[*APIError](err); !ok || apiErr.StatusCode != 503 {
		t.Errorf("got %v, want it to wrap the last attempt's 503 too", err)
	}
	if n := f.hits.Load(); n >= 1000 {
		t.Errorf("attempts: got %d, want the call timeout to stop them first", n)
	}
}

// A caller's deadline replaces the call timeout, longer or shorter.
func TestCallerDeadlineReplacesCallTimeout(t *testing.T) {
	_, f, _ := setup(t, ok200)
	f.handler = func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(200 * time.Millisecond): // latency, past the call timeout
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(okBody))
	}
	c := newTestClient(t, f.server.URL, WithCallTimeout(20*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if tok, err := c.GenerateAuthorizeToken(ctx); err != nil || tok.Value != testToken {
		t.Errorf("with a 1m context deadline: got %q, %v, want the token", tok.Value, err)
	}
	if _, err := c.GenerateAuthorizeToken(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("without a context deadline: got %v, want the 20ms call timeout", err)
	}
}

func TestCallTimeoutMustBePositive(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		if _, err := New(testCustomerID, testSecretKey, WithCallTimeout(d)); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("WithCallTimeout(%v): got %v, want ErrInvalidConfig", d, err)
		}
	}
}

func TestCallBoundsList(t *testing.T) {
	b := newCallBounds(time.Hour)
	calls := []*boundCtx{b.start(context.Background()), b.start(context.Background()), b.start(context.Background())}
	calls[1].end()
	b.expire() // nothing is due
	var left []*boundCtx
	for c := b.head; c != nil; c = c.next {
		left = append(left, c)
	}
	if len(left) != 2 || left[0] != calls[0] || left[1] != calls[2] || b.tail != calls[2] {
		t.Fatalf("list after ending the middle call: got %v, want the first and last", left)
	}
	for i, c := range calls {
		wantErr := error(nil)
		if i == 1 {
			wantErr = context.Canceled
		}
		if err := c.Err(); err != wantErr {
			t.Errorf("call %d: Err() got %v, want %v", i, err, wantErr)
		}
		if d, ok := c.Deadline(); !ok || time.Until(d) < 59*time.Minute {
			t.Errorf("call %d: Deadline() got %v, %v, want about an hour from now", i, d, ok)
		}
	}
	calls[0].end()
	calls[2].end()
	if b.head != nil || b.tail != nil {
		t.Errorf("list after every call ended: got head %p tail %p, want empty", b.head, b.tail)
	}

	short := newCallBounds(time.Nanosecond)
	c := short.start(context.Background())
	<-c.Done()
	if err := c.Err(); err != context.DeadlineExceeded {
		t.Errorf("expired call: Err() got %v, want context.DeadlineExceeded", err)
	}
	if cause := context.Cause(c); cause != short.err {
		t.Errorf("expired call: Cause got %v, want the call timeout error", cause)
	}
	c.end()
	if short.head != nil {
		t.Errorf("expired call still listed")
	}
	again := short.start(context.Background()) // the timer re-arms
	<-again.Done()
	again.end()
}

// Cancelling the caller's context is a cancellation, not a timeout.
func TestBoundedCallCancelled(t *testing.T) {
	b := newCallBounds(time.Hour)
	parent, cancel := context.WithCancel(context.Background())
	c := b.start(parent)
	defer c.end()
	cancel()
	<-c.Done()
	if err := c.Err(); err != context.Canceled {
		t.Errorf("Err() got %v, want context.Canceled", err)
	}
}
