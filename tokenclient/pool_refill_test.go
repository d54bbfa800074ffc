package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestRefillBackoff(t *testing.T) {
	for _, tt := range []struct {
		failures int
		want     time.Duration
	}{
		{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {9, 256 * time.Second},
		{10, 5 * time.Minute}, {11, 5 * time.Minute}, {1000, 5 * time.Minute},
	} {
		if got := refillBackoff(tt.failures); got != tt.want {
			t.Errorf("refillBackoff(%d): got %v, want %v", tt.failures, got, tt.want)
		}
	}
}

// After failures the refill backs off, 1s doubling to 5 minutes with
// jitter, and never stops; Get still calls the source directly, a failed
// direct call leaves the backoff alone, and the first direct success ends
// it at once. A refill success resets the backoff.
func TestPoolHeals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var failing atomic.Bool
		failing.Store(true)
		src := &fakeSource{answer: func(int) error {
			if failing.Load() {
				return errFake
			}
			return nil
		}}
		p := startPool(t, src, WithPoolSize(2))
		time.Sleep(time.Hour)
		synctest.Wait()
		src.mu.Lock()
		calls := append([]time.Time(nil), src.calls...)
		src.mu.Unlock()
		if len(calls) < 14 {
			t.Fatalf("%d refill calls in an hour, want at least 14 (the backoff caps at 5 minutes)", len(calls))
		}
		checkBackoff(t, calls, 1)
		if err := p.Err(); !errors.Is(err, errFake) {
			t.Errorf("Err while failing: got %v, want the source's error", err)
		}
		n := len(calls)
		checkStats(t, p, PoolStats{RefillFailures: int64(n)})

		if _, err := p.Get(context.Background()); !errors.Is(err, errFake) {
			t.Errorf("Get while failing: got %v, want the direct call's error", err)
		}
		synctest.Wait()
		if got := src.numCalls(); got != n+1 {
			t.Errorf("calls after a failed direct Get: got %d, want %d (the backoff goes on)", got, n+1)
		}

		failing.Store(false)
		healed := time.Now()
		if got, want := mustGet(t, p), fmt.Sprint("token-", n+2); got != want {
			t.Errorf("direct Get after the source recovered: got %s, want %s", got, want)
		}
		synctest.Wait()
		if !time.Now().Equal(healed) {
			t.Errorf("the refill resumed after %v, want at once", time.Since(healed))
		}
		if err := p.Err(); err != nil {
			t.Errorf("Err after the refill succeeded: got %v, want nil", err)
		}
		checkStats(t, p, PoolStats{Ready: 2, Minted: 3, HandedOut: 1, DirectMints: 1, RefillFailures: int64(n)})

		failing.Store(true)
		mustGet(t, p) // the refill's next call fails...
		synctest.Wait()
		failing.Store(false)
		time.Sleep(time.Second) // ...and it retries within the first backoff
		synctest.Wait()
		src.mu.Lock()
		checkBackoff(t, src.calls[len(src.calls)-2:], 1)
		src.mu.Unlock()
		checkStats(t, p, PoolStats{Ready: 2, Minted: 4, HandedOut: 2, DirectMints: 1, RefillFailures: int64(n + 1)})
	})
}

// A token that arrives at the max age is discarded and counts as a
// failure, with backoff; one a nanosecond younger is kept. The refill's
// call has no deadline of the pool's, so the source's own bound applies.
func TestPoolTokensArrivingTooOld(t *testing.T) {
	const maxAge = time.Minute
	for _, tt := range []struct {
		delay time.Duration
		want  PoolStats
	}{
		{maxAge - time.Nanosecond, PoolStats{Ready: 1, Minted: 1}},
		{maxAge, PoolStats{Minted: 1, Discarded: 1, RefillFailures: 1}},
	} {
		t.Run(tt.delay.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				src := &fakeSource{answer: func(int) error { time.Sleep(tt.delay); return nil }}
				p := startPool(t, src, WithPoolSize(1), WithMaxAge(maxAge))
				time.Sleep(tt.delay)
				synctest.Wait()
				checkStats(t, p, tt.want)
				if err := p.Err(); (err != nil) != (tt.want.RefillFailures > 0) || err != nil && !errors.Is(err, errTooOld) {
					t.Errorf("Err: got %v, want errTooOld only for a failure", err)
				}
				src.set(func(s *fakeSource) {
					if s.deadline {
						t.Error("the refill's call had a deadline")
					}
				})
				if tt.want.RefillFailures > 0 {
					time.Sleep(time.Second + tt.delay) // the backoff, then the next call
					synctest.Wait()
					src.mu.Lock()
					checkBackoff(t, []time.Time{src.calls[0].Add(tt.delay), src.calls[1]}, 1)
					src.mu.Unlock()
				}
			})
		})
	}
}

