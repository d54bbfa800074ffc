package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
)

// MaxResponseBytes bounds how much of a response body a Client reads; a
// larger or endless body is an error wrapping ErrResponseTooLarge.
const MaxResponseBytes = 1 << 20

const userAgent = "flinks-token-go/1"

// Client mints Flinks authorize tokens for one customer id and secret key.
// It is safe for concurrent use by multiple goroutines.
type Client struct {
	scrub   *scrubber
	server  string // the base URL, ending in "/"
	origin  string // scheme://host of server, what network errors name
	connect string // the Connect page's base URL, for ConnectURL
	// request is built once, by the generated builder and SecretKeyEditor:
	// nothing in it changes between calls, and each call copies it.
	request *http.Request
	// shareHeader is true when hc never modifies a request (net/http's
	// own transport, no cookie jar), so calls share request's headers.
	shareHeader bool
	hc          *http.Client
	retry       RetryPolicy
	logger      *slog.Logger
	timeout     *callTimeoutError
}

// New returns a Client for customerID (the GUID Flinks gave you) and
// secretKey. It checks all input before anything is sent; every error it
// returns matches ErrInvalidConfig and none contains the secret key.
func New(customerID, secretKey string, opts ...Option) (*Client, error) {
	if err := validateSecretKey(secretKey); err != nil {
		return nil, err
	}
	s := newScrubber(secretKey)
	c, err := newClient(customerID, secretKey, s, opts)
	return c, s.configError(err)
}

func newClient(customerID, secretKey string, s *scrubber, opts []Option) (*Client, error) {
	o := options{instance: defaultInstance, retry: RetryPolicy{}.withDefaults(), callTimeout: defaultCallTimeout}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if err := validateCustomerID(customerID); err != nil {
		return nil, err
	}
	if err := o.retry.validate(); err != nil {
		return nil, err
	}
	if o.callTimeout <= 0 {
		return nil, invalidConfig("call timeout %v: want more than 0; pass a context with a deadline for a call-by-call bound", o.callTimeout)
	}
	if strings.ContainsFunc(o.userAgent, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, invalidConfig("user agent suffix %q contains control characters", o.userAgent)
	}
	server, err := serverURL(o)
	if err != nil {
		return nil, err
	}
	connect, err := connectBase(o)
	if err != nil {
		return nil, err
	}
	// The generated builder resolves "./v3/…" against server, which drops
	// a path prefix without a trailing slash (api.NewClient adds it too).
	if !strings.HasSuffix(server, "/") {
		server += "/"
	}
	req, err := api.NewGenerateAuthorizeTokenRequest(server, customerID, nil)
	if err != nil {
		return nil, invalidConfig("cannot build a request for the base URL and customer id (%s)", withoutValues(err))
	}
	setTokenHeaders(req, secretKey)
	req.Header.Set("User-Agent", strings.TrimSpace(userAgent+" "+o.userAgent))

	c := &Client{
		scrub:   s,
		server:  server,
		origin:  origin(server),
		connect: connect,
		request: req,
		retry:   o.retry,
		logger:  o.logger,
		timeout: &callTimeoutError{o.callTimeout},
	}
	if o.httpClient != nil {
		c.hc = withoutRedirects(o.httpClient)
		c.shareHeader = leavesRequestAlone(c.hc)
	} else {
		c.hc, c.shareHeader = defaultHTTPClient(), true
	}
	return c, nil
}

func serverURL(o options) (string, error) {
	if o.baseURL != "" {
		u, err := validateBaseURL(o.baseURL)
		if err != nil {
			return "", err
		}
		return u.String(), nil
	}
	if err := validateInstance(o.instance); err != nil {
		return "", err
	}
	return instanceURL(o.instance), nil
}

