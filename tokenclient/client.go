package tokenclient

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
)

// Client mints authorize tokens for one customer id; it is safe for concurrent use.
type Client struct {
	s                         *sender
	instance, server, connect string        // the base URL ending in "/", and ConnectURL's
	request                   *http.Request // built once; each call copies it
	retry                     RetryPolicy
	logger                    *slog.Logger
}

// New returns a Client for customerID (the GUID Flinks gave you) and secretKey. Its errors match
// ErrInvalidConfig.
func New(customerID, secretKey string, opts ...Option) (_ *Client, err error) {
	if err := validateSecretKey(secretKey); err != nil {
		return nil, err
	}
	s := newScrubber(secretKey)
	defer func() { err = s.configError(err) }()
	o := options{instance: defaultInstance}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	// The checks describe a value, never repeat it: it may be the secret key, in the wrong place.
	for _, c := range []struct {
		bad bool
		msg string
	}{
		{!guid.MatchString(customerID), fmt.Sprintf("customer id (%d bytes) is not a GUID",
			len(customerID))},
		{o.retry.negative(), fmt.Sprintf("retry policy %+v has a negative field", o.retry)},
		{strings.ContainsFunc(o.userAgent, isControl),
			fmt.Sprintf("user agent suffix %q contains control characters", o.userAgent)},
		{o.baseURL == "" && !dnsLabel.MatchString(o.instance), fmt.Sprintf("instance (%d bytes) "+
			"is not a DNS label (up to 63 letters, digits, inner hyphens)", len(o.instance))},
	} {
		if c.bad {
			return nil, invalidConfig("%s", c.msg)
		}
	}
	u, err := validateBaseURL(cmp.Or(o.baseURL, instanceURL(o.instance)))
	if err != nil {
		return nil, err
	}
	cu, err := validateBaseURL(cmp.Or(o.connectURL, o.baseURL,
		"https://"+strings.ToLower(o.instance)+"-iframe.private.fin.ag"))
	if err != nil {
		return nil, err
	}
	// Without the final "/", the builder drops the last path segment; it cannot fail for values
	// the checks passed.
	server := strings.TrimSuffix(u.String(), "/") + "/"
	req, _ := api.NewGenerateAuthorizeTokenRequest(server, customerID, nil)
	setTokenHeaders(req, secretKey)
	req.Header.Set("User-Agent", strings.TrimSpace("flinks-token-go/1 "+o.userAgent))
	return &Client{s: newSender(cmp.Or(o.httpClient, defaultHTTPClient()), secretKey, u),
		instance: o.instance, server: server, connect: strings.TrimSuffix(cu.String(), "/"),
		request: req, retry: o.retry.withDefaults(), logger: o.logger}, nil
}

