package tokenclient

import (
	"sync"
	"testing"
	"time"
)

// fakeTimers replaces a Pool's timers: each wait the pool starts is sent
// to the test, which fires it when it chooses.
type fakeTimers struct{ started chan fakeTimer }

type fakeTimer struct {
	d    time.Duration
	fire chan time.Time
}

func newFakeTimers() *fakeTimers { return &fakeTimers{started: make(chan fakeTimer, 1024)} }

func withTimers(ft *fakeTimers) PoolOption {
	return func(p *Pool) { p.after = ft.after }
}

func (ft *fakeTimers) after(d time.Duration) (<-chan time.Time, func() bool) {
	tm := fakeTimer{d: d, fire: make(chan time.Time, 1)}
	ft.started <- tm
	return tm.fire, func() bool { return true }
}

// next returns the next wait the pool starts. The bound only turns a
// hang into a failure; it is not a timing assertion.
func (ft *fakeTimers) next(t *testing.T) fakeTimer {
	t.Helper()
	select {
	case tm := <-ft.started:
		return tm
	case <-time.After(time.Minute):
		t.Fatal("the pool started no wait within a minute")
		return fakeTimer{}
	}
}

// fakeClock is a settable clock for the Client and Pool.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock(c *Client) *fakeClock {
	fc := &fakeClock{now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	c.now = fc.Now
	return fc
}

func (fc *fakeClock) Now() time.Time {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	return fc.now
}

func (fc *fakeClock) Advance(d time.Duration) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.now = fc.now.Add(d)
}
