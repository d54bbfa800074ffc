package tokenclient

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// refill keeps the pool full, one call at a time, until Close.
func (p *Pool) refill(ctx context.Context) {
	defer close(p.done)
	failures := 0
	for {
		p.mu.Lock()
		now := time.Now() // one reading, so that no token ages between the drop and the timer
		p.dropExpiredLocked(now)
		closed, full := p.closed, len(p.ready) >= p.size
		wait, wake := time.Duration(0), p.wake
		if full {
			wait = p.ready[0].until.Sub(now)
		}
		p.mu.Unlock()
		if closed {
			return
		}
		if !full {
			select {
			case p.sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			err := p.mintOne(ctx)
			if err == ErrPoolClosed {
				return
			} else if err == nil {
				if failures > 0 {
					p.log.LogAttrs(ctx, slog.LevelInfo, "tokenclient: pool refill recovered",
						slog.Int("failures", failures))
				}
				failures = 0
				continue
			}
			if failures++; failures == 1 {
				p.log.LogAttrs(ctx, slog.LevelWarn, "tokenclient: pool refill failed, backing off",
					slog.String("error", err.Error()))
			}
			d := refillBackoff(failures)
			wait, wake = d/2+rand.N(d-d/2), p.resume
		}
		select { // Close sets p.closed, then cancels ctx
		case <-wake:
		case <-time.After(wait):
		case <-ctx.Done():
		}
	}
}

// mintOne makes a refill call with the slot the refill holds and makes its token ready, or returns
// why not; a panic in the call is an error too. The max age is the call's deadline.
func (p *Pool) mintOne(ctx context.Context) (err error) {
	defer func() { <-p.sem }()
	start := time.Now()
	callCtx, cancel := context.WithTimeout(ctx, p.maxAge)
	defer cancel()
	tok, err := func() (_ Token, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("tokenclient: pool refill: the TokenSource panicked: %v", r)
			}
		}()
		return p.src.Token(callCtx)
	}()
	p.mu.Lock()
	defer p.mu.Unlock()
	until, err := p.checkLocked(tok, err, start, start.Add(p.maxAge))
	if p.closed {
		if err == nil { // Close dropped the ready tokens: this one follows them
			p.stats.Discarded++
		}
		return ErrPoolClosed
	}
	p.err = err
	if err != nil {
		p.stats.RefillFailures++
		return err
	}
	i := sort.Search(len(p.ready), func(i int) bool { return p.ready[i].until.After(until) })
	p.ready = slices.Insert(p.ready, i, pooledToken{tok, until})
	return nil
}

// refillBackoff is the longest wait after consecutive refill failures.
func refillBackoff(failures int) time.Duration {
	return min(time.Second<<min(failures-1, 9), 5*time.Minute)
}

// dropExpiredLocked discards the ready tokens that have stopped being handed out.
func (p *Pool) dropExpiredLocked(now time.Time) {
	n := 0
	for n < len(p.ready) && !now.Before(p.ready[n].until) {
		n++
	}
	p.ready = p.ready[n:]
	p.stats.Discarded += int64(n)
}