// GenerateAuthorizeToken calls generateAuthorizeToken for a fresh single-use token, retrying as the
// RetryPolicy says; a ctx without a deadline gets one 60 seconds away. Its error is the last
// attempt's: an *APIError for an answer without a token, or a net.Error naming the host, not the
// URL. After more than one attempt it says how many, and which ctx error ended the call.
func (c *Client) GenerateAuthorizeToken(ctx context.Context) (Token, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultTimeout)
		defer cancel()
	}
	var last error // the error of the last attempt that ended on its own
	for n := 1; ; n++ {
		start := time.Now()
		req := c.request.WithContext(ctx)
		req.Header = req.Header.Clone() // a RoundTripper may add headers
		tok, resp, err := c.s.mint(req, n)
		stop := err == nil || ctx.Err() != nil || !retryable(err) || n >= c.retry.MaxAttempts
		var retryAfter time.Duration
		if e, ok := err.(*APIError); ok {
			retryAfter = e.RetryAfter
		}
		wait := c.retry.delay(n, retryAfter, fullJitter)
		c.log(ctx, n, resp, time.Since(start), err, wait, stop)
		if stop {
			return tok, stopped(ctx, err, n, last)
		}
		last = err
		if deadline, _ := ctx.Deadline(); time.Until(deadline) <= wait {
			return Token{}, fmt.Errorf("%w (attempts: %d, the next in %v, after the deadline: %w)",
				err, n, wait.Round(time.Millisecond), context.DeadlineExceeded)
		}
		select {
		case <-ctx.Done():
			return Token{}, fmt.Errorf("%w (attempts: %d, then %w)", err, n, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// stopped returns the error of a call that stopped after attempt n failed with err, and the
// attempt before with last.
func stopped(ctx context.Context, err error, n int, last error) error {
	if err == nil || n == 1 {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%w (attempts: %d, then %w)", last, n-1, ctx.Err())
	}
	return fmt.Errorf("%w (attempts: %d)", err, n)
}

// log records attempt n, retried after wait unless stop, at Debug level, or Warn if retried.
func (c *Client) log(ctx context.Context, n int, resp *api.GenerateAuthorizeTokenResponse,
	d time.Duration, err error, wait time.Duration, stop bool) {
	if c.logger == nil {
		return
	}
	level, msg := slog.LevelWarn, "tokenclient: attempt failed, retrying"
	attrs := []slog.Attr{slog.Int("attempt", n), slog.Duration("duration", d)}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode()))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if stop {
		level, msg = slog.LevelDebug, "tokenclient: attempt ended"
	} else {
		attrs = append(attrs, slog.Duration("wait", wait))
	}
	c.logger.LogAttrs(ctx, level, msg, attrs...)
}

// The {instance} server of openapi.yaml (a test keeps them so), spelled out: oapi-codegen names its
// server-URL helper after prose Flinks may reword.
const (
	serverTemplate  = "https://{instance}-api.private.fin.ag"
	defaultInstance = "toolbox"
	minKeyLen       = 8
)

func instanceURL(instance string) string {
	return strings.Replace(serverTemplate, "{instance}", strings.ToLower(instance), 1)
}

// Go's regexp runs in linear time.
var (
	guid     = regexp.MustCompile(`^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$`)
	dnsLabel = regexp.MustCompile(`^[0-9a-zA-Z]([0-9a-zA-Z-]{0,61}[0-9a-zA-Z])?$`)
)

func isControl(r rune) bool    { return r < 0x20 || r == 0x7f }
func notPrintable(r rune) bool { return r < 0x20 || r >= 0x7f }

// validateSecretKey accepts the keys the scrubber can hide. Its errors describe the key, never
// repeat it.
func validateSecretKey(key string) error {
	if i := strings.IndexFunc(key, notPrintable); i >= 0 {
		return invalidConfig("secret key has a byte that is not printable ASCII at byte %d of %d",
			i+1, len(key))
	}
	if strings.TrimSpace(key) != key {
		return invalidConfig("secret key starts or ends with white space")
	}
	if len(key) < minKeyLen {
		return invalidConfig("secret key is %d bytes long, want at least %d", len(key), minKeyLen)
	}
	return nil
}

// validateBaseURL accepts https, and http only for loopback hosts (fakes). Its errors describe
// the URL, never repeat it: it may be the secret key, in the wrong place.
func validateBaseURL(raw string) (*url.URL, error) {
	const want = "want https://host[:port][/path]"
	u, err := url.Parse(raw)
	if err != nil {
		return nil, invalidConfig("base URL does not parse (%s); %s", withoutValues(err), want)
	}
	host := u.Hostname()
	loopback := strings.EqualFold(host, "localhost") || net.ParseIP(host).IsLoopback()
	for _, c := range []struct {
		bad bool
		msg string
	}{
		{host == "", "has no host"},
		{u.User != nil, "has user info"},
		{u.RawQuery != "" || u.Fragment != "" || u.ForceQuery, "has a query or fragment"},
		{u.Scheme == "http" && !loopback, "uses http for a host that is not loopback"},
		{u.Scheme != "https" && u.Scheme != "http", "has a scheme other than https or http"},
	} {
		if c.bad {
			return nil, invalidConfig("base URL (%d bytes) %s; %s", len(raw), c.msg, want)
		}
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

// Token calls GenerateAuthorizeToken, so that a *Client is a TokenSource.
func (c *Client) Token(ctx context.Context) (Token, error) { return c.GenerateAuthorizeToken(ctx) }

// Format prints the Client's destination, never its secret key, for every verb.
func (c Client) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "tokenclient.Client{server: %q, secretKey: %s}", c.server, redacted)
}

// LogValue logs the Client's instance and host, never its secret key.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("instance", c.instance),
		slog.String("host", c.request.URL.Host),
	)
}

// CloseIdleConnections closes the idle connections of the Client's HTTP client, for the default one
// those every Client shares; otherwise one lives up to 90 seconds after its last use.
func (c *Client) CloseIdleConnections() { c.s.hc.CloseIdleConnections() }
