package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestNewPoolRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		src  TokenSource
		opt  PoolOption
		want string // in the message; "" for a pool NewPool accepts
	}{
		{"nil source", nil, nil, "needs a TokenSource"},
		{"nil *Client", (*Client)(nil), nil, "needs a TokenSource"},
		{"size 0", &fakeSource{}, WithPoolSize(0), "pool size 0: want at least 1"},
		{"size 1", &fakeSource{}, WithPoolSize(1), ""},
		{"max in-flight 0", &fakeSource{}, WithMaxInFlight(0), "max in-flight 0: want at least 1"},
		{"max in-flight -1", &fakeSource{}, WithMaxInFlight(-1), "max in-flight -1"},
		{"max in-flight 1", &fakeSource{}, WithMaxInFlight(1), ""},
		{"max age 25ns, meant as minutes", &fakeSource{}, WithMaxAge(25), "max age 25ns: want at least 100ms and at most 30m0s"},
		{"max age just under 100ms", &fakeSource{}, WithMaxAge(100*time.Millisecond - 1), "25*time.Minute"},
		{"max age 100ms", &fakeSource{}, WithMaxAge(100 * time.Millisecond), ""},
		{"max age the token lifetime", &fakeSource{}, WithMaxAge(TokenLifetime), ""},
		{"max age past the token lifetime", &fakeSource{}, WithMaxAge(TokenLifetime + 1), "the token lifetime"},
		{"nil option", &fakeSource{}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p, err := NewPool(tt.src, tt.opt)
				if tt.want == "" {
					if err != nil {
						t.Fatalf("got %v, want a pool", err)
					}
					if err := p.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
					return
				}
				if p != nil || !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("got %v, %v; want no pool and ErrInvalidConfig saying %q", p, err, tt.want)
				}
			})
		})
	}
}

// The pool fills to its size without waiting, hands its tokens out oldest
// first, and replaces each one taken at once.
func TestPoolFillsAndReplaces(t *testing.T) {
	for _, size := range []int{1, 3} {
		t.Run(fmt.Sprint("size ", size), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				src := &fakeSource{}
				p := startPool(t, src, WithPoolSize(size))
				synctest.Wait()
				checkStats(t, p, PoolStats{Ready: size, Minted: int64(size)})
				for i := 1; i <= 2*size; i++ {
					if got, want := mustGet(t, p), fmt.Sprint("token-", i); got != want {
						t.Errorf("Get %d: got %s, want %s", i, got, want)
					}
					synctest.Wait()
					if got, want := src.numCalls(), size+i; got != want {
						t.Errorf("after Get %d: %d calls, want %d", i, got, want)
					}
				}
				checkStats(t, p, PoolStats{Ready: size, Minted: int64(3 * size), HandedOut: int64(2 * size)})
			})
		})
	}
}

func TestPoolHandsOutEachTokenOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := startPool(t, &fakeSource{}, WithPoolSize(3))
		const goroutines, gets = 16, 25
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range goroutines {
			wg.Go(func() {
				for range gets {
					v := mustGet(t, p)
					mu.Lock()
					seen[v]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		for v, n := range seen {
			if n != 1 {
				t.Errorf("%s handed out %d times", v, n)
			}
		}
		s := p.Stats()
		if len(seen) != goroutines*gets || s.HandedOut != goroutines*gets || s.Minted != s.HandedOut+int64(s.Ready) {
			t.Errorf("%d distinct tokens, Stats %+v; want %d, each minted token handed out or ready", len(seen), s, goroutines*gets)
		}
	})
}

// A token is ready until just before the max age and not at it; an idle
// pool replaces its tokens then, its size per max age and no more.
func TestPoolMaxAge(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const size, maxAge = 3, time.Minute
		src := &fakeSource{}
		p := startPool(t, src, WithPoolSize(size), WithMaxAge(maxAge))
		for cycle := range 4 {
			time.Sleep(maxAge - time.Nanosecond)
			synctest.Wait()
			if got, want := src.numCalls(), size*(cycle+1); got != want {
				t.Errorf("cycle %d, just before the max age: %d calls, want %d", cycle, got, want)
			}
			checkStats(t, p, PoolStats{Ready: size, Minted: int64(size * (cycle + 1)), Discarded: int64(size * cycle)})
			time.Sleep(time.Nanosecond)
			synctest.Wait()
		}
		if got, want := mustGet(t, p), fmt.Sprint("token-", 4*size+1); got != want {
			t.Errorf("Get after 4 max ages: got %s, want %s", got, want)
		}
	})
}

