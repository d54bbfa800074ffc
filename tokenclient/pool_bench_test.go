package tokenclient

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
)

// BenchmarkPool compares Get from a warm Pool with a direct call, against
// a fake Flinks that takes 50ms to answer. Run it with a fixed count
// (make bench uses -benchtime=100x): every pooled Get waits, untimed, for
// the pool to refill. p50-ns and p99-ns are per-Get latencies.
func BenchmarkPool(b *testing.B) {
	srv := flinkstest.NewServer(flinkstest.WithLatency(50 * time.Millisecond))
	defer srv.Close()
	c, err := New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey, WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()

	b.Run("direct", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		b.ReportAllocs()
		for b.Loop() {
			start := time.Now()
			if _, err := c.GenerateAuthorizeToken(ctx); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		reportPercentiles(b, lat)
	})

	b.Run("pool-warm", func(b *testing.B) {
		p, err := NewPool(c)
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		lat := make([]time.Duration, 0, b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			waitFull(p)
			b.StartTimer()
			start := time.Now()
			if _, err := p.Get(ctx); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		reportPercentiles(b, lat)
	})
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}
