package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestFetchRedirects checks that fetch follows https redirects, a bounded
// number of them, and never one to plain http, where anyone on the path
// could replace the spec.
func TestFetchRedirects(t *testing.T) {
	t.Parallel()
	const body = "spec page"
	var plainHits atomic.Int64
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plainHits.Add(1)
		_, _ = w.Write([]byte(body))
	}))
	defer plain.Close()
	var loopHits atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page.md":
			_, _ = w.Write([]byte(body))
		case "/moved.md":
			http.Redirect(w, r, "/page.md", http.StatusMovedPermanently)
		case "/to-http.md":
			http.Redirect(w, r, plain.URL+"/page.md", http.StatusFound)
		case "/loop.md":
			loopHits.Add(1)
			http.Redirect(w, r, "/loop.md", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	tests := []struct {
		path    string
		wantErr string // "" for the body
	}{
		{"/page.md", ""},
		{"/moved.md", ""},
		{"/to-http.md", "https"},
		{"/loop.md", "redirects"},
	}
	for _, tt := range tests {
		got, err := fetch(context.Background(), srv.URL+tt.path, srv.Client())
		switch {
		case tt.wantErr == "" && (err != nil || string(got) != body):
			t.Errorf("%s: got %q, %v, want %q", tt.path, got, err, body)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: got %q, %v, want an error mentioning %q", tt.path, got, err, tt.wantErr)
		}
	}
	if n := plainHits.Load(); n != 0 {
		t.Errorf("the plain http server got %d requests, want 0", n)
	}
	if n := loopHits.Load(); n > maxRedirects+1 {
		t.Errorf("a redirect loop was followed %d times, want at most %d", n, maxRedirects+1)
	}
	var usage usageError
	if _, err := fetch(context.Background(), srv.URL+"/to-http.md", srv.Client()); errors.As(err, &usage) {
		t.Errorf("a redirect to http: got usage error %v, want a fetch error", err)
	}
}

// TestSourceCredentialsStayOut gives SRC as a URL with a password and a
// query token, as a private mirror of the page might need: neither may
// reach an error, the report or the CHANGELOG entry, which are committed
// or posted as a pull request's body.
func TestSourceCredentialsStayOut(t *testing.T) {
	t.Parallel()
	const secret = "s3cret-pat"
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("# a page without a spec\n"))
	}))
	defer srv.Close()
	src := strings.Replace(srv.URL, "https://", "https://user:"+secret+"@", 1) + "/page.md?token=" + secret
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-dir", t.TempDir(), src}, nil, &stdout, &stderr, srv.Client())
	if err == nil {
		t.Fatal("got no error for a page without a spec")
	}
	if all := err.Error() + stdout.String() + stderr.String(); strings.Contains(all, secret) {
		t.Errorf("the SRC's credentials reached the output: %q", all)
	}
	if !strings.Contains(err.Error(), "/page.md") {
		t.Errorf("got %q, want the page still named", err)
	}
	plain := strings.Replace(src, "https://", "http://", 1)
	if err := run(context.Background(), []string{"-dir", t.TempDir(), plain}, nil, &stdout, &stderr, srv.Client()); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("an http SRC: got %v, want a usage error without the credentials", err)
	}
	rep := &report{src: sourceName(src)}
	var b bytes.Buffer
	rep.print(&b)
	if got := b.String() + rep.changelogEntry(); strings.Contains(got, secret) {
		t.Errorf("the SRC's credentials reached the report or CHANGELOG entry: %q", got)
	}
}
