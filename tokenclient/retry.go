package tokenclient

import (
	"cmp"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"
)

// RetryPolicy bounds retries after a network error before any response, or a 408, 429, 500, 502,
// 503 or 504 (safe: a token minted but never received expires). No wait runs past ctx's deadline.
// An untrusted server certificate is not retried.
type RetryPolicy struct {
	MaxAttempts int // attempts in all, the first included (default 3; 1 turns retries off)
	// BaseDelay is the backoff before the second attempt (default 200ms), doubling up to MaxDelay
	// (default 2s); a wait is drawn from [0, backoff).
	BaseDelay, MaxDelay time.Duration
	MaxRetryAfter       time.Duration // caps a Retry-After wait (default 10s)
}

var retryableStatus = []int{http.StatusRequestTimeout, http.StatusTooManyRequests,
	http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable,
	http.StatusGatewayTimeout}

func (p RetryPolicy) withDefaults() RetryPolicy {
	p.MaxAttempts = cmp.Or(p.MaxAttempts, 3)
	p.BaseDelay = cmp.Or(p.BaseDelay, 200*time.Millisecond)
	p.MaxDelay = cmp.Or(p.MaxDelay, 2*time.Second)
	p.MaxRetryAfter = cmp.Or(p.MaxRetryAfter, 10*time.Second)
	return p
}

// negative reports whether a field of p is negative.
func (p RetryPolicy) negative() bool {
	return p.MaxAttempts < 0 || min(p.BaseDelay, p.MaxDelay, p.MaxRetryAfter) < 0
}

// delay returns the wait before attempt+1.
func (p RetryPolicy) delay(attempt int, retryAfter time.Duration,
	jitter func(time.Duration) time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, p.MaxRetryAfter)
	}
	backoff := p.BaseDelay
	for i := 1; i < attempt && backoff < p.MaxDelay; i++ {
		backoff *= 2
	}
	return jitter(min(backoff, p.MaxDelay))
}

// fullJitter draws uniformly from [0, d).
func fullJitter(d time.Duration) time.Duration { return rand.N(max(d, 1)) }

// retryable reports whether another attempt may succeed where one failed with err.
func retryable(err error) bool {
	if e, ok := err.(*APIError); ok {
		return slices.Contains(retryableStatus, e.StatusCode)
	}
	e, ok := err.(*textError)
	return ok && !e.untrusted
}
