package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"go.uber.org/goleak"
)

func TestNewPoolRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		src  TokenSource
		opt  PoolOption
		want string // in the message; "" for a pool NewPool accepts
	}{
		{"nil source", nil, nil, "needs a TokenSource"},
		{"nil *Client", (*Client)(nil), nil, "needs a TokenSource"},
		{"size 0", &fakeSource{}, WithPoolSize(0), "pool size 0: want at least 1"},
		{"size 1", &fakeSource{}, WithPoolSize(1), ""},
		{"max in-flight 0", &fakeSource{}, WithMaxInFlight(0), "max in-flight 0: want at least 1"},
		{"max in-flight -1", &fakeSource{}, WithMaxInFlight(-1), "max in-flight -1"},
		{"max in-flight 1", &fakeSource{}, WithMaxInFlight(1), ""},
		{"max age 25ns, meant as minutes", &fakeSource{}, WithMaxAge(25),
			"max age 25ns: want at least 100ms and at most 30m0s"},
		{"max age just under 100ms", &fakeSource{}, WithMaxAge(100*time.Millisecond - 1),
			"max age 99.999999ms"},
		{"max age 100ms", &fakeSource{}, WithMaxAge(100 * time.Millisecond), ""},
		{"max age the token lifetime", &fakeSource{}, WithMaxAge(TokenLifetime), ""},
		{"max age past the token lifetime", &fakeSource{}, WithMaxAge(TokenLifetime + 1),
			"at most 30m0s"},
		{"nil option", &fakeSource{}, nil, ""},
		{"nil logger", &fakeSource{}, WithPoolLogger(nil), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p, err := NewPool(tt.src, tt.opt)
				if tt.want == "" {
					if err != nil {
						t.Fatalf("got %v, want a pool", err)
					}
					mustGet(t, p)
					if err := p.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
					return
				}
				if p != nil || !errors.Is(err, ErrInvalidConfig) ||
					!strings.Contains(err.Error(), tt.want) {
					t.Errorf("got %v, %v; want no pool and ErrInvalidConfig saying %q",
						p, err, tt.want)
				}
			})
		})
	}
}

// The pool fills to its size without waiting, hands its tokens out oldest
// first, and replaces each one taken at once.
func TestPoolFillsAndReplaces(t *testing.T) {
	for _, size := range []int{1, 3} {
		t.Run(fmt.Sprint("size ", size), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				src := &fakeSource{}
				p := startPool(t, src, WithPoolSize(size))
				synctest.Wait()
				checkStats(t, p, PoolStats{Ready: size, Minted: int64(size)})
				for i := 1; i <= 2*size; i++ {
					if got, want := mustGet(t, p), fmt.Sprint("token-", i); got != want {
						t.Errorf("Token %d: got %s, want %s", i, got, want)
					}
					synctest.Wait()
					if got, want := src.numCalls(), size+i; got != want {
						t.Errorf("after Token %d: %d calls, want %d", i, got, want)
					}
				}
				checkStats(t, p, PoolStats{Ready: size, Minted: int64(3 * size),
					HandedOut: int64(2 * size)})
			})
		})
	}
}

func TestPoolHandsOutEachTokenOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := startPool(t, &fakeSource{}, WithPoolSize(3))
		const goroutines, gets = 16, 25
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range goroutines {
			wg.Go(func() {
				for range gets {
					v := mustGet(t, p)
					mu.Lock()
					seen[v]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		for v, n := range seen {
			if n != 1 {
				t.Errorf("%s handed out %d times", v, n)
			}
		}
		s := p.Stats()
		if len(seen) != goroutines*gets || s.HandedOut != goroutines*gets ||
			s.Minted != s.HandedOut+int64(s.Ready) {
			t.Errorf("%d distinct tokens, Stats %+v; want %d, each minted token handed out "+
				"or ready", len(seen), s, goroutines*gets)
		}
	})
}

// A token is ready until just before the max age and not at it; an idle
// pool replaces its tokens then, its size per max age and no more.
func TestPoolMaxAge(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const size, maxAge = 3, time.Minute
		src := &fakeSource{}
		p := startPool(t, src, WithPoolSize(size), WithMaxAge(maxAge))
		for cycle := range 4 {
			time.Sleep(maxAge - time.Nanosecond)
			synctest.Wait()
			if got, want := src.numCalls(), size*(cycle+1); got != want {
				t.Errorf("cycle %d, just before the max age: %d calls, want %d", cycle, got, want)
			}
			checkStats(t, p, PoolStats{Ready: size, Minted: int64(size * (cycle + 1)),
				Discarded: int64(size * cycle)})
			time.Sleep(time.Nanosecond)
			synctest.Wait()
		}
		if got, want := mustGet(t, p), fmt.Sprint("token-", 4*size+1); got != want {
			t.Errorf("Token after 4 max ages: got %s, want %s", got, want)
		}
	})
}

