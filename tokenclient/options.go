package tokenclient

import (
	"log/slog"
	"net/http"
	"time"
)

// Option configures a Client in New.
type Option func(*options)

type options struct {
	instance    string
	baseURL     string
	httpClient  *http.Client
	retry       RetryPolicy
	userAgent   string
	logger      *slog.Logger
	callTimeout time.Duration
	connectURL  string
}

// WithInstance selects the Flinks instance: the {instance} part of
// https://{instance}-api.private.fin.ag, such as "toolbox" (the default),
// "sandbox" or a production instance name. It must be a single DNS label.
func WithInstance(name string) Option {
	return func(o *options) { o.instance = name }
}

// WithBaseURL sends requests to rawURL instead of the instance's URL, for
// proxies and fakes. It overrides WithInstance. rawURL must be https, or
// http on a loopback host; it may carry a path prefix.
func WithBaseURL(rawURL string) Option {
	return func(o *options) { o.baseURL = rawURL }
}

// WithHTTPClient sends requests with a copy of hc whose CheckRedirect
// refuses to follow redirects (Go forwards custom headers such as
// flinks-auth-key to redirect targets). To instrument requests, wrap
// hc.Transport. Without this option a Client uses a client like
// NewHTTPClient's but without its per-request timeout (the call timeout
// bounds each call instead), shared by every such Client.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) { o.httpClient = hc }
}

// WithRetry sets the retry policy; zero fields of p keep their defaults,
// stated on RetryPolicy's fields.
func WithRetry(p RetryPolicy) Option {
	return func(o *options) { o.retry = p.withDefaults() }
}

// WithoutRetry makes every call a single attempt.
func WithoutRetry() Option {
	return func(o *options) { o.retry = RetryPolicy{MaxAttempts: 1}.withDefaults() }
}

// WithUserAgent appends suffix, such as "my-service/1.2", to the
// User-Agent header.
func WithUserAgent(suffix string) Option {
	return func(o *options) { o.userAgent = suffix }
}

// WithLogger logs retries and failed attempts to l at Debug and Warn
// level. Records never contain the secret key or the token. The default
// logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithCallTimeout bounds a whole GenerateAuthorizeToken call, every
// attempt and wait included, whose context has no deadline (default 60s). It cuts a server that accepts the connection
// and never answers, or stalls or trickles the body. A context deadline,
// longer or shorter, takes its place. d must be more than 0.
func WithCallTimeout(d time.Duration) Option {
	return func(o *options) { o.callTimeout = d }
}

// WithConnectBaseURL sets the base URL that Client.ConnectURL puts
// "/v2/?authorizeToken=…" after, for a proxy or a fake Connect page. By
// default it is https://{instance}-iframe.private.fin.ag, or the base URL
// of WithBaseURL (a fake serves the API and the Connect page together).
// rawURL must be https, or http on a loopback host.
func WithConnectBaseURL(rawURL string) Option {
	return func(o *options) { o.connectURL = rawURL }
}

// RetryPolicy says when and how long to wait between attempts. Retries are
// safe here: a token that is minted but never received simply expires.
// A call is retried after a network error before any response, and after
// 408, 429, 500, 502, 503 and 504; never after other statuses.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, first included
	// (default 3).
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt (default
	// 200ms); it doubles per attempt up to MaxDelay, and each wait is
	// drawn uniformly from [0, backoff) ("full jitter").
	BaseDelay time.Duration
	// MaxDelay caps the backoff (default 2s).
	MaxDelay time.Duration
	// MaxRetryAfter caps a wait that a Retry-After header asks for
	// (default 10s).
	MaxRetryAfter time.Duration
}

// defaultCallTimeout is WithCallTimeout's default.
const defaultCallTimeout = 60 * time.Second

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := RetryPolicy{MaxAttempts: 3, BaseDelay: 200 * time.Millisecond, MaxDelay: 2 * time.Second, MaxRetryAfter: 10 * time.Second}
	if p.MaxAttempts == 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = d.BaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = d.MaxDelay
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = d.MaxRetryAfter
	}
	return p
}

func (p RetryPolicy) validate() error {
	if p.MaxAttempts < 1 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 {
		return invalidConfig("retry policy %+v has a negative field; use WithoutRetry to turn retries off", p)
	}
	return nil
}
