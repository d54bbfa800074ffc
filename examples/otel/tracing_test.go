package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/internal/openapi"
	"github.com/flinkskit/flinks-token-go/tokenclient"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// plainTraced is otelhttp around NewHTTPClient's transport with nothing
// hidden: what the recipe improves on.
func plainTraced(tp trace.TracerProvider) *http.Client {
	hc := tokenclient.NewHTTPClient()
	hc.Transport = otelhttp.NewTransport(hc.Transport, otelhttp.WithTracerProvider(tp))
	return hc
}

// TestSpans mints through a 503 and a dropped connection, then a token:
// three attempts, so three client spans. With the recipe no span carries
// the customer id (nor the secret key when the arguments are swapped);
// without it, url.full does.
func TestSpans(t *testing.T) {
	tests := []struct {
		name    string
		traced  func(trace.TracerProvider) *http.Client
		swapped bool // New(secretKey, customerID): both are GUIDs in the spec's example
		// wantLeak is the secret the spans are expected to carry; "" means none.
		wantLeak string
	}{
		{"recipe", newTracedHTTPClient, false, ""},
		{"recipe, arguments swapped", newTracedHTTPClient, true, ""},
		{"plain otelhttp", plainTraced, false, flinkstest.DefaultCustomerID},
		{"plain otelhttp, arguments swapped", plainTraced, true, flinkstest.DefaultSecretKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := flinkstest.NewServer()
			t.Cleanup(fake.Close)
			// Statuses of the attempts: 0 for the dropped connection.
			wantStatuses := []int64{503, 0, 200}
			if tt.swapped {
				wantStatuses = nil // a 401 or 404, not retried: one attempt
			} else {
				for _, f := range []flinkstest.Fault{{Status: 503, RetryAfter: "0"}, {Drop: true}} {
					if err := fake.FailNext(1, f); err != nil {
						t.Fatal(err)
					}
				}
			}
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			t.Cleanup(func() { tp.Shutdown(context.Background()) })

			id, key := flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey
			if tt.swapped {
				id, key = key, id
			}
			client, err := tokenclient.New(id, key,
				tokenclient.WithBaseURL(fake.URL), tokenclient.WithHTTPClient(tt.traced(tp)),
				tokenclient.WithRetry(tokenclient.RetryPolicy{MaxAttempts: 3,
					BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
			if err != nil {
				t.Fatalf("New: %v (the swapped case relies on New accepting a GUID-shaped "+
					"key as the customer id)", err)
			}
			tok, err := client.GenerateAuthorizeToken(t.Context())
			if tt.swapped == (err == nil) {
				t.Fatalf("GenerateAuthorizeToken: got error %v, want one only for swapped "+
					"arguments", err)
			}

			spans := rec.Ended()
			// The path from openapi.yaml, so that a Flinks page moving the
			// operation does not fail this test: the customer id's segment
			// is what the span may show there.
			idSeg := "REDACTED"
			if tt.wantLeak != "" {
				idSeg = tt.wantLeak
			}
			wantPath := openapi.MustPath("generateAuthorizeToken", idSeg)
			if tt.swapped {
				if len(spans) != 1 {
					t.Fatalf("got %d spans, want 1 (one attempt)", len(spans))
				}
			} else {
				if len(spans) != len(wantStatuses) {
					t.Fatalf("got %d spans, want %d: one per attempt", len(spans),
						len(wantStatuses))
				}
				for i, s := range spans {
					if got := attr(s,
						"http.response.status_code").AsInt64(); got != wantStatuses[i] {
						t.Errorf("span %d: status code %d, want %d", i+1, got, wantStatuses[i])
					}
				}
			}
			var leaked bool
			for i, s := range spans {
				if s.SpanKind() != trace.SpanKindClient {
					t.Errorf("span %d: kind %v, want client", i+1, s.SpanKind())
				}
				if got := attr(s, "url.full").AsString(); got != fake.URL+wantPath {
					t.Errorf("span %d: url.full %q, want %q", i+1, got, fake.URL+wantPath)
				}
				if tok.Value != "" && strings.Contains(spanText(s), tok.Value) {
					t.Errorf("span %d carries the token:\n%s", i+1, spanText(s))
				}
				for _, secret := range []string{flinkstest.DefaultCustomerID,
					flinkstest.DefaultSecretKey} {
					if !strings.Contains(spanText(s), secret) {
						continue
					}
					if secret != tt.wantLeak {
						t.Errorf("span %d carries %q:\n%s", i+1, secret, spanText(s))
					}
					leaked = true
				}
			}
			if tt.wantLeak != "" && !leaked {
				t.Errorf("no span carries %q; the documented risk no longer holds, "+
					"update README.md", tt.wantLeak)
			}
		})
	}
}

func attr(s sdktrace.ReadOnlySpan, key attribute.Key) attribute.Value {
	for _, kv := range s.Attributes() {
		if kv.Key == key {
			return kv.Value
		}
	}
	return attribute.Value{}
}

// spanText is everything a span exports as text: name, status,
// attributes, events and links' attributes.
func spanText(s sdktrace.ReadOnlySpan) string {
	var b strings.Builder
	b.WriteString(s.Name() + "\n" + s.Status().Description + "\n")
	kvs := s.Attributes()
	for _, e := range s.Events() {
		b.WriteString(e.Name + "\n")
		kvs = append(kvs, e.Attributes...)
	}
	for _, l := range s.Links() {
		kvs = append(kvs, l.Attributes...)
	}
	for _, kv := range kvs {
		b.WriteString(string(kv.Key) + "=" + kv.Value.String() + "\n")
	}
	return b.String()
}

func TestRedactGUIDs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/v3/" + flinkstest.DefaultCustomerID + "/BankingServices/GenerateAuthorizeToken",
			"/v3/REDACTED/BankingServices/GenerateAuthorizeToken"},
		{"/proxy/v3/" + strings.ToUpper(flinkstest.DefaultCustomerID) + "/x",
			"/proxy/v3/REDACTED/x"},
		{"/v3/not-a-guid/x", "/v3/not-a-guid/x"},
		{"/v3/" + flinkstest.DefaultCustomerID + "0/x",
			"/v3/" + flinkstest.DefaultCustomerID + "0/x"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := redactGUIDs(tt.in); got != tt.want {
			t.Errorf("redactGUIDs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRun runs what go run ./examples/otel runs: two spans, neither
// naming the customer id.
func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), &out); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "span "); n != 2 || strings.Contains(out.String(),
		flinkstest.DefaultCustomerID) {
		t.Errorf("got %d spans, want 2 without the customer id:\n%s", n, &out)
	}
}
