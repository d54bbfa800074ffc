package flinkstest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// zeros yields n zero bytes and counts what was read of them.
type zeros struct{ n, read int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.read >= z.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), z.n-z.read)]
	clear(p)
	z.read += int64(len(p))
	return len(p), nil
}

func TestRequestBodyCapped(t *testing.T) {
	tests := []struct {
		name           string
		size           int64
		declared       bool // Content-Length sent; else chunked
		path           string
		wantStatus     int
		wantReadAtMost int64
	}{
		{"declared 64 MiB", 64 << 20, true, path, 413, 0},
		{"chunked 64 MiB", 64 << 20, false, path, 413, maxRequestBody + 1},
		{
			"chunked 64 MiB to the Connect page",
			64 << 20,
			false,
			ConnectPath,
			413,
			maxRequestBody + 1,
		},
		{"1 MiB exactly", maxRequestBody, true, path, 200, maxRequestBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHandler()
			if err := h.FailNext(1, Fault{Latency: 1}); err != nil {
				t.Fatal(err)
			}
			body := &zeros{n: tt.size}
			r := conformingRequest(DefaultSecretKey)
			r.URL.Path = tt.path
			r.Body = io.NopCloser(body)
			r.ContentLength = -1
			if tt.declared {
				r.ContentLength = tt.size
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status: got %d, want %d (%s)", rec.Code, tt.wantStatus, rec.Body)
			}
			if body.read > tt.wantReadAtMost {
				t.Errorf("read %d bytes of the body, want at most %d", body.read, tt.wantReadAtMost)
			}
			if tt.wantStatus != http.StatusRequestEntityTooLarge {
				return
			}
			if b := decode(t, rec); b.FlinksCode != "REQUEST_TOO_LARGE" {
				t.Errorf("body: got %+v, want FlinksCode REQUEST_TOO_LARGE", b)
			}
			if n, issued := len(h.faults), len(h.Issued()); n != 1 || issued != 0 {
				t.Errorf(
					"after a refused body: %d faults pending, %d tokens issued; want 1 and 0",
					n,
					issued,
				)
			}
		})
	}
}

func TestIssuedRecordsCapped(t *testing.T) {
	h := NewHandler()
	h.issued.max = 3
	var tokens []string
	for range 7 {
		tokens = append(tokens, mint(t, h))
	}
	got := h.Issued()
	if len(got) != 3 {
		t.Fatalf("Issued: got %d records, want the newest 3", len(got))
	}
	for i, rec := range got {
		if want := tokens[4+i]; rec.Value != want {
			t.Errorf("record %d: got %s, want %s (oldest first)", i, rec.Value, want)
		}
	}
	if err := h.Redeem(tokens[3]); !errors.Is(err, ErrUnknownToken) {
		t.Errorf("Redeem of a dropped token: got %v, want ErrUnknownToken", err)
	}
	if err := h.Redeem(tokens[6]); err != nil {
		t.Errorf("Redeem of a kept token: got %v, want nil", err)
	}
	if rec, ok := h.Lookup(tokens[6]); !ok || !rec.Used {
		t.Errorf("Lookup after Redeem: got %+v, %v; want a used record", rec, ok)
	}
}

func TestMaxIssued(t *testing.T) {
	h := NewHandler()
	for range maxIssued + 5 {
		h.issue(DefaultCustomerID)
	}
	if n := len(h.Issued()); n != maxIssued {
		t.Errorf("Issued after %d tokens: got %d records, want %d", maxIssued+5, n, maxIssued)
	}
}

func TestFailNextStoresACount(t *testing.T) {
	h := NewHandler()
	allocs := testing.AllocsPerRun(10, func() {
		if err := h.FailNext(1<<16, Fault{Status: 503}); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 2 {
		t.Errorf(
			"FailNext(65536, …): %.0f allocations, want at most 2 (a count, not copies)",
			allocs,
		)
	}
	h = NewHandler()
	_ = h.FailNext(2, Fault{Status: 503})
	_ = h.FailNext(1, Fault{Status: 429})
	var got []int
	for {
		f, ok := h.nextFault()
		if !ok {
			break
		}
		got = append(got, f.Status)
	}
	if fmt.Sprint(got) != "[503 503 429]" {
		t.Errorf("faults served: got %v, want [503 503 429] in order", got)
	}
}

// NewServer and NewTLSServer bound what a client can hold open, but set
// no write timeout: a test may ask for any latency.
func TestServerTimeouts(t *testing.T) {
	for _, tls := range []bool{false, true} {
		s := start(tls, nil)
		c := s.ts.Config
		s.Close()
		if c.ReadHeaderTimeout != readTimeout || c.ReadTimeout != readTimeout ||
			c.IdleTimeout != idleTimeout || c.WriteTimeout != 0 {
			t.Errorf(
				"tls=%v: got read header %v, read %v, idle %v, write %v; want %v, %v, %v, none",
				tls,
				c.ReadHeaderTimeout,
				c.ReadTimeout,
				c.IdleTimeout,
				c.WriteTimeout,
				readTimeout,
				readTimeout,
				idleTimeout,
			)
		}
	}
}
