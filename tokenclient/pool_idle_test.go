package tokenclient

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

// An idle pool replaces its tokens as they reach the max age: at most its
// size per max age, never more.
func TestPoolIdleCostBounded(t *testing.T) {
	noLeaks(t)
	c, f, _ := setup(t)
	uniqueTokens(f)
	clock := newFakeClock(c)
	ft := newFakeTimers()
	const size, maxAge = 3, time.Minute
	p := newTestPool(t, c, WithPoolSize(size), WithMaxAge(maxAge), withTimers(ft))

	for cycle := 1; cycle <= 5; cycle++ {
		tm := ft.next(t) // full, waiting for the oldest token to age
		if tm.d != maxAge {
			t.Errorf("cycle %d: wait of a full pool: got %v, want %v", cycle, tm.d, maxAge)
		}
		if got, want := f.hits.Load(), int64(size*cycle); got != want {
			t.Errorf("cycle %d: tokens minted: got %d, want %d (size per max age)", cycle, got, want)
		}
		clock.Advance(maxAge)
		tm.fire <- clock.Now()
	}
	ft.next(t)
	if s := p.Stats(); s.Discarded != 5*size || s.Minted != 6*size || s.Ready != size {
		t.Errorf("Stats: got %+v, want %d discarded, %d minted, %d ready", s, 5*size, 6*size, size)
	}
}

// A token that arrives already past the max age is discarded, and the
// refill backs off instead of minting the next one at once.
func TestPoolBacksOffTokensArrivingTooOld(t *testing.T) {
	noLeaks(t)
	c, f, _ := setup(t)
	clock := newFakeClock(c)
	f.handler = func(w http.ResponseWriter, r *http.Request) {
		clock.Advance(time.Minute) // a slow network
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(okBody))
	}
	ft := newFakeTimers()
	p := newTestPool(t, c, WithPoolSize(2), WithMaxAge(time.Minute), withTimers(ft))

	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}
	for i, w := range want {
		tm := ft.next(t)
		if tm.d != w {
			t.Errorf("wait %d: got %v, want %v", i+1, tm.d, w)
		}
		if got := f.hits.Load(); got != int64(i+1) {
			t.Errorf("wait %d: requests so far: got %d, want %d", i+1, got, i+1)
		}
		if i < len(want)-1 {
			tm.fire <- clock.Now()
		}
	}
	if err := p.Err(); !errors.Is(err, errTooOld) {
		t.Errorf("Err: got %v, want tokens arriving too old", err)
	}
	if s := p.Stats(); s.Discarded != 3 || s.Ready != 0 || s.RefillFailures != 3 {
		t.Errorf("Stats: got %+v, want 3 discarded, none ready, 3 refill failures", s)
	}
}
