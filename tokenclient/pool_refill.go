package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Refill backoff: consecutive failures double the wait from the base up
// to the cap. A refused key (401) waits longer, because retrying soon
// rarely helps, but never stops for good: keys get fixed and proxies
// recover, and a successful direct mint in Get ends the wait at once.
const (
	refillBaseDelay       = 100 * time.Millisecond
	refillMaxDelay        = 30 * time.Second
	unauthorizedBaseDelay = time.Second
	unauthorizedMaxDelay  = 5 * time.Minute
)

// errTooOld is the refill error for tokens that arrive past the max age.
var errTooOld = errors.New("tokenclient: pool refill: tokens arrive older than the pool's max age")

// refill keeps the pool full, one request at a time and within the
// in-flight bound, until ctx ends.
func (p *Pool) refill(ctx context.Context) {
	defer close(p.done)
	failures := 0
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return // Close cancels ctx next; no need to wait for it
		}
		// One reading of the clock per round: with two, the oldest token
		// could reach the max age between them, be kept by the first and
		// get no timer from the second.
		now := p.now()
		if p.dropExpiredLocked(now) {
			p.client.log(ctx, slog.LevelDebug, "tokenclient: pool discarded tokens past the max age")
		}
		missing := p.size - len(p.ready)
		canMint := missing > 0 && p.inFlight < p.maxInFlight
		untilExpiry := time.Duration(-1) // no timer: wait for a wake-up
		if canMint {
			p.inFlight++
		} else if missing == 0 {
			untilExpiry = p.ready[0].mintedAt.Add(p.maxAge).Sub(now)
		}
		p.mu.Unlock()

		if missing == 0 && untilExpiry <= 0 {
			continue // the oldest token is due: drop it now
		}
		if !canMint {
			if missing == 0 {
				signal(p.filled) // full, and about to wait
			}
			if !p.idle(ctx, untilExpiry) {
				return
			}
			continue
		}
		tok, err := p.client.GenerateAuthorizeToken(ctx)
		if ctx.Err() != nil {
			p.mu.Lock()
			p.passSlotLocked()
			p.mu.Unlock()
			return
		}
		if wait := p.settle(ctx, tok, err, now, &failures); wait > 0 && !p.backOff(ctx, wait) {
			return
		}
	}
}

// settle records the outcome of one refill request, hands its token on
// and frees its slot; it returns how long to back off, or 0.
func (p *Pool) settle(ctx context.Context, tok Token, err error, start time.Time, failures *int) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.passSlotLocked() // the refill itself loops on: no wake-up
	if p.closed {
		// Close dropped the ready tokens and is about to cancel ctx; a
		// token that arrives in between follows them.
		if err == nil {
			p.stats.Minted++
			p.stats.Discarded++
		}
		return 0
	}
	if err == nil {
		p.stats.Minted++
		if age := p.now().Sub(start); age >= p.maxAge {
			p.stats.Discarded++
			err = fmt.Errorf("%w: one took %v to arrive, max age %v; raise WithMaxAge or check the network to Flinks",
				errTooOld, age.Round(time.Millisecond), p.maxAge)
		}
	}
	if err == nil {
		*failures = 0
		p.err = nil
		p.backoff = false
		p.deliverLocked(pooledToken{tok: tok, mintedAt: start})
		return 0
	}
	*failures++
	p.stats.RefillFailures++
	p.err = err
	p.backoff = true
	select { // only a success from now on may cut the backoff short
	case <-p.resume:
	default:
	}
	wait := refillBackoff(*failures, errors.Is(err, ErrUnauthorized))
	wait = wait/2 + fullJitter(wait-wait/2)
	level, msg := slog.LevelWarn, "tokenclient: pool refill failed, backing off"
	if errors.Is(err, ErrUnauthorized) {
		level, msg = slog.LevelError, "tokenclient: pool refill refused: Flinks rejected the secret key; backing off, Get still tries directly"
	}
	p.client.log(ctx, level, msg, slog.Int("failures", *failures), slog.Duration("wait", wait), slog.String("error", err.Error()))
	return wait
}

// refillBackoff doubles from the base delay up to the cap with
// consecutive failures; see the constants.
func refillBackoff(failures int, unauthorized bool) time.Duration {
	d, limit := refillBaseDelay, refillMaxDelay
	if unauthorized {
		d, limit = unauthorizedBaseDelay, unauthorizedMaxDelay
	}
	for i := 1; i < failures && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// backOff waits d, or until a direct mint succeeds; it reports false
// when ctx ends first.
func (p *Pool) backOff(ctx context.Context, d time.Duration) bool {
	fire, stop := p.after(d)
	defer stop()
	select {
	case <-fire:
	case <-p.resume:
	case <-ctx.Done():
		return false
	}
	return true
}

// idle waits for a token to be taken or a slot to free, or d when d is
// not negative (the oldest ready token reaching the max age); it reports
// false when ctx ends first.
func (p *Pool) idle(ctx context.Context, d time.Duration) bool {
	var fire <-chan time.Time
	if d >= 0 {
		var stop func() bool
		fire, stop = p.after(d)
		defer stop()
	}
	select {
	case <-p.wake:
	case <-fire:
	case <-ctx.Done():
		return false
	}
	return true
}
