package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// ErrPoolClosed is returned by Pool.Get after Close.
var ErrPoolClosed = errors.New("tokenclient: pool is closed; create a new Pool")

// A Pool's defaults and limits.
const (
	DefaultPoolSize = 4
	// DefaultMaxAge leaves a handed-out token at least 5 minutes of its
	// 30-minute life.
	DefaultMaxAge = 25 * time.Minute
	// MinMaxAge is the smallest max age NewPool accepts: anything shorter
	// is a unit mistake (WithMaxAge(25) is 25ns, not 25 minutes) that would
	// make an idle pool mint and discard tokens without pause.
	MinMaxAge = 100 * time.Millisecond
	// DefaultMaxInFlight bounds the requests one Pool has at Flinks at once.
	DefaultMaxInFlight = 32
)

// PoolOption configures a Pool.
type PoolOption func(*Pool)

// WithPoolSize sets how many ready tokens the pool keeps (default 4).
func WithPoolSize(n int) PoolOption { return func(p *Pool) { p.size = n } }

// WithMaxAge sets the age after which a ready token is discarded, never
// handed out: at least MinMaxAge, at most TokenLifetime, default 25
// minutes. An idle pool mints at most its size of tokens per max age.
func WithMaxAge(d time.Duration) PoolOption { return func(p *Pool) { p.maxAge = d } }

// WithMaxInFlight bounds the requests the pool has at Flinks at once,
// background refill and Get's direct calls together (default 32). A Get
// that finds the pool empty and the bound reached waits for the first
// token an in-flight request yields, or for its context.
func WithMaxInFlight(n int) PoolOption { return func(p *Pool) { p.maxInFlight = n } }

// Pool hands out authorize tokens minted ahead of time, taking the round
// trip to Flinks off the caller's path. It keeps up to its size of ready
// tokens, minted in the background by one goroutine through a Client;
// each token is handed out exactly once, and tokens older than the max
// age are discarded. A Pool is safe for concurrent use; Close stops it.
type Pool struct {
	client      *Client
	size        int
	maxAge      time.Duration
	maxInFlight int

	mu       sync.Mutex
	ready    []pooledToken // oldest first
	waiters  []*waiter     // Gets waiting for a token or a request slot, oldest first
	inFlight int           // requests at Flinks, refill and direct
	err      error         // the last refill error; nil once a refill succeeds
	backoff  bool          // the refill is waiting out a failure
	stats    PoolStats
	closed   bool

	wake   chan struct{} // a token was taken or discarded, or a slot freed
	resume chan struct{} // a direct mint succeeded: end the refill's backoff
	cancel context.CancelFunc
	done   chan struct{} // closed when the refill goroutine returns

	// Seams for tests.
	now    func() time.Time
	after  func(time.Duration) (<-chan time.Time, func() bool)
	filled chan struct{} // signalled whenever the pool is full and refill waits
}

type pooledToken struct {
	tok Token
	// mintedAt is when the request for tok started: Flinks issued it at
	// some point after, so its age is never underestimated.
	mintedAt time.Time
}

// waiter is a Get that found the pool empty and no request slot free. It
// receives exactly one handoff, sent with p.mu held.
type waiter struct{ ch chan handoff }

type handoff struct {
	tok    Token
	slot   bool // no token, but a request slot to mint one with
	closed bool
}

