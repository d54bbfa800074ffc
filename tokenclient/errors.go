package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

var (
	// ErrUnauthorized is matched by errors.Is for every 401 answer: the
	// secret key is wrong, revoked, or belongs to another customer id or
	// instance.
	ErrUnauthorized = errors.New("tokenclient: unauthorized")
	// ErrInvalidConfig is matched by errors.Is for every error about bad
	// input to New, NewAPIClient or an option; such input is never sent.
	ErrInvalidConfig = errors.New("tokenclient: invalid configuration")
	// ErrMalformedResponse is matched by errors.Is when Flinks answers 200
	// with a body that is not JSON or has no usable Token.
	ErrMalformedResponse = errors.New("tokenclient: malformed response")
	// ErrResponseTooLarge is matched by errors.Is when a response body is
	// larger than MaxResponseBytes.
	ErrResponseTooLarge = errors.New("tokenclient: response body too large")
)

// APIError reports an HTTP response from Flinks that did not carry a
// token. errors.Is(err, ErrUnauthorized) holds when StatusCode is 401. Its
// text fields are scrubbed of the secret key, one line, at most 512 bytes.
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
	if e.FlinksCode != "" && e.Message != "" {
		fmt.Fprintf(&b, " (%s: %s)", e.FlinksCode, e.Message)
	} else if e.FlinksCode+e.Message != "" {
		fmt.Fprintf(&b, " (%s)", e.FlinksCode+e.Message)
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
	code := e.StatusCode
	switch {
	case errors.Is(e.Err, ErrResponseTooLarge):
		return fmt.Sprintf("the body exceeded %d bytes; check that the base URL points at Flinks", MaxResponseBytes)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return "check the secret key, and that it belongs to this customer id and instance"
	case code == http.StatusNotFound:
		return "check the customer id, the instance and the base URL"
	case code >= 300 && code < 400 && e.Location != "":
		return "redirect to " + e.Location + " not followed (it would forward the secret key); point the client at the final URL"
	case code >= 300 && code < 400:
		return "redirect not followed (it would forward the secret key); point the client at the final URL"
	case code == http.StatusTooManyRequests:
		return "Flinks is rate limiting; slow down and retry later"
	case code >= 500:
		return "Flinks is failing; retry later"
	case errors.Is(e.Err, ErrMalformedResponse):
		return "the answer does not match the Flinks spec; check the base URL"
	}
	return ""
}

// Is makes errors.Is(err, ErrUnauthorized) hold for every 401.
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

// scrubbedError stands in for an error from outside the package (the
// transport, a reader): it keeps only scrubbed, cut text, the sentinels
// and context errors the original matched, and its Timeout. It unwraps to
// nothing, so neither errors.As nor a reflecting dumper reaches the
// original.
type scrubbedError struct {
	msg     string
	matches []error
	timeout bool
}

// scrubError returns "tokenclient: what: <err's scrubbed text>; hint".
func (s *scrubber) scrubError(what string, err error, hint string) error {
	e := &scrubbedError{}
	for _, m := range []error{context.Canceled, context.DeadlineExceeded, ErrResponseTooLarge, ErrMalformedResponse} {
		if errors.Is(err, m) {
			e.matches = append(e.matches, m)
		}
	}
	if ne, ok := errors.AsType[net.Error](err); ok {
		e.timeout = ne.Timeout()
	}
	if ue, ok := err.(*url.Error); ok {
		err = ue.Err // its text repeats the URL, whose path holds the customer id
	}
	e.msg = "tokenclient: " + what + ": " + s.serverText(err.Error()) + "; " + hint
	return e
}

func (e *scrubbedError) Error() string        { return e.msg }
func (e *scrubbedError) Is(target error) bool { return slices.Contains(e.matches, target) }
func (e *scrubbedError) Timeout() bool        { return e.timeout }
func (e *scrubbedError) Temporary() bool      { return e.timeout }

// callTimeoutError is the cause of a call cut by the Client's call
// timeout; it matches context.DeadlineExceeded and is a timeout.
type callTimeoutError struct{ d time.Duration }

func (e *callTimeoutError) Error() string {
	return fmt.Sprintf("tokenclient: the call timeout (%v) ran out; pass a context with a deadline, or raise WithCallTimeout", e.d)
}
func (e *callTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }
func (e *callTimeoutError) Timeout() bool        { return true }
func (e *callTimeoutError) Temporary() bool      { return true }
