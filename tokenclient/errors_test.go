package tokenclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"testing"
)

// The one test of the wording of each error kind; the others assert types and fields.
func TestErrorWording(t *testing.T) {
	_, badID := New("x", testSecretKey)
	_, badKey := New(testCustomerID, "abcdefgh\n")
	s := newScrubber(testSecretKey)
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&APIError{StatusCode: 401, FlinksCode: "UNAUTHORIZED",
			Message: "You must provide a valid auth key"},
			"tokenclient: Flinks answered 401 Unauthorized (UNAUTHORIZED: You must provide a " +
				"valid auth key)"},
		{&APIError{StatusCode: 404, Message: "no"},
			"tokenclient: Flinks answered 404 Not Found (no)"},
		{&APIError{StatusCode: 399}, "tokenclient: Flinks answered 399 "},
		{&APIError{StatusCode: 302, Location: "https://elsewhere.example/"},
			"tokenclient: Flinks answered 302 Found; redirect to https://elsewhere.example/ not " +
				"followed"},
		{&APIError{StatusCode: 200, Err: fmt.Errorf("%w: no Token in the body",
			ErrMalformedResponse)},
			"tokenclient: Flinks answered 200 OK: malformed response: no Token in the body"},
		{&APIError{StatusCode: 502, Err: ErrResponseTooLarge},
			"tokenclient: Flinks answered 502 Bad Gateway: response body too large"},
		{badID, "tokenclient: customer id (1 bytes) is not a GUID"},
		{badKey, "tokenclient: secret key has a byte that is not printable ASCII at byte 9 of 9"},
		{s.scrubError("request to https://h failed", refused),
			"tokenclient: request to https://h failed: dial tcp: connection refused"},
		{s.scrubError("request to https://h failed",
			&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}),
			"tokenclient: request to https://h failed: the server's certificate is not trusted: " +
				"tls: failed to verify certificate: x509: certificate signed by unknown authority"},
		{stopped(context.Background(), &APIError{StatusCode: 503}, 3, &APIError{StatusCode: 503}),
			"tokenclient: Flinks answered 503 Service Unavailable (attempts: 3)"},
		{stopped(cancelled, refused, 2, &APIError{StatusCode: 503}),
			"tokenclient: Flinks answered 503 Service Unavailable (attempts: 1, then context " +
				"canceled)"},
	} {
		if got := tc.err.Error(); got != tc.want {
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
	leaky := &timeoutError{"read " + testSecretKey + "\ntimeout"}
	urlErr := &url.Error{Op: "Post", URL: "https://h/v3/" + testCustomerID, Err: leaky}
	clean := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	for _, tc := range []struct {
		in      error
		text    string
		is      []error
		timeout bool
		wraps   error // what errors.Unwrap reaches, nil when the text held the key
	}{
		{urlErr, "read [REDACTED] timeout", nil, true, nil},
		{fmt.Errorf("x %w", context.DeadlineExceeded), "x context deadline exceeded",
			[]error{context.DeadlineExceeded}, true, context.DeadlineExceeded},
		{fmt.Errorf("%w %s", context.Canceled, testSecretKey), "context canceled [REDACTED]",
			[]error{context.Canceled}, false, nil},
		{io.ErrUnexpectedEOF, "unexpected EOF", []error{io.ErrUnexpectedEOF}, false,
			io.ErrUnexpectedEOF},
		{clean, clean.Error(), []error{os.ErrDeadlineExceeded}, true, clean},
	} {
		err := s.scrubError("doing", tc.in)
		if want := "tokenclient: doing: " + tc.text; err.Error() != want {
			t.Errorf("got %q, want %q", err, want)
		}
		for _, target := range []error{context.Canceled, context.DeadlineExceeded,
			io.ErrUnexpectedEOF,
			ErrUnauthorized, os.ErrDeadlineExceeded} {
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
		if inner := errors.Unwrap(err); !errors.Is(inner, tc.wraps) ||
			(inner == nil) != (tc.wraps == nil) {
			t.Errorf("%v unwraps to %v, want %v", err, inner, tc.wraps)
		}
		assertClean(t, err, testSecretKey)
	}
	if _, ok := errors.AsType[*net.OpError](s.scrubError("x", clean)); !ok {
		t.Error("errors.As does not reach a clean *net.OpError")
	}
}