// Stats, like Token, does not count a token exactly at the max age, even
// while the refill cannot replace it; the refill's call is cut then.
func TestPoolTokenAtMaxAgeIsNotReady(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const maxAge = time.Minute
		src := &fakeSource{}
		p := startPool(t, src, WithPoolSize(2), WithMaxAge(maxAge))
		synctest.Wait()
		src.set(func(s *fakeSource) { s.hold = make(chan struct{}) })
		mustGet(t, p) // the refill's next call hangs
		time.Sleep(maxAge - time.Nanosecond)
		checkStats(t, p, PoolStats{Ready: 1, InFlight: 1, Minted: 2, HandedOut: 1})
		time.Sleep(time.Nanosecond)
		synctest.Wait() // the max age also cuts the refill's call
		checkStats(t, p, PoolStats{Minted: 2, HandedOut: 1, Discarded: 1, RefillFailures: 1})
		if err := p.Err(); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Err: got %v, want the cut call's context.DeadlineExceeded", err)
		}
	})
}

// A direct call's token is handed out only when it has a value and is
// more than the expiry margin from its ExpiresAt; else Token returns an
// error and counts the token, if any, discarded.
func TestPoolChecksDirectTokens(t *testing.T) {
	okStats := PoolStats{Ready: 1, Minted: 2, HandedOut: 1, DirectMints: 1}
	tests := []struct {
		name    string
		edit    func(*Token)
		wantErr error
		want    PoolStats
	}{
		{"fresh", func(*Token) {}, nil, okStats},
		{"empty", func(tok *Token) { tok.Value = "" }, errEmptyToken, PoolStats{}},
		{"no expiry", func(tok *Token) { tok.ExpiresAt = time.Time{} }, errTooLate,
			PoolStats{Minted: 1, Discarded: 1}},
		{"at the margin", func(tok *Token) { tok.ExpiresAt = time.Now().Add(expiryMargin) },
			errTooLate, PoolStats{Minted: 1, Discarded: 1}},
		{"past the margin", func(tok *Token) {
			tok.ExpiresAt = time.Now().Add(expiryMargin + time.Nanosecond)
		}, nil, okStats},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				src := &fakeSource{edit: func(n int, tok *Token) {
					if n > 1 {
						tt.edit(tok)
					}
				}, answer: func(n int) error {
					if n == 1 {
						return errFake // the refill's call: the pool stays empty
					}
					return nil
				}}
				p := startPool(t, src, WithPoolSize(1))
				synctest.Wait()
				tok, err := p.Token(context.Background())
				if !errors.Is(err, tt.wantErr) || (err == nil) != (tok.Value == "token-2") {
					t.Errorf("Token: got %q, %v; want token-2 or %v", tok.Value, err, tt.wantErr)
				}
				synctest.Wait() // a direct success ends the refill's backoff: it mints token-3
				tt.want.RefillFailures = 1
				checkStats(t, p, tt.want)
			})
		})
	}
}

// A panic in a direct call reaches Token's caller and frees its slot.
func TestPoolDirectPanicFreesItsSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		p := startPool(t, sourceFunc(func(ctx context.Context) (Token, error) {
			if n := calls.Add(1); n > 1 {
				panic(fmt.Sprint("panic in call ", n))
			}
			<-ctx.Done() // the refill's call holds one slot until Close
			return Token{}, ctx.Err()
		}), WithMaxInFlight(2))
		synctest.Wait()
		for n := 2; n <= 4; n++ {
			func() {
				defer func() {
					if r, want := recover(), fmt.Sprint("panic in call ", n); r != want {
						t.Errorf("Token: recovered %v, want %s", r, want)
					}
				}()
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				_, err := p.Token(ctx) // with the slot of the call before, if it leaked, a timeout
				t.Errorf("Token returned %v", err)
			}()
		}
		checkStats(t, p, PoolStats{InFlight: 1})
	})
}