// NewPool starts a pool that mints through c. It returns an error
// matching ErrInvalidConfig for a size or max in-flight below 1, or a max
// age outside [MinMaxAge, TokenLifetime].
func NewPool(c *Client, opts ...PoolOption) (*Pool, error) {
	if c == nil {
		return nil, invalidConfig("NewPool needs a Client; create one with New")
	}
	p := &Pool{
		client:      c,
		size:        DefaultPoolSize,
		maxAge:      DefaultMaxAge,
		maxInFlight: DefaultMaxInFlight,
		wake:        make(chan struct{}, 1),
		resume:      make(chan struct{}, 1),
		done:        make(chan struct{}),
		now:         time.Now,
		after:       realAfter,
		filled:      make(chan struct{}, 1),
	}
	for _, opt := range opts {
		if opt != nil {
			opt(p)
		}
	}
	switch {
	case p.size < 1:
		return nil, invalidConfig("pool size %d: want at least 1", p.size)
	case p.maxInFlight < 1:
		return nil, invalidConfig("pool max in-flight %d: want at least 1", p.maxInFlight)
	case p.maxAge < MinMaxAge || p.maxAge > TokenLifetime:
		return nil, invalidConfig("pool max age %v: want at least %v and at most %v, the token lifetime (a time.Duration counts nanoseconds: write 25*time.Minute)",
			p.maxAge, MinMaxAge, TokenLifetime)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go p.refill(ctx)
	return p, nil
}

func realAfter(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}

// Get returns a ready token at once if the pool has one. Otherwise it
// mints one directly with ctx, as Client.GenerateAuthorizeToken would, and
// returns that call's token or error; a success also ends any backoff of
// the background refill. When the pool already has its max in-flight
// requests at Flinks, Get waits for the first token one of them yields, or
// a free slot to mint with, or the end of ctx; a token handed to it as
// ctx ends is returned rather than wasted. It returns ErrPoolClosed after
// Close.
func (p *Pool) Get(ctx context.Context) (Token, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return Token{}, ErrPoolClosed
	}
	dropped := p.dropExpiredLocked(p.now())
	if len(p.ready) > 0 {
		tok := p.popLocked()
		p.mu.Unlock()
		signal(p.wake)
		return tok, nil
	}
	if dropped {
		signal(p.wake)
	}
	if p.inFlight < p.maxInFlight {
		p.inFlight++
		p.mu.Unlock()
		return p.direct(ctx)
	}
	w := &waiter{ch: make(chan handoff, 1)}
	p.waiters = append(p.waiters, w)
	p.mu.Unlock()

	var h handoff
	select {
	case h = <-w.ch:
	case <-ctx.Done():
		p.mu.Lock()
		if p.removeWaiterLocked(w) {
			p.mu.Unlock()
			return Token{}, fmt.Errorf("tokenclient: waiting for a token from the pool: %w", ctx.Err())
		}
		p.mu.Unlock()
		h = <-w.ch // sent before we could leave the queue
		if h.slot {
			p.mu.Lock()
			p.releaseSlotLocked()
			p.mu.Unlock()
			return Token{}, fmt.Errorf("tokenclient: waiting for a token from the pool: %w", ctx.Err())
		}
	}
	switch {
	case h.closed:
		return Token{}, ErrPoolClosed
	case h.slot:
		return p.direct(ctx)
	}
	return h.tok, nil
}

// direct mints with a request slot the caller holds, and passes the slot
// on when done.
func (p *Pool) direct(ctx context.Context) (Token, error) {
	tok, err := p.client.GenerateAuthorizeToken(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil {
		p.stats.Minted++
		p.stats.DirectMints++
		p.stats.HandedOut++
		if p.backoff {
			signal(p.resume)
		}
	}
	p.releaseSlotLocked()
	return tok, err
}

// Len reports how many ready tokens the pool holds, expired ones included
// until the next Get or refill discards them.
func (p *Pool) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.ready)
}

// Close stops the refill goroutine, waiting for it to return, answers
// waiting Gets with ErrPoolClosed, and drops the ready tokens (unused
// tokens simply expire). Direct mints already under way finish on their
// callers' goroutines. Close is safe to call more than once.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	clear(p.ready)
	p.ready = nil
	for _, w := range p.waiters {
		w.ch <- handoff{closed: true}
	}
	p.waiters = nil
	p.mu.Unlock()
	p.cancel()
	<-p.done
	return nil
}

// popLocked hands out the oldest ready token; p.ready must not be empty.
func (p *Pool) popLocked() Token {
	tok := p.ready[0].tok
	p.ready[0] = pooledToken{}
	p.ready = p.ready[1:]
	p.stats.HandedOut++
	return tok
}

// deliverLocked gives a freshly minted token to the oldest waiting Get,
// or keeps it ready.
func (p *Pool) deliverLocked(pt pooledToken) {
	if len(p.waiters) > 0 {
		w := p.waiters[0]
		p.waiters[0] = nil
		p.waiters = p.waiters[1:]
		p.stats.HandedOut++
		w.ch <- handoff{tok: pt.tok}
		return
	}
	p.ready = append(p.ready, pt)
}

// releaseSlotLocked passes a finished request's slot to the oldest
// waiting Get, which mints with it, or frees it and wakes the refill,
// which may be waiting for one.
func (p *Pool) releaseSlotLocked() {
	if !p.passSlotLocked() {
		signal(p.wake)
	}
}

// passSlotLocked passes a finished request's slot to the oldest waiting
// Get, or frees it and reports false.
func (p *Pool) passSlotLocked() bool {
	if len(p.waiters) > 0 {
		w := p.waiters[0]
		p.waiters[0] = nil
		p.waiters = p.waiters[1:]
		w.ch <- handoff{slot: true}
		return true
	}
	p.inFlight--
	return false
}

func (p *Pool) removeWaiterLocked(w *waiter) bool {
	i := slices.Index(p.waiters, w)
	if i < 0 {
		return false
	}
	p.waiters = slices.Delete(p.waiters, i, i+1)
	return true
}

// dropExpiredLocked discards ready tokens at or past the max age at now
// and reports whether it discarded any. p.mu must be held.
func (p *Pool) dropExpiredLocked(now time.Time) bool {
	n := 0
	for n < len(p.ready) && now.Sub(p.ready[n].mintedAt) >= p.maxAge {
		p.ready[n] = pooledToken{}
		n++
	}
	p.ready = p.ready[n:]
	p.stats.Discarded += int64(n)
	return n > 0
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
