package openapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	flinkstoken "github.com/flinkskit/flinks-token-go"
)

func TestPath(t *testing.T) {
	v, err := Load([]byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v9/{customerId}/Things/{kind}:
    post:
      operationId: makeThing
      parameters:
        - {name: customerId, in: path, required: true, schema: {type: string}}
        - {name: kind, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: ok}
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		op      string
		values  []string
		want    string
		wantErr bool
	}{
		{"makeThing", nil, "/v9/{customerId}/Things/{kind}", false},
		{"makeThing", []string{"c1"}, "/v9/c1/Things/{kind}", false},
		{"makeThing", []string{"c1", "k"}, "/v9/c1/Things/k", false},
		{"makeThing", []string{"c1", "k", "extra"}, "/v9/c1/Things/k", false},
		{"noSuchOperation", nil, "", true},
	}
	for _, tt := range tests {
		got, err := v.Path(tt.op, tt.values...)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("Path(%q, %q): got %q, %v; want %q, error %v",
				tt.op, tt.values, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestMustPathReadsTheEmbeddedSpec(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	want, err := v.Path("generateAuthorizeToken", "c1")
	if err != nil {
		t.Fatal(err)
	}
	if got := MustPath("generateAuthorizeToken", "c1"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("MustPath of a missing operation: got no panic, want one")
		}
	}()
	MustPath("noSuchOperation")
}

// TestHeaderNamesIgnoreCase loads the embedded spec with its header
// names in other letter cases: HeaderParam finds them by any spelling and
// returns the spec's, and requests validate whatever case they send.
func TestHeaderNamesIgnoreCase(t *testing.T) {
	orig, err := New()
	if err != nil {
		t.Fatal(err)
	}
	op, method, _, err := orig.Operation("generateAuthorizeToken")
	if err != nil {
		t.Fatal(err)
	}
	var headers []string
	for _, ref := range op.Parameters {
		if ref.Value.In == "header" {
			headers = append(headers, ref.Value.Name)
		}
	}
	if len(headers) == 0 {
		t.Fatal("the spec's token operation has no header parameters")
	}
	spellings := map[string]func(string) string{
		"as is":     func(s string) string { return s },
		"canonical": http.CanonicalHeaderKey,
		"upper":     strings.ToUpper,
		"lower":     strings.ToLower,
	}
	for specName, specCase := range spellings {
		spec, err := EditOperation(flinkstoken.OpenAPI, "generateAuthorizeToken",
			func(op *openapi3.Operation) {
				for _, ref := range op.Parameters {
					if ref.Value.In == "header" {
						ref.Value.Name = specCase(ref.Value.Name)
					}
				}
			})
		if err != nil {
			t.Fatal(err)
		}
		v, err := Load(spec)
		if err != nil {
			t.Fatal(err)
		}
		op, _, _, err := v.Operation("generateAuthorizeToken")
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range headers {
			p := HeaderParam(op, strings.ToLower(h))
			if p == nil || p.Name != specCase(h) {
				t.Errorf("spec %s: HeaderParam(%q): got %v, want the spec's spelling %q",
					specName, strings.ToLower(h), p, specCase(h))
			}
		}
		for reqName, reqCase := range spellings {
			p, err := v.Path("generateAuthorizeToken", pathDefault(op))
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(method, "http://127.0.0.1"+p, nil)
			for _, h := range headers {
				// not canonicalised: as sent on the wire
				req.Header[reqCase(h)] = []string{"application/json"}
			}
			req.Header = cloneCanonical(req.Header)
			if _, err := v.Request(req); err != nil {
				t.Errorf("spec %s, request %s: got %v, want the request to validate",
					specName, reqName, err)
			}
		}
	}
}

// cloneCanonical returns h keyed as net/http's server keys received
// headers: canonicalised, whatever case the client sent.
func cloneCanonical(h http.Header) http.Header {
	out := http.Header{}
	for k, vs := range h {
		for _, v := range vs {
			out.Add(k, v)
		}
	}
	return out
}

func TestExample(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	op, _, _, err := v.Operation("generateAuthorizeToken")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Example(op, http.StatusUnauthorized, "application/json")
	if err != nil || !strings.Contains(string(got), `"HttpStatusCode":401`) {
		t.Errorf("Example 401: got %s, %v; want the spec's 401 example", got, err)
	}
	if _, err := Example(op, http.StatusTeapot, "application/json"); err == nil {
		t.Errorf("Example 418: got nil error, want one")
	}
}

// TestEditOperation checks that an edited copy of the spec loads, carries
// the edit and keeps the rest, and that a missing operation or a spec that
// does not parse is an error.
func TestEditOperation(t *testing.T) {
	tests := []struct {
		name    string
		spec    []byte
		op      string
		wantErr string
	}{
		{"embedded spec", flinkstoken.OpenAPI, "generateAuthorizeToken", ""},
		{
			"no such operation", flinkstoken.OpenAPI, "noSuchOperation",
			`no operation "noSuchOperation"`,
		},
		{"not a spec", []byte("paths: [unclosed"), "generateAuthorizeToken", "load spec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EditOperation(tt.spec, tt.op,
				func(op *openapi3.Operation) { op.Summary = "edited" })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			orig, err := Load(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			edited, err := Load(got)
			if err != nil {
				t.Fatalf("the edited spec does not load: %v", err)
			}
			op, method, tmpl, _ := orig.Operation(tt.op)
			eop, emethod, etmpl, err := edited.Operation(tt.op)
			if err != nil {
				t.Fatal(err)
			}
			if eop.Summary != "edited" {
				t.Errorf("summary: got %q, want the edit", eop.Summary)
			}
			if emethod != method || etmpl != tmpl || len(eop.Parameters) != len(op.Parameters) ||
				len(eop.Responses.Map()) != len(op.Responses.Map()) {
				t.Errorf("edited operation: got %s %s with %d parameters and %d responses, "+
					"want %s %s with %d and %d",
					emethod, etmpl, len(eop.Parameters), len(eop.Responses.Map()),
					method, tmpl, len(op.Parameters), len(op.Responses.Map()))
			}
		})
	}
}

// pathDefault is the default of op's path parameter (the customer id),
// which satisfies whatever pattern the spec gives it.
func pathDefault(op *openapi3.Operation) string {
	for _, ref := range op.Parameters {
		if ref.Value.In == openapi3.ParameterInPath {
			return ref.Value.Schema.Value.Default.(string)
		}
	}
	panic("the token operation has no path parameter")
}