// Token waiting for a slot takes the token the refill's call made ready,
// without a call of its own.
func TestPoolWaitingTokenTakesTheRefillsToken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hold := make(chan struct{})
		src := &fakeSource{hold: hold}
		p := startPool(t, src, WithPoolSize(1), WithMaxInFlight(1))
		synctest.Wait() // the refill's call holds the only slot
		got := make(chan string)
		go func() { got <- mustGet(t, p) }()
		synctest.Wait()
		src.set(func(s *fakeSource) { s.hold = nil })
		close(hold)
		if v := <-got; v != "token-1" {
			t.Errorf("Token: got %s, want token-1", v)
		}
		synctest.Wait()
		checkStats(t, p, PoolStats{Ready: 1, Minted: 2, HandedOut: 1})
	})
}

// A handler can take Token and ConnectURL from a *Client or a *Pool: the
// Pool builds the URL with its source when it can, else says it cannot.
func TestPoolConnectURL(t *testing.T) {
	type tokenURLer interface {
		TokenSource
		ConnectURL(Token, url.Values) (string, error)
	}
	srv := flinkstest.NewServer()
	defer srv.Close()
	c, err := New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	params := url.Values{"demo": {"true"}}
	inner := startPool(t, c, WithPoolSize(1))
	for _, tt := range []struct {
		name string
		src  TokenSource
	}{{"client", c}, {"pool over a client", inner}, {"fake source", &fakeSource{}}} {
		t.Run(tt.name, func(t *testing.T) {
			var h tokenURLer = startPool(t, tt.src, WithPoolSize(1))
			tok, err := h.Token(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got, err := h.ConnectURL(tok, params)
			if _, ok := tt.src.(*fakeSource); ok {
				if got != "" || !errors.Is(err, ErrInvalidConfig) ||
					!strings.Contains(err.Error(), "*tokenclient.fakeSource") {
					t.Errorf("got %q, %v; want ErrInvalidConfig naming the source", got, err)
				}
				return
			}
			want, wantErr := c.ConnectURL(tok, params)
			if got != want || err != wantErr {
				t.Errorf("got %q, %v; want the client's %q, %v", got, err, want, wantErr)
			}
		})
	}
	var _ tokenURLer = c
}

func TestPoolClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &fakeSource{hold: make(chan struct{})}
		p := startPool(t, src, WithMaxInFlight(1))
		synctest.Wait() // the refill's call holds the only slot
		errc := make(chan error)
		go func() {
			_, err := p.Token(context.Background())
			errc <- err
		}()
		synctest.Wait() // Token waits
		checkStats(t, p, PoolStats{InFlight: 1})
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := <-errc; !errors.Is(err, ErrPoolClosed) {
			t.Errorf("Token waiting at Close: got %v, want ErrPoolClosed", err)
		}
		if err := p.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if _, err := p.Token(context.Background()); !errors.Is(err, ErrPoolClosed) {
			t.Errorf("Token after Close: got %v, want ErrPoolClosed", err)
		}
		checkStats(t, p, PoolStats{})
	})
}

// A token the refill receives after Close began is discarded, and Close
// waits for it.
func TestPoolCloseDiscardsALateToken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		// deaf to its context
		src := &fakeSource{answer: func(int) error { <-release; return nil }}
		p := startPool(t, src, WithPoolSize(1))
		synctest.Wait()
		closed := make(chan struct{})
		go func() {
			_ = p.Close()
			close(closed)
		}()
		synctest.Wait()
		select {
		case <-closed:
			t.Fatal("Close returned while the refill was still in its call")
		default:
		}
		close(release)
		<-closed
		checkStats(t, p, PoolStats{Minted: 1, Discarded: 1})
	})
}

