package tokenclient

import (
	"cmp"
	"crypto/tls"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
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

// WithInstance selects the Flinks instance, a DNS label: "toolbox" (the default), "sandbox" or a
// production instance.
func WithInstance(name string) Option { return func(o *options) { o.instance = name } }

// WithBaseURL sends requests to rawURL, https (or http on a loopback host) with an optional path
// prefix, instead of the instance's URL.
func WithBaseURL(rawURL string) Option { return func(o *options) { o.baseURL = rawURL } }

// WithConnectBaseURL sets the base URL Client.ConnectURL builds on (default
// https://{instance}-iframe.private.fin.ag, or WithBaseURL's).
func WithConnectBaseURL(rawURL string) Option { return func(o *options) { o.connectURL = rawURL } }

// WithHTTPClient sends requests with a copy of hc that never follows a redirect. By default every
// Client shares one like NewHTTPClient's, without its request timeout.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.httpClient = hc } }

// WithUserAgent appends suffix, such as "my-service/1.2", to the User-Agent.
func WithUserAgent(suffix string) Option { return func(o *options) { o.userAgent = suffix } }

// WithLogger logs each retried attempt to l at Warn level, without a token (default: no logging).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithCallTimeout bounds a whole GenerateAuthorizeToken call, retries included, when its context
// has no deadline (default 60s; d > 0).
func WithCallTimeout(d time.Duration) Option { return func(o *options) { o.callTimeout = d } }

// WithRetry sets the retry policy; zero fields of p keep their defaults.
func WithRetry(p RetryPolicy) Option { return func(o *options) { o.retry = p.withDefaults() } }

// WithoutRetry makes every call a single attempt.
func WithoutRetry() Option { return WithRetry(RetryPolicy{MaxAttempts: 1}) }

// RetryPolicy bounds retries after a network error before any response, or a 408, 429, 500, 502,
// 503 or 504 (safe: a token minted but never received expires). No wait runs past ctx's deadline.
type RetryPolicy struct {
	MaxAttempts int // attempts in all, the first included (default 3)
	// BaseDelay is the backoff before the second attempt (default 200ms), doubling up to MaxDelay
	// (default 2s); a wait is drawn from [0, backoff).
	BaseDelay, MaxDelay time.Duration
	MaxRetryAfter       time.Duration // caps a Retry-After wait (default 10s)
}

var retryableStatus = []int{http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
	http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}

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
func fullJitter(d time.Duration) time.Duration { return rand.N(max(d, 1)) }

// The {instance} server of openapi.yaml (a test keeps them so), spelled out: oapi-codegen names its
// server-URL helper after prose Flinks may reword.
const (
	serverTemplate     = "https://{instance}-api.private.fin.ag"
	defaultInstance    = "toolbox"
	minKeyLen          = 8
	defaultCallTimeout = 60 * time.Second
)

func instanceURL(instance string) string {
	return strings.Replace(serverTemplate, "{instance}", strings.ToLower(instance), 1)
}

// Go's regexp runs in linear time.
var (
	guid     = regexp.MustCompile(`^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$`)
	dnsLabel = regexp.MustCompile(`^[0-9a-zA-Z]([0-9a-zA-Z-]{0,61}[0-9a-zA-Z])?$`)
)

// validateSecretKey accepts the keys the scrubber can hide.
func validateSecretKey(key string) error {
	if i := strings.IndexFunc(key, func(r rune) bool { return r < 0x20 || r >= 0x7f }); i >= 0 {
		return invalidConfig("secret key has a byte that is not printable ASCII at byte %d of %d; Flinks issues GUID keys: check how it was read (a trailing newline from a file?)", i+1, len(key))
	}
	if strings.TrimSpace(key) != key {
		return invalidConfig("secret key starts or ends with white space; trim it")
	}
	if len(key) < minKeyLen {
		return invalidConfig("secret key is %d bytes long, want at least %d: pass the GUID key Flinks gave you; a key that short cannot be hidden in error text without mangling it", len(key), minKeyLen)
	}
	return nil
}

// validateBaseURL accepts https, and http only for loopback hosts (fakes).
func validateBaseURL(raw string) (*url.URL, error) {
	const want = "want https://host[:port][/path]"
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, invalidConfig("base URL does not parse (%s); %s", withoutValues(err), want)
	case u.Hostname() == "":
		return nil, invalidConfig("base URL (%d bytes) has no host; %s", len(raw), want)
	case u.User != nil:
		return nil, invalidConfig("base URL must not contain user info; remove the user:password@ part")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, invalidConfig("base URL must not have a query or fragment; remove the part from the ? or #")
	case u.Scheme == "http" && !strings.EqualFold(u.Hostname(), "localhost") && !net.ParseIP(u.Hostname()).IsLoopback():
		return nil, invalidConfig("base URL uses http for a non-loopback host; use https (plain http is allowed only for localhost fakes)")
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, invalidConfig("base URL has a scheme other than https or http; %s", want)
	}
	return u, nil
}

// withoutValues returns the text of a net/url error without the values it quotes (the URL, `invalid
// port ":x"`), which may hold a secret.
func withoutValues(err error) string {
	if ue, ok := err.(*url.Error); ok {
		err = ue.Err
	}
	msg, _, _ := strings.Cut(err.Error(), `"`)
	return oneLine(strings.TrimSpace(msg))
}

// NewHTTPClient returns an *http.Client, with a transport of its own, for the generated api client:
//   - redirects are not followed: Go forwards flinks-auth-key to their target;
//   - 10s dial and TLS handshake timeouts, and 60s for a whole request;
//   - TLS 1.2 or later; HTTP/2 pings a connection silent for 10s, closing it after 5s unanswered;
//   - 100 idle connections per host (net/http keeps 2).
func NewHTTPClient() *http.Client {
	hc := newHTTPClient()
	hc.Timeout = defaultCallTimeout
	return hc
}

func newHTTPClient() *http.Client {
	return &http.Client{CheckRedirect: refuseRedirect, Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		HTTP2:                 &http.HTTP2Config{SendPingTimeout: 10 * time.Second, PingTimeout: 5 * time.Second},
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   100,
		IdleConnTimeout:       90 * time.Second,
	}}
}

var dialer = &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
var defaultHTTPClient = sync.OnceValue(newHTTPClient) // shared by every Client without WithHTTPClient

// CloseIdleConnections closes the idle connections of the Client's HTTP client, for the default one
// those every Client shares; otherwise one lives up to 90 seconds after its last use.
func (c *Client) CloseIdleConnections()                   { c.hc.CloseIdleConnections() }
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
