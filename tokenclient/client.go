package tokenclient

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
)

// MaxResponseBytes bounds how much of a response body is read.
const MaxResponseBytes = 1 << 20

// Client mints authorize tokens for one customer id; it is safe for concurrent use.
type Client struct {
	scrub           *scrubber
	server, connect string        // the base URL ending in "/", and ConnectURL's
	request         *http.Request // built once; each call copies it
	hc              *http.Client
	retry           RetryPolicy
	logger          *slog.Logger
	callTimeout     time.Duration
	timeout         error // the cause of a call the call timeout cut
}

// New returns a Client for customerID (the GUID Flinks gave you) and secretKey. Its errors match
// ErrInvalidConfig.
func New(customerID, secretKey string, opts ...Option) (_ *Client, err error) {
	if err := validateSecretKey(secretKey); err != nil {
		return nil, err
	}
	s := newScrubber(secretKey)
	defer func() { err = s.configError(err) }()
	o := options{instance: defaultInstance, retry: RetryPolicy{}.withDefaults(), callTimeout: defaultCallTimeout}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	// The checks describe a value, never repeat it: it may be the secret key, in the wrong place.
	server := o.baseURL
	switch {
	case !guid.MatchString(customerID):
		err = invalidConfig("customer id (%d bytes) is not a GUID: want the xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx value Flinks gave you; New takes the customer id first, then the secret key", len(customerID))
	case o.retry.MaxAttempts < 1 || min(o.retry.BaseDelay, o.retry.MaxDelay, o.retry.MaxRetryAfter) < 0:
		err = invalidConfig("retry policy %+v has a negative field; use WithoutRetry to turn retries off", o.retry)
	case o.callTimeout <= 0:
		err = invalidConfig("call timeout %v: want more than 0; pass a context with a deadline for a call-by-call bound", o.callTimeout)
	case strings.ContainsFunc(o.userAgent, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		err = invalidConfig("user agent suffix %q contains control characters", o.userAgent)
	case server != "":
		_, err = validateBaseURL(server)
	case !dnsLabel.MatchString(o.instance): // a host under private.fin.ag
		err = invalidConfig("instance (%d bytes) is not a single DNS label of letters, digits and inner hyphens, at most 63 bytes; use a name such as toolbox, sandbox or your production instance", len(o.instance))
	default:
		server = instanceURL(o.instance)
	}
	if err != nil {
		return nil, err
	}
	u, err := validateBaseURL(cmp.Or(o.connectURL, o.baseURL, "https://"+strings.ToLower(o.instance)+"-iframe.private.fin.ag"))
	if err != nil {
		return nil, err
	}
	connect := strings.TrimSuffix(u.String(), "/") // ConnectURL's base
	server = strings.TrimSuffix(server, "/") + "/" // else the builder drops the last path segment
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
	return &Client{scrub: s, server: server, connect: connect, request: req,
		hc: hc, retry: o.retry, logger: o.logger, callTimeout: o.callTimeout, timeout: &textError{
			msg:     fmt.Sprintf("tokenclient: the call timeout (%v) ran out; pass a context with a deadline, or raise WithCallTimeout", o.callTimeout),
			matches: []error{context.DeadlineExceeded}, timeout: true}}, nil
}

// GenerateAuthorizeToken calls generateAuthorizeToken for a fresh single-use token, retrying as the
// RetryPolicy says. Its error is an *APIError for an answer without a token; one matching ctx.Err()
// (context.DeadlineExceeded for the call timeout) that wraps the last ended attempt's error, if
// any; or a net.Error naming the host, not the URL.
func (c *Client) GenerateAuthorizeToken(ctx context.Context) (Token, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, c.callTimeout, c.timeout)
		defer cancel()
	}
	var last error // the error of the last attempt that ended on its own
	for attempt := 1; ; attempt++ {
		tok, err := c.attempt(ctx)
		if err == nil {
			return tok, nil
		} else if ctx.Err() != nil {
			if !errors.Is(err, ctx.Err()) {
				last = err
			}
			return Token{}, c.interrupted(ctx, attempt, last)
		}
		last = err
		var retryAfter time.Duration
		if apiErr, ok := errors.AsType[*APIError](err); ok {
			apiErr.Attempts, retryAfter = attempt, apiErr.RetryAfter
			if !slices.Contains(retryableStatus, apiErr.StatusCode) || attempt >= c.retry.MaxAttempts {
				return Token{}, err
			}
		} else if attempt >= c.retry.MaxAttempts {
			return Token{}, fmt.Errorf("tokenclient: gave up after %d attempts: %w", attempt, &prefixless{err})
		}
		wait := c.retry.delay(attempt, retryAfter, fullJitter)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= wait {
			return Token{}, fmt.Errorf("tokenclient: gave up: the next attempt, in %v, would not start before the deadline (%w); the last one: %w",
				wait.Round(time.Millisecond), context.DeadlineExceeded, &prefixless{err})
		}
		if c.logger != nil {
			c.logger.LogAttrs(ctx, slog.LevelWarn, "tokenclient: attempt failed, retrying",
				slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return Token{}, c.interrupted(ctx, attempt, last)
		case <-time.After(wait):
		}
	}
}

