package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
)

// gate makes the fake hold every request until release is closed, and
// count how many it holds at once.
type gate struct {
	arrived  chan struct{}
	release  chan struct{}
	inFlight atomic.Int64
	max      atomic.Int64
}

func gated(f *fake) *gate {
	g := &gate{arrived: make(chan struct{}, 4096), release: make(chan struct{})}
	var n atomic.Int64
	f.handler = func(w http.ResponseWriter, r *http.Request) {
		now := g.inFlight.Add(1)
		for m := g.max.Load(); now > m && !g.max.CompareAndSwap(m, now); m = g.max.Load() {
		}
		g.arrived <- struct{}{}
		<-g.release
		g.inFlight.Add(-1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"HttpStatusCode":200,"Token":"token-%d"}`, n.Add(1))
	}
	return g
}

// 200 concurrent Gets on an empty pool: every caller is served, the pool
// never has more than its limit at Flinks, and no token is wasted.
func TestPoolNeverStampedes(t *testing.T) {
	for _, tt := range []struct {
		name  string
		opts  []PoolOption
		limit int
	}{
		{"default limit", nil, DefaultMaxInFlight},
		{"WithMaxInFlight(5)", []PoolOption{WithMaxInFlight(5)}, 5},
		{"WithMaxInFlight(1)", []PoolOption{WithMaxInFlight(1)}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			noLeaks(t)
			c, f, _ := setup(t)
			g := gated(f)
			p := newTestPool(t, c, tt.opts...)

			const callers = 200
			wait := getConcurrently(t, p, callers, 1)
			for range tt.limit { // the pool reaches its limit, all held
				<-g.arrived
			}
			if s := p.Stats(); s.InFlight != tt.limit {
				t.Errorf("Stats().InFlight with every request held: got %d, want %d", s.InFlight, tt.limit)
			}
			close(g.release)
			seen := wait()
			waitFull(p)

			if got := g.max.Load(); got > int64(tt.limit) {
				t.Errorf("requests at Flinks at once: got %d, want at most %d", got, tt.limit)
			}
			checkDistinct(t, seen, callers)
			s := p.Stats()
			if s.Minted != f.hits.Load() || s.Minted != s.HandedOut+int64(s.Ready) || s.Discarded != 0 || s.HandedOut != callers {
				t.Errorf("Stats: got %+v with %d requests at Flinks; want every token minted handed out or ready, none discarded",
					s, f.hits.Load())
			}
			t.Logf("max in flight %d (limit %d), %d tokens minted, %d handed out, %d ready, %d wasted",
				g.max.Load(), tt.limit, s.Minted, s.HandedOut, s.Ready, s.Minted-s.HandedOut-int64(s.Ready))
		})
	}
}

// A Get that waits for a slot gives up with its context, and leaves the
// slot and the token for others.
func TestPoolWaitingGetHonoursContext(t *testing.T) {
	noLeaks(t)
	c, f, _ := setup(t)
	g := gated(f)
	p := newTestPool(t, c, WithPoolSize(1), WithMaxInFlight(1))
	<-g.arrived // the refill holds the only slot

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Get(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with a cancelled context while the slot is taken: got %v, want context.Canceled", err)
	}
	if s := p.Stats(); s.Waiting != 0 || s.InFlight != 1 {
		t.Errorf("Stats after the Get gave up: got %+v, want nothing waiting, 1 in flight", s)
	}
	close(g.release)
	tok, err := p.Get(context.Background())
	if err != nil || tok.Value == "" {
		t.Errorf("Get after the refill finished: got %q, %v, want a token", tok.Value, err)
	}
}

// Close answers Gets waiting for a slot with ErrPoolClosed.
func TestPoolCloseReleasesWaitingGets(t *testing.T) {
	noLeaks(t)
	c, f, _ := setup(t)
	g := gated(f)
	defer close(g.release)
	p := newTestPool(t, c, WithMaxInFlight(1))
	<-g.arrived // the refill holds the only slot

	errc := make(chan error)
	go func() {
		_, err := p.Get(context.Background())
		errc <- err
	}()
	_ = p.Close() // before or after the Get queued: either way it must end
	if err := <-errc; !errors.Is(err, ErrPoolClosed) {
		t.Errorf("Get waiting at Close: got %v, want ErrPoolClosed", err)
	}
}
