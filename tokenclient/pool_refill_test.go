package tokenclient

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// steppingClock moves on by step at every reading, as a real clock does
// between two readings.
type steppingClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func (c *steppingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now
	c.now = c.now.Add(c.step)
	return t
}

func (c *steppingClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// A full pool whose oldest token reaches the max age while the refill
// looks at it still waits for that moment, and then replaces the token:
// it never goes idle with no timer until a Get comes.
func TestPoolRefillWaitsForTheMaxAgeWhileTheClockMoves(t *testing.T) {
	noLeaks(t)
	c, f, _ := setup(t)
	uniqueTokens(f)
	clock := &steppingClock{now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), step: 2 * time.Nanosecond}
	c.now = clock.Now
	ft := newFakeTimers()
	const maxAge = time.Minute
	p := newTestPool(t, c, WithPoolSize(1), WithMaxAge(maxAge), withTimers(ft))

	tm := ft.next(t) // full, waiting for the token to age
	p.mu.Lock()
	minted := p.ready[0].mintedAt
	p.mu.Unlock()
	// The clock next reads 1ns short of the max age, and moves on by 2ns
	// at every reading after that.
	clock.Set(minted.Add(maxAge - time.Nanosecond))
	tm.fire <- minted.Add(maxAge)

	tm = ft.next(t)
	if tm.d <= 0 {
		t.Fatalf("wait of a full pool: got %v, want more than 0", tm.d)
	}
	clock.Set(minted.Add(maxAge))
	tm.fire <- minted.Add(maxAge)
	ft.next(t) // full again, with a fresh token
	if s := p.Stats(); s.Minted != 2 || s.Discarded != 1 || s.Ready != 1 {
		t.Errorf("Stats: got %+v, want 2 minted, 1 discarded, 1 ready", s)
	}
}

// A token the refill receives after Close began is discarded, not put
// back into the closed pool.
func TestPoolRefillAfterCloseDiscardsItsToken(t *testing.T) {
	noLeaks(t)
	arrived, release := make(chan struct{}), make(chan struct{})
	doer := doerFunc(func(r *http.Request) (*http.Response, error) {
		close(arrived) // the pool's first and only request
		<-release
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(okBody)), Request: r}, nil
	})
	c, err := New(testCustomerID, testSecretKey, WithDoer(doer))
	if err != nil {
		t.Fatal(err)
	}
	p := newTestPool(t, c, WithPoolSize(1))
	<-arrived
	// Close marks the pool closed, then cancels the refill: the request
	// succeeds in between, and the refill settles it before the cancel.
	cancel := p.cancel
	p.cancel = func() {
		close(release)
		select {
		case <-p.filled: // the token was kept
		case <-p.done: // the refill saw the pool closed and returned
		}
		cancel()
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if n := p.Len(); n != 0 {
		t.Errorf("Len after Close: got %d, want 0", n)
	}
	if s := p.Stats(); s.Minted != 1 || s.Discarded != 1 || s.Ready != 0 {
		t.Errorf("Stats after Close: got %+v, want 1 minted, 1 discarded, none ready", s)
	}
}