// interrupted reports a call ctx ended during attempt n or the wait after.
func (c *Client) interrupted(ctx context.Context, n int, last error) error {
	cause := ctx.Err()
	if context.Cause(ctx) == c.timeout {
		cause = c.timeout
	}
	if last == nil {
		return fmt.Errorf("tokenclient: generate authorize token: %w", &prefixless{cause})
	}
	return fmt.Errorf("tokenclient: gave up during attempt %d: %w; the last attempt that ended: %w", n, &prefixless{cause}, &prefixless{last})
}

// prefixless wraps an error without repeating the package prefix in the text.
type prefixless struct{ error }

func (e *prefixless) Error() string { return strings.TrimPrefix(e.error.Error(), "tokenclient: ") }
func (e *prefixless) Unwrap() error { return e.error }

func (c *Client) attempt(ctx context.Context) (Token, error) {
	req := c.request.WithContext(ctx)
	req.Header = req.Header.Clone() // a RoundTripper may add headers
	resp, err := send(c.hc.Do, req, c.scrub)
	if err != nil {
		return Token{}, err
	}
	return tokenFromResponse(&resp, time.Now(), c.scrub)
}

// send sends req with do and reads at most MaxResponseBytes of the body. Its errors name the host
// alone: the path holds the customer id, which is the secret key when the two are swapped.
func send(do func(*http.Request) (*http.Response, error), req *http.Request, s *scrubber) (api.GenerateAuthorizeTokenResponse, error) {
	failed := func(what string, err error) error {
		return s.scrubError(what+req.URL.Scheme+"://"+req.URL.Host+" failed", err, "check network access to Flinks")
	}
	resp, err := do(req)
	if err != nil {
		return api.GenerateAuthorizeTokenResponse{}, failed("request to ", err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	_ = resp.Body.Close()
	if err != nil {
		return api.GenerateAuthorizeTokenResponse{}, failed("reading the response from ", err)
	} else if len(body) > MaxResponseBytes {
		return api.GenerateAuthorizeTokenResponse{}, errorFromResponse(&api.GenerateAuthorizeTokenResponse{HTTPResponse: resp}, ErrResponseTooLarge, time.Now(), s)
	}
	return api.GenerateAuthorizeTokenResponse{Body: body, HTTPResponse: resp}, nil
}

// Format prints the Client's destination, never its secret key, for every verb.
func (c Client) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "tokenclient.Client{server: %q, secretKey: %s}", c.server, redacted)
}

// ConnectURL returns the Connect iframe URL spending tok: https://{instance}-iframe.private.fin.ag
// (or WithConnectBaseURL's URL, else WithBaseURL's, where flinkstest serves a stand-in page), then
// /v2/?authorizeToken=… and params sorted. It refuses an empty or expired tok, or an authorizeToken param.
func (c *Client) ConnectURL(tok Token, params url.Values) (string, error) {
	switch {
	case tok.Value == "":
		return "", errors.New("tokenclient: ConnectURL needs a token; call GenerateAuthorizeToken first")
	case !tok.ExpiresAt.IsZero() && !tok.Valid():
		return "", errors.New("tokenclient: the authorize token has expired; mint a fresh one")
	case params.Has("authorizeToken"):
		return "", invalidConfig("Connect parameters must not set authorizeToken; it comes from the token")
	}
	query := "authorizeToken=" + url.QueryEscape(tok.Value)
	if extra := params.Encode(); extra != "" {
		query += "&" + extra
	}
	return c.connect + "/v2/?" + query, nil
}

// TokenLifetime is how long Flinks keeps an unused authorize token valid after issuing it.
const TokenLifetime = 30 * time.Minute

// Token is a single-use Flinks authorize token.
type Token struct {
	// Value goes into the Connect iframe URL as authorizeToken, or into flinks-auth-key on /Authorize.
	Value string
	// ExpiresAt is the local receipt time plus TokenLifetime, an upper bound: Flinks counts from earlier.
	ExpiresAt time.Time
}

// Valid reports whether t has a value and has not reached ExpiresAt.
func (t Token) Valid() bool { return t.Value != "" && time.Now().Before(t.ExpiresAt) }

// TokenSource supplies fresh single-use authorize tokens: a *Client mints one per call, a *Pool
// hands out one minted ahead of time.
type TokenSource interface {
	// Token returns a token no one else has been given.
	Token(ctx context.Context) (Token, error)
}

// Token calls GenerateAuthorizeToken, so that a *Client is a TokenSource.
func (c *Client) Token(ctx context.Context) (Token, error) { return c.GenerateAuthorizeToken(ctx) }
