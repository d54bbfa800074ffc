package tokenclient

import (
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

// WithInstance selects the Flinks instance, the {instance} of
// https://{instance}-api.private.fin.ag: "toolbox" (the default),
// "sandbox" or a production instance name, a single DNS label.
func WithInstance(name string) Option { return func(o *options) { o.instance = name } }

// WithBaseURL sends requests to rawURL instead of the instance's URL, for
// proxies and fakes; it overrides WithInstance. rawURL must be https, or
// http on a loopback host, and may carry a path prefix.
func WithBaseURL(rawURL string) Option { return func(o *options) { o.baseURL = rawURL } }

// WithConnectBaseURL sets the base URL Client.ConnectURL builds on, for a
// proxy or a fake Connect page (default https://{instance}-iframe.private.fin.ag,
// or the WithBaseURL URL). rawURL must be https, or http on a loopback host.
func WithConnectBaseURL(rawURL string) Option { return func(o *options) { o.connectURL = rawURL } }

// WithHTTPClient sends requests with a copy of hc that never follows a
// redirect (Go would forward flinks-auth-key to its target); to instrument
// requests, wrap hc.Transport. By default every Client shares one client
// like NewHTTPClient's, without its request timeout (WithCallTimeout
// bounds a call instead).
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.httpClient = hc } }

// WithUserAgent appends suffix, such as "my-service/1.2", to the
// User-Agent header.
func WithUserAgent(suffix string) Option { return func(o *options) { o.userAgent = suffix } }

// WithLogger logs failed attempts that are retried to l at Warn level;
// records never contain the secret key or a token. By default nothing is
// logged.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithCallTimeout bounds a whole GenerateAuthorizeToken call whose context
// has no deadline, every attempt and wait included (default 60s): it cuts
// a server that accepts the connection and never answers, or trickles the
// body. A context deadline, longer or shorter, takes its place. d must be
// more than 0.
func WithCallTimeout(d time.Duration) Option { return func(o *options) { o.callTimeout = d } }

// WithRetry sets the retry policy; zero fields of p keep their defaults.
func WithRetry(p RetryPolicy) Option { return func(o *options) { o.retry = p.withDefaults() } }

// WithoutRetry makes every call a single attempt.
func WithoutRetry() Option { return WithRetry(RetryPolicy{MaxAttempts: 1}) }

// RetryPolicy says when and how long to wait between attempts. A call is
// retried after a network error before any response, and after 408, 429,
// 500, 502, 503 and 504; never after other statuses. Retries are safe: a
// token minted but never received simply expires.
type RetryPolicy struct {
	MaxAttempts int // attempts in all, the first included (default 3)
	// BaseDelay is the backoff before the second attempt (default 200ms);
	// it doubles per attempt up to MaxDelay (default 2s), and each wait is
	// drawn uniformly from [0, backoff).
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter caps a wait a Retry-After header asks for (default 10s).
	MaxRetryAfter time.Duration
}

const defaultCallTimeout = 60 * time.Second

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 3
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = 200 * time.Millisecond
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = 2 * time.Second
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = 10 * time.Second
	}
	return p
}

func (p RetryPolicy) validate() error {
	if p.MaxAttempts < 1 || min(p.BaseDelay, p.MaxDelay, p.MaxRetryAfter) < 0 {
		return invalidConfig("retry policy %+v has a negative field; use WithoutRetry to turn retries off", p)
	}
	return nil
}

// delay returns the wait before attempt+1: Retry-After, capped, when the
// server sent one, otherwise jitter of the exponential backoff.
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
