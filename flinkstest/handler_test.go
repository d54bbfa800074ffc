package flinkstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	flinkstoken "github.com/flinkskit/flinks-token-go"
	"github.com/flinkskit/flinks-token-go/internal/specvalidate"
)

// path is the token operation's path for DefaultCustomerID, read from
// openapi.yaml so that the tests follow Flinks when it moves.
var path = tokenPath(DefaultCustomerID)

func tokenPath(customerID string) string {
	return specvalidate.MustPath("generateAuthorizeToken", map[string]string{"customerId": customerID})
}

// withSegment returns path with its segment i (segment 0 is the empty
// string before the leading slash, so i counts as the fake's messages do)
// replaced by seg, or removed when seg is absent.
func withSegment(i int, seg ...string) string {
	segs := strings.Split(path, "/")
	return strings.Join(slices.Concat(segs[:i], seg, segs[i+1:]), "/")
}

// wrongCase returns the position of a literal segment of the path
// template tmpl and that segment in another letter case: lowered if it
// has upper-case letters (the usual slip), else raised.
func wrongCase(t *testing.T, tmpl []string) (int, string) {
	t.Helper()
	for _, f := range []func(string) string{strings.ToLower, strings.ToUpper} {
		for i, seg := range tmpl {
			if !strings.HasPrefix(seg, "{") && f(seg) != seg {
				return i, f(seg)
			}
		}
	}
	t.Fatalf("the spec's path %s has no segment with letters", strings.Join(tmpl, "/"))
	return 0, ""
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
	}{{"canonical", http.CanonicalHeaderKey}, {"upper", strings.ToUpper}, {"lower", strings.ToLower}} {
		changed := false
		y, err := specvalidate.EditOperation(flinkstoken.OpenAPI, tokenOperation, func(op *openapi3.Operation) {
			for _, ref := range op.Parameters {
				if p := ref.Value; p.In == "header" && recase.f(p.Name) != p.Name {
					p.Name = recase.f(p.Name)
					changed = true
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if changed { // the spec may already spell its names so
			out = append(out, spec{recase.name + " header names", y})
		}
	}
	if len(out) < 3 {
		t.Fatalf("rewriting the spec's header names in three letter cases gave %d variants, want at least 2", len(out)-1)
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
	p := specvalidate.HeaderParam(op, name)
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

// TestRequestFidelity sends requests that break the spec in one way each
// and checks the fake answers as Flinks documents (or, where Flinks
// documents nothing, in Flinks' error shape naming what was wrong).
func TestRequestFidelity(t *testing.T) {
	unauthorized := flinksBody{HttpStatusCode: 401, Message: "", FlinksCode: ""}
	{
		v, err := specvalidate.New()
		if err != nil {
			t.Fatal(err)
		}
		op, _, _, err := v.Operation(tokenOperation)
		if err != nil {
			t.Fatal(err)
		}
		b, err := specvalidate.Example(op, 401, "application/json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &unauthorized); err != nil {
			t.Fatal(err)
		}
	}
	// The path cases break the segments of the spec's path template by
	// position, and expect the fake to name them so.
	tmpl := strings.Split(specvalidate.MustPath(tokenOperation, nil), "/")
	last, idAt := len(tmpl)-1, slices.Index(tmpl, "{customerId}")
	if idAt < 0 {
		t.Fatalf("the spec's path %s has no {customerId} segment", strings.Join(tmpl, "/"))
	}
	casedAt, cased := wrongCase(t, tmpl)
	tests := []struct {
		name       string
		strict     bool
		break_     func(*http.Request)
		wantStatus int
		wantBody   *flinksBody // the whole body, or nil for a message check
		wantInMsg  []string    // header names are given as the embedded spec spells them
		wantNote   string      // {Name} stands for the spec's spelling of header Name
	}{
		{name: "missing key header", break_: func(r *http.Request) { r.Header.Del(keyHeader) },
			wantStatus: 401, wantBody: &unauthorized, wantNote: "is missing"},
		{name: "key in x-api-key", break_: func(r *http.Request) { r.Header["X-Api-Key"] = r.Header.Values(keyHeader); r.Header.Del(keyHeader) },
			wantStatus: 401, wantBody: &unauthorized, wantNote: "the request has X-Api-Key"},
		{name: "key as Authorization: Bearer", break_: func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+r.Header.Get(keyHeader))
			r.Header.Del(keyHeader)
		},
			wantStatus: 401, wantBody: &unauthorized, wantNote: "the request has Authorization"},
		{name: "missing key header, strict", strict: true, break_: func(r *http.Request) { r.Header.Del(keyHeader) },
			wantStatus: 401, wantBody: &unauthorized},
		{name: "missing Content-Type", break_: func(r *http.Request) { r.Header.Del("Content-Type") },
			wantStatus: 200, wantNote: "{Content-Type} is missing"},
		{name: "missing Accept", break_: func(r *http.Request) { r.Header.Del("Accept") },
			wantStatus: 200, wantNote: "{Accept} is missing"},
		{name: "Accept: application/xml", break_: func(r *http.Request) { r.Header.Set("Accept", "application/xml") },
			wantStatus: 200},
		{name: "missing Content-Type, strict", strict: true, break_: func(r *http.Request) { r.Header.Del("Content-Type") },
			wantStatus: 400, wantInMsg: []string{"Content-Type", "required"}},
		{name: "missing Accept, strict", strict: true, break_: func(r *http.Request) { r.Header.Del("Accept") },
			wantStatus: 400, wantInMsg: []string{"Accept", "required"}},
		{name: "GET", break_: func(r *http.Request) { r.Method = http.MethodGet },
			wantStatus: 405, wantInMsg: []string{"method not allowed", "POST"}},
		{name: "unknown operation", break_: func(r *http.Request) { r.URL.Path = withSegment(last, "NoSuchOperation") },
			wantStatus: 404, wantInMsg: []string{fmt.Sprintf("segment %d", last), strconv.Quote(tmpl[last])}},
		{name: "segment in the wrong letter case", break_: func(r *http.Request) { r.URL.Path = withSegment(casedAt, cased) },
			wantStatus: 404, wantInMsg: []string{fmt.Sprintf("segment %d", casedAt), "letter case", strconv.Quote(tmpl[casedAt])}},
		{name: "empty customer id", break_: func(r *http.Request) { r.URL.Path = withSegment(idAt, "") },
			wantStatus: 404, wantInMsg: []string{fmt.Sprintf("segment %d", idAt), "{customerId}", "empty"}},
		{name: "no customer id", break_: func(r *http.Request) { r.URL.Path = withSegment(idAt) },
			wantStatus: 404, wantInMsg: []string{fmt.Sprintf("the path has %d segments", last-1), fmt.Sprintf("has %d", last)}},
		{name: "key header twice", break_: func(r *http.Request) { r.Header.Add(keyHeader, "other") },
			wantStatus: 400, wantInMsg: []string{"sent 2 times"}},
		{name: "customer id not a GUID", break_: func(r *http.Request) { r.URL.Path = tokenPath("not-a-guid") },
			wantStatus: 401, wantBody: &unauthorized, wantNote: "customerId is not a GUID"},
	}
	for _, sp := range specs(t) {
		for _, tt := range tests {
			t.Run(sp.name+"/"+tt.name, func(t *testing.T) {
				var logs bytes.Buffer
				opts := sp.opts(WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
				if tt.strict {
					opts = append(opts, WithStrict())
				}
				h := NewHandler(opts...)
				r := conformingRequest(DefaultSecretKey)
				tt.break_(r)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				if rec.Code != tt.wantStatus {
					t.Errorf("status: got %d, want %d (%s)", rec.Code, tt.wantStatus, rec.Body)
				}
				if got := rec.Header().Get("Content-Type"); got != "application/json" {
					t.Errorf("Content-Type: got %q, want application/json", got)
				}
				if rec.Code == http.StatusMethodNotAllowed && rec.Header().Get("Allow") != http.MethodPost {
					t.Errorf("Allow: got %q, want POST", rec.Header().Get("Allow"))
				}
				b := decode(t, rec)
				switch {
				case tt.wantBody != nil && b != *tt.wantBody:
					t.Errorf("body: got %+v, want the spec's %+v", b, *tt.wantBody)
				case tt.wantStatus == 200 && b.Token == "":
					t.Errorf("body: got %+v, want a token", b)
				case tt.wantStatus >= 400 && (b.HttpStatusCode != tt.wantStatus || b.FlinksCode == ""):
					t.Errorf("body: got %+v, want Flinks' shape with HttpStatusCode %d", b, tt.wantStatus)
				}
				for _, want := range tt.wantInMsg {
					if strings.EqualFold(want, "Accept") || strings.EqualFold(want, "Content-Type") {
						want = sp.header(t, want)
					}
					if !strings.Contains(b.Message, want) {
						t.Errorf("message %q does not name %q", b.Message, want)
					}
				}
				for _, forbidden := range []string{DefaultSecretKey, DefaultCustomerID, "kin-openapi", "has an error", "value is required"} {
					if strings.Contains(rec.Body.String(), forbidden) {
						t.Errorf("body contains %q: %s", forbidden, rec.Body)
					}
				}
				if want := sp.spell(t, tt.wantNote); !strings.Contains(logs.String(), want) {
					t.Errorf("log: got %s, want a note %q", logs.String(), want)
				}
				if strings.Contains(logs.String(), DefaultSecretKey) {
					t.Errorf("log contains the secret key: %s", logs.String())
				}
				if n, want := len(h.Issued()), map[bool]int{true: 1, false: 0}[tt.wantStatus == 200]; n != want {
					t.Errorf("issued %d tokens, want %d", n, want)
				}
			})
		}
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
}

func TestDefaultsAreTheSpecsExamples(t *testing.T) {
	v, err := specvalidate.New()
	if err != nil {
		t.Fatal(err)
	}
	op, _, _, err := v.Operation(tokenOperation)
	if err != nil {
		t.Fatal(err)
	}
	var got any
	if p := op.Parameters.GetByInAndName("path", "customerId"); p != nil {
		got = p.Schema.Value.Default
	}
	if got != DefaultCustomerID {
		t.Errorf("spec default of customerId: got %v, want %s", got, DefaultCustomerID)
	}
	got = nil
	if p := specvalidate.HeaderParam(op, keyHeader); p != nil {
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

// TestInvalidParameterNamed adds to a copy of the spec a header the
// generated code does not know, as a new page version could, and checks
// that a value breaking its schema gets Flinks' INVALID_REQUEST naming the
// header and its type, never the value or kin-openapi's wording.
func TestInvalidParameterNamed(t *testing.T) {
	y, err := specvalidate.EditOperation(flinkstoken.OpenAPI, tokenOperation, func(op *openapi3.Operation) {
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: openapi3.NewHeaderParameter("X-Retry-Count").
			WithSchema(openapi3.NewIntegerSchema())})
	})
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandler(withSpec(y))
	tests := []struct {
		value      string
		wantStatus int
	}{
		{"3", 200},
		{"many-secret-retries", 400},
	}
	for _, tt := range tests {
		r := conformingRequest(DefaultSecretKey)
		r.Header.Set("x-retry-count", tt.value)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		b := decode(t, rec)
		if rec.Code != tt.wantStatus {
			t.Errorf("X-Retry-Count %q: got %d %s, want %d", tt.value, rec.Code, rec.Body, tt.wantStatus)
		}
		if tt.wantStatus == 400 {
			if b.FlinksCode != "INVALID_REQUEST" || !strings.Contains(b.Message, "header parameter X-Retry-Count") || !strings.Contains(b.Message, "type integer") {
				t.Errorf("body: got %+v, want INVALID_REQUEST naming header parameter X-Retry-Count and its type", b)
			}
			if strings.Contains(rec.Body.String(), tt.value) || strings.Contains(rec.Body.String(), "has an error") {
				t.Errorf("body repeats the value or kin-openapi's wording: %s", rec.Body)
			}
		}
	}
}
