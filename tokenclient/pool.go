package tokenclient

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// ErrPoolClosed is returned by Pool.Get after Close.
var ErrPoolClosed = errors.New("tokenclient: pool is closed")

// DefaultPoolSize and DefaultMaxAge are a Pool's defaults.
const (
	DefaultPoolSize = 4
	// DefaultMaxAge leaves a handed-out token at least 5 minutes of its
	// 30-minute life.
	DefaultMaxAge = 25 * time.Minute
)

// PoolOption configures a Pool.
type PoolOption func(*Pool)

// WithPoolSize sets how many ready tokens the pool keeps (default 4).
func WithPoolSize(n int) PoolOption { return func(p *Pool) { p.size = n } }

// WithMaxAge sets the age after which a ready token is discarded, never
// handed out (default 25 minutes; at most TokenLifetime).
func WithMaxAge(d time.Duration) PoolOption { return func(p *Pool) { p.maxAge = d } }

// Pool hands out authorize tokens minted ahead of time, taking the round
// trip to Flinks off the caller's path. It keeps up to its size of ready
// tokens, minted in the background by one goroutine through a Client;
// each token is handed out exactly once, and tokens older than the max
// age are discarded. A Pool is safe for concurrent use; Close stops it.
type Pool struct {
	client *Client
	size   int
	maxAge time.Duration

	mu     sync.Mutex
	ready  []pooledToken // oldest first
	err    error         // why refilling stopped for good (ErrUnauthorized)
	closed bool

	wake   chan struct{} // a token was taken or discarded
	cancel context.CancelFunc
	done   chan struct{} // closed when the refill goroutine returns

	// Seams for tests.
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
	filled chan struct{} // signalled whenever the pool is full and refill waits
}

type pooledToken struct {
	tok      Token
	mintedAt time.Time
}

// NewPool starts a pool that mints through c. It returns an error
// matching ErrInvalidConfig for a size below 1 or a max age outside
// (0, TokenLifetime].
func NewPool(c *Client, opts ...PoolOption) (*Pool, error) {
	if c == nil {
		return nil, invalidConfig("NewPool needs a Client")
	}
	p := &Pool{
		client: c,
		size:   DefaultPoolSize,
		maxAge: DefaultMaxAge,
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		now:    c.now,
		sleep:  c.sleep,
		filled: make(chan struct{}, 1),
	}
	for _, opt := range opts {
		if opt != nil {
			opt(p)
		}
	}
	if p.size < 1 {
		return nil, invalidConfig("pool size %d: want at least 1", p.size)
	}
	if p.maxAge <= 0 || p.maxAge > TokenLifetime {
		return nil, invalidConfig("pool max age %v: want more than 0 and at most %v, the token lifetime", p.maxAge, TokenLifetime)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go p.refill(ctx)
	return p, nil
}

// Get returns a ready token at once if the pool has one; otherwise it
// mints one directly with ctx, so it is never slower than
// Client.GenerateAuthorizeToken. It returns the same errors, plus
// ErrPoolClosed after Close. Once Flinks has refused the secret key, Get
// hands out what is left and then returns that ErrUnauthorized error
// without calling Flinks again; make a new Pool once the key is fixed.
func (p *Pool) Get(ctx context.Context) (Token, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return Token{}, ErrPoolClosed
	}
	dropped := p.dropExpiredLocked()
	if len(p.ready) > 0 {
		tok := p.ready[0].tok
		p.ready[0] = pooledToken{}
		p.ready = p.ready[1:]
		p.mu.Unlock()
		p.signal(p.wake)
		return tok, nil
	}
	stopped := p.err
	p.mu.Unlock()
	if dropped {
		p.signal(p.wake)
	}
	if stopped != nil {
		return Token{}, stopped
	}
	return p.client.GenerateAuthorizeToken(ctx)
}

// Len reports how many ready tokens the pool holds, expired ones included
// until the next Get or refill discards them.
func (p *Pool) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.ready)
}

// Close stops the refill goroutine, waiting for it to return, and drops
// the ready tokens (unused tokens simply expire). It is safe to call more
// than once.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.ready = nil
	p.mu.Unlock()
	p.cancel()
	<-p.done
	return nil
}

// refill keeps the pool full until ctx ends or Flinks refuses the key.
func (p *Pool) refill(ctx context.Context) {
	defer close(p.done)
	failures := 0
	for {
		p.mu.Lock()
		p.dropExpiredLocked()
		missing := p.size - len(p.ready)
		var untilExpiry time.Duration
		if missing == 0 {
			untilExpiry = p.ready[0].mintedAt.Add(p.maxAge).Sub(p.now())
		}
		p.mu.Unlock()

		if missing > 0 {
			tok, err := p.client.GenerateAuthorizeToken(ctx)
			switch {
			case ctx.Err() != nil:
				return
			case errors.Is(err, ErrUnauthorized):
				p.client.log(ctx, slog.LevelError, "tokenclient: pool stopped refilling: Flinks refused the secret key", slog.String("error", err.Error()))
				p.mu.Lock()
				p.err = err
				p.mu.Unlock()
				return
			case err != nil:
				failures++
				wait := p.client.jitter(refillBackoff(failures))
				p.client.log(ctx, slog.LevelWarn, "tokenclient: pool refill failed, backing off",
					slog.Int("failures", failures), slog.Duration("wait", wait), slog.String("error", err.Error()))
				if p.sleep(ctx, wait) != nil {
					return
				}
				continue
			}
			failures = 0
			p.mu.Lock()
			p.ready = append(p.ready, pooledToken{tok: tok, mintedAt: tok.ExpiresAt.Add(-TokenLifetime)})
			p.mu.Unlock()
			continue
		}

		timer := time.NewTimer(untilExpiry)
		p.signal(p.filled) // full, and about to wait
		select {
		case <-p.wake:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return
		}
		timer.Stop()
	}
}

// refillBackoff doubles from 100ms up to 30s with consecutive failures.
func refillBackoff(failures int) time.Duration {
	d := 100 * time.Millisecond
	for i := 1; i < failures && d < 30*time.Second; i++ {
		d *= 2
	}
	return min(d, 30*time.Second)
}

// dropExpiredLocked discards ready tokens at or past the max age and
// reports whether it discarded any. p.mu must be held.
func (p *Pool) dropExpiredLocked() bool {
	now := p.now()
	n := 0
	for n < len(p.ready) && now.Sub(p.ready[n].mintedAt) >= p.maxAge {
		p.ready[n] = pooledToken{}
		n++
	}
	p.ready = p.ready[n:]
	return n > 0
}

func (p *Pool) signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
