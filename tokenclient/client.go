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

// MaxResponseBytes bounds how much of a response body is read; a larger
// or endless body is an *APIError wrapping ErrResponseTooLarge.
const MaxResponseBytes = 1 << 20

// Client mints Flinks authorize tokens for one customer id and secret key.
// It is safe for concurrent use by multiple goroutines.
type Client struct {
	scrub          *scrubber
	server, origin string        // the base URL ending in "/", and its scheme://host
	connect        string        // the base URL of ConnectURL
	request        *http.Request // built once; each call copies it
	hc             *http.Client
	retry          RetryPolicy
	logger         *slog.Logger
	timeout        *callTimeoutError
}

// New returns a Client for customerID (the GUID Flinks gave you) and
// secretKey. It checks all input before anything is sent; every error it
// returns matches ErrInvalidConfig.
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
	server := o.baseURL
	err := validateCustomerID(customerID)
	switch {
	case err != nil:
	case o.retry.validate() != nil:
		err = o.retry.validate()
	case o.callTimeout <= 0:
		err = invalidConfig("call timeout %v: want more than 0; pass a context with a deadline for a call-by-call bound", o.callTimeout)
	case strings.ContainsFunc(o.userAgent, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		err = invalidConfig("user agent suffix %q contains control characters", o.userAgent)
	case server != "":
		_, err = validateBaseURL(server)
	default:
		server, err = instanceURL(o.instance), validateInstance(o.instance)
	}
	if err != nil {
		return nil, err
	}
	connect, err := connectBase(o)
	if err != nil {
		return nil, err
	}
	// The generated builder resolves "./v3/…" against server, which drops
	// a path prefix without a trailing slash.
	if !strings.HasSuffix(server, "/") {
		server += "/"
	}
	req, err := api.NewGenerateAuthorizeTokenRequest(server, customerID, nil)
	if err != nil {
		return nil, invalidConfig("cannot build a request for the base URL and customer id (%s)", withoutValues(err))
	}
	setTokenHeaders(req, secretKey)
	req.Header.Set("User-Agent", strings.TrimSpace("flinks-token-go/1 "+o.userAgent))
	hc := defaultHTTPClient()
	if o.httpClient != nil {
		copied := *o.httpClient
		copied.CheckRedirect = refuseRedirect
		hc = &copied
	}
	// Network errors name the host alone: the path holds the customer id,
	// which is the secret key when the two are passed in swapped order.
	origin := req.URL.Scheme + "://" + req.URL.Host
	return &Client{scrub: s, server: server, origin: origin, connect: connect, request: req,
		hc: hc, retry: o.retry, logger: o.logger, timeout: &callTimeoutError{o.callTimeout}}, nil
}

// GenerateAuthorizeToken calls the generateAuthorizeToken operation (POST
// /v3/{customerId}/BankingServices/GenerateAuthorizeToken) and returns a
// fresh single-use token; every call mints a new one.
//
// Network errors before a response, and 408, 429, 500, 502, 503 and 504
// answers, are retried as the RetryPolicy says; a wait never runs past
// ctx's deadline. It returns:
//   - an *APIError for an answer without a token (see APIError);
//   - an error matching ctx.Err() when ctx ends first, or
//     context.DeadlineExceeded when the call timeout does, which also
//     wraps the last attempt's error, if an attempt had ended;
//   - otherwise a network error naming the host but not the URL, a
//     net.Error with the transport error's Timeout.
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
		if ctx.Err() != nil {
			if !errors.Is(err, ctx.Err()) {
				last = err
			}
			return Token{}, c.interrupted(ctx, attempt, last)
		}
		last = err
		apiErr, isAPIErr := errors.AsType[*APIError](err)
		var retryAfter time.Duration
		if isAPIErr {
			apiErr.Attempts, retryAfter = attempt, apiErr.RetryAfter
		}
		switch {
		case isAPIErr && (!isRetryableStatus(apiErr.StatusCode) || attempt >= c.retry.MaxAttempts):
			return Token{}, err
		case attempt >= c.retry.MaxAttempts:
			return Token{}, fmt.Errorf("tokenclient: gave up after %d attempts: %w", attempt, trimPrefix(err))
		}
		wait := c.retry.delay(attempt, retryAfter, fullJitter)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= wait {
			return Token{}, fmt.Errorf("tokenclient: gave up: the next attempt, in %v, would not start before the deadline (%w); the last one: %w",
				wait.Round(time.Millisecond), context.DeadlineExceeded, trimPrefix(err))
		}
		c.log(ctx, slog.LevelWarn, "tokenclient: attempt failed, retrying",
			slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
		select {
		case <-ctx.Done():
			return Token{}, c.interrupted(ctx, attempt, last)
		case <-time.After(wait):
		}
	}
}

// interrupted reports a call that ctx (or the call timeout) ended during
// attempt n or the wait after it, wrapping last, when an attempt had ended.
func (c *Client) interrupted(ctx context.Context, n int, last error) error {
	cause := ctx.Err()
	if context.Cause(ctx) == c.timeout {
		cause = c.timeout
	}
	if last == nil {
		return fmt.Errorf("tokenclient: generate authorize token: %w", trimPrefix(cause))
	}
	return fmt.Errorf("tokenclient: gave up during attempt %d: %w; the last attempt that ended: %w", n, trimPrefix(cause), trimPrefix(last))
}

// trimPrefix wraps err without repeating the package prefix in the text.
func trimPrefix(err error) error { return &prefixless{err} }

type prefixless struct{ error }

func (e *prefixless) Error() string { return strings.TrimPrefix(e.error.Error(), "tokenclient: ") }
func (e *prefixless) Unwrap() error { return e.error }

// attempt sends one request and maps its response; its errors are free of
// the secret key.
func (c *Client) attempt(ctx context.Context) (Token, error) {
	req := c.request.WithContext(ctx)
	req.Header = req.Header.Clone() // a RoundTripper may add headers
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
