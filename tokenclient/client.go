package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
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
	redactor *redactor
	server   string
	origin   string // scheme://host of server, what network errors name
	connect  string // the Connect page's base URL, for ConnectURL
	// request is the generated builder's request plus SecretKeyEditor's
	// headers; the customer id, server and headers never change for a
	// Client, so each call copies it instead of rebuilding it.
	request *http.Request
	// shareRequest is true when the doer is known never to modify a
	// request (net/http's Client and Transport without a cookie jar), so
	// calls can share request's headers instead of cloning them.
	shareRequest bool
	doer         api.HttpRequestDoer
	retry        RetryPolicy
	logger       *slog.Logger
	bounds       *callBounds

	// Seams for tests.
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
	jitter func(time.Duration) time.Duration
}

// New returns a Client for customerID (the GUID Flinks gave you) and
// secretKey. It checks all input before anything is sent; every error it
// returns matches ErrInvalidConfig and none contains the secret key.
func New(customerID, secretKey string, opts ...Option) (*Client, error) {
	c, err := newClient(customerID, secretKey, opts)
	if err != nil {
		return nil, scrubConfigError(err, secretKey)
	}
	return c, nil
}

func newClient(customerID, secretKey string, opts []Option) (*Client, error) {
	o := options{
		instance:    defaultInstance,
		retry:       DefaultRetryPolicy(),
		callTimeout: DefaultCallTimeout,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if err := validateCustomerID(customerID); err != nil {
		return nil, err
	}
	if err := validateSecretKey(secretKey); err != nil {
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
	if err := SecretKeyEditor(secretKey)(context.Background(), req); err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", strings.TrimSpace(userAgent+" "+o.userAgent))

	c := &Client{
		redactor: newRedactor(secretKey),
		server:   server,
		origin:   origin(server),
		connect:  connect,
		request:  req,
		retry:    o.retry,
		logger:   o.logger,
		bounds:   newCallBounds(o.callTimeout),
		now:      time.Now,
		sleep:    sleepContext,
		jitter:   fullJitter,
	}
	switch {
	case o.doer != nil:
		c.doer = o.doer
	case o.httpClient != nil:
		hc := withoutRedirects(o.httpClient)
		c.doer, c.shareRequest = hc, leavesRequestAlone(hc)
	default:
		c.doer, c.shareRequest = defaultHTTPClient(), true
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

// GenerateAuthorizeToken calls POST /v3/{customerId}/BankingServices/GenerateAuthorizeToken
// and returns a fresh single-use token; every call mints a new one.
//
// Network errors before a response, and 408, 429, 500, 502, 503 and 504
// answers, are retried as the RetryPolicy says; a wait never runs past
// ctx's deadline. When ctx has no deadline, the whole call, attempts and
// waits included, is bounded by the call timeout (DefaultCallTimeout,
// WithCallTimeout). It returns:
//   - an *APIError matching ErrUnauthorized for a 401 (wrong secret key);
//   - an *APIError for any other answer without a token, wrapping
//     ErrMalformedResponse for a 200 without a usable Token and
//     ErrResponseTooLarge for a body over MaxResponseBytes, and saying how
//     many attempts were made;
//   - an error matching ctx.Err() when ctx ends first, or
//     context.DeadlineExceeded when the call timeout does, which also
//     wraps the last attempt's error, if an attempt had ended;
//   - otherwise a network error wrapping the transport's error, naming
//     the host but not the URL.
//
// No error, and nothing errors.Unwrap or errors.As reach from it, contains
// the secret key, and all their text is one line.
func (c *Client) GenerateAuthorizeToken(ctx context.Context) (Token, error) {
	if _, ok := ctx.Deadline(); !ok {
		bc := c.bounds.start(ctx)
		defer bc.end()
		ctx = bc
	}
	tok, err := c.generate(ctx)
	if err != nil {
		return Token{}, c.redactor.sanitize(err)
	}
	return tok, nil
}

func (c *Client) generate(ctx context.Context) (Token, error) {
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
			return Token{}, c.interrupted(ctx, ctxErr, attempt, last)
		}
		last = err
		apiErr, isAPIErr := errors.AsType[*APIError](err)
		if isAPIErr {
			apiErr.Attempts = attempt
		}
		if isAPIErr && !isRetryableStatus(apiErr.StatusCode) || attempt >= c.retry.MaxAttempts {
			return Token{}, c.finalError(err, attempt)
		}
		var retryAfter time.Duration
		if isAPIErr {
			retryAfter = apiErr.RetryAfter
		}
		wait := c.retry.delay(attempt, retryAfter, c.jitter)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return Token{}, fmt.Errorf("tokenclient: gave up after %s: the next one, in %v, would start after the deadline (%w); the last attempt: %w",
				attempts(attempt), wait.Round(time.Millisecond), context.DeadlineExceeded, trimPrefix(err))
		}
		c.log(ctx, slog.LevelWarn, "tokenclient: attempt failed, retrying",
			slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", c.redactor.sanitize(err).Error()))
		if err := c.sleep(ctx, wait); err != nil {
			return Token{}, c.interrupted(ctx, err, attempt, last)
		}
	}
}

// interrupted reports a call that ctx ended during attempt n (or the wait
// after it), wrapping both ctx's error and last, the error of the last
// attempt that ended on its own, when there was one.
func (c *Client) interrupted(ctx context.Context, ctxErr error, n int, last error) error {
	cause := c.deadlineCause(ctx, ctxErr)
	if last == nil {
		return fmt.Errorf("tokenclient: generate authorize token: %w", trimPrefix(cause))
	}
	return fmt.Errorf("tokenclient: gave up during attempt %d: %w; the last attempt that ended: %w",
		n, trimPrefix(cause), trimPrefix(last))
}

// deadlineCause replaces context.DeadlineExceeded with the error saying
// that the Client's call timeout ran out, when it did.
func (c *Client) deadlineCause(ctx context.Context, err error) error {
	if _, ok := ctx.(*boundCtx); ok && errors.Is(err, context.DeadlineExceeded) {
		return c.bounds.err
	}
	return err
}

func (c *Client) finalError(err error, n int) error {
	if _, ok := errors.AsType[*APIError](err); ok || n == 1 {
		return err
	}
	return fmt.Errorf("tokenclient: gave up after %s: %w", attempts(n), trimPrefix(err))
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// trimPrefix wraps err without repeating the package prefix in the text.
func trimPrefix(err error) error {
	return &prefixless{err}
}

type prefixless struct{ error }

func (e *prefixless) Error() string { return strings.TrimPrefix(e.error.Error(), "tokenclient: ") }
func (e *prefixless) Unwrap() error { return e.error }

// attempt sends one request and maps its response. Every error it returns
// is already free of the secret key.
func (c *Client) attempt(ctx context.Context) (Token, error) {
	req := c.request.WithContext(ctx)
	if !c.shareRequest {
		// A RoundTripper that adds headers would otherwise add them to
		// every later call; the URL is left alone by every sane one.
		req.Header = req.Header.Clone()
	}
	resp, err := c.doer.Do(req)
	if err != nil {
		return Token{}, fmt.Errorf("tokenclient: request to %s failed: %w; check network access to Flinks", c.origin, c.redactor.sanitize(err))
	}
	buf := bodyBuffers.Get().(*[]byte)
	defer putBodyBuffer(buf)
	body, readErr := readBody(resp.Body, (*buf)[:0])
	_ = resp.Body.Close()
	*buf = body
	parsed := api.GenerateAuthorizeTokenResponse{Body: body, HTTPResponse: resp}
	switch {
	case readErr == ErrResponseTooLarge:
		parsed.Body = nil
		return Token{}, errorFromResponse(&parsed, ErrResponseTooLarge, c.now(), c.redactor)
	case readErr != nil:
		return Token{}, fmt.Errorf("tokenclient: reading the response from %s failed: %w", c.origin, c.redactor.sanitize(readErr))
	}
	return tokenFromResponse(&parsed, c.now(), c.redactor)
}

// bodyBuffers holds response buffers for reuse: the body of a token
// answer is read whole, then decoded, then no longer needed.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// maxPooledBuffer is the largest buffer kept for reuse; a token answer is
// about 70 bytes, so only an unusual body grows a buffer past it, and the
// pool should not pin such a body's memory.
const maxPooledBuffer = 64 << 10

// putBodyBuffer returns b to the pool unless an unusual body grew it.
func putBodyBuffer(b *[]byte) {
	if keepBuffer(cap(*b)) {
		bodyBuffers.Put(b)
	}
}

func keepBuffer(capacity int) bool { return capacity <= maxPooledBuffer }

// readBody appends r's content to b, at most MaxResponseBytes of it;
// past that it fails with ErrResponseTooLarge, so a huge or endless body
// costs bounded memory and time.
func readBody(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):min(cap(b), MaxResponseBytes+1)])
		b = b[:len(b)+n]
		switch {
		case len(b) > MaxResponseBytes:
			return b[:MaxResponseBytes], ErrResponseTooLarge
		case err == io.EOF:
			return b, nil
		case err != nil:
			return b, err
		}
	}
}

func (c *Client) log(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	if c.logger != nil {
		c.logger.LogAttrs(ctx, level, msg, attrs...)
	}
}
