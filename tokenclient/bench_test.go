package tokenclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/flinkskit/flinks-token-go/api"
)

// Benchmarks compare, in one run, a hand-written net/http + encoding/json
// client (the floor), the generated api.ClientWithResponses, and Client,
// over loopback HTTP/1.1 keep-alive, each with its own default HTTP client
// (raw: a clone of http.DefaultTransport with 100 idle connections per
// host), and over an in-memory RoundTripper (request building and
// response decoding only). Compare the ratios, not the absolutes: loopback
// timings on small machines swing ±10% between runs.

const (
	benchParallelCallers = 32
	// connCallers is how many goroutines share a client in the connection
	// count.
	connCallers = 64
)

var okBodyBytes = []byte(okBody)

// benchHandler answers the fixed 200 and nothing else.
func benchHandler(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	_, _ = w.Write(okBodyBytes)
}

// memoryTransport returns the canned 200 without a network.
type memoryTransport struct{}

func (memoryTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode:    http.StatusOK,
		Status:        "200 OK",
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(okBodyBytes)),
		ContentLength: int64(len(okBodyBytes)),
		Request:       r,
	}, nil
}

// minter is one client under test.
type minter func(context.Context) (string, error)

// rawMinter is the floor: what a careful hand-written client does.
func rawMinter(hc *http.Client, baseURL string) minter {
	endpoint := baseURL + tokenPath
	return func(ctx context.Context) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("flinks-auth-key", testSecretKey)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		var body struct{ Token string }
		if err := json.NewDecoder(io.LimitReader(resp.Body, MaxResponseBytes)).Decode(&body); err != nil {
			return "", err
		}
		if resp.StatusCode != http.StatusOK || body.Token == "" {
			return "", errors.New("no token")
		}
		return body.Token, nil
	}
}

func generatedMinter(hc *http.Client, baseURL string) minter {
	c, err := api.NewClientWithResponses(baseURL, api.WithHTTPClient(hc))
	if err != nil {
		panic(err)
	}
	params := &api.GenerateAuthorizeTokenParams{FlinksAuthKey: testSecretKey, ContentType: "application/json", Accept: "application/json"}
	return func(ctx context.Context) (string, error) {
		resp, err := c.GenerateAuthorizeTokenWithResponse(ctx, testCustomerID, params)
		if err != nil {
			return "", err
		}
		if resp.JSON200 == nil || resp.JSON200.Token == nil {
			return "", errors.New("no token")
		}
		return *resp.JSON200.Token, nil
	}
}

func tokenclientMinter(hc *http.Client, baseURL string) minter {
	c, err := New(testCustomerID, testSecretKey, WithBaseURL(baseURL), WithHTTPClient(hc))
	if err != nil {
		panic(err)
	}
	return func(ctx context.Context) (string, error) {
		tok, err := c.GenerateAuthorizeToken(ctx)
		return tok.Value, err
	}
}

var minters = []struct {
	name string
	new  func(*http.Client, string) minter
	// loopback builds the minter with its own default HTTP client and
	// returns what closes that client's idle connections.
	loopback func(string) (minter, func())
}{
	{"raw", rawMinter, func(baseURL string) (minter, func()) {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 100
		hc := &http.Client{Transport: tr}
		return rawMinter(hc, baseURL), hc.CloseIdleConnections
	}},
	{"generated", generatedMinter, func(baseURL string) (minter, func()) {
		hc := NewHTTPClient()
		return generatedMinter(hc, baseURL), hc.CloseIdleConnections
	}},
	{"tokenclient", tokenclientMinter, func(baseURL string) (minter, func()) {
		c, err := New(testCustomerID, testSecretKey, WithBaseURL(baseURL))
		if err != nil {
			panic(err)
		}
		return func(ctx context.Context) (string, error) {
			tok, err := c.GenerateAuthorizeToken(ctx)
			return tok.Value, err
		}, c.CloseIdleConnections
	}},
}

