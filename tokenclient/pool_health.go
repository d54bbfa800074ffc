package tokenclient

import "fmt"

// PoolStats is a snapshot of a Pool's counters, for metrics and health
// checks. The counters only grow; tokens minted are always handed out,
// ready, discarded or dropped by Close.
type PoolStats struct {
	// Ready is how many unexpired tokens wait to be handed out.
	Ready int
	// InFlight is how many requests the pool has at Flinks now.
	InFlight int
	// Waiting is how many Get calls wait for a token or a request slot.
	Waiting int
	// Minted counts every token obtained from Flinks, in the background
	// and by Get's direct calls.
	Minted int64
	// HandedOut counts tokens returned by Get.
	HandedOut int64
	// Discarded counts tokens that reached the max age unused, or arrived
	// already past it.
	Discarded int64
	// DirectMints counts tokens Get minted on the caller's behalf because
	// the pool was empty.
	DirectMints int64
	// RefillFailures counts background refills that got no usable token.
	RefillFailures int64
}

// Stats returns a snapshot of the pool's counters.
func (p *Pool) Stats() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	now := p.now()
	for _, pt := range p.ready {
		if now.Sub(pt.mintedAt) < p.maxAge {
			s.Ready++
		}
	}
	s.InFlight = p.inFlight
	s.Waiting = len(p.waiters)
	return s
}

// Err returns the error of the last background refill, or nil when the
// last refill succeeded: the pool is healthy. It is never a secret:
// errors.Is(err, ErrUnauthorized) after Flinks refused the key, an
// *APIError or network error after other failures. The refill keeps
// retrying with backoff while Err is not nil, and Get keeps minting
// directly, so a health check can report it without restarting anything.
func (p *Pool) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Format prints the pool's configuration and counters, never a token,
// for every verb (%v, %+v, %#v, %s, …).
func (p *Pool) Format(f fmt.State, verb rune) {
	if p == nil {
		fmt.Fprint(f, "tokenclient.Pool(nil)")
		return
	}
	s := p.Stats()
	fmt.Fprintf(f, "tokenclient.Pool{size: %d, maxAge: %v, maxInFlight: %d, ready: %d, inFlight: %d, minted: %d, handedOut: %d, healthy: %t}",
		p.size, p.maxAge, p.maxInFlight, s.Ready, s.InFlight, s.Minted, s.HandedOut, p.Err() == nil)
}
