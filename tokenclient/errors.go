package tokenclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
)

var (
	// ErrUnauthorized matches a 401: the key is wrong, revoked, or another customer id's or instance's.
	ErrUnauthorized = errors.New("tokenclient: unauthorized")
	// ErrInvalidConfig matches bad input to New, NewAPIClient or NewPool.
	ErrInvalidConfig = errors.New("tokenclient: invalid configuration")
	// ErrMalformedResponse matches a 200 without JSON or a usable Token.
	ErrMalformedResponse = errors.New("tokenclient: malformed response")
	// ErrResponseTooLarge matches a body over MaxResponseBytes.
	ErrResponseTooLarge = errors.New("tokenclient: response body too large")
)

// APIError reports an HTTP response without a token; it matches ErrUnauthorized for a 401. Its text
// fields are server text (see the package doc).
type APIError struct {
	StatusCode int           // the HTTP status code
	FlinksCode string        // the FlinksCode of a JSON error body, if any
	Message    string        // the Message of a JSON error body, if any
	RetryAfter time.Duration // the delay a Retry-After header asked for, or zero
	Location   string        // a 3xx response's redirect target, never followed
	Attempts   int           // requests the Client made, retries included; 0 from TokenFromResponse
	Err        error         // the cause beyond the status: ErrMalformedResponse, ErrResponseTooLarge
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tokenclient: Flinks answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if both := strings.Join(slices.DeleteFunc([]string{e.FlinksCode, e.Message}, func(s string) bool { return s == "" }), ": "); both != "" {
		b.WriteString(" (" + both + ")")
	}
	if e.Err != nil {
		b.WriteString(": " + strings.TrimPrefix(e.Err.Error(), "tokenclient: "))
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if hint := e.hint(); hint != "" {
		b.WriteString("; " + hint)
	}
	return b.String()
}

// hint says what to do about e.
func (e *APIError) hint() string {
	switch code := e.StatusCode; {
	case errors.Is(e.Err, ErrResponseTooLarge):
		return fmt.Sprintf("the body exceeded %d bytes; check that the base URL points at Flinks", MaxResponseBytes)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return "check the secret key, and that it belongs to this customer id and instance"
	case code == http.StatusNotFound:
		return "check the customer id, the instance and the base URL"
	case code >= 300 && code < 400:
		return strings.TrimSuffix("redirect to "+e.Location, " to ") + " not followed (it would forward the secret key); point the client at the final URL"
	case code == http.StatusTooManyRequests:
		return "Flinks is rate limiting; slow down and retry later"
	case code >= 500:
		return "Flinks is failing; retry later"
	case errors.Is(e.Err, ErrMalformedResponse):
		return "the answer does not match the Flinks spec; check the base URL"
	}
	return ""
}

// Is reports whether target is ErrUnauthorized and e a 401.
func (e *APIError) Is(target error) bool {
	return target == ErrUnauthorized && e.StatusCode == http.StatusUnauthorized
}

// Unwrap returns Err.
func (e *APIError) Unwrap() error { return e.Err }

// configError reports bad input; it matches ErrInvalidConfig.
type configError struct{ msg string }

func invalidConfig(format string, args ...any) error {
	return &configError{msg: fmt.Sprintf(format, args...)}
}
func (e *configError) Error() string        { return "tokenclient: " + e.msg }
func (e *configError) Is(target error) bool { return target == ErrInvalidConfig }

// configError hides the key in a config error that quotes a value.
func (s *scrubber) configError(err error) error {
	if ce, ok := err.(*configError); ok {
		return &configError{msg: s.text(ce.msg)}
	}
	return err
}

// textError stands in for an error from outside the package: its scrubbed text, the sentinels it
// matches and its Timeout, unwrapping to nothing so that neither errors.As nor a dumper reaches it.
type textError struct {
	msg     string
	matches []error
	timeout bool
}

// scrubError returns "tokenclient: what: <err's scrubbed text>; hint".
func (s *scrubber) scrubError(what string, err error, hint string) error {
	e := &textError{matches: slices.DeleteFunc([]error{context.Canceled, context.DeadlineExceeded, ErrResponseTooLarge, ErrMalformedResponse},
		func(m error) bool { return !errors.Is(err, m) })}
	if ne, ok := errors.AsType[net.Error](err); ok {
		e.timeout = ne.Timeout()
	}
	if ue, ok := err.(*url.Error); ok {
		err = ue.Err // its text repeats the URL, whose path holds the customer id
	}
	e.msg = "tokenclient: " + what + ": " + s.serverText(err.Error()) + "; " + hint
	return e
}

func (e *textError) Error() string        { return e.msg }
func (e *textError) Is(target error) bool { return slices.Contains(e.matches, target) }
func (e *textError) Timeout() bool        { return e.timeout }
func (e *textError) Temporary() bool      { return e.timeout }

// TokenFromResponse maps a GenerateAuthorizeTokenWithResponse result, reading its body whatever the
// parser decoded, to a Token expiring TokenLifetime from now, or to an *APIError scrubbed of the key.
func TokenFromResponse(resp *api.GenerateAuthorizeTokenResponse) (Token, error) {
	if resp == nil || resp.HTTPResponse == nil {
		return Token{}, errors.New("tokenclient: no response to map; pass the result of GenerateAuthorizeTokenWithResponse")
	}
	var s *scrubber
	if req := resp.HTTPResponse.Request; req != nil && validateSecretKey(req.Header.Get("flinks-auth-key")) == nil {
		s = newScrubber(req.Header.Get("flinks-auth-key"))
	}
	return tokenFromResponse(resp, time.Now(), s)
}

func tokenFromResponse(resp *api.GenerateAuthorizeTokenResponse, now time.Time, s *scrubber) (Token, error) {
	if resp.StatusCode() != http.StatusOK {
		return Token{}, errorFromResponse(resp, nil, now, s)
	}
	var body api.GenerateAuthorizeToken200JSONResponseBody
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return Token{}, errorFromResponse(resp, fmt.Errorf("%w: body is not JSON (%v)", ErrMalformedResponse, err), now, s)
	}
	if body.Token == nil || *body.Token == "" {
		return Token{}, errorFromResponse(resp, fmt.Errorf("%w: no Token in the body", ErrMalformedResponse), now, s)
	}
	if strings.ContainsFunc(*body.Token, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return Token{}, errorFromResponse(resp, fmt.Errorf("%w: Token is not printable ASCII without spaces", ErrMalformedResponse), now, s)
	}
	return Token{Value: *body.Token, ExpiresAt: now.Add(TokenLifetime)}, nil
}

// errorFromResponse builds the *APIError for resp; every Flinks error body has the 401 body's
// shape.
func errorFromResponse(resp *api.GenerateAuthorizeTokenResponse, cause error, now time.Time, s *scrubber) *APIError {
	h := resp.HTTPResponse.Header
	e := &APIError{StatusCode: resp.StatusCode(), Err: cause, RetryAfter: parseRetryAfter(h.Get("Retry-After"), now)}
	var fields api.GenerateAuthorizeToken401JSONResponseBody
	if json.Unmarshal(resp.Body, &fields) == nil {
		if fields.FlinksCode != nil {
			e.FlinksCode = s.serverText(*fields.FlinksCode)
		}
		if fields.Message != nil {
			e.Message = s.serverText(*fields.Message)
		}
	}
	if e.StatusCode >= 300 && e.StatusCode < 400 {
		e.Location = s.serverText(h.Get("Location"))
	}
	return e
}

// parseRetryAfter reads delay-seconds (at most a day) or an HTTP date; it returns zero for an
// absent, malformed or past value.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(min(max(secs, 0), 24*60*60)) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}
