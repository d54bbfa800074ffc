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

// callTimeout is long enough for a request to reach the fake on a
// starved machine; the handlers stall until the client gives up, so no
// test depends on how long anything takes.
const callTimeout = time.Second

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
			c := newTestClient(t, f.server.URL, WithCallTimeout(callTimeout))
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
			// 0 when the machine is too slow to deliver the request in time.
			if n := f.hits.Load(); n > 1 {
				t.Errorf("attempts: got %d, want at most 1 (no retry once the call timeout ran out)", n)
			}
		})
	}
}

// The call timeout covers every attempt and wait, not each attempt: two
// quick 503s, then a stalled third attempt, which the timeout cuts with
// no fourth, although the policy allows five.
func TestCallTimeoutCoversRetries(t *testing.T) {
	c, f, _ := setup(t)
	f.handler = func(w http.ResponseWriter, r *http.Request) {
		if f.hits.Load() >= 3 {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	c.bounds = newCallBounds(callTimeout)
	c.retry.MaxAttempts = 5
	c.sleep = sleepContext
	c.jitter = func(time.Duration) time.Duration { return time.Millisecond }
	_, err := c.GenerateAuthorizeToken(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want errors.Is context.DeadlineExceeded", err)
	}
	n := f.hits.Load()
	if n > 3 {
		t.Errorf("attempts: got %d, want at most 3 (the timeout ends the call, not the attempt)", n)
	}
	// On a starved machine the timeout may cut the first or second 503.
	if apiErr, ok := errors.AsType[*APIError](err); n > 1 && (!ok || apiErr.StatusCode != 503) {
		t.Errorf("got %v after %d attempts, want it to wrap the last attempt's 503 too", err, n)
	}
}

// A caller's deadline replaces the call timeout, longer or shorter.
func TestCallerDeadlineReplacesCallTimeout(t *testing.T) {
	_, f, _ := setup(t, ok200)
	f.handler = func(w http.ResponseWriter, r *http.Request) {
		if f.hits.Load() > 1 {
			<-r.Context().Done() // the second call: only a timeout ends it
			return
		}
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

	// A call the timer already cut and unlisted leaves the others listed
	// when it ends.
	first, second := b.start(context.Background()), b.start(context.Background())
	b.mu.Lock()
	first.deadline = time.Time{}
	b.mu.Unlock()
	b.expire()
	first.end()
	if b.head != second || b.tail != second || first.Err() != context.DeadlineExceeded {
		t.Errorf("after the cut call ended: got head %p tail %p (err %v), want only the other call %p", b.head, b.tail, first.Err(), second)
	}
	second.end()

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
