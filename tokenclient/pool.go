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

// PoolOption configures a Pool.
type PoolOption func(*Pool)

// WithPoolSize sets how many ready tokens the pool keeps (default 4).
func WithPoolSize(n int) PoolOption { return func(p *Pool) { p.size = n } }

// WithMaxAge sets the age, from 100ms to TokenLifetime, at which a ready token is discarded unused
// (default 25 minutes, leaving 5 to spend it).
func WithMaxAge(d time.Duration) PoolOption { return func(p *Pool) { p.maxAge = d } }

// WithMaxInFlight bounds the pool's calls at its TokenSource at once, the refill's and Get's
// together (default 32).
func WithMaxInFlight(n int) PoolOption { return func(p *Pool) { p.maxInFlight = n } }

// Pool hands out tokens minted ahead of time through a TokenSource: one goroutine keeps up to its
// size ready, each handed out once or discarded at the max age. It is safe for concurrent use.
type Pool struct {
	src               TokenSource
	size, maxInFlight int
	maxAge            time.Duration
	mu                sync.Mutex
	ready             []pooledToken // oldest first
	waiters           []chan *Token // Gets waiting, oldest first, for a token or nil (a slot)
	inFlight          int           // calls at src, refill and direct
	err               error         // the last refill error
	stats             PoolStats
	closed            bool

	wake   chan struct{} // a token was taken or a slot freed
	resume chan struct{} // a direct call succeeded: end the refill's backoff
	cancel context.CancelFunc
	done   chan struct{} // closed when the refill goroutine returns
}

type pooledToken struct {
	tok      Token
	mintedAt time.Time // when the call for it started
}

// NewPool starts a pool over src, such as a *Client.
func NewPool(src TokenSource, opts ...PoolOption) (*Pool, error) {
	if c, ok := src.(*Client); src == nil || ok && c == nil {
		return nil, invalidConfig("NewPool needs a TokenSource, such as the *Client New returns")
	}
	p := &Pool{src: src, size: 4, maxAge: 25 * time.Minute, maxInFlight: 32,
		wake: make(chan struct{}, 1), resume: make(chan struct{}, 1), done: make(chan struct{})}
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
	case p.maxAge < 100*time.Millisecond || p.maxAge > TokenLifetime:
		return nil, invalidConfig("pool max age %v: want at least 100ms and at most %v, the token lifetime (a time.Duration counts nanoseconds: write 25*time.Minute)",
			p.maxAge, TokenLifetime)
	}
	var ctx context.Context
	ctx, p.cancel = context.WithCancel(context.Background())
	go p.refill(ctx)
	return p, nil
}

// Get returns a ready token, else a direct call's to the TokenSource, whose success ends the refill's
// backoff; at the max in flight, it waits for a token, a slot or ctx's end. After Close: ErrPoolClosed.
func (p *Pool) Get(ctx context.Context) (Token, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return Token{}, ErrPoolClosed
	}
	p.dropExpiredLocked(time.Now())
	if len(p.ready) > 0 {
		tok := p.ready[0].tok
		p.ready = p.ready[1:]
		p.stats.HandedOut++
		p.mu.Unlock()
		signal(p.wake)
		return tok, nil
	}
	if p.inFlight < p.maxInFlight {
		p.inFlight++
		p.mu.Unlock()
		return p.direct(ctx)
	}
	ch := make(chan *Token, 1)
	p.waiters = append(p.waiters, ch)
	p.mu.Unlock()
	tok, open := (*Token)(nil), false
	select {
	case tok, open = <-ch:
	case <-ctx.Done():
		p.mu.Lock()
		if i := slices.Index(p.waiters, ch); i >= 0 {
			p.waiters = slices.Delete(p.waiters, i, i+1)
			p.mu.Unlock()
			return Token{}, fmt.Errorf("tokenclient: waiting for a token from the pool: %w", ctx.Err())
		}
		p.mu.Unlock()
		tok, open = <-ch // sent before Get could leave the queue
	}
	if !open {
		return Token{}, ErrPoolClosed
	} else if tok != nil {
		return *tok, nil
	}
	return p.direct(ctx) // with a slot; if ctx has ended, src says so
}

// direct calls src with a slot the caller holds, and passes the slot on.
func (p *Pool) direct(ctx context.Context) (Token, error) {
	tok, err := p.src.Token(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil {
		p.stats.Minted++
		p.stats.DirectMints++
		p.stats.HandedOut++
		signal(p.resume)
	}
	p.releaseSlotLocked()
	return tok, err
}

// Close stops the refill goroutine and waits for it, answers waiting Gets with ErrPoolClosed and
// drops the ready tokens. It may be called again.
func (p *Pool) Close() error {
	p.mu.Lock()
	for _, ch := range p.waiters { // none left at a second Close
		close(ch)
	}
	p.closed, p.ready, p.waiters = true, nil, nil
	p.mu.Unlock()
	p.cancel()
	<-p.done
	return nil
}

// PoolStats is a snapshot of a Pool's counters. Every token minted is handed out, ready, discarded
// or dropped by Close.
type PoolStats struct {
	Ready          int   // unexpired tokens waiting to be handed out
	InFlight       int   // calls at the TokenSource now
	Waiting        int   // Gets waiting for a token or a slot
	Minted         int64 // tokens the TokenSource gave, refill and direct
	HandedOut      int64 // tokens returned by Get
	Discarded      int64 // tokens that reached the max age unused
	DirectMints    int64 // tokens Get minted because the pool was empty
	RefillFailures int64 // background refills that got no usable token
}

// Stats returns a snapshot of the pool's counters.
func (p *Pool) Stats() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dropExpiredLocked(time.Now())
	s := p.stats
	s.Ready, s.InFlight, s.Waiting = len(p.ready), p.inFlight, len(p.waiters)
	return s
}

// Err returns the error of the last refill, or nil when it succeeded. The refill keeps retrying
// with backoff, so a health check needs only report it.
func (p *Pool) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Format prints the pool's settings and counters, never a token, for any verb.
func (p *Pool) Format(f fmt.State, _ rune) {
	s, err := p.Stats(), p.Err()
	fmt.Fprintf(f, "tokenclient.Pool{size: %d, maxAge: %v, maxInFlight: %d, ready: %d, inFlight: %d, minted: %d, handedOut: %d, healthy: %t}",
		p.size, p.maxAge, p.maxInFlight, s.Ready, s.InFlight, s.Minted, s.HandedOut, err == nil)
}
