package flinkstest

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	flinkstoken "github.com/flinkskit/flinks-token-go"
	"github.com/flinkskit/flinks-token-go/internal/openapi"
)

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

// TestRequestFidelity sends requests that break the spec in one way each
// and checks the fake answers as Flinks documents (or, where Flinks
// documents nothing, in Flinks' error shape naming what was wrong).
func TestRequestFidelity(t *testing.T) {
	unauthorized := spec401(t)
	// The path cases break the segments of the spec's path template by
	// position, and expect the fake to name them so.
	tmpl := strings.Split(openapi.MustPath(tokenOperation), "/")
	last, idAt := len(
		tmpl,
	)-1, slices.IndexFunc(
		tmpl,
		func(seg string) bool { return strings.HasPrefix(seg, "{") },
	)
	if idAt < 0 {
		t.Fatalf("the spec's path %s has no parameter", strings.Join(tmpl, "/"))
	}
	casedAt, cased := wrongCase(t, tmpl)
	notFound := []string{"no operation at this path", strings.Join(tmpl, "/")}
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
		{
			name: "key in x-api-key",
			break_: func(r *http.Request) {
				r.Header["X-Api-Key"] = r.Header.Values(keyHeader)
				r.Header.Del(keyHeader)
			},
			wantStatus: 401,
			wantBody:   &unauthorized,
			wantNote:   "the request has X-Api-Key",
		},
		{name: "key as Authorization: Bearer", break_: func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+r.Header.Get(keyHeader))
			r.Header.Del(keyHeader)
		},
			wantStatus: 401, wantBody: &unauthorized, wantNote: "the request has Authorization"},
		{
			name:       "missing key header, strict",
			strict:     true,
			break_:     func(r *http.Request) { r.Header.Del(keyHeader) },
			wantStatus: 401,
			wantBody:   &unauthorized,
			wantNote:   "is missing",
		},
		{
			name:       "missing Content-Type",
			break_:     func(r *http.Request) { r.Header.Del("Content-Type") },
			wantStatus: 200,
			wantNote:   "{Content-Type} is missing",
		},
		{name: "missing Accept", break_: func(r *http.Request) { r.Header.Del("Accept") },
			wantStatus: 200, wantNote: "{Accept} is missing"},
		{
			name:       "Accept: application/xml",
			break_:     func(r *http.Request) { r.Header.Set("Accept", "application/xml") },
			wantStatus: 200,
		},
		{
			name:       "missing Content-Type, strict",
			strict:     true,
			break_:     func(r *http.Request) { r.Header.Del("Content-Type") },
			wantStatus: 400,
			wantInMsg:  []string{"Content-Type", "required", "; send "},
		},
		{
			name:       "missing Accept, strict",
			strict:     true,
			break_:     func(r *http.Request) { r.Header.Del("Accept") },
			wantStatus: 400,
			wantInMsg:  []string{"Accept", "required", "; send "},
		},
		{name: "GET", break_: func(r *http.Request) { r.Method = http.MethodGet },
			wantStatus: 405, wantInMsg: []string{"method not allowed", "POST"}},
		{
			name:       "unknown operation",
			break_:     func(r *http.Request) { r.URL.Path = withSegment(last, "NoSuchOperation") },
			wantStatus: 404,
			wantInMsg:  notFound,
		},
		{
			name:       "segment in the wrong letter case",
			break_:     func(r *http.Request) { r.URL.Path = withSegment(casedAt, cased) },
			wantStatus: 404,
			wantInMsg:  notFound,
		},
		{
			name:       "empty customer id",
			break_:     func(r *http.Request) { r.URL.Path = withSegment(idAt, "") },
			wantStatus: 404,
			wantInMsg:  notFound,
		},
		{name: "no customer id", break_: func(r *http.Request) { r.URL.Path = withSegment(idAt) },
			wantStatus: 404, wantInMsg: notFound},
		{
			name:       "key header twice",
			break_:     func(r *http.Request) { r.Header.Add(keyHeader, "other") },
			wantStatus: 400,
			wantInMsg:  []string{"Expected one value for", "got 2"},
		},
		{
			name: "customer id not accepted",
			// A GUID, so that it passes any pattern the spec gives the id.
			break_: func(r *http.Request) {
				r.URL.Path = tokenPath("00000000-0000-4000-8000-000000000000")
			},
			wantStatus: 401,
			wantBody:   &unauthorized,
			wantNote:   "customer id is not one the fake accepts",
		},
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
				if rec.Code == http.StatusMethodNotAllowed &&
					rec.Header().Get("Allow") != http.MethodPost {
					t.Errorf("Allow: got %q, want POST", rec.Header().Get("Allow"))
				}
				b := decode(t, rec)
				switch {
				case tt.wantBody != nil && b != *tt.wantBody:
					t.Errorf("body: got %+v, want the spec's %+v", b, *tt.wantBody)
				case tt.wantStatus == 200 && b.Token == "":
					t.Errorf("body: got %+v, want a token", b)
				case tt.wantStatus >= 400 && (b.HttpStatusCode != tt.wantStatus ||
					b.FlinksCode == ""):
					t.Errorf(
						"body: got %+v, want Flinks' shape with HttpStatusCode %d",
						b,
						tt.wantStatus,
					)
				}
				for _, want := range tt.wantInMsg {
					if strings.EqualFold(want, "Accept") ||
						strings.EqualFold(want, "Content-Type") {
						want = sp.header(t, want)
					}
					if !strings.Contains(b.Message, want) {
						t.Errorf("message %q does not name %q", b.Message, want)
					}
				}
				for _, forbidden := range []string{DefaultSecretKey, DefaultCustomerID,
					"kin-openapi", "has an error", "value is required"} {
					if strings.Contains(rec.Body.String(), forbidden) {
						t.Errorf("body contains %q: %s", forbidden, rec.Body)
					}
				}
				var logged struct {
					Status int
					Notes  []string
				}
				if err := json.Unmarshal(logs.Bytes(), &logged); err != nil ||
					logged.Status != tt.wantStatus {
					t.Errorf("log: got %s (%v), want one record of status %d", &logs, err,
						tt.wantStatus)
				}
				want := sp.spell(t, tt.wantNote)
				if (want == "") == strings.Contains(logs.String(), `"notes"`) ||
					!strings.Contains(strings.Join(logged.Notes, "\n"), want) {
					t.Errorf("log: got notes %q, want a note %q (none for \"\")", logged.Notes,
						want)
				}
				if strings.Contains(logs.String(), DefaultSecretKey) {
					t.Errorf("log contains the secret key: %s", logs.String())
				}
				if n, want := len(h.Issued()), map[bool]int{true: 1,
					false: 0}[tt.wantStatus == 200]; n != want {
					t.Errorf("issued %d tokens, want %d", n, want)
				}
			})
		}
	}
}