// Stats, like Get, does not count a token exactly at the max age, even
// while the refill cannot replace it; the refill's call is cut then.
func TestPoolTokenAtMaxAgeIsNotReady(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const maxAge = time.Minute
		src := &fakeSource{}
		p := startPool(t, src, WithPoolSize(2), WithMaxAge(maxAge))
		synctest.Wait()
		src.set(func(s *fakeSource) { s.hold = make(chan struct{}) })
		mustGet(t, p) // the refill's next call hangs
		time.Sleep(maxAge - time.Nanosecond)
		checkStats(t, p, PoolStats{Ready: 1, InFlight: 1, Minted: 2, HandedOut: 1})
		time.Sleep(time.Nanosecond)
		synctest.Wait() // the max age also cuts the refill's call
		checkStats(t, p, PoolStats{Minted: 2, HandedOut: 1, Discarded: 1, RefillFailures: 1})
		if err := p.Err(); !errors.Is(err, errTooOld) {
			t.Errorf("Err: got %v, want errTooOld", err)
		}
	})
}

func TestPoolClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &fakeSource{hold: make(chan struct{})}
		p := startPool(t, src, WithMaxInFlight(1))
		synctest.Wait() // the refill's call holds the only slot
		errc := make(chan error)
		go func() {
			_, err := p.Get(context.Background())
			errc <- err
		}()
		synctest.Wait() // Get waits
		checkStats(t, p, PoolStats{InFlight: 1, Waiting: 1})
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := <-errc; !errors.Is(err, ErrPoolClosed) {
			t.Errorf("Get waiting at Close: got %v, want ErrPoolClosed", err)
		}
		if err := p.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if _, err := p.Get(context.Background()); !errors.Is(err, ErrPoolClosed) {
			t.Errorf("Get after Close: got %v, want ErrPoolClosed", err)
		}
		checkStats(t, p, PoolStats{})
	})
}

// A token the refill receives after Close began is discarded, and Close
// waits for it.
func TestPoolCloseDiscardsALateToken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		src := &fakeSource{answer: func(int) error { <-release; return nil }} // deaf to its context
		p := startPool(t, src, WithPoolSize(1))
		synctest.Wait()
		closed := make(chan struct{})
		go func() {
			_ = p.Close()
			close(closed)
		}()
		synctest.Wait()
		select {
		case <-closed:
			t.Fatal("Close returned while the refill was still in its call")
		default:
		}
		close(release)
		<-closed
		checkStats(t, p, PoolStats{Minted: 1, Discarded: 1})
	})
}

// No fmt verb prints a token; each says whether the pool is healthy.
func TestPoolFormatHidesTokens(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &fakeSource{}
		p := startPool(t, src, WithPoolSize(2))
		synctest.Wait()
		for _, healthy := range []bool{true, false} {
			want := fmt.Sprintf("tokenclient.Pool{size: 2, maxAge: 25m0s, maxInFlight: 32, ready: 2, inFlight: 0, minted: 2, handedOut: 0, healthy: %t}", healthy)
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
				if got := fmt.Sprintf(verb, p); got != want {
					t.Errorf("%s: got %s, want %s", verb, got, want)
				}
			}
			if got := fmt.Sprintf("%+v", struct{ P *Pool }{p}); strings.Contains(got, "token-") {
				t.Errorf("%%+v of a struct holding the pool: got %s", got)
			}
			p.mu.Lock()
			p.err = errFake
			p.mu.Unlock()
		}
	})
	if got := fmt.Sprint((*Pool)(nil)); got != "<nil>" {
		t.Errorf("nil pool: got %q, want <nil>", got)
	}
}

// Close ends the refill goroutine mid-call and leaves no goroutine behind,
// on the real clock as well.
func TestPoolCloseLeavesNoGoroutine(t *testing.T) {
	before := goleak.IgnoreCurrent()
	arrived := make(chan struct{})
	p, err := NewPool(sourceFunc(func(ctx context.Context) (Token, error) {
		close(arrived) // the refill's first and only call
		<-ctx.Done()
		return Token{}, ctx.Err()
	}))
	if err != nil {
		t.Fatal(err)
	}
	<-arrived
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	goleak.VerifyNone(t, before)
}
