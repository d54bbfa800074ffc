package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
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
// jitter, and never stops; Token still calls the source directly, a failed
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
			t.Fatalf("%d refill calls in an hour, want at least 14 (the backoff caps at 5m)",
				len(calls))
		}
		checkBackoff(t, calls, 1)
		if err := p.Err(); !errors.Is(err, errFake) {
			t.Errorf("Err while failing: got %v, want the source's error", err)
		}
		n := len(calls)
		checkStats(t, p, PoolStats{RefillFailures: int64(n)})

		if _, err := p.Token(context.Background()); !errors.Is(err, errFake) {
			t.Errorf("Token while failing: got %v, want the direct call's error", err)
		}
		synctest.Wait()
		if got := src.numCalls(); got != n+1 {
			t.Errorf("calls after a failed direct Token: got %d, want %d (the backoff goes on)",
				got, n+1)
		}

		failing.Store(false)
		healed := time.Now()
		if got, want := mustGet(t, p), fmt.Sprint("token-", n+2); got != want {
			t.Errorf("direct Token after the source recovered: got %s, want %s", got, want)
		}
		synctest.Wait()
		if !time.Now().Equal(healed) {
			t.Errorf("the refill resumed after %v, want at once", time.Since(healed))
		}
		if err := p.Err(); err != nil {
			t.Errorf("Err after the refill succeeded: got %v, want nil", err)
		}
		checkStats(t, p, PoolStats{Ready: 2, Minted: 3, HandedOut: 1, DirectMints: 1,
			RefillFailures: int64(n)})

		failing.Store(true)
		mustGet(t, p) // the refill's next call fails...
		synctest.Wait()
		failing.Store(false)
		time.Sleep(time.Second) // ...and it retries within the first backoff
		synctest.Wait()
		src.mu.Lock()
		checkBackoff(t, src.calls[len(src.calls)-2:], 1)
		src.mu.Unlock()
		checkStats(t, p, PoolStats{Ready: 2, Minted: 4, HandedOut: 2, DirectMints: 1,
			RefillFailures: int64(n + 1)})
	})
}

// A token that arrives at the max age, from a source deaf to its context,
// is discarded and counts as a failure, with backoff; one a nanosecond
// younger is kept.
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
				if err := p.Err(); (err != nil) != (tt.want.RefillFailures > 0) ||
					err != nil && !errors.Is(err, errTooLate) {
					t.Errorf("Err: got %v, want errTooLate only for a failure", err)
				}
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

// Many Token calls on an empty pool: the pool has exactly its limit of
// calls at the source, the others wait, and when the calls return each
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
				checkStats(t, p, PoolStats{InFlight: tt.limit})
				close(hold)
				wg.Wait()
				synctest.Wait()
				s := p.Stats()
				src.mu.Lock()
				defer src.mu.Unlock()
				if len(seen) != callers || s.HandedOut != callers ||
					s.Minted != s.HandedOut+int64(s.Ready) || s.Ready != 4 || s.InFlight != 0 ||
					src.maxInCall != tt.limit {
					t.Errorf("%d distinct tokens, at most %d calls at once, Stats %+v; want %d, "+
						"%d, every token handed out or ready", len(seen), src.maxInCall, s, callers,
						tt.limit)
				}
			})
		})
	}
}

// A Token waiting for a slot whose context ends returns ctx's error; one
// that a call's failure frees a slot for mints with it.
func TestPoolWaitingToken(t *testing.T) {
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
		if _, err := p.Token(cancelled); !errors.Is(err, context.Canceled) {
			t.Errorf("Token with a cancelled context: got %v, want context.Canceled", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := p.Token(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Token that timed out waiting: got %v, want context.DeadlineExceeded", err)
		}
		checkStats(t, p, PoolStats{InFlight: 1})

		got := make(chan string)
		go func() { got <- mustGet(t, p) }()
		synctest.Wait()
		src.set(func(s *fakeSource) { s.hold = nil })
		close(hold) // the refill's call fails: the waiting Token gets its slot
		if v := <-got; v != "token-2" {
			t.Errorf("Token that waited for a slot: got %s, want token-2", v)
		}
		synctest.Wait()
		checkStats(t, p, PoolStats{Ready: 1, Minted: 2, HandedOut: 1, DirectMints: 1,
			RefillFailures: 1})
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
			t.Errorf("direct Token: got %s, want token-2", v)
		}
		synctest.Wait() // the freed slot wakes the refill
		checkStats(t, p, PoolStats{Ready: 1, Minted: 2, HandedOut: 1, DirectMints: 1,
			RefillFailures: 1})
	})
}

