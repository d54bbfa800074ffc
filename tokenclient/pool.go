package tokenclient

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"
)

// ErrPoolClosed is returned by [Pool.Token] after [Pool.Close].
var ErrPoolClosed = errors.New("tokenclient: pool is closed")

// expiryMargin is how long before its ExpiresAt a Pool stops handing a token out.
const expiryMargin = 10 * time.Second

var errEmptyToken = errors.New("tokenclient: pool: the TokenSource returned an empty token")
var errTooLate = errors.New("tokenclient: pool: the token came too late to hand out")

// PoolOption configures a Pool.
type PoolOption func(*Pool)

// WithPoolSize sets how many ready tokens the pool keeps (default 4).
func WithPoolSize(n int) PoolOption { return func(p *Pool) { p.size = n } }

// WithMaxAge sets the age, from 100ms to TokenLifetime, at which a ready token is discarded
// unused (default 25 minutes, leaving 5 to spend it).
func WithMaxAge(d time.Duration) PoolOption { return func(p *Pool) { p.maxAge = d } }

// WithMaxInFlight bounds the pool's calls at its TokenSource at once, the refill's and Token's
// together (default 32).
func WithMaxInFlight(n int) PoolOption { return func(p *Pool) { p.maxInFlight = n } }

// WithPoolLogger logs the refill's failures to l: the first of a run at Warn with the error's
// text, the recovery at Info (default: no logging).
func WithPoolLogger(l *slog.Logger) PoolOption { return func(p *Pool) { p.log = cmp.Or(l, p.log) } }

// Pool hands out tokens minted ahead of time through a TokenSource: one goroutine keeps up to its
// size ready, each handed out once, before the max age and at least 10 seconds before its own
// ExpiresAt, or discarded. A refill call that fails, returns an empty token, returns one too late
// to hand out or panics counts as a refill failure (see [Pool.Err], [PoolStats] and
// [WithPoolLogger]); the refill then backs off and retries until Close. It is safe for
// concurrent use.
type Pool struct {
	src               TokenSource
	size, maxInFlight int
	maxAge            time.Duration
	log               *slog.Logger
	sem               chan struct{} // one element per call at src
	mu                sync.Mutex
	ready             []pooledToken // soonest to expire first
	stats             PoolStats     // every counter but Ready and InFlight
	err               error         // the last refill's error
	closed            bool

	wake   chan struct{} // buffered: a token was taken
	resume chan struct{} // unbuffered: a direct call succeeded while the refill backs off
	cancel context.CancelFunc
	done   chan struct{} // closed when the refill goroutine returns
}

type pooledToken struct {
	tok   Token
	until time.Time // when it stops being handed out
}

// NewPool starts a pool over src, such as a *Client.
func NewPool(src TokenSource, opts ...PoolOption) (*Pool, error) {
	if c, ok := src.(*Client); src == nil || ok && c == nil {
		return nil, invalidConfig("NewPool needs a TokenSource, such as the *Client New returns")
	}
	p := &Pool{src: src, size: 4, maxAge: 25 * time.Minute, maxInFlight: 32,
		log: slog.New(slog.DiscardHandler), wake: make(chan struct{}, 1),
		resume: make(chan struct{}), done: make(chan struct{})}
	for _, opt := range opts {
		if opt != nil {
			opt(p)
		}
	}
	if p.size < 1 {
		return nil, invalidConfig("pool size %d: want at least 1", p.size)
	} else if p.maxInFlight < 1 {
		return nil, invalidConfig("pool max in-flight %d: want at least 1", p.maxInFlight)
	} else if p.maxAge < 100*time.Millisecond || p.maxAge > TokenLifetime {
		return nil, invalidConfig("pool max age %v: want at least 100ms and at most %v",
			p.maxAge, TokenLifetime)
	}
	p.sem = make(chan struct{}, p.maxInFlight)
	var ctx context.Context
	ctx, p.cancel = context.WithCancel(context.Background())
	go p.refill(ctx)
	return p, nil
}

