package main

import (
	"bytes"
	"context"
	"html"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

var iframeTag = regexp.MustCompile(`<iframe id="flinks-connect" name="([^"]+)" ` +
	`title="Flinks Connect"\s+src="([^"]+)" data-origin="([^"]+)"></iframe>`)

// get sends GET rawURL with its own Host and returns the answer and its body.
func get(t *testing.T, rawURL string) (*http.Response, string) {
	t.Helper()
	return getWithHost(t, rawURL, "")
}

// iframe returns the iframe's name, src (unescaped) and data-origin.
func iframe(t *testing.T, body string) (name, src, origin string) {
	t.Helper()
	m := iframeTag.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no Connect iframe in the page:\n%s", body)
	}
	return m[1], html.UnescapeString(m[2]), m[3]
}

func TestHeaders(t *testing.T) {
	fake, appURL := setup(t)
	frames := "frame-src " + fake.URL + ";"
	tests := []struct {
		path         string
		wantStatus   int
		wantCache    string
		wantFrameSrc string
		wantType     string
	}{
		{"/", 200, "no-store", frames, "text/html; charset=utf-8"},
		{"/?view=2", 200, "no-store", frames, "text/html; charset=utf-8"},
		{"/healthz", 200, "no-store", "frame-src 'none';", "application/json"},
		// The system's MIME table may differ; the browser test shows the
		// script runs under nosniff.
		{"/static/connect.js", 200, "max-age=300", "frame-src 'none';",
			mime.TypeByExtension(".js")},
		{"/static/page.css", 200, "max-age=300", "frame-src 'none';", mime.TypeByExtension(".css")},
		{"/other", 404, "no-store", "frame-src 'none';", "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, _ := get(t, appURL+tt.path)
			h := resp.Header
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			for name, want := range map[string]string{
				"Cache-Control":          tt.wantCache,
				"Referrer-Policy":        "no-referrer",
				"X-Content-Type-Options": "nosniff",
				"Content-Type":           tt.wantType,
			} {
				if got := h.Get(name); got != want {
					t.Errorf("%s: got %q, want %q", name, got, want)
				}
			}
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none';", tt.wantFrameSrc,
				"script-src 'self';", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q: want %q in it", csp, want)
				}
			}
		})
	}
}

// TestPageTokens checks what the browser test cannot see directly: each
// view embeds a token the fake issued and nothing has spent, for the
// client's own Connect page, under a new frame name.
func TestPageTokens(t *testing.T) {
	fake, appURL := setup(t)
	seen := map[string]bool{}
	for view := range 3 {
		_, body := get(t, appURL+"/")
		name, src, origin := iframe(t, body)
		u, err := url.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := u.Scheme+"://"+u.Host+u.Path, fake.URL+flinkstest.ConnectPath; got != want {
			t.Errorf("view %d: iframe src %s: got page %s, want %s", view, src, got, want)
		}
		if origin != fake.URL {
			t.Errorf("view %d: data-origin: got %q, want %q", view, origin, fake.URL)
		}
		tok := u.Query().Get("authorizeToken")
		rec, ok := fake.Lookup(tok)
		if !ok || rec.Used {
			t.Errorf("view %d: token %q: issued %v, used %v; want issued and unused",
				view, tok, ok, rec.Used)
		}
		if seen[tok] || seen[name] {
			t.Errorf("view %d: token %q or frame name %q repeats an earlier view", view, tok, name)
		}
		seen[tok], seen[name] = true, true
	}
}

func TestPageConnectParams(t *testing.T) {
	_, appURL := setupWith(t, url.Values{"demo": {"true"},
		"customerName": {`A "quoted" & <tagged> shop`}})
	_, body := get(t, appURL+"/")
	if strings.Contains(body, "<tagged>") {
		t.Errorf("a Connect parameter reached the page unescaped:\n%s", body)
	}
	_, src, _ := iframe(t, body)
	u, err := url.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("demo") != "true" || q.Get("customerName") != `A "quoted" & <tagged> shop` ||
		q.Get("authorizeToken") == "" {
		t.Errorf("iframe src %s: got query %v, want the token, demo and customerName intact",
			src, q)
	}
}

// tokenFunc is a TokenSource for tests that need a failing one.
type tokenFunc func(context.Context) (tokenclient.Token, error)

func (f tokenFunc) Token(ctx context.Context) (tokenclient.Token, error) { return f(ctx) }

func TestPageWithoutToken(t *testing.T) {
	client, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		err  error
	}{
		{"unauthorized", &tokenclient.APIError{StatusCode: 401}},
		{"deadline", context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			page := &connectPage{
				tokens: tokenFunc(func(context.Context) (tokenclient.Token, error) {
					return tokenclient.Token{}, tt.err
				}),
				client: client, timeout: tokenTimeout,
				logger: slog.New(slog.NewTextHandler(&logs, nil)),
			}
			rec := httptest.NewRecorder()
			withSecurityHeaders(page).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
				t.Errorf("got %d, Retry-After %q; want 503 with Retry-After", rec.Code,
					rec.Header().Get("Retry-After"))
			}
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-src 'none';") {
				t.Errorf("Content-Security-Policy %q: want no frames allowed", csp)
			}
			body := rec.Body.String()
			if strings.Contains(body, "<iframe") || !strings.Contains(body, `id="error"`) {
				t.Errorf("want an error message and no iframe:\n%s", body)
			}
			if !strings.Contains(logs.String(), tt.err.Error()) {
				t.Errorf("log %q: want the cause %q", logs.String(), tt.err)
			}
			if strings.Contains(body, tt.err.Error()) {
				t.Errorf("the page shows the internal error %q to the user", tt.err)
			}
		})
	}
}

// TestPageWrongKey runs the real Pool against a fake that refuses the key.
func TestPageWrongKey(t *testing.T) {
	fake := flinkstest.NewServer(flinkstest.WithSecretKeys("a-different-key"))
	defer fake.Close()
	logs := &tailBuffer{max: 64 << 10} // the server writes it, the test reads it
	appURL := startApp(t, fake.URL, fake.Client(), nil, logs)
	resp, body := get(t, appURL+"/")
	if resp.StatusCode != http.StatusServiceUnavailable || strings.Contains(body, "<iframe") {
		t.Errorf("got %d, want 503 without an iframe:\n%s", resp.StatusCode, body)
	}
	if strings.Contains(logs.String()+body, flinkstest.DefaultSecretKey) {
		t.Errorf("the secret key leaked into the log or page:\n%s\n%s", logs.String(), body)
	}
	if !strings.Contains(logs.String(), "401") {
		t.Errorf("log %q: want the 401 named", logs.String())
	}
}
