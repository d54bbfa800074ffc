package flinkstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/internal/specvalidate"
)

// path is the token operation's path for DefaultCustomerID, read from
// openapi.yaml so that the tests follow Flinks when it moves.
var path = tokenPath(DefaultCustomerID)

func tokenPath(customerID string) string {
	return specvalidate.MustPath("generateAuthorizeToken", map[string]string{"customerId": customerID})
}

func conformingRequest(key string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1"+path, nil)
	r.Header.Set("flinks-auth-key", key)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json")
	return r
}

type flinksBody struct {
	HttpStatusCode int
	Token          string
	Message        string
	FlinksCode     string
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) flinksBody {
	t.Helper()
	var b flinksBody
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatalf("body %q is not JSON: %v", rec.Body, err)
	}
	return b
}

func TestRejectsNonConformingRequests(t *testing.T) {
	tests := []struct {
		name       string
		break_     func(*http.Request)
		wantStatus int
		wantInMsg  string
	}{
		{"missing flinks-auth-key", func(r *http.Request) { r.Header.Del("flinks-auth-key") }, 400, "flinks-auth-key"},
		{"missing Content-Type", func(r *http.Request) { r.Header.Del("Content-Type") }, 400, "Content-Type"},
		{"missing Accept", func(r *http.Request) { r.Header.Del("Accept") }, 400, "Accept"},
		{"GET", func(r *http.Request) { r.Method = http.MethodGet }, 405, "method not allowed"},
		{"unknown path", func(r *http.Request) {
			r.URL.Path = strings.TrimSuffix(path, "GenerateAuthorizeToken") + "NoSuchOperation"
		}, 404, "no operation"},
		{"no customer id", func(r *http.Request) { r.URL.Path = strings.Replace(path, "/"+DefaultCustomerID, "", 1) }, 404, "no operation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHandler()
			r := conformingRequest(DefaultSecretKey)
			tt.break_(r)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", rec.Code, tt.wantStatus)
			}
			if rec.Code == http.StatusMethodNotAllowed && rec.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow: got %q, want POST", rec.Header().Get("Allow"))
			}
			if b := decode(t, rec); !strings.Contains(b.Message, tt.wantInMsg) || b.HttpStatusCode != tt.wantStatus {
				t.Errorf("body: got %+v, want HttpStatusCode %d and a Message naming %q", b, tt.wantStatus, tt.wantInMsg)
			}
			if strings.Contains(rec.Body.String(), DefaultSecretKey) {
				t.Errorf("error body contains the secret key: %s", rec.Body)
			}
			if n := len(h.Issued()); n != 0 {
				t.Errorf("issued %d tokens for a rejected request", n)
			}
		})
	}
}

func TestResponsesMatchSpec(t *testing.T) {
	v, err := specvalidate.New()
	if err != nil {
		t.Fatal(err)
	}
	other := "0b7b1c3e-0000-4000-8000-000000000000"
	tests := []struct {
		name       string
		opts       []Option
		key        string
		path       string
		wantStatus int
	}{
		{"default key", nil, DefaultSecretKey, path, 200},
		{"wrong key", nil, "wrong", path, 401},
		{"unknown customer", nil, DefaultSecretKey, tokenPath(other), 401},
		{"configured key", []Option{WithSecretKeys("k1", "k2")}, "k2", path, 200},
		{"default key not configured", []Option{WithSecretKeys("k1")}, DefaultSecretKey, path, 401},
		{"configured customer", []Option{WithCustomerIDs(other)}, DefaultSecretKey, tokenPath(other), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHandler(tt.opts...)
			r := conformingRequest(tt.key)
			r.URL.Path = tt.path
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status: got %d, want %d (%s)", rec.Code, tt.wantStatus, rec.Body)
			}
			in, err := v.Request(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Response(in, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
				t.Errorf("response does not match openapi.yaml: %v", err)
			}
			b := decode(t, rec)
			switch tt.wantStatus {
			case 200:
				if _, ok := h.Lookup(b.Token); !ok || len(b.Token) != 36 {
					t.Errorf("token %q: want a recorded GUID", b.Token)
				}
			case 401:
				want := flinksBody{HttpStatusCode: 401, Message: "You must provide a valid auth key", FlinksCode: "UNAUTHORIZED"}
				if b != want {
					t.Errorf("body: got %+v, want %+v", b, want)
				}
			}
		})
	}
}

func TestDefaultsAreTheSpecsExamples(t *testing.T) {
	v, err := specvalidate.New()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := v.Path("generateAuthorizeToken", nil)
	if err != nil {
		t.Fatal(err)
	}
	op := v.Doc().Paths.Find(tmpl).Post
	for name, want := range map[string]string{"customerId": DefaultCustomerID, "flinks-auth-key": DefaultSecretKey} {
		var got any
		for _, p := range op.Parameters {
			if p.Value.Name == name {
				got = p.Value.Schema.Value.Default
			}
		}
		if got != want {
			t.Errorf("spec default of %s: got %v, want %s", name, got, want)
		}
	}
}

