package tokenclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/flinkskit/flinks-token-go/api"
)

// The benchmarks compare a hand-written net/http client (the floor), the
// bare generated client and Client side by side (make bench: benchstat
// -col /client). Compare ratios: loopback timings swing ±10% per run.

var okBodyBytes = []byte(okBody)

func benchHandler(w http.ResponseWriter, _ *http.Request) {
	w.Header()["Content-Type"] = []string{"application/json"}
	_, _ = w.Write(okBodyBytes)
}

// memoryTransport answers the canned 200 without a network.
type memoryTransport struct{}

func (memoryTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK,
		Status:     "200 OK",
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header: http.Header{
			"Content-Type": {"application/json"},
		},
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
		if err := json.NewDecoder(io.LimitReader(resp.Body,
			MaxResponseBytes)).Decode(&body); err != nil {
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
	params := &api.GenerateAuthorizeTokenParams{
		FlinksAuthKey: testSecretKey,
		ContentType:   "application/json",
		Accept:        "application/json",
	}
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
	opts := []Option{WithBaseURL(baseURL)}
	if hc != nil {
		opts = append(opts, WithHTTPClient(hc))
	}
	c, err := New(testCustomerID, testSecretKey, opts...)
	if err != nil {
		panic(err)
	}
	return func(ctx context.Context) (string, error) {
		tok, err := c.GenerateAuthorizeToken(ctx)
		return tok.Value, err
	}
}

// minters pairs each client with its default HTTP client (nil: Client's).
var minters = []struct {
	name string
	new  func(*http.Client, string) minter
	hc   func() *http.Client
}{
	{"raw", rawMinter, func() *http.Client {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 100
		return &http.Client{Transport: tr}
	}},
	{"generated", generatedMinter, NewHTTPClient},
	{"tokenclient", tokenclientMinter, func() *http.Client { return nil }},
}

func runMinter(b *testing.B, mint minter, parallel bool) {
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
	b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := mint(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkLoopback: a loopback server, over HTTP/1.1 and TLS with HTTP/2.
func BenchmarkLoopback(b *testing.B) {
	for _, proto := range []string{"http1", "h2"} {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(benchHandler))
		if proto == "h2" {
			srv.EnableHTTP2 = true
			srv.StartTLS()
		} else {
			srv.Start()
		}
		for _, mode := range []string{"serial", "parallel"} {
			for _, m := range minters {
				b.Run("proto="+proto+"/mode="+mode+"/client="+m.name, func(b *testing.B) {
					hc := m.hc()
					if proto == "h2" {
						hc = trust(hc, srv)
					}
					defer defaultHTTPClient().CloseIdleConnections()
					if hc != nil {
						defer hc.CloseIdleConnections()
					}
					runMinter(b, m.new(hc, srv.URL), mode == "parallel")
				})
			}
		}
		srv.Close()
	}
}

// trust returns hc (nil: a Client's default) trusting srv's certificate.
func trust(hc *http.Client, srv *httptest.Server) *http.Client {
	if hc == nil {
		hc = NewHTTPClient()
	}
	tr := hc.Transport.(*http.Transport)
	tr.TLSClientConfig = &tls.Config{
		MinVersion: tls.VersionTLS12,
		RootCAs:    srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs,
	}
	tr.ForceAttemptHTTP2 = true
	return hc
}

// BenchmarkClientOnly: request building and decoding, no network.
func BenchmarkClientOnly(b *testing.B) {
	hc := &http.Client{Transport: memoryTransport{}}
	for _, m := range minters {
		b.Run("client="+m.name, func(b *testing.B) {
			runMinter(b, m.new(hc, "http://127.0.0.1:4010"), false)
		})
	}
}
