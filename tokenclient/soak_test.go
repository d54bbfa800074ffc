package tokenclient_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"sort"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"go.uber.org/goleak"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

var soakFor = flag.Duration("soak", 0, "run TestSoak for this long (make soak SOAK=2m)")

// Soak limits. The heap allowance covers what the fake keeps per issued
// token (it records the newest flinkstest.DefaultMaxIssued, for Redeem);
// anything beyond it is a leak.
const (
	soakWorkers       = 64
	soakMaxInFlight   = 32
	soakCallTimeout   = 5 * time.Second // bounds each call; context errors are the run ending or this
	soakRecordBytes   = 512
	soakHeapSlack     = 16 << 20
	soakGoroutineRoom = 64
)

// TestSoak drives a Pool and a Client from many goroutines against a fake
// Flinks that injects random 503s, 429s, dropped connections, latency and
// bursts of 401s. Every call must give a token that Flinks accepts exactly
// once, or a typed error; the Pool must stay within its in-flight bound;
// heap and goroutines must stay flat; Close must leave nothing behind.
// It runs only with -soak (make soak).
func TestSoak(t *testing.T) {
	if *soakFor <= 0 {
		t.Skip("soak test: run make soak (SOAK=2m)")
	}
	before := goleak.IgnoreCurrent()
	srv := flinkstest.NewServer()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 100
	c, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(srv.URL), tokenclient.WithHTTPClient(&http.Client{Transport: transport}),
		tokenclient.WithRetry(tokenclient.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxRetryAfter: 20 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	pool, err := tokenclient.NewPool(c, tokenclient.WithPoolSize(8), tokenclient.WithMaxInFlight(soakMaxInFlight))
	if err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithTimeout(context.Background(), *soakFor)
	defer stop()
	var (
		wg      sync.WaitGroup
		results = newSoakResults()
	)
	for i := range soakWorkers {
		src, name := tokenclient.TokenSource(pool), "Pool.Get"
		if i%4 == 3 {
			src, name = c, "Client"
		}
		wg.Go(func() { soakWorker(ctx, t, srv, src, name, results) })
	}
	faults := make(map[string]int)
	wg.Go(func() { injectFaults(ctx, t, srv, faults) })
	samples := sampleRuntime(ctx, t, srv, pool)
	wg.Wait()

	stats := pool.Stats()
	if stats.Minted != stats.HandedOut+int64(stats.Ready)+stats.Discarded {
		t.Errorf("pool stats do not add up: %+v; want Minted = HandedOut + Ready + Discarded", stats)
	}
	if err := pool.Close(); err != nil {
		t.Error(err)
	}
	transport.CloseIdleConnections()
	srv.Close()
	goleak.VerifyNone(t, before)

	checkFlat(t, samples)
	printSoakSummary(results, faults, stats, samples)
}

// soakResults counts outcomes per source and kind.
type soakResults struct {
	mu     sync.Mutex
	counts map[[2]string]int
}

func newSoakResults() *soakResults { return &soakResults{counts: map[[2]string]int{}} }

func (r *soakResults) add(source, outcome string) {
	r.mu.Lock()
	r.counts[[2]string{source, outcome}]++
	r.mu.Unlock()
}

func soakWorker(ctx context.Context, t *testing.T, srv *flinkstest.Server, src tokenclient.TokenSource, name string, results *soakResults) {
	for ctx.Err() == nil {
		callCtx, cancel := context.WithTimeout(ctx, soakCallTimeout)
		tok, err := src.Token(callCtx)
		cancel()
		if err != nil {
			kind := errorKind(err)
			switch {
			case kind == "":
				t.Errorf("%s: untyped error %v", name, err)
				kind = "UNTYPED"
			case ctx.Err() != nil:
				kind += " (the run ended)"
			}
			results.add(name, kind)
			continue
		}
		if err := srv.Redeem(tok.Value); err != nil {
			if errors.Is(err, flinkstest.ErrUnknownToken) && len(srv.Issued()) >= flinkstest.DefaultMaxIssued {
				// A pooled token can outlive the fake's bounded record of it.
				results.add(name, "token, older than the fake's records")
				continue
			}
			t.Errorf("%s gave token %s, which Flinks refuses: %v", name, tok.Value, err)
			results.add(name, "REFUSED TOKEN")
			continue
		}
		results.add(name, "token, redeemed once")
		// Think time, as between page views: pacing, not synchronisation.
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(rand.IntN(20)) * time.Millisecond):
		}
	}
}

// errorKind names the typed error err is, or "" if it is none of them.
func errorKind(err error) string {
	var apiErr *tokenclient.APIError
	var netErr net.Error
	switch {
	case errors.Is(err, tokenclient.ErrUnauthorized):
		return "ErrUnauthorized"
	case errors.As(err, &apiErr):
		return fmt.Sprintf("*APIError %d", apiErr.StatusCode)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "context ended"
	case errors.As(err, &netErr):
		return "network error"
	}
	return ""
}

