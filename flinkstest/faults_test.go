package flinkstest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

func setup(t *testing.T, opts ...flinkstest.Option) (*flinkstest.Server, *tokenclient.Client) {
	t.Helper()
	srv := flinkstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(srv.URL),
		tokenclient.WithRetry(tokenclient.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name       string
		fault      flinkstest.Fault
		check      func(error) bool
		wantStatus int // of the *APIError, 0 for a non-API error
	}{
		{"status 503", flinkstest.Fault{Status: 503}, nil, 503},
		{
			"status 429 with Retry-After",
			flinkstest.Fault{Status: 429, RetryAfter: "7"},
			func(err error) bool {
				e, ok := errors.AsType[*tokenclient.APIError](err)
				return ok && e.RetryAfter == 7*time.Second && e.FlinksCode == "INJECTED_FAULT"
			},
			429,
		},
		{
			"status 401",
			flinkstest.Fault{Status: 401},
			func(err error) bool { return errors.Is(err, tokenclient.ErrUnauthorized) },
			401,
		},
		{"drop", flinkstest.Fault{Drop: true}, func(err error) bool { return err != nil }, 0},
		{
			"malformed",
			flinkstest.Fault{Malformed: true},
			func(err error) bool { return errors.Is(err, tokenclient.ErrMalformedResponse) },
			200,
		},
		{
			"oversized",
			flinkstest.Fault{Oversized: 2 << 20},
			func(err error) bool { return errors.Is(err, tokenclient.ErrResponseTooLarge) },
			200,
		},
		{
			"endless",
			flinkstest.Fault{Oversized: -1},
			func(err error) bool { return errors.Is(err, tokenclient.ErrResponseTooLarge) },
			200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := setup(t)
			if err := srv.FailNext(2, tt.fault); err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				tok, err := c.GenerateAuthorizeToken(context.Background())
				if err == nil {
					t.Fatalf("call %d: got token %q, want the injected fault", i+1, tok.Value)
				}
				e, isAPI := errors.AsType[*tokenclient.APIError](err)
				switch {
				case tt.wantStatus == 0 && isAPI:
					t.Errorf("call %d: got *APIError %v, want a network error", i+1, err)
				case tt.wantStatus != 0 && (!isAPI || e.StatusCode != tt.wantStatus):
					t.Errorf(
						"call %d: got %v, want *APIError with status %d",
						i+1,
						err,
						tt.wantStatus,
					)
				case tt.check != nil && !tt.check(err):
					t.Errorf("call %d: got %v, which fails the check", i+1, err)
				}
			}
			if _, err := c.GenerateAuthorizeToken(context.Background()); err != nil {
				t.Errorf("third call, faults spent: got %v, want a token", err)
			}
		})
	}
}

func TestLatency(t *testing.T) {
	tests := []struct {
		name string
		opts []flinkstest.Option
		f    *flinkstest.Fault
	}{
		{"WithLatency", []flinkstest.Option{flinkstest.WithLatency(time.Hour)}, nil},
		{"latency fault", nil, &flinkstest.Fault{Latency: time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := setup(t, tt.opts...)
			if tt.f != nil {
				if err := srv.FailNext(1, *tt.f); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			if _, err := c.GenerateAuthorizeToken(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("got %v, want context.DeadlineExceeded", err)
			}
		})
	}
}

// A short latency fault delays the answer but still issues a token.
func TestLatencyFaultThenToken(t *testing.T) {
	srv, c := setup(t)
	if err := srv.FailNext(1, flinkstest.Fault{Latency: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	tok, err := c.GenerateAuthorizeToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Lookup(tok.Value); !ok {
		t.Errorf("token %q was not recorded", tok.Value)
	}
}

// The client's default retry policy rides through transient faults.
func TestClientRetriesThroughFaults(t *testing.T) {
	srv := flinkstest.NewServer()
	t.Cleanup(srv.Close)
	c, err := tokenclient.New(
		flinkstest.DefaultCustomerID,
		flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(
			srv.URL,
		),
		tokenclient.WithRetry(
			tokenclient.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond},
		),
	)
	if err != nil {
		t.Fatal(err)
	}
	_ = srv.FailNext(1, flinkstest.Fault{Drop: true})
	_ = srv.FailNext(1, flinkstest.Fault{Status: 503, RetryAfter: "0"})
	tok, err := c.GenerateAuthorizeToken(context.Background())
	if err != nil {
		t.Fatalf("got %v, want a token after two faults", err)
	}
	if err := srv.Redeem(tok.Value); err != nil {
		t.Errorf("Redeem: %v", err)
	}
}

func TestFaultValidation(t *testing.T) {
	h, c := setup(t)
	bad := []flinkstest.Fault{
		{},
		{Status: 503, Drop: true},
		{Malformed: true, Oversized: 10},
		{Status: 100},
		{Status: 200},
		{Status: 299},
		{Status: 204},
		{Status: 600},
		{RetryAfter: "1", Drop: true},
		{Latency: -time.Second},
		{Drop: true, Latency: -time.Second},
	}
	for _, f := range bad {
		if err := h.FailNext(1, f); err == nil {
			t.Errorf("FailNext(1, %+v): got nil, want an error", f)
		}
	}
	if err := h.FailNext(0, flinkstest.Fault{Drop: true}); err == nil {
		t.Errorf("FailNext(0, …): got nil, want an error")
	}
	// None of them queued a fault.
	if _, err := c.GenerateAuthorizeToken(context.Background()); err != nil {
		t.Errorf("after refused faults: got %v, want a token", err)
	}
	for _, f := range []flinkstest.Fault{
		{Status: 300},
		{Status: 302},
		{Status: 599},
		{Status: 503, RetryAfter: "0"},
		{Status: 429, RetryAfter: "120"},
		{Status: 503, RetryAfter: "Fri, 27 Nov 2026 16:00:00 GMT"},
		{Latency: time.Millisecond},
	} {
		if err := h.FailNext(1, f); err != nil {
			t.Errorf("FailNext(1, %+v): got %v, want nil", f, err)
		}
	}
}
