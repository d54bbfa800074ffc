package tokenclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// fastRetry retries at once, so that tests over a real server stay quick.
var fastRetry = WithRetry(RetryPolicy{BaseDelay: time.Nanosecond, MaxDelay: time.Nanosecond})

func TestGenerateAuthorizeToken(t *testing.T) {
	_, f := setup(t)
	f.handler = func(w http.ResponseWriter, r *http.Request) {
		for name, want := range map[string]string{"flinks-auth-key": testSecretKey, "Content-Type": "application/json",
			"Accept": "application/json", "User-Agent": "flinks-token-go/1 my-service/2 (x)"} {
			if got := r.Header.Values(name); len(got) != 1 || got[0] != want || r.URL.Path != tokenPath {
				t.Errorf("%s %s: got %q, want %q", r.URL.Path, name, got, want)
			}
		}
		_, _ = w.Write([]byte(okBody))
	}
	c := newTestClient(t, f.server.URL, WithUserAgent("my-service/2 (x)"))
	before := time.Now()
	tok, err := c.GenerateAuthorizeToken(t.Context())
	if err != nil || tok.Value != testToken || tok.ExpiresAt.Before(before.Add(TokenLifetime)) || tok.ExpiresAt.After(time.Now().Add(TokenLifetime)) {
		t.Errorf("got %+v, %v, want %s expiring %v from now", tok, err, testToken, TokenLifetime)
	}
	// The second call reuses the request built in New.
	if tok, err := c.Token(t.Context()); err != nil || tok.Value != testToken || f.hits.Load() != 2 {
		t.Errorf("Token: got %+v, %v after %d requests", tok, err, f.hits.Load())
	}
}

// A RoundTripper that adds a header must not add it to later calls.
func TestCustomTransportGetsFreshHeaders(t *testing.T) {
	var seen []int
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r.Header.Add("X-Trace", "1")
		seen = append(seen, len(r.Header.Values("X-Trace")))
		return respond(r, 200, okBody), nil
	})
	c := newTestClient(t, "https://flinks.example", WithHTTPClient(&http.Client{Transport: rt}))
	for range 3 {
		if _, err := c.GenerateAuthorizeToken(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(seen) != "[1 1 1]" {
		t.Errorf("X-Trace values per call: got %v, want [1 1 1]", seen)
	}
}

func TestRetriedStatuses(t *testing.T) {
	retried := map[int]bool{408: true, 429: true, 500: true, 502: true, 503: true, 504: true}
	for _, code := range []int{301, 400, 401, 403, 404, 407, 408, 409, 429, 499, 500, 501, 502, 503, 504, 505} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			_, f := setup(t, statusReply(code), ok200)
			c := newTestClient(t, f.server.URL, fastRetry)
			_, err := c.GenerateAuthorizeToken(t.Context())
			want := int64(1)
			if retried[code] {
				want = 2
			}
			if got := f.hits.Load(); got != want {
				t.Errorf("requests: got %d, want %d", got, want)
			}
			apiErr, isAPI := errors.AsType[*APIError](err)
			if retried[code] != (err == nil) || !retried[code] && (!isAPI || apiErr.StatusCode != code || apiErr.Attempts != 1) {
				t.Errorf("got %v (%#v)", err, apiErr)
			}
		})
	}
}

func TestAttemptsAreBounded(t *testing.T) {
	for _, tc := range []struct {
		opt  Option
		want int
	}{
		{nil, 3},
		{WithoutRetry(), 1},
		{WithRetry(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Nanosecond, MaxDelay: time.Nanosecond}), 5},
	} {
		_, f := setup(t, statusReply(503))
		c := newTestClient(t, f.server.URL, fastRetry, tc.opt)
		_, err := c.GenerateAuthorizeToken(t.Context())
		apiErr, ok := errors.AsType[*APIError](err)
		if got := f.hits.Load(); got != int64(tc.want) || !ok || apiErr.Attempts != tc.want {
			t.Fatalf("requests: got %d, want %d; error %v", got, tc.want, err)
		}
		if suffix := fmt.Sprintf(" (after %d attempts); Flinks is failing; retry later", tc.want); tc.want > 1 != strings.HasSuffix(err.Error(), suffix) {
			t.Errorf("got %q, want the attempts when more than one", err)
		}
	}
}

func TestNetworkErrors(t *testing.T) {
	_, f := setup(t, drop, drop, ok200)
	c := newTestClient(t, f.server.URL+"/prefix", fastRetry)
	if _, err := c.GenerateAuthorizeToken(t.Context()); err != nil || f.hits.Load() != 3 {
		t.Fatalf("after two drops: got %v after %d requests, want a token after 3", err, f.hits.Load())
	}
	f.replies = []reply{drop}
	_, err := c.GenerateAuthorizeToken(t.Context())
	want := "tokenclient: gave up after 3 attempts: request to " + f.server.URL + " failed: "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "; check network access to Flinks") {
		t.Fatalf("got %v, want %q…", err, want)
	}
	if strings.Contains(err.Error(), "prefix") || strings.Contains(err.Error(), testCustomerID) {
		t.Errorf("network error names more than the host: %v", err)
	}
	if _, ok := errors.AsType[net.Error](err); !ok {
		t.Errorf("%v is not a net.Error", err)
	}
	assertClean(t, err, testSecretKey)
}

// synctestClient returns a Client whose requests rt answers, for tests in
// a synctest bubble.
func synctestClient(t *testing.T, rt roundTripFunc, opts ...Option) *Client {
	return newTestClient(t, "https://flinks.example", append([]Option{WithHTTPClient(&http.Client{Transport: rt})}, opts...)...)
}

