package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	flinkstoken "github.com/flinkskit/flinks-token-go"
	"github.com/flinkskit/flinks-token-go/internal/specpage"
)

// specOnly returns a directory holding only openapi.yaml, the spec of
// testdata/page-same.md: enough for every run that stops before the trial
// (no changes, refusals). It is not the module's own openapi.yaml, which
// is a fixture's spec when these tests run inside a trial.
func specOnly(t *testing.T) (dir string, spec []byte) {
	t.Helper()
	dir = t.TempDir()
	spec = specOf(t, fixture(t, "page-same.md"))
	if err := os.WriteFile(filepath.Join(dir, "openapi.yaml"), spec, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, spec
}

// copyModule copies the module (without .git) into a temporary directory,
// so that a test can let specsync rewrite openapi.yaml and api/.
func copyModule(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	if err := copyTree(root, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

type result struct {
	err    error
	stdout string
	spec   []byte // openapi.yaml afterwards
	api    string // api/*.gen.go afterwards
}

func syncSpec(t *testing.T, dir string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"-dir", dir}, args...), strings.NewReader(stdin), &stdout, &stderr, nil)
	return result{err: err, stdout: stdout.String(), spec: readFile(t, dir, "openapi.yaml"), api: generated(t, dir)}
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return b
}

func generated(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "api", "*.gen.go"))
	var all strings.Builder
	for _, f := range files {
		all.Write(readFile(t, dir, filepath.Join("api", filepath.Base(f))))
	}
	return all.String()
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func specOf(t *testing.T, page string) []byte {
	t.Helper()
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := specpage.Extract(b)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestUnchangedSpecWritesNothing covers the same page saved differently:
// CRLF line endings, a BOM, stdin.
func TestUnchangedSpecWritesNothing(t *testing.T) {
	t.Parallel()
	dir, spec := specOnly(t)
	page, _ := os.ReadFile(fixture(t, "page-same.md"))
	tests := []struct {
		name, stdin string
		args        []string
	}{
		{name: "same page", args: []string{fixture(t, "page-same.md")}},
		{name: "CRLF page", args: []string{fixture(t, "page-crlf.md")}},
		{name: "raw YAML with BOM", args: []string{fixture(t, "spec-bom.yaml")}},
		{name: "page on stdin", stdin: string(page), args: []string{"-"}},
		{name: "raw YAML on stdin", stdin: string(spec), args: []string{"-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fi, _ := os.Stat(filepath.Join(dir, "openapi.yaml"))
			r := syncSpec(t, dir, tt.stdin, tt.args...)
			if r.err != nil || !strings.Contains(r.stdout, "no changes") {
				t.Errorf("got %v, %q, want no error and \"no changes\"", r.err, r.stdout)
			}
			after, _ := os.Stat(filepath.Join(dir, "openapi.yaml"))
			if !bytes.Equal(r.spec, spec) || !after.ModTime().Equal(fi.ModTime()) {
				t.Errorf("openapi.yaml was written")
			}
		})
	}
}

func TestRefusesInvalidSpecs(t *testing.T) {
	t.Parallel()
	dir, spec := specOnly(t)
	tests := []struct {
		fixture string
		want    []string
	}{
		{"page-no-fence.md", []string{"no ```yaml or ```json fence"}},
		{"page-two-fences.md", []string{"2 ```yaml (or ```json) fences"}},
		{"page-broken-yaml.md", []string{"yaml"}},
		{"page-wrong-operation.md", []string{"no generateAuthorizeToken operation"}},
		{"swagger2.yaml", []string{"not an OpenAPI 3.0 or 3.1 spec"}},
		{"page-operation-renamed.md", []string{"operationId renamed on POST /v3/{customerId}/BankingServices/GenerateAuthorizeToken", "was generateAuthorizeToken", `now "mintAuthorizeToken"`}},
		{"page-openapi31-prefixitems.md", []string{"OpenAPI 3.1.0", "prefixItems", "line 93"}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			r := syncSpec(t, dir, "", fixture(t, tt.fixture))
			if exitCode(r.err) != 1 {
				t.Errorf("got %v (exit %d), want exit 1", r.err, exitCode(r.err))
			}
			for _, want := range tt.want {
				if r.err == nil || !strings.Contains(r.err.Error(), want) {
					t.Errorf("got %v, want an error containing %q", r.err, want)
				}
			}
			if !bytes.Equal(r.spec, spec) {
				t.Errorf("openapi.yaml changed")
			}
		})
	}
}