func TestIssuedTokensAndRedeem(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	h := NewHandler(WithClock(func() time.Time { return now }))
	var tokens []string
	for range 3 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, conformingRequest(DefaultSecretKey))
		tokens = append(tokens, decode(t, rec).Token)
	}
	issued := h.Issued()
	if len(issued) != 3 {
		t.Fatalf("Issued: got %d records, want 3", len(issued))
	}
	seen := map[string]bool{}
	for i, rec := range issued {
		if rec.Value != tokens[i] || !rec.IssuedAt.Equal(now) || rec.CustomerID != DefaultCustomerID || rec.Used {
			t.Errorf("record %d: got %+v, want token %s issued at %v, unused", i, rec, tokens[i], now)
		}
		if seen[rec.Value] {
			t.Errorf("token %s issued twice", rec.Value)
		}
		seen[rec.Value] = true
	}

	if err := h.Redeem(tokens[0]); err != nil {
		t.Errorf("first Redeem: got %v, want nil", err)
	}
	if err := h.Redeem(tokens[0]); !errors.Is(err, ErrTokenUsed) {
		t.Errorf("second Redeem: got %v, want ErrTokenUsed", err)
	}
	if rec, _ := h.Lookup(tokens[0]); !rec.Used {
		t.Errorf("Lookup after Redeem: Used is false")
	}
	if err := h.Redeem("d65f1adb-8ebc-48dc-be8b-20c773ba1565"); !errors.Is(err, ErrUnknownToken) {
		t.Errorf("Redeem of a foreign token: got %v, want ErrUnknownToken", err)
	}
	now = now.Add(TokenLifetime)
	if err := h.Redeem(tokens[1]); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("Redeem after 30 minutes: got %v, want ErrTokenExpired", err)
	}
}

func TestLogsNeverContainSecrets(t *testing.T) {
	var logs bytes.Buffer
	// A clock that advances 1ms per reading: each request reads it at
	// start and end (and once more when it issues a token).
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tick := func() time.Time { now = now.Add(time.Millisecond); return now }
	h := NewHandler(WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))), WithClock(tick))
	for _, key := range []string{DefaultSecretKey, "wrong-key-123"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, conformingRequest(key))
	}
	bad := conformingRequest("wrong-key-123")
	bad.Method = http.MethodGet
	h.ServeHTTP(httptest.NewRecorder(), bad)
	if strings.Count(logs.String(), "\n") != 3 {
		t.Errorf("got logs %q, want 3 records", logs.String())
	}
	for line := range strings.Lines(logs.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if ms, ok := rec["took_ms"].(float64); !ok || (ms != 1 && ms != 2) || rec["took"] != nil {
			t.Errorf("record %s: want took_ms of 1 or 2 (milliseconds) and no unitless took", line)
		}
	}
	for _, secret := range []string{DefaultSecretKey, "wrong-key-123", h.Issued()[0].Value} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs contain %q: %s", secret, logs.String())
		}
	}
}

func TestFaultValidation(t *testing.T) {
	h := NewHandler()
	bad := []Fault{
		{},
		{Status: 503, Drop: true},
		{Malformed: true, Oversized: 10},
		{Status: 100},
		{Status: 200},
		{Status: 204},
		{Status: 600},
		{RetryAfter: "1", Drop: true},
		{Status: 503, RetryAfter: "soon"},
		{Status: 503, RetryAfter: "-1"},
		{Status: 503, RetryAfter: "1.5"},
		{Latency: -time.Second},
		{Drop: true, Latency: -time.Second},
	}
	for _, f := range bad {
		if err := h.FailNext(1, f); err == nil {
			t.Errorf("FailNext(1, %+v): got nil, want an error", f)
		}
	}
	for _, f := range []Fault{
		{Status: 302},
		{Status: 503, RetryAfter: "0"},
		{Status: 429, RetryAfter: "120"},
		{Status: 503, RetryAfter: "Fri, 27 Nov 2026 16:00:00 GMT"},
		{Latency: time.Millisecond},
	} {
		if err := h.FailNext(1, f); err != nil {
			t.Errorf("FailNext(1, %+v): got %v, want nil", f, err)
		}
	}
	h = NewHandler()
	if err := h.FailNext(0, Fault{Drop: true}); err == nil {
		t.Errorf("FailNext(0, …): got nil, want an error")
	}
	if n := h.PendingFaults(); n != 0 {
		t.Errorf("PendingFaults: got %d, want 0", n)
	}
}
