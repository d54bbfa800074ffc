package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// switchable makes the fake refuse the key (echoing it, as a careless
// proxy might) until ok is set, then answer token-1, token-2, …
func switchable(f *fake) (ok *atomic.Bool) {
	ok = new(atomic.Bool)
	var n atomic.Int64
	f.handler = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if !ok.Load() {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"HttpStatusCode":401,"Message":"bad key %s","FlinksCode":"UNAUTHORIZED"}`, r.Header.Get("flinks-auth-key"))
			return
		}
		fmt.Fprintf(w, `{"HttpStatusCode":200,"Token":"token-%d"}`, n.Add(1))
	}
	return ok
}

// After a 401 the refill backs off, doubling to 5 minutes, instead of
// stopping; Get still calls Flinks directly, and its first success ends
// the backoff at once.
func TestPoolHealsAfterUnauthorized(t *testing.T) {
	noLeaks(t)
	c, f, _ := setup(t)
	ok := switchable(f)
	ft := newFakeTimers()
	p := newTestPool(t, c, WithPoolSize(2), withTimers(ft))

	wantWaits := []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second,
		32 * time.Second, 64 * time.Second, 128 * time.Second, 256 * time.Second, 5 * time.Minute, 5 * time.Minute}
	var waits []time.Duration
	for i := range wantWaits {
		tm := ft.next(t)
		waits = append(waits, tm.d)
		if i < len(wantWaits)-1 {
			tm.fire <- time.Time{}
		}
	}
	if !slices.Equal(waits, wantWaits) {
		t.Errorf("refill waits after 401s: got %v, want %v", waits, wantWaits)
	}
	if got := f.hits.Load(); got != int64(len(wantWaits)) {
		t.Errorf("refill requests: got %d, want one per wait, %d", got, len(wantWaits))
	}
	err := p.Err()
	if !errors.Is(err, ErrUnauthorized) || strings.Contains(err.Error(), testSecretKey) {
		t.Errorf("Err: got %v, want ErrUnauthorized without the secret key", err)
	}

	// Get calls Flinks as the Client alone would, while the refill waits.
	if _, err := p.Get(context.Background()); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("Get while the key is refused: got %v, want ErrUnauthorized from a direct call", err)
	}
	if got := f.hits.Load(); got != int64(len(wantWaits))+1 {
		t.Errorf("requests after Get: got %d, want %d", got, len(wantWaits)+1)
	}

	ok.Store(true) // the key works again
	tok, err := p.Get(context.Background())
	if err != nil || tok.Value != "token-1" {
		t.Fatalf("Get after the key was fixed: got %q, %v, want token-1", tok.Value, err)
	}
	// The 5-minute backoff is never fired: the refill resumes at once and
	// next waits, full, for the oldest token to age.
	if tm := ft.next(t); tm.d <= DefaultMaxAge-time.Minute {
		t.Errorf("wait after resuming: got %v, want the wait of a full pool, about %v", tm.d, DefaultMaxAge)
	}
	if err := p.Err(); err != nil {
		t.Errorf("Err after the refill succeeded: got %v, want nil", err)
	}
	got := p.Stats()
	want := PoolStats{Ready: 2, Minted: 3, HandedOut: 1, DirectMints: 1, RefillFailures: int64(len(wantWaits))}
	if got != want {
		t.Errorf("Stats: got %+v, want %+v", got, want)
	}
}

// Other refill failures back off from 100ms; a success resets it.
func TestPoolRefillBacksOff(t *testing.T) {
	noLeaks(t)
	c, _, _ := setup(t, statusReply(503), statusReply(503), statusReply(503), statusReply(503), ok200)
	c.retry.MaxAttempts = 1
	ft := newFakeTimers()
	p := newTestPool(t, c, WithPoolSize(1), withTimers(ft))
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
	var waits []time.Duration
	for range want {
		tm := ft.next(t)
		waits = append(waits, tm.d)
		tm.fire <- time.Time{}
	}
	if !slices.Equal(waits, want) {
		t.Errorf("refill waits: got %v, want %v", waits, want)
	}
	waitFull(p)
	if err := p.Err(); err != nil {
		t.Errorf("Err after a successful refill: got %v, want nil", err)
	}
	tok, err := p.Get(context.Background())
	if err != nil || tok.Value != testToken {
		t.Errorf("Get: got %q, %v, want %q", tok.Value, err, testToken)
	}
	if s := p.Stats(); s.RefillFailures != 4 || s.DirectMints != 0 {
		t.Errorf("Stats: got %+v, want 4 refill failures and no direct mint", s)
	}
}

func TestRefillBackoff(t *testing.T) {
	tests := []struct {
		failures     int
		unauthorized bool
		want         time.Duration
	}{
		{1, false, 100 * time.Millisecond},
		{2, false, 200 * time.Millisecond},
		{9, false, 25600 * time.Millisecond},
		{10, false, 30 * time.Second},
		{1000, false, 30 * time.Second},
		{1, true, time.Second},
		{9, true, 256 * time.Second},
		{10, true, 5 * time.Minute},
		{1000, true, 5 * time.Minute},
	}
	for _, tt := range tests {
		if got := refillBackoff(tt.failures, tt.unauthorized); got != tt.want {
			t.Errorf("refillBackoff(%d, unauthorized %t): got %v, want %v", tt.failures, tt.unauthorized, got, tt.want)
		}
	}
}