// replies returns a RoundTripper answering with statuses in turn (then
// 200s), Retry-After set to retryAfter, and recording when each came.
func replies(times *[]time.Time, retryAfter string, statuses ...int) roundTripFunc {
	return func(r *http.Request) (*http.Response, error) {
		*times = append(*times, time.Now())
		if len(statuses) == 0 {
			return respond(r, 200, okBody), nil
		}
		resp := respond(r, statuses[0], "")
		resp.Header.Set("Retry-After", retryAfter)
		statuses = statuses[1:]
		return resp, nil
	}
}

func TestRetryWaits(t *testing.T) {
	for _, tc := range []struct {
		name, retryAfter string
		want             time.Duration
	}{
		{"Retry-After", "2", 2 * time.Second},
		{"Retry-After over MaxRetryAfter", "30", 10 * time.Second},
		{"Retry-After as a date", time.Date(2000, 1, 1, 0, 0, 7, 0, time.UTC).Format(http.TimeFormat), 7 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var times []time.Time
				c := synctestClient(t, replies(&times, tc.retryAfter, 429))
				if _, err := c.GenerateAuthorizeToken(t.Context()); err != nil {
					t.Fatal(err)
				}
				if len(times) != 2 || times[1].Sub(times[0]) != tc.want {
					t.Errorf("waited %v, want %v", times[1].Sub(times[0]), tc.want)
				}
			})
		})
	}
}

func TestDeadlines(t *testing.T) {
	hang := func(r *http.Request) (*http.Response, error) { <-r.Context().Done(); return nil, r.Context().Err() }
	t.Run("call timeout", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c := synctestClient(t, hang, WithCallTimeout(3*time.Second))
			start := time.Now()
			_, err := c.GenerateAuthorizeToken(context.Background())
			ne, isNet := errors.AsType[net.Error](err)
			if time.Since(start) != 3*time.Second || !errors.Is(err, context.DeadlineExceeded) || !isNet || !ne.Timeout() {
				t.Errorf("after %v: got %v, want the call timeout's error after 3s", time.Since(start), err)
			}
			want := "tokenclient: generate authorize token: the call timeout (3s) ran out; pass a context with a deadline, or raise WithCallTimeout"
			if err == nil || err.Error() != want {
				t.Errorf("got %q, want %q", err, want)
			}
		})
	})
	t.Run("a context deadline replaces it", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c := synctestClient(t, hang, WithCallTimeout(time.Second))
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			_, err := c.GenerateAuthorizeToken(ctx)
			if time.Since(start) != 5*time.Second || err == nil || err.Error() != "tokenclient: generate authorize token: context deadline exceeded" {
				t.Errorf("after %v: got %v", time.Since(start), err)
			}
		})
	})
	t.Run("cancel during a wait keeps the last error", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var times []time.Time
			c := synctestClient(t, replies(&times, "5", 503))
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(time.Second, cancel)
			_, err := c.GenerateAuthorizeToken(ctx)
			want := "tokenclient: gave up during attempt 1: context canceled; the last attempt that ended: Flinks answered 503 Service Unavailable; Flinks is failing; retry later"
			if !errors.Is(err, context.Canceled) || err.Error() != want {
				t.Errorf("got %v, want %q", err, want)
			}
			if _, ok := errors.AsType[*APIError](err); !ok {
				t.Errorf("%v does not wrap the *APIError", err)
			}
		})
	})
	t.Run("no wait past the deadline", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var times []time.Time
			c := synctestClient(t, replies(&times, "5", 503))
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			_, err := c.GenerateAuthorizeToken(ctx)
			want := "tokenclient: gave up: the next attempt, in 5s, would not start before the deadline (context deadline exceeded); the last one: Flinks answered 503"
			if time.Since(start) != 0 || !errors.Is(err, context.DeadlineExceeded) || err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("after %v: got %v, want %q…", time.Since(start), err, want)
			}
		})
	})
}

func TestLogger(t *testing.T) {
	var buf bytes.Buffer
	echo := jsonReply(503, `{"Message":"bad key `+testSecretKey+`"}`)
	_, f := setup(t, echo, ok200)
	c := newTestClient(t, f.server.URL, fastRetry, WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	if _, err := c.GenerateAuthorizeToken(t.Context()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "attempt failed, retrying") || !strings.Contains(out, "attempt=1") || !strings.Contains(out, "bad key [REDACTED]") {
		t.Errorf("log: %s", out)
	}
	if strings.Contains(out, testSecretKey) || strings.Contains(out, testToken) {
		t.Errorf("log holds the key or the token: %s", out)
	}
}

func TestFormatHidesTheKey(t *testing.T) {
	c := newTestClient(t, "https://flinks.example/p")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		for _, v := range []any{c, *c} {
			got := fmt.Sprintf(verb, v)
			if got != `tokenclient.Client{server: "https://flinks.example/p/", secretKey: [REDACTED]}` {
				t.Errorf("%s: got %s", verb, got)
			}
		}
	}
}

func TestTokenValid(t *testing.T) {
	for _, tc := range []struct {
		tok  Token
		want bool
	}{
		{Token{Value: "t", ExpiresAt: time.Now().Add(time.Minute)}, true},
		{Token{Value: "t", ExpiresAt: time.Now().Add(-time.Nanosecond)}, false},
		{Token{ExpiresAt: time.Now().Add(time.Minute)}, false},
		{Token{Value: "t"}, false},
	} {
		if got := tc.tok.Valid(); got != tc.want {
			t.Errorf("%+v.Valid() = %v", tc.tok, got)
		}
	}
}