func runMinter(b *testing.B, mint minter, parallel bool) {
	b.Helper()
	ctx := context.Background()
	if _, err := mint(ctx); err != nil { // warm the connection
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if !parallel {
		for b.Loop() {
			if _, err := mint(ctx); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.SetParallelism(max(1, benchParallelCallers/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := mint(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkLoopback measures each client against a loopback server.
func BenchmarkLoopback(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(benchHandler))
	defer srv.Close()
	for _, mode := range []string{"serial", "parallel"} {
		for _, m := range minters {
			b.Run("mode="+mode+"/client="+m.name, func(b *testing.B) {
				mint, closeIdle := m.loopback(srv.URL)
				defer closeIdle()
				runMinter(b, mint, mode == "parallel")
			})
		}
	}
}

// BenchmarkClientOnly measures request building and response decoding
// over an in-memory transport.
func BenchmarkClientOnly(b *testing.B) {
	hc := &http.Client{Transport: memoryTransport{}}
	for _, m := range minters {
		b.Run("client="+m.name, func(b *testing.B) {
			runMinter(b, m.new(hc, "http://127.0.0.1:4010"), false)
		})
	}
}

// BenchmarkServerHandler measures the loopback server's handler alone, to
// separate server cost from client cost in BenchmarkLoopback.
func BenchmarkServerHandler(b *testing.B) {
	req := httptest.NewRequest(http.MethodPost, tokenPath, nil)
	w := &discardWriter{header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.header)
		benchHandler(w, req)
	}
}

type discardWriter struct{ header http.Header }

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkConnections reports connections opened per 10,000 calls from
// connCallers concurrent callers: Client's default HTTP client against
// http.DefaultClient (2 idle connections per host).
func BenchmarkConnections(b *testing.B) {
	for _, tc := range []struct {
		name string
		hc   func() *http.Client
	}{
		{"tokenclient-default", NewHTTPClient},
		{"http.DefaultClient", func() *http.Client { return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()} }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var opened int64
			for b.Loop() {
				opened += connectionsFor10kCalls(b, tc.hc())
			}
			b.ReportMetric(float64(opened)/float64(b.N), "conns/10k-calls")
		})
	}
}

// connectionsFor10kCalls makes 10,000 calls from connCallers
// goroutines through hc and returns how many connections the server saw.
func connectionsFor10kCalls(tb testing.TB, hc *http.Client) int64 {
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(benchHandler))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	defer hc.CloseIdleConnections()
	mint := tokenclientMinter(hc, srv.URL)
	var next atomic.Int64
	done := make(chan error, connCallers)
	for range connCallers {
		go func() {
			for next.Add(1) <= 10_000 {
				if _, err := mint(context.Background()); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range connCallers {
		if err := <-done; err != nil {
			tb.Fatal(err)
		}
	}
	return opened.Load()
}

// The default client keeps a connection per concurrent caller instead of
// churning: http.DefaultClient opens about 4,500 here. While the callers
// ramp up, and whenever the machine is busy, net/http may dial for a
// waiting request that a connection freed meanwhile then serves; the
// dialled one joins the idle pool. How often depends on scheduling, so the
// bound is twice the callers: far from churning, never from load.
func TestDefaultClientReusesConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 calls")
	}
	const limit = 2 * connCallers
	n := connectionsFor10kCalls(t, NewHTTPClient())
	if n > limit {
		t.Errorf("connections opened for 10,000 calls from %d callers: got %d, want <= %d", connCallers, n, limit)
	}
	t.Logf("%d connections for 10,000 calls from %d callers", n, connCallers)
}

func TestBenchMintersAgree(t *testing.T) {
	hc := &http.Client{Transport: memoryTransport{}}
	for _, m := range minters {
		tok, err := m.new(hc, "http://127.0.0.1:4010")(context.Background())
		if err != nil || !strings.EqualFold(tok, testToken) {
			t.Errorf("%s: got %q, %v, want %q", m.name, tok, err, testToken)
		}
	}
}
