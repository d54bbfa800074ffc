package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// uniqueTokens makes the fake answer token-1, token-2, …
func uniqueTokens(f *fake) *atomic.Int64 {
	var n atomic.Int64
	f.handler = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"HttpStatusCode":200,"Token":"token-%d"}`, n.Add(1))
	}
	return &n
}

func newTestPool(t *testing.T, c *Client, opts ...PoolOption) *Pool {
	t.Helper()
	p, err := NewPool(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// waitFull blocks until the pool holds size tokens.
func waitFull(p *Pool) {
	for p.Len() < p.size {
		<-p.filled
	}
}

func TestPoolHandsOutEachTokenOnce(t *testing.T) {
	noLeaks(t)
	c, f, _ := setup(t)
	minted := uniqueTokens(f)
	p := newTestPool(t, c, WithPoolSize(3))
	waitFull(p)

	const goroutines, gets = 16, 25
	seen := getConcurrently(t, p, goroutines, gets)()
	checkDistinct(t, seen, goroutines*gets)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if got := minted.Load(); got < int64(len(seen)) {
		t.Errorf("server minted %d tokens but %d were handed out", got, len(seen))
	}
}

// getConcurrently starts goroutines that each Get gets tokens; the
// function it returns waits for them and counts each token handed out.
func getConcurrently(t *testing.T, p *Pool, goroutines, gets int) (wait func() map[string]int) {
	t.Helper()
	var (
		mu   sync.Mutex
		seen = map[string]int{}
		wg   sync.WaitGroup
	)
	for range goroutines {
		wg.Go(func() {
			for range gets {
				tok, err := p.Get(context.Background())
				if err != nil {
					t.Errorf("Get: %v", err)
					return
				}
				mu.Lock()
				seen[tok.Value]++
				mu.Unlock()
			}
		})
	}
	return func() map[string]int {
		wg.Wait()
		return seen
	}
}

// checkDistinct checks that want tokens were handed out, each once.
func checkDistinct(t *testing.T, seen map[string]int, want int) {
	t.Helper()
	for v, n := range seen {
		if n != 1 {
			t.Errorf("token %s handed out %d times", v, n)
		}
	}
	if len(seen) != want {
		t.Errorf("distinct tokens handed out: got %d, want %d", len(seen), want)
	}
}

// A warm pool answers without a round trip; an empty one mints directly.
func TestPoolGetFromWarmPoolSkipsTheRoundTrip(t *testing.T) {
	noLeaks(t)
	c, f, _ := setup(t)
	uniqueTokens(f)
	p := newTestPool(t, c, WithPoolSize(2))
	waitFull(p)

	release := make(chan struct{})
	f.handler = func(w http.ResponseWriter, r *http.Request) {
		select { // Flinks hangs from now on
		case <-release:
		case <-r.Context().Done():
		}
	}
	defer close(release)
	for i := range 2 {
		tok, err := p.Get(context.Background())
		if err != nil || tok.Value == "" {
			t.Fatalf("Get %d from the warm pool: got %q, %v", i+1, tok.Value, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Get(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Get from the empty pool: got %v, want the direct mint's context.Canceled", err)
	}
}

func TestPoolNeverHandsOutStaleTokens(t *testing.T) {
	noLeaks(t)
	c, f, _ := setup(t)
	uniqueTokens(f)
	var mu sync.Mutex
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	p := newTestPool(t, c, WithPoolSize(3), WithMaxAge(time.Minute))
	waitFull(p)
	stale := []string{}
	p.mu.Lock()
	for _, pt := range p.ready {
		stale = append(stale, pt.tok.Value)
	}
	p.mu.Unlock()

	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	// The refill sleeps on a real timer of a minute, so only Get changes
	// the ready list now: tokens exactly at the max age no longer count.
	if got := p.Stats().Ready; got != 0 {
		t.Errorf("Stats().Ready at exactly the max age: got %d, want 0", got)
	}
	for range 5 {
		tok, err := p.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(stale, tok.Value) {
			t.Errorf("handed out %s, older than the max age", tok.Value)
		}
		if !tok.ExpiresAt.Equal(now.Add(TokenLifetime)) {
			t.Errorf("ExpiresAt: got %v, want %v", tok.ExpiresAt, now.Add(TokenLifetime))
		}
	}
}

func TestPoolClose(t *testing.T) {
	noLeaks(t)
	c, f, _ := setup(t)
	arrived := make(chan struct{}, 1)
	f.handler = blockUntilGone(arrived)
	p, err := NewPool(c)
	if err != nil {
		t.Fatal(err)
	}
	<-arrived // a refill is in flight
	if err := p.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := p.Get(context.Background()); !errors.Is(err, ErrPoolClosed) {
		t.Errorf("Get after Close: got %v, want ErrPoolClosed", err)
	}
}

func TestNewPoolRejectsBadOptions(t *testing.T) {
	c := newTestClient(t, "https://flinks.example")
	tests := []struct {
		name string
		opt  PoolOption
		want string // in the message
	}{
		{"size 0", WithPoolSize(0), "pool size 0"},
		{"max age 0", WithMaxAge(0), "max age 0s"},
		{"max age 25ns, meant as minutes", WithMaxAge(25), "25*time.Minute"},
		{"max age just under the minimum", WithMaxAge(MinMaxAge - 1), "at least 100ms"},
		{"max age past the token lifetime", WithMaxAge(31 * time.Minute), "token lifetime"},
		{"max in-flight 0", WithMaxInFlight(0), "max in-flight 0"},
		{"max in-flight negative", WithMaxInFlight(-1), "max in-flight -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPool(c, tt.opt)
			if p != nil {
				_ = p.Close()
			}
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want ErrInvalidConfig saying %q", err, tt.want)
			}
		})
	}
	if _, err := NewPool(nil); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("NewPool(nil): got %v, want ErrInvalidConfig", err)
	}
	for _, opt := range []PoolOption{WithMaxAge(MinMaxAge), WithMaxAge(TokenLifetime), WithMaxInFlight(1)} {
		p, err := NewPool(c, opt)
		if err != nil {
			t.Errorf("got %v, want a pool at the edge of the range", err)
			continue
		}
		_ = p.Close()
	}
}

// noLeaks checks, after every other cleanup (the fake's Close included),
// that no goroutine outlives the test. Call it first.
func noLeaks(t *testing.T) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
}
