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
	// ErrUnauthorized is matched by errors.Is for every 401 answer from
	// Flinks: the secret key is wrong, revoked, or belongs to another
	// customer id or instance.
	ErrUnauthorized = errors.New("tokenclient: unauthorized")

	// ErrInvalidConfig is matched by errors.Is for every error New returns
	// for bad input (customer id, secret key, instance, base URL, options).
	// Such input never reaches the network.
	ErrInvalidConfig = errors.New("tokenclient: invalid configuration")

	// ErrMalformedResponse is matched by errors.Is when Flinks answers 200
	// with a body that is not JSON or has no Token.
	ErrMalformedResponse = errors.New("tokenclient: malformed response")

	// ErrResponseTooLarge is matched by errors.Is when a response body is
	// larger than MaxResponseBytes.
	ErrResponseTooLarge = errors.New("tokenclient: response body too large")
)

// APIError reports an HTTP response from Flinks that did not carry a token.
// errors.Is(err, ErrUnauthorized) holds when StatusCode is 401.
type APIError struct {
	// StatusCode is the HTTP status code of the response.
	StatusCode int
	// FlinksCode is the FlinksCode field of a JSON error body, if any.
	FlinksCode string
	// Message is the Message field of a JSON error body, if any.
	Message string
	// RetryAfter is the delay the Retry-After header asked for, or zero.
	RetryAfter time.Duration
	// Location is the redirect target of a 3xx response, which is never
	// followed.
	Location string
	// Attempts is how many requests the Client made before giving up with
	// this answer, retries included; 0 from TokenFromResponse.
	Attempts int

	// Err is the underlying cause when there is one beyond the status
	// (ErrMalformedResponse, ErrResponseTooLarge, a JSON syntax error).
	Err error
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tokenclient: Flinks answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.FlinksCode != "" || e.Message != "" {
		b.WriteString(" (")
		b.WriteString(e.FlinksCode)
		if e.FlinksCode != "" && e.Message != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Message)
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "tokenclient: "))
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if hint := e.hint(); hint != "" {
		b.WriteString("; ")
		b.WriteString(hint)
	}
	return b.String()
}

func (e *APIError) hint() string {
	switch {
	case errors.Is(e.Err, ErrResponseTooLarge):
		return fmt.Sprintf("the body exceeded %d bytes; check that the base URL points at Flinks", MaxResponseBytes)
	case e.StatusCode == http.StatusUnauthorized, e.StatusCode == http.StatusForbidden:
		return "check the secret key, and that it belongs to this customer id and instance"
	case e.StatusCode == http.StatusNotFound:
		return "check the customer id, the instance and the base URL"
	case e.StatusCode >= 300 && e.StatusCode < 400:
		where := ""
		if e.Location != "" {
			where = " to " + e.Location
		}
		return "redirect" + where + " not followed (it would forward the secret key); point the client at the final URL"
	case e.StatusCode == http.StatusTooManyRequests:
		return "Flinks is rate limiting; slow down and retry later"
	case e.StatusCode >= 500:
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

// Unwrap returns the underlying cause, if any.
func (e *APIError) Unwrap() error { return e.Err }

// configError reports bad input to New; it matches ErrInvalidConfig.
type configError struct{ msg string }

func invalidConfig(format string, args ...any) error {
	return &configError{msg: fmt.Sprintf(format, args...)}
}

func (e *configError) Error() string        { return "tokenclient: " + e.msg }
func (e *configError) Is(target error) bool { return target == ErrInvalidConfig }

// configError returns err with the secret key hidden in its text, for the
// few config errors that quote a value (a user agent holding the key).
func (s *scrubber) configError(err error) error {
	if ce, ok := err.(*configError); ok && s != nil {
		return &configError{msg: s.text(ce.msg)}
	}
	return err
}

// scrubbedError stands in for an error from outside the package (the
// transport, a reader), whose text may hold server text or the key. It
// keeps only scrubbed, cut text, the sentinels and context errors the
// original matched, and whether it was a timeout; it unwraps to nothing,
// so neither errors.As nor a reflection-based dumper reaches the original.
type scrubbedError struct {
	msg     string
	matches []error
	timeout bool
}

// matchable are the errors a scrubbedError still answers errors.Is for.
var matchable = []error{context.Canceled, context.DeadlineExceeded, ErrResponseTooLarge, ErrMalformedResponse}

// scrubError returns "tokenclient: "+what+": "+err's scrubbed text+"; "+hint.
func (s *scrubber) scrubError(what string, err error, hint string) error {
	e := &scrubbedError{}
	for _, m := range matchable {
		if errors.Is(err, m) {
			e.matches = append(e.matches, m)
		}
	}
	if ne, ok := errors.AsType[net.Error](err); ok {
		e.timeout = ne.Timeout()
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err // its text repeats the URL, whose path holds the customer id
	}
	e.msg = "tokenclient: " + what + ": " + s.serverText(err.Error()) + "; " + hint
	return e
}

func (e *scrubbedError) Error() string { return e.msg }

// Is reports whether the original error matched target.
func (e *scrubbedError) Is(target error) bool { return slices.Contains(e.matches, target) }

// Timeout and Temporary make a scrubbed net.Error a net.Error still.
func (e *scrubbedError) Timeout() bool   { return e.timeout }
func (e *scrubbedError) Temporary() bool { return e.timeout }

// callTimeoutError is the cause of a call cut by the Client's call
// timeout; it matches context.DeadlineExceeded.
type callTimeoutError struct{ d time.Duration }

func (e *callTimeoutError) Error() string {
	return fmt.Sprintf("tokenclient: the call timeout (%v) ran out; pass a context with a deadline, or raise WithCallTimeout", e.d)
}
func (e *callTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }
func (e *callTimeoutError) Timeout() bool        { return true }
func (e *callTimeoutError) Temporary() bool      { return true }
