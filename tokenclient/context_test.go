package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// blockUntilGone answers nothing until the client goes away, telling the
// test through arrived that the request is in flight.
func blockUntilGone(arrived chan<- struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	}
}

func TestCancellationReturnsPromptly(t *testing.T) {
	c, f, _ := setup(t)
	arrived := make(chan struct{}, 1)
	f.handler = blockUntilGone(arrived)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	_, err := c.GenerateAuthorizeToken(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want errors.Is context.Canceled", err)
	}
	if n := f.hits.Load(); n != 1 {
		t.Errorf("attempts: got %d, want 1 (no retry after cancellation)", n)
	}
}

func TestDeadlineReturnsDeadlineExceeded(t *testing.T) {
	c, f, _ := setup(t)
	f.handler = blockUntilGone(make(chan struct{}, 10))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.GenerateAuthorizeToken(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want errors.Is context.DeadlineExceeded", err)
	}
}

func TestCancellationDuringBackoffWait(t *testing.T) {
	c, _, _ := setup(t, statusReply(503))
	c.sleep = sleepContext
	ctx, cancel := context.WithCancel(context.Background())
	c.jitter = func(time.Duration) time.Duration {
		cancel() // cancel as the client is about to wait
		return time.Second
	}
	_, err := c.GenerateAuthorizeToken(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want errors.Is context.Canceled", err)
	}
}

func TestNoWaitPastDeadline(t *testing.T) {
	c, f, waits := setup(t, retryAfterReply(503, "5"), ok200)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := c.GenerateAuthorizeToken(ctx)
	if len(*waits) != 0 || f.hits.Load() != 1 {
		t.Errorf("got waits %v after %d attempts, want no wait after 1", *waits, f.hits.Load())
	}
	if apiErr, ok := errors.AsType[*APIError](err); !ok || apiErr.StatusCode != 503 {
		t.Errorf("got %v, want the 503 *APIError", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	c, f, _ := setup(t)
	var n atomic.Int64
	f.handler = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"HttpStatusCode":200,"Token":"token-%d"}`, n.Add(1))
	}
	const goroutines, calls = 64, 20
	var (
		mu   sync.Mutex
		seen = map[string]bool{}
		wg   sync.WaitGroup
	)
	for range goroutines {
		wg.Go(func() {
			for range calls {
				tok, err := c.GenerateAuthorizeToken(context.Background())
				if err != nil {
					t.Errorf("GenerateAuthorizeToken: %v", err)
					return
				}
				mu.Lock()
				if seen[tok.Value] {
					t.Errorf("token %s handed out twice", tok.Value)
				}
				seen[tok.Value] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != goroutines*calls {
		t.Errorf("distinct tokens: got %d, want %d", len(seen), goroutines*calls)
	}
}
