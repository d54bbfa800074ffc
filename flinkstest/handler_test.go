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

	"github.com/getkin/kin-openapi/openapi3"

	flinkstoken "github.com/flinkskit/flinks-token-go"
	"github.com/flinkskit/flinks-token-go/internal/openapi"
)

// path is the token operation's path for DefaultCustomerID, read from
// openapi.yaml so that the tests follow Flinks when it moves.
var path = tokenPath(DefaultCustomerID)

// tokenPath fills the spec's path parameter, whatever the spec names it,
// with customerID.
func tokenPath(customerID string) string {
	segs := strings.Split(openapi.MustPath(tokenOperation), "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") {
			segs[i] = customerID
		}
	}
	return strings.Join(segs, "/")
}

func conformingRequest(key string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1"+path, nil)
	r.Header.Set(keyHeader, key)
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

// spec401 is the spec's 401 example, as the fake loads it.
func spec401(t *testing.T) flinksBody {
	t.Helper()
	v, err := openapi.New()
	if err != nil {
		t.Fatal(err)
	}
	body, err := unauthorizedBody(v)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(body)
	var want flinksBody
	if err := json.Unmarshal(b, &want); err != nil ||
		want.HttpStatusCode != http.StatusUnauthorized {
		t.Fatalf("the spec's 401 example %s: %v", b, err)
	}
	return want
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) flinksBody {
	t.Helper()
	var b flinksBody
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatalf("body %q is not JSON: %v", rec.Body, err)
	}
	return b
}

// spec is a variant of openapi.yaml that the handler tests run against.
type spec struct {
	name string
	yaml []byte // nil: the embedded openapi.yaml
}

// specs returns the embedded openapi.yaml and copies of it whose header
// names differ only in letter case (Flinks-Auth-Key, ACCEPT): HTTP header
// names are case-insensitive, so the fake must behave the same, and name
// headers as the spec spells them.
func specs(t *testing.T) []spec {
	t.Helper()
	out := []spec{{"embedded", nil}}
	for _, recase := range []struct {
		name string
		f    func(string) string
	}{{"canonical", http.CanonicalHeaderKey}, {"upper", strings.ToUpper}, {"lower",
		strings.ToLower}} {
		changed := false
		y, err := openapi.EditOperation(
			flinkstoken.OpenAPI,
			tokenOperation,
			func(op *openapi3.Operation) {
				for _, ref := range op.Parameters {
					if p := ref.Value; p.In == "header" && recase.f(p.Name) != p.Name {
						p.Name = recase.f(p.Name)
						changed = true
					}
				}
			},
		)
		if err != nil {
			t.Fatal(err)
		}
		if changed { // the spec may already spell its names so
			out = append(out, spec{recase.name + " header names", y})
		}
	}
	if len(out) < 3 {
		t.Fatalf(
			"rewriting the spec's header names in 3 letter cases gave %d variants, want 2 or more",
			len(out)-1,
		)
	}
	return out
}

// header returns the spec's spelling of header name.
func (s spec) header(t *testing.T, name string) string {
	t.Helper()
	h := NewHandler(s.opts()...)
	op, _, _, err := h.validator.Operation(tokenOperation)
	if err != nil {
		t.Fatal(err)
	}
	p := openapi.HeaderParam(op, name)
	if p == nil {
		t.Fatalf("spec %s has no header %s", s.name, name)
	}
	return p.Name
}

// spell replaces each {Name} in msg with the spec's spelling of header Name.
func (s spec) spell(t *testing.T, msg string) string {
	t.Helper()
	for {
		before, rest, ok := strings.Cut(msg, "{")
		if !ok {
			return msg
		}
		name, after, _ := strings.Cut(rest, "}")
		msg = before + s.header(t, name) + after
	}
}

func (s spec) opts(more ...Option) []Option {
	if s.yaml == nil {
		return more
	}
	return append([]Option{withSpec(s.yaml)}, more...)
}

func TestResponsesMatchSpec(t *testing.T) {
	v, err := openapi.New()
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
		{
			"configured customer",
			[]Option{WithCustomerIDs(other)},
			DefaultSecretKey,
			tokenPath(other),
			200,
		},
	}
	for _, sp := range specs(t) {
		for _, tt := range tests {
			t.Run(sp.name+"/"+tt.name, func(t *testing.T) {
				h := NewHandler(sp.opts(tt.opts...)...)
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
					if _, ok := h.Lookup(b.Token); !ok || !guidPattern.MatchString(b.Token) {
						t.Errorf("token %q: want a recorded GUID", b.Token)
					}
				case 401:
					if want := spec401(t); b != want {
						t.Errorf("body: got %+v, want %+v", b, want)
					}
				}
			})
		}
	}
}

func TestDefaultsAreTheSpecsExamples(t *testing.T) {
	v, err := openapi.New()
	if err != nil {
		t.Fatal(err)
	}
	op, _, _, err := v.Operation(tokenOperation)
	if err != nil {
		t.Fatal(err)
	}
	var got any
	for _, p := range op.Parameters {
		if p.Value.In == openapi3.ParameterInPath {
			got = p.Value.Schema.Value.Default
		}
	}
	if got != DefaultCustomerID {
		t.Errorf("spec default of the path parameter: got %v, want %s", got, DefaultCustomerID)
	}
	got = nil
	if p := openapi.HeaderParam(op, keyHeader); p != nil {
		got = p.Schema.Value.Default
	}
	if got != DefaultSecretKey {
		t.Errorf("spec default of the %s header: got %v, want %s", keyHeader, got, DefaultSecretKey)
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
		if rec.Value != tokens[i] || !rec.IssuedAt.Equal(now) ||
			rec.CustomerID != DefaultCustomerID ||
			rec.Used {
			t.Errorf(
				"record %d: got %+v, want token %s issued at %v, unused",
				i,
				rec,
				tokens[i],
				now,
			)
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
	now = now.Add(tokenLifetime)
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
