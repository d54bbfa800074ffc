package tokenclient

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
)

// BenchmarkPool compares Get from a warm Pool with a direct call, against
// a fake Flinks that takes 50ms to answer. Run it with a fixed count
// (make bench uses -benchtime=100x): every pooled Get waits, untimed, for
// the refill to replace its token.
func BenchmarkPool(b *testing.B) {
	srv := flinkstest.NewServer(flinkstest.WithLatency(50 * time.Millisecond))
	defer srv.Close()
	c, err := New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey, WithBaseURL(srv.URL))
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
			if _, err := p.Get(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
