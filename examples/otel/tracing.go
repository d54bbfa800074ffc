// Command otel mints one authorize token from an in-process fake Flinks
// with OpenTelemetry tracing on the HTTP client, and prints the spans: one
// per attempt, with the customer id kept out of url.full.
//
//	cd examples/otel && go run .   # a module of its own
//
// The tracing itself is newTracedHTTPClient; README.md
// explains it.
package main

import (
	"net/http"
	"strings"

	"github.com/flinkskit/flinks-token-go/tokenclient"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// newTracedHTTPClient returns tokenclient.NewHTTPClient() with its
// transport wrapped by otelhttp, for tokenclient.WithHTTPClient: the
// Client's retries go through it, so every attempt is a client span of
// its own. Beneath otelhttp, hideIDs rewrites the span's url.full without
// the customer id.
func newTracedHTTPClient(tp trace.TracerProvider) *http.Client {
	hc := tokenclient.NewHTTPClient()
	hc.Transport = otelhttp.NewTransport(hideIDs{hc.Transport}, otelhttp.WithTracerProvider(tp))
	return hc
}

// hideIDs is a RoundTripper for beneath otelhttp.Transport. otelhttp sets
// url.full after it starts the span and before it calls its base
// RoundTripper, so a span processor's OnStart is too early to change it;
// hideIDs runs after and overwrites url.full on the request's span with
// every GUID-shaped path segment replaced by REDACTED (the placeholder
// OpenTelemetry's semantic conventions use in url.full). That is the
// customer id, and the secret key too when the two are swapped in
// tokenclient.New's arguments and the key is GUID-shaped (New accepts it:
// it checks only the form). The request itself is sent unchanged.
type hideIDs struct{ next http.RoundTripper }

func (h hideIDs) RoundTrip(r *http.Request) (*http.Response, error) {
	if span := trace.SpanFromContext(r.Context()); span.IsRecording() {
		u := *r.URL
		u.User = nil
		u.Path, u.RawPath = redactGUIDs(u.Path), ""
		span.SetAttributes(attribute.String("url.full", u.String()))
	}
	return h.next.RoundTrip(r)
}

// redactGUIDs replaces each path segment of the 8-4-4-4-12 hex form with
// REDACTED.
func redactGUIDs(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if isGUID(s) {
			segs[i] = "REDACTED"
		}
	}
	return strings.Join(segs, "/")
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
