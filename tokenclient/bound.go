package tokenclient

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// DefaultCallTimeout bounds a whole GenerateAuthorizeToken call, every
// attempt and wait included, when the caller's context has no deadline.
const DefaultCallTimeout = 60 * time.Second

// callBounds ends calls that run past a Client's call timeout. All calls
// of a Client share that timeout, so their deadlines fall in the order the
// calls start: a list in start order and one timer serve them all, which
// costs a call far less than a timer of its own (context.WithTimeout).
type callBounds struct {
	timeout time.Duration
	err     error // the cause a cut call reports; matches context.DeadlineExceeded

	mu      sync.Mutex
	head    *boundCtx // earliest deadline
	tail    *boundCtx
	timer   *time.Timer
	timerAt time.Time // when timer fires; zero when it is not armed
}

// boundCtx is a call's context: the caller's, cancelled at the deadline.
type boundCtx struct {
	context.Context
	cancel     context.CancelCauseFunc
	deadline   time.Time
	prev, next *boundCtx
	bounds     *callBounds
	listed     bool
}

func newCallBounds(timeout time.Duration) *callBounds {
	return &callBounds{timeout: timeout, err: &callTimeoutError{timeout: timeout}}
}

// start returns parent bounded by the call timeout, and the function that
// releases it when the call ends.
func (b *callBounds) start(parent context.Context) *boundCtx {
	inner, cancel := context.WithCancelCause(parent)
	c := &boundCtx{Context: inner, cancel: cancel, bounds: b}
	b.mu.Lock()
	// Taking the time under the lock keeps the list in deadline order.
	c.deadline = time.Now().Add(b.timeout)
	c.listed = true
	if b.tail == nil {
		b.head = c
	} else {
		b.tail.next, c.prev = c, b.tail
	}
	b.tail = c
	if b.timerAt.IsZero() {
		b.arm(c.deadline)
	}
	b.mu.Unlock()
	return c
}

// arm sets the timer to fire at t; b.mu must be held.
func (b *callBounds) arm(t time.Time) {
	d := time.Until(t)
	if b.timer == nil {
		b.timer = time.AfterFunc(d, b.expire)
	} else {
		b.timer.Reset(d)
	}
	b.timerAt = t
}

// unlink removes c from the list; b.mu must be held.
func (b *callBounds) unlink(c *boundCtx) {
	if c.prev == nil {
		b.head = c.next
	} else {
		c.prev.next = c.next
	}
	if c.next == nil {
		b.tail = c.prev
	} else {
		c.next.prev = c.prev
	}
	c.prev, c.next, c.listed = nil, nil, false
}

// expire cuts every call past its deadline and re-arms the timer for the
// next one. A finished call leaves the timer armed for its deadline rather
// than paying to stop it; the timer then finds nothing due and re-arms.
func (b *callBounds) expire() {
	var due []*boundCtx
	b.mu.Lock()
	now := time.Now()
	for b.head != nil && !b.head.deadline.After(now) {
		c := b.head
		b.unlink(c)
		due = append(due, c)
	}
	b.timerAt = time.Time{}
	if b.head != nil {
		b.arm(b.head.deadline)
	}
	b.mu.Unlock()
	for _, c := range due {
		c.cancel(b.err)
	}
}

// end releases c; the call is over.
func (c *boundCtx) end() {
	b := c.bounds
	b.mu.Lock()
	if c.listed {
		b.unlink(c)
	}
	b.mu.Unlock()
	c.cancel(context.Canceled)
}

// Deadline reports the call's deadline, so that retries never wait past it.
func (c *boundCtx) Deadline() (time.Time, bool) { return c.deadline, true }

// Err reports context.DeadlineExceeded once the call timeout cut the call,
// as a context.WithTimeout would.
func (c *boundCtx) Err() error {
	err := c.Context.Err()
	if err != nil && context.Cause(c.Context) == c.bounds.err {
		return context.DeadlineExceeded
	}
	return err
}

// callTimeoutError is the cause of a call cut by the call timeout. It
// matches context.DeadlineExceeded and is a net.Error timeout, like the
// error a context deadline gives.
type callTimeoutError struct{ timeout time.Duration }

func (e *callTimeoutError) Error() string {
	return fmt.Sprintf("tokenclient: the call ran past its %v call timeout (WithCallTimeout, or pass a context with a deadline)", e.timeout)
}
func (e *callTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }
func (e *callTimeoutError) Timeout() bool        { return true }
func (e *callTimeoutError) Temporary() bool      { return true }