func TestSources(t *testing.T) {
	t.Parallel()
	dir, _ := specOnly(t)
	page, _ := os.ReadFile(fixture(t, "page-same.md"))
	t.Run("https URL", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/generateauthorizetoken.md" {
				http.NotFound(w, r)
				return
			}
			_, _ = w.Write(page)
		}))
		defer srv.Close()
		var stdout bytes.Buffer
		err := run(context.Background(), []string{"-dir", dir, srv.URL + "/generateauthorizetoken.md"}, nil, &stdout, &bytes.Buffer{}, srv.Client())
		if err != nil || !strings.Contains(stdout.String(), "no changes") {
			t.Errorf("got %v, %q, want no changes", err, stdout.String())
		}
		err = run(context.Background(), []string{"-dir", dir, srv.URL + "/moved.md"}, nil, &stdout, &bytes.Buffer{}, srv.Client())
		if err == nil || !strings.Contains(err.Error(), "404") {
			t.Errorf("missing page: got %v, want a 404 error", err)
		}
	})
	t.Run("no SRC fetches the canonical page", func(t *testing.T) {
		var asked string
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			asked = r.URL.String()
			return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(bytes.NewReader(page)), Request: r}, nil
		})}
		var stdout bytes.Buffer
		err := run(context.Background(), []string{"-dir", dir}, nil, &stdout, &bytes.Buffer{}, hc)
		if err != nil || asked != canonicalPage {
			t.Errorf("got %v, fetched %q, want %q fetched", err, asked, canonicalPage)
		}
	})
	t.Run("JSON spec validates", func(t *testing.T) {
		doc, err := openapi3.NewLoader().LoadFromData(flinkstoken.OpenAPI)
		if err != nil {
			t.Fatal(err)
		}
		asJSON, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(asJSON, flinkstoken.OpenAPI); err != nil {
			t.Errorf("validate(JSON spec): %v", err)
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestStdinIsInterruptible(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe() // never written: a terminal nobody types into
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-dir", t.TempDir(), "-"}, pr, io.Discard, io.Discard, nil)
	}()
	cancel() // what SIGINT does through signal.NotifyContext in main
	err := <-done
	if !errors.Is(err, context.Canceled) || exitCode(err) != 1 {
		t.Errorf("got %v (exit %d), want context.Canceled (exit 1)", err, exitCode(err))
	}
}

func TestWriteThroughSymlinkKeepsMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "specs", "flinks.yaml")
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "openapi.yaml")
	if err := os.Symlink(filepath.Join("specs", "flinks.yaml"), link); err != nil {
		t.Fatal(err)
	}
	if err := switchTree([]replacement{{path: link, data: []byte("new")}}, os.Rename); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("openapi.yaml is no longer a symlink (%v)", err)
	}
	got, _ := os.ReadFile(target)
	fi, _ := os.Stat(target)
	if string(got) != "new" || fi.Mode().Perm() != 0o640 {
		t.Errorf("got target %q mode %v, want \"new\" mode 0640", got, fi.Mode().Perm())
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := [][]string{
		{"a", "b"},
		{filepath.Join(t.TempDir(), "missing.md")},
		{"http://docs.flinks.com/page.md"},
		{"-nope", "x"},
	}
	for _, args := range tests {
		err := run(context.Background(), args, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, nil)
		if exitCode(err) != 2 {
			t.Errorf("run(%q): got %v (exit %d), want a usage error (exit 2)", args, err, exitCode(err))
		}
	}
}
