package tokenclient

import (
	"cmp"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"
)

// Option configures a Client in New.
type Option func(*options)

type options struct {
	instance, baseURL, connectURL, userAgent string
	httpClient                               *http.Client
	retry                                    RetryPolicy
	logger                                   *slog.Logger
	callTimeout                              time.Duration
}

// WithInstance selects the Flinks instance, a DNS label: "toolbox" (the
// default), "sandbox" or a production instance.
func WithInstance(name string) Option { return func(o *options) { o.instance = name } }

// WithBaseURL sends requests to rawURL, https (or http on a loopback
// host) with an optional path prefix, instead of the instance's URL.
func WithBaseURL(rawURL string) Option { return func(o *options) { o.baseURL = rawURL } }

// WithConnectBaseURL sets the base URL Client.ConnectURL builds on
// (default https://{instance}-iframe.private.fin.ag, or WithBaseURL's).
func WithConnectBaseURL(rawURL string) Option { return func(o *options) { o.connectURL = rawURL } }

// WithHTTPClient sends requests with a copy of hc that never follows a
// redirect. By default every Client shares one like NewHTTPClient's,
// without its request timeout.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.httpClient = hc } }

// WithUserAgent appends suffix, such as "my-service/1.2", to the User-Agent.
func WithUserAgent(suffix string) Option { return func(o *options) { o.userAgent = suffix } }

// WithLogger logs each retried attempt to l at Warn level, without a
// token (default: no logging).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithCallTimeout bounds a whole GenerateAuthorizeToken call, retries
// included, when its context has no deadline (default 60s; d > 0).
func WithCallTimeout(d time.Duration) Option { return func(o *options) { o.callTimeout = d } }

// WithRetry sets the retry policy; zero fields of p keep their defaults.
func WithRetry(p RetryPolicy) Option { return func(o *options) { o.retry = p.withDefaults() } }

// WithoutRetry makes every call a single attempt.
func WithoutRetry() Option { return WithRetry(RetryPolicy{MaxAttempts: 1}) }

// RetryPolicy bounds retries, which follow a network error before any
// response, or a 408, 429, 500, 502, 503 or 504; they are safe, as a token
// minted but never received expires. A wait never runs past ctx's deadline.
type RetryPolicy struct {
	MaxAttempts int // attempts in all, the first included (default 3)
	// BaseDelay is the backoff before the second attempt (default 200ms),
	// doubling up to MaxDelay (default 2s); a wait is drawn from [0, backoff).
	BaseDelay, MaxDelay time.Duration
	MaxRetryAfter       time.Duration // caps a Retry-After wait (default 10s)
}

const defaultCallTimeout = 60 * time.Second

func (p RetryPolicy) withDefaults() RetryPolicy {
	p.MaxAttempts = cmp.Or(p.MaxAttempts, 3)
	p.BaseDelay = cmp.Or(p.BaseDelay, 200*time.Millisecond)
	p.MaxDelay = cmp.Or(p.MaxDelay, 2*time.Second)
	p.MaxRetryAfter = cmp.Or(p.MaxRetryAfter, 10*time.Second)
	return p
}

// delay returns the wait before attempt+1.
func (p RetryPolicy) delay(attempt int, retryAfter time.Duration, jitter func(time.Duration) time.Duration) time.Duration {
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
func fullJitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}
