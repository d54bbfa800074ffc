package tokenclient

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// No fmt verb prints a ready token.
func TestPoolFormatHidesTokens(t *testing.T) {
	noLeaks(t)
	c, f, _ := setup(t)
	uniqueTokens(f)
	p := newTestPool(t, c, WithPoolSize(3))
	waitFull(p)
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		got := fmt.Sprintf(format, p)
		if strings.Contains(got, "token-") || strings.Contains(got, fmt.Sprintf(format, "token-")) {
			t.Errorf("%s: got %s, which shows a ready token", format, got)
		}
		if !strings.Contains(got, "tokenclient.Pool{") || !strings.Contains(got, "healthy: true") {
			t.Errorf("%s: got %s, want the summary of a healthy pool", format, got)
		}
	}
	if got := fmt.Sprintf("%+v", struct{ P *Pool }{p}); strings.Contains(got, "token-") {
		t.Errorf("%%+v of a struct holding the pool: got %s, which shows a ready token", got)
	}
	if got, want := fmt.Sprint((*Pool)(nil)), "tokenclient.Pool(nil)"; got != want {
		t.Errorf("nil pool: got %q, want %q", got, want)
	}
}

// Close ends the refill goroutine, even mid-request, and leaves no
// goroutine of the Pool's behind. The client answers in memory, so any
// goroutine left would be the Pool's own.
func TestPoolCloseLeavesNoGoroutine(t *testing.T) {
	before := goleak.IgnoreCurrent()
	arrived := make(chan struct{}, 1)
	doer := doerFunc(func(r *http.Request) (*http.Response, error) {
		arrived <- struct{}{}
		<-r.Context().Done()
		return nil, r.Context().Err()
	})
	c := newTestClient(t, "https://flinks.example", WithDoer(doer))
	p, err := NewPool(c)
	if err != nil {
		t.Fatal(err)
	}
	<-arrived // the refill is waiting on Flinks
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	goleak.VerifyNone(t, before)
}

// The pool's counters add up as tokens flow through it.
func TestPoolStats(t *testing.T) {
	noLeaks(t)
	var n int
	doer := doerFunc(func(r *http.Request) (*http.Response, error) {
		n++ // one request at a time: WithMaxInFlight(1)
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(fmt.Sprintf(`{"HttpStatusCode":200,"Token":"token-%d"}`, n)))}, nil
	})
	c := newTestClient(t, "https://flinks.example", WithDoer(doer))
	p := newTestPool(t, c, WithPoolSize(2), WithMaxInFlight(1))
	if err := p.Err(); err != nil {
		t.Errorf("Err of a new pool: got %v, want nil", err)
	}
	waitFull(p)
	for range 3 {
		if _, err := p.Get(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	waitFull(p)
	got := p.Stats()
	// 2 to fill, then each Get takes a ready token (3) and the refill
	// replaces it, unless the pool was empty and the Get minted directly.
	if got.HandedOut != 3 || got.Ready != 2 || got.Minted != 5 || got.Minted != got.HandedOut+int64(got.Ready) || got.Discarded != 0 || got.RefillFailures != 0 {
		t.Errorf("Stats: got %+v, want 3 handed out, 2 ready, 5 minted", got)
	}
	if err := p.Err(); err != nil {
		t.Errorf("Err of a healthy pool: got %v, want nil", err)
	}
}
