package tokenclient

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	p := RetryPolicy{BaseDelay: time.Second, MaxDelay: 5 * time.Second, MaxRetryAfter: 3 * time.Second}
	same := func(d time.Duration) time.Duration { return d }
	for _, tc := range []struct {
		attempt    int
		retryAfter time.Duration
		want       time.Duration
	}{
		{1, 0, time.Second}, {2, 0, 2 * time.Second}, {3, 0, 4 * time.Second}, {4, 0, 5 * time.Second}, {60, 0, 5 * time.Second},
		{1, time.Second, time.Second}, {1, 3 * time.Second, 3 * time.Second}, {1, 4 * time.Second, 3 * time.Second},
	} {
		if got := p.delay(tc.attempt, tc.retryAfter, same); got != tc.want {
			t.Errorf("delay(%d, %v): got %v, want %v", tc.attempt, tc.retryAfter, got, tc.want)
		}
	}
	if huge := (RetryPolicy{BaseDelay: 1 << 62, MaxDelay: 1 << 62}); huge.delay(3, 0, same) != 1<<62 {
		t.Errorf("a backoff at its cap doubled again (and overflowed): %v", huge.delay(3, 0, same))
	}
	if d := (RetryPolicy{}).withDefaults(); d != (RetryPolicy{3, 200 * time.Millisecond, 2 * time.Second, 10 * time.Second}) {
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