// No fmt verb prints a token; each says whether the pool is healthy.
func TestPoolFormatHidesTokens(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &fakeSource{}
		p := startPool(t, src, WithPoolSize(2))
		synctest.Wait()
		for _, healthy := range []bool{true, false} {
			want := fmt.Sprintf("tokenclient.Pool{size: 2, maxAge: 25m0s, maxInFlight: 32, "+
				"ready: 2, inFlight: 0, minted: 2, handedOut: 0, healthy: %t}", healthy)
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
				if got := fmt.Sprintf(verb, p); got != want {
					t.Errorf("%s: got %s, want %s", verb, got, want)
				}
			}
			if got := fmt.Sprintf("%+v", struct{ P *Pool }{p}); strings.Contains(got, "token-") {
				t.Errorf("%%+v of a struct holding the pool: got %s", got)
			}
			p.mu.Lock()
			p.err = errFake
			p.mu.Unlock()
		}
	})
	if got := fmt.Sprint((*Pool)(nil)); got != "<nil>" {
		t.Errorf("nil pool: got %q, want <nil>", got)
	}
}

// Close ends the refill goroutine mid-call and leaves no goroutine behind,
// on the real clock as well.
func TestPoolCloseLeavesNoGoroutine(t *testing.T) {
	before := goleak.IgnoreCurrent()
	arrived := make(chan struct{})
	p, err := NewPool(sourceFunc(func(ctx context.Context) (Token, error) {
		close(arrived) // the refill's first and only call
		<-ctx.Done()
		return Token{}, ctx.Err()
	}))
	if err != nil {
		t.Fatal(err)
	}
	<-arrived
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	goleak.VerifyNone(t, before)
}

// BenchmarkPool compares Token from a warm Pool with a direct call, against
// a fake Flinks that takes 50ms to answer. Run it with a fixed count
// (make bench uses -benchtime=100x): every pooled Token waits, untimed, for
// the refill to replace its token.
func BenchmarkPool(b *testing.B) {
	srv := flinkstest.NewServer(flinkstest.WithLatency(50 * time.Millisecond))
	defer srv.Close()
	c, err := New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pool-warm", func(b *testing.B) {
		minted := make(chan struct{}, 16)
		p, err := NewPool(sourceFunc(func(ctx context.Context) (Token, error) {
			defer func() { minted <- struct{}{} }()
			return c.Token(ctx)
		}), WithPoolSize(1))
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			<-minted // the refill's call returned; its token is ready a moment later
			for p.Stats().Ready == 0 {
				runtime.Gosched()
			}
			b.StartTimer()
			if _, err := p.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// fakeSource is the TokenSource behind the Pool tests. Call n (from 1)
// answers token-n, valid for TokenLifetime and passed to edit, unless
// answer returns an error for it (or panics); while hold is set, a call
// first waits for hold to close or for its context. It records when each
// call began and the most calls it had at once.
type fakeSource struct {
	mu        sync.Mutex
	answer    func(n int) error
	edit      func(n int, tok *Token)
	hold      chan struct{}
	calls     []time.Time
	inCall    int
	maxInCall int
}

var errFake = errors.New("fake source: no token")

func (s *fakeSource) Token(ctx context.Context) (Token, error) {
	s.mu.Lock()
	s.calls = append(s.calls, time.Now())
	n, hold, answer, edit := len(s.calls), s.hold, s.answer, s.edit
	s.inCall++
	s.maxInCall = max(s.maxInCall, s.inCall)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inCall--
		s.mu.Unlock()
	}()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return Token{}, ctx.Err()
		}
	}
	if answer != nil {
		if err := answer(n); err != nil {
			return Token{}, err
		}
	}
	tok := Token{Value: fmt.Sprintf("token-%d", n), ExpiresAt: time.Now().Add(TokenLifetime)}
	if edit != nil {
		edit(n, &tok)
	}
	return tok, nil
}

func (s *fakeSource) set(f func(s *fakeSource)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *fakeSource) numCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

// startPool starts a pool over src, inside the test's bubble, and closes
// it when the test ends.
func startPool(t *testing.T, src TokenSource, opts ...PoolOption) *Pool {
	t.Helper()
	p, err := NewPool(src, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// mustGet returns the value of a token from p; it may run on any goroutine.
func mustGet(t *testing.T, p *Pool) string {
	t.Helper()
	tok, err := p.Token(context.Background())
	if err != nil {
		t.Errorf("Token: %v", err)
	}
	return tok.Value
}

func checkStats(t *testing.T, p *Pool, want PoolStats) {
	t.Helper()
	if got := p.Stats(); got != want {
		t.Errorf("Stats:\n got %+v\nwant %+v", got, want)
	}
}

type sourceFunc func(context.Context) (Token, error)

func (f sourceFunc) Token(ctx context.Context) (Token, error) { return f(ctx) }
