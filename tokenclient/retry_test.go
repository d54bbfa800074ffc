package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestBackoff(t *testing.T) {
	p := RetryPolicy{
		BaseDelay:     time.Second,
		MaxDelay:      5 * time.Second,
		MaxRetryAfter: 3 * time.Second,
	}
	same := func(d time.Duration) time.Duration { return d }
	for _, tc := range []struct {
		attempt    int
		retryAfter time.Duration
		want       time.Duration
	}{
		{1, 0, time.Second}, {2, 0, 2 * time.Second}, {3, 0, 4 * time.Second}, {4, 0,
			5 * time.Second}, {60, 0, 5 * time.Second},
		{1, time.Second, time.Second}, {1, 3 * time.Second, 3 * time.Second}, {1, 4 * time.Second,
			3 * time.Second},
	} {
		if got := p.delay(tc.attempt, tc.retryAfter, same); got != tc.want {
			t.Errorf("delay(%d, %v): got %v, want %v", tc.attempt, tc.retryAfter, got, tc.want)
		}
	}
	if huge := (RetryPolicy{BaseDelay: 1 << 62, MaxDelay: 1 << 62}); huge.delay(
		3,
		0,
		same,
	) != 1<<62 {
		t.Errorf("a backoff at its cap doubled again (and overflowed): %v", huge.delay(3, 0, same))
	}
	if d := (RetryPolicy{}).withDefaults(); d != (RetryPolicy{3, 200 * time.Millisecond,
		2 * time.Second, 10 * time.Second}) {
		t.Errorf("defaults: %+v", d)
	}
	if fullJitter(0) != 0 || fullJitter(1) != 0 {
		t.Error("fullJitter of 0 or 1ns is not 0")
	}
	for range 100 {
		if j := fullJitter(time.Second); j < 0 || j >= time.Second {
			t.Fatalf("fullJitter(1s) = %v", j)
		}
	}
}

// fastRetry retries at once, so that tests over a real server stay quick.
var fastRetry = WithRetry(RetryPolicy{BaseDelay: time.Nanosecond, MaxDelay: time.Nanosecond})

func TestRetriedStatuses(t *testing.T) {
	retried := map[int]bool{408: true, 429: true, 500: true, 502: true, 503: true, 504: true}
	for _, code := range []int{301, 400, 401, 403, 404, 407, 408, 409, 429, 499, 500, 501, 502, 503,
		504, 505} {
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
			if retried[code] != (err == nil) ||
				!retried[code] && (!isAPI || apiErr.StatusCode != code || apiErr.Attempts != 1) {
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
		{noRetry, 1},
		{WithRetry(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Nanosecond,
			MaxDelay: time.Nanosecond}), 5},
	} {
		_, f := setup(t, statusReply(503))
		c := newTestClient(t, f.server.URL, fastRetry, tc.opt)
		_, err := c.GenerateAuthorizeToken(t.Context())
		apiErr, ok := errors.AsType[*APIError](err)
		if got := f.hits.Load(); got != int64(tc.want) || !ok || apiErr.Attempts != tc.want {
			t.Fatalf("requests: got %d, want %d; error %v", got, tc.want, err)
		}
		suffix := fmt.Sprintf(" (attempts: %d)", tc.want)
		if tc.want > 1 != strings.HasSuffix(err.Error(), suffix) {
			t.Errorf("got %q, want the attempts when more than one", err)
		}
	}
}

// synctestClient returns a Client whose requests rt answers, for tests in
// a synctest bubble.
func synctestClient(t *testing.T, rt roundTripFunc, opts ...Option) *Client {
	return newTestClient(
		t,
		"https://flinks.example",
		append([]Option{WithHTTPClient(&http.Client{Transport: rt})}, opts...)...)
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
		{"Retry-After as a date", time.Date(2000, 1, 1, 0, 0, 7, 0,
			time.UTC).Format(http.TimeFormat), 7 * time.Second},
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
	hang := func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	calls := 0
	for _, tc := range []struct {
		name      string
		rt        roundTripFunc
		timeout   time.Duration // of the call's context, 0 for none
		cancelAt  time.Duration // cancels the context, 0 for never
		took      time.Duration
		is        error
		api       bool // the error wraps an *APIError
		attempts  int  // in the error text, 0 for none
		afterLast bool // ctx ended after the last attempt's error
	}{
		{"the default bound", hang, 0, 0, defaultTimeout, context.DeadlineExceeded, false, 0,
			false},
		{"a context deadline", hang, 5 * time.Second, 0, 5 * time.Second, context.DeadlineExceeded,
			false, 0, false},
		{"cancel during a wait", replies(new([]time.Time), "5", 503), 0, time.Second, time.Second,
			context.Canceled, true, 1, true},
		{"no wait past the deadline", replies(new([]time.Time), "5", 503), 5 * time.Second, 0, 0,
			context.DeadlineExceeded, true, 1, false},
		{"cancel during a second attempt", func(r *http.Request) (*http.Response, error) {
			if r.Header.Get("X-Seen") != "" { // a header the first attempt set, leaked
				t.Error("the second attempt got the first one's header")
			}
			if calls++; calls > 1 {
				return hang(r)
			}
			r.Header.Set("X-Seen", "1")
			return respond(r, 503, ""), nil
		}, 0, 30 * time.Second, 30 * time.Second, context.Canceled, true, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := synctestClient(t, tc.rt, WithRetry(RetryPolicy{MaxRetryAfter: time.Hour}))
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if tc.timeout > 0 {
					ctx, cancel = context.WithTimeout(ctx, tc.timeout)
					defer cancel()
				}
				if tc.cancelAt > 0 {
					time.AfterFunc(tc.cancelAt, cancel)
				}
				start := time.Now()
				_, err := c.GenerateAuthorizeToken(ctx)
				_, isAPI := errors.AsType[*APIError](err)
				if time.Since(start) != tc.took || !errors.Is(err, tc.is) || isAPI != tc.api {
					t.Errorf(
						"after %v: got %v, want %v after %v",
						time.Since(start),
						err,
						tc.is,
						tc.took,
					)
				}
				if n := fmt.Sprintf("(attempts: %d", tc.attempts); strings.Contains(
					fmt.Sprint(err),
					n,
				) !=
					(tc.attempts > 0) {
					t.Errorf("got %v, want %q in it: %v", err, n, tc.attempts > 0)
				}
				if got := strings.Contains(fmt.Sprint(err), ", then "); got != tc.afterLast {
					t.Errorf("got %v: says the context ended after the last error: %v", err, got)
				}
			})
		})
	}
}