// injectFaults keeps a few random faults queued at the fake.
func injectFaults(ctx context.Context, t *testing.T, srv *flinkstest.Server, injected map[string]int) {
	tick := time.NewTicker(2 * time.Millisecond) // pacing, not synchronisation
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if srv.PendingFaults() >= 8 {
			continue
		}
		n, f, name := 1, flinkstest.Fault{}, ""
		switch rand.IntN(20) {
		case 0, 1, 2, 3, 4:
			f, name = flinkstest.Fault{Status: http.StatusServiceUnavailable}, "503"
		case 5, 6, 7, 8:
			f, name = flinkstest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}, "429 Retry-After: 1"
		case 9, 10, 11, 12:
			f, name = flinkstest.Fault{Drop: true}, "dropped connection"
		case 13, 14, 15, 16, 17, 18:
			f, name = flinkstest.Fault{Latency: time.Duration(1+rand.IntN(50)) * time.Millisecond}, "latency 1-50ms"
		default:
			n, f, name = 3+rand.IntN(8), flinkstest.Fault{Status: http.StatusUnauthorized}, "401 (bursts of 3-10)"
		}
		if err := srv.FailNext(n, f); err != nil {
			t.Error(err)
			return
		}
		injected[name] += n
	}
}

type runtimeSample struct {
	goroutines int
	heap       uint64 // HeapAlloc after a GC
	issued     int    // tokens the fake has issued so far
}

// sampleRuntime records goroutines and heap ten times over the run, and
// checks the pool's in-flight bound on every tick.
func sampleRuntime(ctx context.Context, t *testing.T, srv *flinkstest.Server, pool *tokenclient.Pool) []runtimeSample {
	var samples []runtimeSample
	tick := time.NewTicker(*soakFor / 10)
	defer tick.Stop()
	for {
		if n := pool.Stats().InFlight; n > soakMaxInFlight {
			t.Errorf("pool has %d requests in flight, want at most %d", n, soakMaxInFlight)
		}
		select {
		case <-ctx.Done():
			return samples
		case <-tick.C:
		}
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		samples = append(samples, runtimeSample{runtime.NumGoroutine(), m.HeapAlloc, len(srv.Issued())})
	}
}

// checkFlat compares the second half of the run with the first sample
// after warm-up: goroutines may vary with connections in use but not
// grow; the heap may grow only by what the fake records.
func checkFlat(t *testing.T, samples []runtimeSample) {
	if len(samples) < 4 {
		t.Errorf("got %d runtime samples, want at least 4; run longer", len(samples))
		return
	}
	base := samples[1]
	for _, s := range samples[len(samples)/2:] {
		if s.goroutines > base.goroutines*3/2+soakGoroutineRoom {
			t.Errorf("goroutines grew: %d after warm-up, %d later", base.goroutines, s.goroutines)
		}
		allowed := base.heap + uint64(s.issued-base.issued)*soakRecordBytes + soakHeapSlack
		if s.heap > allowed {
			t.Errorf("heap grew: %d B after warm-up, %d B later, more than the fake's records explain (%d B)", base.heap, s.heap, allowed)
		}
	}
}

func printSoakSummary(results *soakResults, faults map[string]int, stats tokenclient.PoolStats, samples []runtimeSample) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	defer w.Flush()
	fmt.Fprintf(w, "soak %v, %d workers\t\t\n", *soakFor, soakWorkers)
	fmt.Fprintln(w, "source\toutcome\tcount\t")
	keys := make([][2]string, 0, len(results.counts))
	for k := range results.counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	for _, k := range keys {
		fmt.Fprintf(w, "%s\t%s\t%d\t\n", k[0], k[1], results.counts[k])
	}
	fmt.Fprintln(w, "fault injected\t\tcount\t")
	for _, name := range sortedKeys(faults) {
		fmt.Fprintf(w, "%s\t\t%d\t\n", name, faults[name])
	}
	fmt.Fprintf(w, "pool\tminted / handed out / ready\t%d / %d / %d\t\n", stats.Minted, stats.HandedOut, stats.Ready)
	fmt.Fprintf(w, "pool\tdirect mints / discarded / refill failures\t%d / %d / %d\t\n", stats.DirectMints, stats.Discarded, stats.RefillFailures)
	first, last := samples[1], samples[len(samples)-1]
	fmt.Fprintf(w, "runtime\tgoroutines after warm-up / at end\t%d / %d\t\n", first.goroutines, last.goroutines)
	fmt.Fprintf(w, "runtime\theap MiB after warm-up / at end\t%.1f / %.1f\t\n", float64(first.heap)/(1<<20), float64(last.heap)/(1<<20))
	fmt.Fprintf(w, "runtime\ttokens issued by the fake after warm-up / at end\t%d / %d\t\n", first.issued, last.issued)
	fmt.Fprintln(w, "after Close\tgoroutines left\t0\t")
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
