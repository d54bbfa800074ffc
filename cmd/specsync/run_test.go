package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/flinkskit/flinks-token-go/internal/specpage"
)

// copyModule copies the module (without .git) into a temporary directory,
// so that a test can let specsync rewrite openapi.yaml and api/.
func copyModule(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

type result struct {
	err    error
	stdout string
	spec   []byte // openapi.yaml afterwards
	api    string // api/api.gen.go afterwards
}

func syncSpec(t *testing.T, dir string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"-dir", dir}, args...), strings.NewReader(stdin), &stdout, &stderr, nil)
	spec, _ := os.ReadFile(filepath.Join(dir, "openapi.yaml"))
	api, _ := os.ReadFile(filepath.Join(dir, "api", "api.gen.go"))
	return result{err: err, stdout: stdout.String(), spec: spec, api: string(api)}
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

func TestSamePageIsANoOp(t *testing.T) {
	dir := copyModule(t)
	before, _ := os.ReadFile(filepath.Join(dir, "openapi.yaml"))
	r := syncSpec(t, dir, "", fixture(t, "page-same.md"))
	if r.err != nil || !strings.Contains(r.stdout, "no changes") {
		t.Errorf("got %v, %q, want no error and \"no changes\"", r.err, r.stdout)
	}
	if !bytes.Equal(r.spec, before) {
		t.Errorf("openapi.yaml changed")
	}
}

func TestOptionalResponseFieldRegeneratesAndBuilds(t *testing.T) {
	dir := copyModule(t)
	page := fixture(t, "page-optional-field.md")
	r := syncSpec(t, dir, "", page)
	if r.err != nil {
		t.Fatalf("got %v, want success; output:\n%s", r.err, r.stdout)
	}
	for _, want := range []string{"0 breaking", "info", "added the optional property `ExpiresIn`", "module builds"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "BREAKING") {
		t.Errorf("report marks a non-breaking change breaking:\n%s", r.stdout)
	}
	if !bytes.Equal(r.spec, specOf(t, page)) {
		t.Errorf("openapi.yaml is not the page's yaml block")
	}
	if !strings.Contains(r.api, "ExpiresIn") {
		t.Errorf("api/api.gen.go was not regenerated with ExpiresIn")
	}
}

func TestRequiredHeaderIsBreaking(t *testing.T) {
	dir := copyModule(t)
	before, _ := os.ReadFile(filepath.Join(dir, "openapi.yaml"))
	page := fixture(t, "page-required-header.md")

	r := syncSpec(t, dir, "", "-fail-on-breaking", page)
	if !errors.Is(r.err, errBreaking) || exitCode(r.err) != 3 {
		t.Errorf("-fail-on-breaking: got %v (exit %d), want errBreaking (exit 3)", r.err, exitCode(r.err))
	}
	if !strings.Contains(r.stdout, "BREAKING") || !strings.Contains(r.stdout, "flinks-request-id") || !strings.Contains(r.stdout, "1 breaking") {
		t.Errorf("report does not mark the new required header breaking:\n%s", r.stdout)
	}
	if !bytes.Equal(r.spec, before) {
		t.Errorf("openapi.yaml written despite -fail-on-breaking")
	}

	r = syncSpec(t, dir, "", page)
	if r.err != nil {
		t.Fatalf("without -fail-on-breaking: got %v, want the change applied; output:\n%s", r.err, r.stdout)
	}
	if !strings.Contains(r.api, "FlinksRequestId") {
		t.Errorf("api/api.gen.go lacks the new header parameter")
	}
}

func TestBuildFailureIsReported(t *testing.T) {
	dir := copyModule(t)
	r := syncSpec(t, dir, "", fixture(t, "page-no-401.md"))
	if r.err == nil || !strings.Contains(r.err.Error(), "go build ./... failed") || exitCode(r.err) != 1 {
		t.Errorf("got %v, want a build failure (exit 1)", r.err)
	}
}

func TestRefusesInvalidSpecs(t *testing.T) {
	dir := copyModule(t)
	before, _ := os.ReadFile(filepath.Join(dir, "openapi.yaml"))
	tests := []struct {
		fixture string
		want    string
	}{
		{"page-no-fence.md", "no ```yaml fence"},
		{"page-two-fences.md", "2 ```yaml fences"},
		{"page-broken-yaml.md", "yaml"},
		{"page-wrong-operation.md", "no generateAuthorizeToken operation"},
		{"swagger2.yaml", "not an OpenAPI 3 spec"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			r := syncSpec(t, dir, "", fixture(t, tt.fixture))
			if r.err == nil || !strings.Contains(r.err.Error(), tt.want) || exitCode(r.err) != 1 {
				t.Errorf("got %v, want an error (exit 1) containing %q", r.err, tt.want)
			}
			if !bytes.Equal(r.spec, before) {
				t.Errorf("openapi.yaml changed")
			}
		})
	}
}

func TestSources(t *testing.T) {
	dir := copyModule(t)
	current, _ := os.ReadFile(filepath.Join(dir, "openapi.yaml"))
	page, _ := os.ReadFile(fixture(t, "page-same.md"))

	t.Run("raw YAML on stdin", func(t *testing.T) {
		if r := syncSpec(t, dir, string(current), "-"); r.err != nil || !strings.Contains(r.stdout, "no changes") {
			t.Errorf("got %v, %q, want no changes", r.err, r.stdout)
		}
	})
	t.Run("page on stdin", func(t *testing.T) {
		if r := syncSpec(t, dir, string(page), "-"); r.err != nil || !strings.Contains(r.stdout, "no changes") {
			t.Errorf("got %v, %q, want no changes", r.err, r.stdout)
		}
	})
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
	t.Run("JSON spec validates", func(t *testing.T) {
		doc, err := openapi3.NewLoader().LoadFromData(current)
		if err != nil {
			t.Fatal(err)
		}
		asJSON, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		extracted, err := specpage.Extract(asJSON)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(extracted); err != nil {
			t.Errorf("validate(JSON spec): %v", err)
		}
	})
}

func TestUsageErrors(t *testing.T) {
	tests := [][]string{
		{},
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