// GenerateAuthorizeToken calls the generateAuthorizeToken operation
// (POST /v3/{customerId}/BankingServices/GenerateAuthorizeToken) and
// returns a fresh single-use token; every call mints a new one.
//
// Network errors before a response, and 408, 429, 500, 502, 503 and 504
// answers, are retried as the RetryPolicy says; a wait never runs past
// ctx's deadline. When ctx has no deadline, the whole call, attempts and
// waits included, is bounded by the call timeout (WithCallTimeout). It
// returns:
//   - an *APIError matching ErrUnauthorized for a 401 (wrong secret key);
//   - an *APIError for any other answer without a token, wrapping
//     ErrMalformedResponse for a 200 without a usable Token and
//     ErrResponseTooLarge for a body over MaxResponseBytes, and saying how
//     many attempts were made;
//   - an error matching ctx.Err() when ctx ends first, or
//     context.DeadlineExceeded when the call timeout does, which also
//     wraps the last attempt's error, if an attempt had ended;
//   - otherwise a network error naming the host but not the URL, which
//     is a net.Error with the transport error's Timeout.
func (c *Client) GenerateAuthorizeToken(ctx context.Context) (Token, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, c.timeout.d, c.timeout)
		defer cancel()
	}
	var last error // the error of the last attempt that ended on its own
	for attempt := 1; ; attempt++ {
		tok, err := c.attempt(ctx)
		if err == nil {
			return tok, nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			if !errors.Is(err, ctxErr) {
				last = err
			}
			return Token{}, c.interrupted(ctx, attempt, last)
		}
		last = err
		apiErr, isAPIErr := errors.AsType[*APIError](err)
		if isAPIErr {
			apiErr.Attempts = attempt
		}
		if isAPIErr && !isRetryableStatus(apiErr.StatusCode) || attempt >= c.retry.MaxAttempts {
			if isAPIErr || attempt == 1 {
				return Token{}, err
			}
			return Token{}, fmt.Errorf("tokenclient: gave up after %d attempts: %w", attempt, trimPrefix(err))
		}
		var retryAfter time.Duration
		if isAPIErr {
			retryAfter = apiErr.RetryAfter
		}
		wait := c.retry.delay(attempt, retryAfter, fullJitter)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return Token{}, fmt.Errorf("tokenclient: gave up after %s: the next one, in %v, would start after the deadline (%w); the last attempt: %w",
				attempts(attempt), wait.Round(time.Millisecond), context.DeadlineExceeded, trimPrefix(err))
		}
		c.log(ctx, slog.LevelWarn, "tokenclient: attempt failed, retrying",
			slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
		if sleepContext(ctx, wait) != nil {
			return Token{}, c.interrupted(ctx, attempt, last)
		}
	}
}

// interrupted reports a call that ctx ended during attempt n (or the wait
// after it), wrapping both ctx's error, or the call timeout's, and last,
// the error of the last attempt that ended on its own, when there was one.
func (c *Client) interrupted(ctx context.Context, n int, last error) error {
	cause := ctx.Err()
	if context.Cause(ctx) == c.timeout {
		cause = c.timeout
	}
	if last == nil {
		return fmt.Errorf("tokenclient: generate authorize token: %w", trimPrefix(cause))
	}
	return fmt.Errorf("tokenclient: gave up during attempt %d: %w; the last attempt that ended: %w",
		n, trimPrefix(cause), trimPrefix(last))
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// trimPrefix wraps err without repeating the package prefix in the text.
func trimPrefix(err error) error { return &prefixless{err} }

type prefixless struct{ error }

func (e *prefixless) Error() string { return strings.TrimPrefix(e.error.Error(), "tokenclient: ") }
func (e *prefixless) Unwrap() error { return e.error }

// attempt sends one request and maps its response. Every error it returns
// is already free of the secret key.
func (c *Client) attempt(ctx context.Context) (Token, error) {
	req := c.request.WithContext(ctx)
	if !c.shareHeader {
		// A RoundTripper that adds headers would otherwise add them to
		// every later call; the URL is left alone by every sane one.
		req.Header = req.Header.Clone()
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return Token{}, c.scrub.scrubError("request to "+c.origin+" failed", err, "check network access to Flinks")
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	_ = resp.Body.Close()
	if err != nil {
		return Token{}, c.scrub.scrubError("reading the response from "+c.origin+" failed", err, "check network access to Flinks")
	}
	parsed := &api.GenerateAuthorizeTokenResponse{Body: body, HTTPResponse: resp}
	if len(body) > MaxResponseBytes {
		parsed.Body = nil
		return Token{}, errorFromResponse(parsed, ErrResponseTooLarge, time.Now(), c.scrub)
	}
	return tokenFromResponse(parsed, time.Now(), c.scrub)
}

func (c *Client) log(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	if c.logger != nil {
		c.logger.LogAttrs(ctx, level, msg, attrs...)
	}
}

// Format prints the Client's destination, never its secret key, for every
// verb (%v, %+v, %#v, %s, %q, %x, …).
func (c Client) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "tokenclient.Client{server: %q, secretKey: %s}", c.server, redacted)
}