// A refill call that fails, returns an empty token or panics is a refill
// failure: Err reports it, the slot is freed (the pool has one), no token
// is handed out, and the refill backs off and recovers. The logger gets
// the first failure of a run at Warn and each recovery at Info, no more.
func TestPoolRefillFailures(t *testing.T) {
	failing := func(n int) bool { return n <= 3 || n == 5 }
	for _, tt := range []struct {
		name    string
		src     *fakeSource
		wantErr string
		minted  int64 // by the 3 failures
	}{
		{"error", &fakeSource{answer: func(n int) error {
			if failing(n) {
				return errFake
			}
			return nil
		}}, errFake.Error(), 0},
		{"empty token", &fakeSource{edit: func(n int, tok *Token) {
			if failing(n) {
				tok.Value = ""
			}
		}}, errEmptyToken.Error(), 0},
		{"panic", &fakeSource{answer: func(n int) error {
			if failing(n) {
				panic(fmt.Sprint("boom ", n))
			}
			return nil
		}}, "tokenclient: pool refill: the TokenSource panicked: boom 1", 0},
		{"expired token", &fakeSource{edit: func(n int, tok *Token) {
			if failing(n) {
				tok.ExpiresAt = time.Now()
			}
		}}, errTooLate.Error(), 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				logs := &recorder{}
				p := startPool(t, tt.src, WithPoolSize(1), WithMaxInFlight(1),
					WithPoolLogger(slog.New(logs)))
				synctest.Wait()
				if err := p.Err(); err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Errorf("Err: got %v, want %q", err, tt.wantErr)
				}
				checkStats(t, p, PoolStats{Minted: tt.minted / 3, Discarded: tt.minted / 3,
					RefillFailures: 1})
				time.Sleep(10 * time.Second) // backoffs under 1s, 2s and 4s; call 4 succeeds
				synctest.Wait()
				checkStats(t, p, PoolStats{Ready: 1, Minted: tt.minted + 1,
					Discarded: tt.minted, RefillFailures: 3})
				if err := p.Err(); err != nil {
					t.Errorf("Err after the refill recovered: %v", err)
				}
				if got := mustGet(t, p); got != "token-4" {
					t.Errorf("Token: got %s, want token-4", got)
				}
				time.Sleep(10 * time.Second) // call 5 fails, call 6 succeeds
				synctest.Wait()
				mustGet(t, p) // call 7 succeeds after a success: no line
				synctest.Wait()
				want := []string{
					"WARN tokenclient: pool refill failed, backing off error=" + tt.wantErr,
					"INFO tokenclient: pool refill recovered failures=3",
					"WARN tokenclient: pool refill failed, backing off error=" + tt.wantErr,
					"INFO tokenclient: pool refill recovered failures=1",
				}
				want[2] = strings.Replace(want[2], "boom 1", "boom 5", 1)
				got := logs.lines()
				if len(got) != len(want) {
					t.Fatalf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"),
						strings.Join(want, "\n"))
				}
				for i := range want {
					if !strings.HasPrefix(got[i], want[i]) {
						t.Errorf("log line %d: got %q, want %q", i, got[i], want[i])
					}
				}
			})
		})
	}
}

// A ready token is handed out until the max age or until the expiry
// margin before its own ExpiresAt, whichever comes first; one that
// arrives within the margin is a refill failure.
func TestPoolHandsOutBeforeItsExpiry(t *testing.T) {
	const maxAge = 25 * time.Minute
	for _, tt := range []struct {
		lifetime, until time.Duration // until 0: never handed out
	}{
		{TokenLifetime, maxAge},
		{time.Minute, time.Minute - expiryMargin},
		{expiryMargin + time.Nanosecond, time.Nanosecond},
		{expiryMargin, 0},
		{300 * time.Millisecond, 0},
	} {
		t.Run(tt.lifetime.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				src := &fakeSource{edit: func(_ int, tok *Token) {
					tok.ExpiresAt = time.Now().Add(tt.lifetime)
				}}
				p := startPool(t, src, WithPoolSize(1), WithMaxAge(maxAge))
				synctest.Wait()
				if tt.until == 0 {
					checkStats(t, p, PoolStats{Minted: 1, Discarded: 1, RefillFailures: 1})
					if err := p.Err(); !errors.Is(err, errTooLate) {
						t.Errorf("Err: got %v, want errTooLate", err)
					}
					return
				}
				time.Sleep(tt.until - time.Nanosecond)
				checkStats(t, p, PoolStats{Ready: 1, Minted: 1})
				time.Sleep(time.Nanosecond)
				synctest.Wait() // dropped and replaced
				checkStats(t, p, PoolStats{Ready: 1, Minted: 2, Discarded: 1})
				if got := mustGet(t, p); got != "token-2" {
					t.Errorf("Token at %v: got %s, want token-2", tt.until, got)
				}
			})
		})
	}
}

// Ready tokens are handed out soonest to expire first, and each is dropped
// at its own time, whatever order they came in.
func TestPoolHandsOutSoonestExpiryFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lifetimes := []time.Duration{10 * time.Minute, 5 * time.Minute, 20 * time.Minute}
		src := &fakeSource{edit: func(n int, tok *Token) {
			if n <= len(lifetimes) {
				tok.ExpiresAt = time.Now().Add(lifetimes[n-1])
			}
		}}
		p := startPool(t, src, WithPoolSize(3))
		synctest.Wait()
		time.Sleep(5*time.Minute - expiryMargin) // token-2 is dropped and replaced
		synctest.Wait()
		checkStats(t, p, PoolStats{Ready: 3, Minted: 4, Discarded: 1})
		for _, want := range []string{"token-1", "token-3", "token-4"} {
			if got := mustGet(t, p); got != want {
				t.Errorf("Token: got %s, want %s", got, want)
			}
		}
	})
}

// recorder is a slog.Handler that keeps each record as "LEVEL msg k=v...".
type recorder struct {
	mu   sync.Mutex
	recs []string
}

func (h *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *recorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recorder) WithGroup(string) slog.Handler            { return h }

func (h *recorder) Handle(_ context.Context, r slog.Record) error {
	line := r.Level.String() + " " + r.Message
	r.Attrs(func(a slog.Attr) bool {
		line += " " + a.String()
		return true
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, line)
	return nil
}

func (h *recorder) lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.recs...)
}

// checkBackoff checks that the gaps between calls are refill backoffs:
// between half and all of 1s, doubling to 5 minutes, counted from first
// failures.
func checkBackoff(t *testing.T, calls []time.Time, first int) {
	t.Helper()
	for i := 1; i < len(calls); i++ {
		d := refillBackoff(first + i - 1)
		if gap := calls[i].Sub(calls[i-1]); gap < d/2 || gap >= d {
			t.Errorf("wait after failure %d: got %v, want at least %v and under %v",
				first+i-1, gap, d/2, d)
		}
	}
}