// Many Gets on an empty pool: the pool has exactly its limit of calls at
// the source, the other Gets wait, and when the calls return every Get
// gets a distinct token and none is wasted.
func TestPoolMaxInFlight(t *testing.T) {
	for _, tt := range []struct {
		opts  []PoolOption
		limit int
	}{
		{nil, 32}, {[]PoolOption{WithMaxInFlight(5)}, 5}, {[]PoolOption{WithMaxInFlight(1)}, 1},
	} {
		t.Run(fmt.Sprint("limit ", tt.limit), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				hold := make(chan struct{})
				src := &fakeSource{hold: hold}
				p := startPool(t, src, tt.opts...)
				synctest.Wait() // the refill's first call holds a slot
				const callers = 100
				var mu sync.Mutex
				seen := map[string]bool{}
				var wg sync.WaitGroup
				for range callers {
					wg.Go(func() {
						v := mustGet(t, p)
						mu.Lock()
						seen[v] = true
						mu.Unlock()
					})
				}
				synctest.Wait()
				checkStats(t, p, PoolStats{InFlight: tt.limit, Waiting: callers - tt.limit + 1})
				close(hold)
				wg.Wait()
				synctest.Wait()
				s := p.Stats()
				src.mu.Lock()
				defer src.mu.Unlock()
				if len(seen) != callers || s.HandedOut != callers || s.Minted != s.HandedOut+int64(s.Ready) ||
					s.Ready != 4 || s.Waiting != 0 || s.InFlight != 0 || src.maxInCall != tt.limit {
					t.Errorf("%d distinct tokens, at most %d calls at once, Stats %+v; want %d, %d, every token handed out or ready",
						len(seen), src.maxInCall, s, callers, tt.limit)
				}
			})
		})
	}
}

// A waiting Get whose context ends leaves the queue with ctx's error, and
// the token it waited for stays ready; one that a call's failure frees a
// slot for mints with it.
func TestPoolWaitingGet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hold := make(chan struct{})
		src := &fakeSource{hold: hold, answer: func(n int) error {
			if n == 1 {
				return errFake
			}
			return nil
		}}
		p := startPool(t, src, WithPoolSize(1), WithMaxInFlight(1))
		synctest.Wait()
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := p.Get(cancelled); !errors.Is(err, context.Canceled) {
			t.Errorf("Get with a cancelled context: got %v, want context.Canceled", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := p.Get(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Get that timed out waiting: got %v, want context.DeadlineExceeded", err)
		}
		checkStats(t, p, PoolStats{InFlight: 1})

		got := make(chan string)
		go func() { got <- mustGet(t, p) }()
		synctest.Wait()
		src.set(func(s *fakeSource) { s.hold = nil })
		close(hold) // the refill's call fails: the waiting Get gets its slot
		if v := <-got; v != "token-2" {
			t.Errorf("Get that waited for a slot: got %s, want token-2", v)
		}
		synctest.Wait()
		checkStats(t, p, PoolStats{Ready: 1, Minted: 2, HandedOut: 1, DirectMints: 1, RefillFailures: 1})
	})
}

// A refill that finds every slot taken waits, without polling, for one
// to be freed.
func TestPoolRefillWaitsForASlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &fakeSource{answer: func(n int) error {
			if n == 1 {
				return errFake
			}
			return nil
		}}
		p := startPool(t, src, WithPoolSize(1), WithMaxInFlight(1))
		synctest.Wait() // the refill's first call failed; it backs off
		hold := make(chan struct{})
		src.set(func(s *fakeSource) { s.hold = hold })
		got := make(chan string)
		go func() { got <- mustGet(t, p) }() // a direct call takes the only slot
		time.Sleep(time.Hour)
		if n := src.numCalls(); n != 2 {
			t.Errorf("calls while the only slot was taken for an hour: got %d, want 2", n)
		}
		checkStats(t, p, PoolStats{InFlight: 1, RefillFailures: 1})
		close(hold)
		if v := <-got; v != "token-2" {
			t.Errorf("direct Get: got %s, want token-2", v)
		}
		synctest.Wait() // the freed slot wakes the refill
		checkStats(t, p, PoolStats{Ready: 1, Minted: 2, HandedOut: 1, DirectMints: 1, RefillFailures: 1})
	})
}

// A token or a slot handed to a waiting Get just as its context ends is
// not lost: the token is returned, the slot passed on.
func TestPoolHandoffAsContextEnds(t *testing.T) {
	for _, tt := range []struct {
		name    string
		tok     *Token
		want    string
		wantErr error
	}{
		{"token", &Token{Value: "handed"}, "handed", nil},
		{"slot", nil, "", context.Canceled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				src := &fakeSource{hold: make(chan struct{})}
				p := startPool(t, src, WithMaxInFlight(1))
				synctest.Wait() // the refill's call holds the only slot
				ctx, cancel := context.WithCancel(context.Background())
				type result struct {
					tok Token
					err error
				}
				done := make(chan result)
				go func() {
					tok, err := p.Get(ctx)
					done <- result{tok, err}
				}()
				synctest.Wait()
				p.mu.Lock()
				cancel()
				if tt.tok == nil {
					p.inFlight++ // the slot handed on
				}
				p.waiters[0] <- tt.tok // as the refill or a direct call would
				p.waiters = p.waiters[1:]
				p.mu.Unlock()
				r := <-done
				if r.tok.Value != tt.want || !errors.Is(r.err, tt.wantErr) {
					t.Errorf("Get: got %q, %v; want %q, %v", r.tok.Value, r.err, tt.want, tt.wantErr)
				}
				checkStats(t, p, PoolStats{InFlight: 1})
			})
		})
	}
}
