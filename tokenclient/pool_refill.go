package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

var errTooOld = errors.New("tokenclient: pool refill: a call lasted the pool's max age or longer; raise WithMaxAge or check the network to Flinks")

// refill keeps the pool full, one call at a time, until Close.
func (p *Pool) refill(ctx context.Context) {
	defer close(p.done)
	failures := 0
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return
		}
		// One reading of the clock, so no token ages between drop and timer.
		now := time.Now()
		p.dropExpiredLocked(now)
		wait, mint := time.Duration(0), false // 0: no timer, wait for a token taken or a slot freed
		switch {
		case len(p.ready) >= p.size:
			wait = p.ready[0].mintedAt.Add(p.maxAge).Sub(now)
		case p.inFlight < p.maxInFlight:
			p.inFlight, mint = p.inFlight+1, true
		}
		p.mu.Unlock()
		wake := p.wake
		if mint {
			if wait = p.mintOne(ctx, now, &failures); wait == 0 {
				continue
			}
			wake = p.resume // backing off
		}
		var fire <-chan time.Time
		if wait > 0 {
			fire = time.After(wait)
		}
		select { // Close sets p.closed, then cancels ctx
		case <-wake:
		case <-fire:
		case <-ctx.Done():
		}
	}
}

// mintOne makes a refill call with the refill's slot and returns how long to back off, or 0. The
// call is cancelled at the max age, not given a deadline, so that a Client's call timeout applies.
func (p *Pool) mintOne(ctx context.Context, start time.Time, failures *int) time.Duration {
	callCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer time.AfterFunc(p.maxAge, cancel).Stop() // starts the timer now
	tok, err := p.src.Token(callCtx)
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.releaseSlotLocked()
	late := time.Since(start) >= p.maxAge
	if err == nil {
		p.stats.Minted++
		if p.closed || late { // Close dropped the ready tokens: this one follows them
			p.stats.Discarded++
		}
	}
	switch {
	case p.closed:
		return 0
	case late:
		err = fmt.Errorf("%w (took %v)", errTooOld, time.Since(start))
	case err == nil:
		*failures, p.err = 0, nil
		if len(p.waiters) > 0 {
			p.stats.HandedOut++
			p.waiters[0] <- &tok
			p.waiters = p.waiters[1:]
		} else {
			p.ready = append(p.ready, pooledToken{tok, start})
		}
		return 0
	}
	*failures++
	p.stats.RefillFailures++
	p.err = err
	select { // only a success from now on may cut the backoff short
	case <-p.resume:
	default:
	}
	d := refillBackoff(*failures)
	return d/2 + rand.N(d-d/2)
}

// refillBackoff is the longest wait after consecutive refill failures.
func refillBackoff(failures int) time.Duration {
	return min(time.Second<<min(failures-1, 9), 5*time.Minute)
}

// releaseSlotLocked passes a finished call's slot to the oldest waiting Get, or frees it and wakes
// the refill, which may be waiting for one.
func (p *Pool) releaseSlotLocked() {
	if len(p.waiters) > 0 {
		p.waiters[0] <- nil
		p.waiters = p.waiters[1:]
		return
	}
	p.inFlight--
	signal(p.wake)
}

// dropExpiredLocked discards the ready tokens at or past the max age.
func (p *Pool) dropExpiredLocked(now time.Time) {
	n := 0
	for n < len(p.ready) && now.Sub(p.ready[n].mintedAt) >= p.maxAge {
		n++
	}
	p.ready = p.ready[n:]
	p.stats.Discarded += int64(n)
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