// TestInvalidParameterNamed adds to a copy of the spec a header the
// generated code does not know, as a new page version could, and checks
// that a value breaking its schema gets Flinks' INVALID_REQUEST naming the
// header and its type, never the value or kin-openapi's wording.
func TestInvalidParameterNamed(t *testing.T) {
	y, err := openapi.EditOperation(
		flinkstoken.OpenAPI,
		tokenOperation,
		func(op *openapi3.Operation) {
			op.Parameters = append(
				op.Parameters,
				&openapi3.ParameterRef{Value: openapi3.NewHeaderParameter("X-Retry-Count").
					WithSchema(openapi3.NewIntegerSchema())},
			)
		},
	)
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
			t.Errorf(
				"X-Retry-Count %q: got %d %s, want %d",
				tt.value,
				rec.Code,
				rec.Body,
				tt.wantStatus,
			)
		}
		if tt.wantStatus == 400 {
			if b.FlinksCode != "INVALID_REQUEST" ||
				!strings.Contains(b.Message, "header parameter X-Retry-Count") {
				t.Errorf(
					"body: got %+v, want INVALID_REQUEST naming header parameter X-Retry-Count",
					b,
				)
			}
			if strings.Contains(rec.Body.String(), tt.value) ||
				strings.Contains(rec.Body.String(), "has an error") {
				t.Errorf("body repeats the value or kin-openapi's wording: %s", rec.Body)
			}
		}
	}
}
