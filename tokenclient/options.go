package tokenclient

import (
	"cmp"
	"log/slog"
	"net/http"
)

// Option configures a Client in New.
type Option func(*options)

type options struct {
	instance, baseURL, connectURL, userAgent string
	httpClient                               *http.Client
	retry                                    RetryPolicy
	logger                                   *slog.Logger
}

// WithInstance selects the Flinks instance, a DNS label: "toolbox" (the default, also for ""),
// "sandbox" or a production instance.
func WithInstance(name string) Option {
	return func(o *options) { o.instance = cmp.Or(name, defaultInstance) }
}

// WithBaseURL sends requests to rawURL, https (or http on a loopback host) with an optional path
// prefix, instead of the instance's URL.
func WithBaseURL(rawURL string) Option { return func(o *options) { o.baseURL = rawURL } }

// WithConnectBaseURL sets the base URL Client.ConnectURL builds on (default
// https://{instance}-iframe.private.fin.ag, or WithBaseURL's).
func WithConnectBaseURL(rawURL string) Option { return func(o *options) { o.connectURL = rawURL } }

// WithHTTPClient sends requests with a copy of hc that never follows a redirect. By default every
// Client shares one like NewHTTPClient's.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.httpClient = hc } }

// WithUserAgent appends suffix, such as "my-service/1.2", to the User-Agent.
func WithUserAgent(suffix string) Option { return func(o *options) { o.userAgent = suffix } }

// WithLogger logs each attempt to l, with its status and duration, never a key or token: at Warn
// level when it is retried, else at Debug level (default: no logging).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithRetry sets the retry policy; zero fields of p keep their defaults, and MaxAttempts 1 turns
// retries off.
func WithRetry(p RetryPolicy) Option { return func(o *options) { o.retry = p } }
