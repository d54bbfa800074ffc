package tokenclient

import (
	"context"
	"crypto/tls"
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
	// ErrUnauthorized matches a 401: the key is wrong, revoked, or another customer id's or
	// instance's.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrInvalidConfig matches bad input to New, NewAPIClient or NewPool.
	ErrInvalidConfig = errors.New("invalid configuration")
	// ErrMalformedResponse matches a 200 without JSON or a usable Token.
	ErrMalformedResponse = errors.New("malformed response")
	// ErrResponseTooLarge matches a body over MaxResponseBytes.
	ErrResponseTooLarge = errors.New("response body too large")
)

// APIError reports an HTTP response without a token; it matches ErrUnauthorized for a 401. Its text
// fields are server text (see the package doc).
type APIError struct {
	StatusCode int           // the HTTP status code
	FlinksCode string        // the FlinksCode of a JSON error body, if any
	Message    string        // the Message of a JSON error body, if any
	RetryAfter time.Duration // the delay a Retry-After header asked for, or zero
	Location   string        // a 3xx response's redirect target, never followed
	Attempts   int           // requests made, retries included; 0 from TokenFromResponse
	Err        error         // the cause beyond the status: ErrMalformedResponse, …TooLarge
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("tokenclient: Flinks answered %d %s", e.StatusCode,
		http.StatusText(e.StatusCode))
	fields := slices.DeleteFunc([]string{e.FlinksCode, e.Message}, func(s string) bool {
		return s == ""
	})
	if len(fields) > 0 {
		msg += " (" + strings.Join(fields, ": ") + ")"
	}
	if e.Location != "" {
		msg += "; redirect to " + e.Location + " not followed"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
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

// textError reports an error from outside the package with its scrubbed text. It wraps that error
// only when scrubbing left the text as it was; else it keeps the sentinels the error matched and
// its Timeout, so that neither errors.As nor a dumper reaches the key.
type textError struct {
	msg       string
	err       error // the original, if its text was clean
	matches   []error
	timeout   bool
	untrusted bool // the server's certificate is not trusted
}

// scrubError returns "tokenclient: what: <err's scrubbed text>", minus a *url.Error's URL.
func (s *scrubber) scrubError(what string, err error) error {
	if ue, ok := err.(*url.Error); ok {
		err = ue.Err // its text repeats the URL, whose path holds the customer id
	}
	e := &textError{matches: slices.DeleteFunc([]error{context.Canceled, context.DeadlineExceeded},
		func(m error) bool { return !errors.Is(err, m) })}
	if ne, ok := errors.AsType[net.Error](err); ok {
		e.timeout = ne.Timeout()
	}
	// crypto/tls wraps every x509 verification error (unknown authority, invalid certificate,
	// host-name mismatch) in a CertificateVerificationError.
	if _, e.untrusted = errors.AsType[*tls.CertificateVerificationError](err); e.untrusted {
		what += ": the server's certificate is not trusted"
	}
	text := err.Error()
	if clean := s.serverText(text); clean != text {
		text = clean
	} else {
		e.err = err
	}
	e.msg = "tokenclient: " + what + ": " + text
	return e
}

func (e *textError) Error() string        { return e.msg }
func (e *textError) Unwrap() error        { return e.err }
func (e *textError) Is(target error) bool { return slices.Contains(e.matches, target) }
func (e *textError) Timeout() bool        { return e.timeout }
func (e *textError) Temporary() bool      { return e.timeout }
