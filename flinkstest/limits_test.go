package flinkstest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// counting is a 64 MiB body that counts what was read of it.
type counting struct{ read int }

func (c *counting) Read(p []byte) (int, error) {
	if c.read >= 64<<20 {
		return 0, io.EOF
	}
	c.read += len(p)
	return len(p), nil
}

// The fake never reads a body, so a huge one costs nothing: a token
// request is answered, the Connect page served, and nothing read.
func TestRequestBodyNeverRead(t *testing.T) {
	h := NewHandler()
	tok := mint(t, h)
	for _, r := range []*http.Request{conformingRequest(DefaultSecretKey),
		httptest.NewRequest(http.MethodGet, ConnectPath+"?authorizeToken="+tok, nil)} {
		body := &counting{}
		r.Body = io.NopCloser(body)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK || body.read != 0 {
			t.Errorf("%s %s: got %d after reading %d bytes of the body, want 200 and none",
				r.Method, r.URL.Path, rec.Code, body.read)
		}
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