// Token returns a ready token, else one from a direct call to the TokenSource, whose success ends
// the refill's backoff; at the max in flight, it first waits for a call to end or for ctx's end,
// and takes a token that call made ready. A direct call's panic reaches the caller; its empty
// token, or one within the expiry margin, is an error. After Close, Token returns ErrPoolClosed.
// Token makes a *Pool a TokenSource, as [Client.Token] does a *Client.
func (p *Pool) Token(ctx context.Context) (Token, error) {
	if tok, err := p.take(); tok.Value != "" || err != nil {
		return tok, err
	}
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return Token{}, fmt.Errorf("tokenclient: waiting for a token from the pool: %w", ctx.Err())
	case <-p.done: // after Close
		return Token{}, ErrPoolClosed
	}
	defer func() { <-p.sem }() // on every path, a panic's too
	if tok, err := p.take(); tok.Value != "" || err != nil {
		return tok, err
	}
	start := time.Now()
	tok, err := p.src.Token(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err = p.checkLocked(tok, err, start, tok.ExpiresAt); err != nil {
		return Token{}, err
	}
	p.stats.DirectMints++
	p.stats.HandedOut++
	select {
	case p.resume <- struct{}{}:
	default:
	}
	return tok, nil
}

// take returns the ready token that expires first, an empty Token when none is ready, or
// ErrPoolClosed after Close.
func (p *Pool) take() (Token, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return Token{}, ErrPoolClosed
	}
	p.dropExpiredLocked(time.Now())
	if len(p.ready) == 0 {
		return Token{}, nil
	}
	tok := p.ready[0].tok
	p.ready = p.ready[1:]
	p.stats.HandedOut++
	select {
	case p.wake <- struct{}{}:
	default:
	}
	return tok, nil
}

// checkLocked counts a call's result and returns when its token stops being handed out, at the
// deadline or expiryMargin before its ExpiresAt, or why it cannot be handed out now.
func (p *Pool) checkLocked(tok Token, err error, start, deadline time.Time) (time.Time, error) {
	if err == nil && tok.Value == "" {
		err = errEmptyToken
	}
	if err != nil {
		return time.Time{}, err
	}
	p.stats.Minted++
	until := tok.ExpiresAt.Add(-expiryMargin)
	if deadline.Before(until) {
		until = deadline
	}
	if now := time.Now(); !now.Before(until) {
		p.stats.Discarded++
		return until, fmt.Errorf("%w: the call took %v; the token expires at %s",
			errTooLate, now.Sub(start), tok.ExpiresAt.Format(time.RFC3339Nano))
	}
	return until, nil
}

// ConnectURL builds the Connect iframe URL for tok with the pool's TokenSource when it can, as a
// *Client does ([Client.ConnectURL]); otherwise it returns an error matching ErrInvalidConfig. A
// handler can thus take an interface with Token and ConnectURL, which *Client and *Pool satisfy.
func (p *Pool) ConnectURL(tok Token, params url.Values) (string, error) {
	if c, ok := p.src.(connectURLer); ok {
		return c.ConnectURL(tok, params)
	}
	return "", invalidConfig("the pool's TokenSource, a %T, cannot build Connect URLs", p.src)
}

type connectURLer interface {
	ConnectURL(Token, url.Values) (string, error)
}

// Close stops the refill goroutine and waits for it, answers waiting Token calls with
// ErrPoolClosed and drops the ready tokens. It may be called again.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.closed, p.ready = true, nil
	p.mu.Unlock()
	p.cancel()
	<-p.done
	return nil
}

// PoolStats is a snapshot of a Pool's counters. Every token minted is handed out, ready,
// discarded or dropped by Close.
type PoolStats struct {
	Ready          int   // unexpired tokens waiting to be handed out
	InFlight       int   // calls at the TokenSource now; at the max in flight, Token waits
	Minted         int64 // non-empty tokens the TokenSource gave, refill and direct
	HandedOut      int64 // tokens returned by Token
	Discarded      int64 // tokens that reached the max age or their expiry margin unused
	DirectMints    int64 // tokens Token minted because the pool was empty
	RefillFailures int64 // background refills that got no usable token
}

// Stats returns a snapshot of the pool's counters.
func (p *Pool) Stats() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dropExpiredLocked(time.Now())
	s := p.stats
	s.Ready, s.InFlight = len(p.ready), len(p.sem)
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
	fmt.Fprintf(f, "tokenclient.Pool{size: %d, maxAge: %v, maxInFlight: %d, ready: %d, "+
		"inFlight: %d, minted: %d, handedOut: %d, healthy: %t}",
		p.size, p.maxAge, p.maxInFlight, s.Ready, s.InFlight, s.Minted, s.HandedOut, err == nil)
}
