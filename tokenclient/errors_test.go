package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"testing"
)

func TestAPIErrorText(t *testing.T) {
	for _, tc := range []struct {
		e    APIError
		want string
	}{
		{APIError{StatusCode: 401, FlinksCode: "UNAUTHORIZED", Message: "You must provide a valid auth key"},
			"tokenclient: Flinks answered 401 Unauthorized (UNAUTHORIZED: You must provide a valid auth key); check the secret key, and that it belongs to this customer id and instance"},
		{APIError{StatusCode: 403, Message: "no"}, "tokenclient: Flinks answered 403 Forbidden (no); check the secret key, and that it belongs to this customer id and instance"},
		{APIError{StatusCode: 404, FlinksCode: "X"}, "tokenclient: Flinks answered 404 Not Found (X); check the customer id, the instance and the base URL"},
		{APIError{StatusCode: 302, Location: "https://elsewhere.example/"}, "tokenclient: Flinks answered 302 Found; redirect to https://elsewhere.example/ not followed (it would forward the secret key); point the client at the final URL"},
		{APIError{StatusCode: 300}, "tokenclient: Flinks answered 300 Multiple Choices; redirect not followed (it would forward the secret key); point the client at the final URL"},
		{APIError{StatusCode: 399}, "tokenclient: Flinks answered 399 ; redirect not followed (it would forward the secret key); point the client at the final URL"},
		{APIError{StatusCode: 400}, "tokenclient: Flinks answered 400 Bad Request"},
		{APIError{StatusCode: 429, Attempts: 3}, "tokenclient: Flinks answered 429 Too Many Requests (after 3 attempts); Flinks is rate limiting; slow down and retry later"},
		{APIError{StatusCode: 499, Attempts: 1}, "tokenclient: Flinks answered 499 "},
		{APIError{StatusCode: 500, Attempts: 2}, "tokenclient: Flinks answered 500 Internal Server Error (after 2 attempts); Flinks is failing; retry later"},
		{APIError{StatusCode: 200, Err: fmt.Errorf("%w: no Token in the body", ErrMalformedResponse)},
			"tokenclient: Flinks answered 200 OK: malformed response: no Token in the body; the answer does not match the Flinks spec; check the base URL"},
		{APIError{StatusCode: 502, Err: ErrResponseTooLarge},
			"tokenclient: Flinks answered 502 Bad Gateway: response body too large; the body exceeded 1048576 bytes; check that the base URL points at Flinks"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

func TestAPIErrorMatches(t *testing.T) {
	for code, want := range map[int]bool{400: false, 401: true, 403: false} {
		var err error = fmt.Errorf("wrapped: %w", &APIError{StatusCode: code})
		if errors.Is(err, ErrUnauthorized) != want {
			t.Errorf("%d: errors.Is(ErrUnauthorized) = %v", code, !want)
		}
		if errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%d matches ErrInvalidConfig", code)
		}
	}
}

func TestConfigError(t *testing.T) {
	other := errors.New(testSecretKey)
	if s := newScrubber(testSecretKey); s.configError(other) != other || s.configError(nil) != nil {
		t.Error("configError changed an error that is not a config error")
	}
}

type timeoutError struct{ msg string }

func (e *timeoutError) Error() string   { return e.msg }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return false }

func TestScrubError(t *testing.T) {
	s := newScrubber(testSecretKey)
	urlErr := &url.Error{Op: "Post", URL: "https://h/v3/" + testCustomerID, Err: &timeoutError{"read " + testSecretKey + "\ntimeout"}}
	for _, tc := range []struct {
		in      error
		text    string
		is      []error
		timeout bool
	}{
		{urlErr, "read [REDACTED] timeout", nil, true},
		{fmt.Errorf("x %w", context.DeadlineExceeded), "x context deadline exceeded", []error{context.DeadlineExceeded}, true},
		{context.Canceled, "context canceled", []error{context.Canceled}, false},
		{fmt.Errorf("%w, %w", ErrResponseTooLarge, ErrMalformedResponse), "tokenclient: response body too large, tokenclient: malformed response", []error{ErrResponseTooLarge, ErrMalformedResponse}, false},
		{io.ErrUnexpectedEOF, "unexpected EOF", nil, false},
	} {
		err := s.scrubError("doing", tc.in, "retry")
		if want := "tokenclient: doing: " + tc.text + "; retry"; err.Error() != want {
			t.Errorf("got %q, want %q", err, want)
		}
		for _, target := range []error{context.Canceled, context.DeadlineExceeded, ErrResponseTooLarge, ErrMalformedResponse, ErrUnauthorized, os.ErrDeadlineExceeded} {
			want := false
			for _, m := range tc.is {
				want = want || m == target
			}
			if errors.Is(err, target) != want {
				t.Errorf("%v: errors.Is(%v) = %v, want %v", err, target, !want, want)
			}
		}
		ne, ok := errors.AsType[net.Error](err)
		if !ok || ne.Timeout() != tc.timeout {
			t.Errorf("%v: Timeout() = %v, want %v", err, ok && ne.Timeout(), tc.timeout)
		}
		if errors.Unwrap(err) != nil {
			t.Errorf("%v unwraps to the original", err)
		}
	}
}
