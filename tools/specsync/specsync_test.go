package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/exp/apidiff"

	"github.com/flinkskit/flinks-token-go/internal/openapi"
)

var applyPages = flag.Bool("apply", false,
	"also generate, diff and apply pages in a copy of the module (make spec-fixtures)")

// TestMain builds oasdiff once before the -apply tests, which run it side
// by side: each would otherwise build it itself.
func TestMain(m *testing.M) {
	flag.Parse()
	if *applyPages {
		out, err := exec.Command("go", "tool", "oasdiff", "--version").CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "go tool oasdiff: %v\n%s", err, out)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

// root is the module root, two levels up from tools/specsync.
const root = "../.."

// edit is a change to the seed spec (openapi.yaml): old, which it must
// hold, becomes new.
type edit struct{ old, new string }

// page is openapi.yaml with edits applied.
func page(t *testing.T, edits ...edit) []byte {
	t.Helper()
	spec, err := os.ReadFile(filepath.Join(root, "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		if !bytes.Contains(spec, []byte(e.old)) {
			t.Fatalf("openapi.yaml lacks %q: update the edit", e.old)
		}
		spec = bytes.Replace(spec, []byte(e.old), []byte(e.new), 1)
	}
	return spec
}

// at is the YAML lines ls, each indented by n spaces and ended by a newline.
func at(n int, ls ...string) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(strings.Repeat(" ", n) + l + "\n")
	}
	return b.String()
}

// Edits the tests share; the token operation's properties sit at 18
// spaces, its responses at 8, its parameters' schemas at 12.
var (
	// The token operation's path, its first segment and its path
	// parameter's name, as openapi.yaml spells them.
	tokenPath    = openapi.MustPath(tokenOperation) + ":"
	firstSeg     = "/" + strings.Split(tokenPath, "/")[1]
	paramName    = strings.Trim(strings.Split(tokenPath, "/")[2], "{}")
	tokenOp      = "    post:\n"
	serverLine   = "  - url: https://{instance}-api.private.fin.ag\n"
	tokenString  = at(18, "Token:", "  type: string")
	tokenUUID    = edit{tokenString, tokenString + at(20, "format: uuid")}
	examplesOnly = edit{"Token: d65f1adb-8ebc-48dc-be8b-20c773ba1565",
		"Token: 0a9f8e7d-8ebc-48dc-be8b-20c773ba1565"}
	serverError = edit{at(6, "security: []"), at(8, "'500':", "  description: Server error",
		"  content:", "    application/json:", "      schema:", "        type: object",
		"        properties:", "          Message:", "            type: string") +
		at(6, "security: []")}
	success = at(10, "description: Success")
	headers = edit{success, success + at(10, "headers:", "  X-Request-Id:", "    schema:",
		"      type: string")}
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		edits []edit
		want  string // in the refusal; "" for none
	}{
		{"the seed", nil, ""},
		{"examples only", []edit{examplesOnly}, ""},
		{"operationId renamed", []edit{{"operationId: generateAuthorizeToken",
			"operationId: getToken"}}, "no generateAuthorizeToken operation"},
		{"not POST", []edit{{tokenOp, "    get:\n"}}, "want POST"},
		{"servers on the path", []edit{{"  " + tokenPath + "\n",
			"  " + tokenPath + "\n    servers:\n      - url: https://other.example\n"}},
			"servers of its own"},
		{"servers on the operation", []edit{{tokenOp,
			tokenOp + "      servers:\n        - url: https://other.example\n"}},
			"servers of its own"},
		{"/v3 moved into the server", []edit{{serverLine, strings.TrimSuffix(serverLine, "\n") +
			firstSeg + "\n"}, {"  " + tokenPath, "  " + strings.TrimPrefix(tokenPath, firstSeg)}},
			"has a path"},
		{"no servers", []edit{{"servers:\n" + serverLine, "x-servers:\n" + serverLine}},
			"no servers"},
		{"OpenAPI 2", []edit{{"openapi: 3.0.3", "swagger: '2.0'"}}, "want OpenAPI 3.0 or 3.1"},
		{"a tuple array", []edit{{"openapi: 3.0.3", "openapi: 3.1.0"}, {at(18, "Token:"),
			at(18, "Pair:", "  type: array", "  prefixItems: [{type: string}]", "Token:")}},
			"prefixItems (line"},
		{"a Go type from the page", []edit{{tokenString, tokenString +
			at(20, "x-go-type: \"string; func init() {}\"")}}, "extension x-go-type (line"},
		{"Go names from the page", []edit{{tokenString, tokenString +
			at(20, "x-enum-varnames: [A]")}}, "extension x-enum-varnames (line"},
		{"an extension behind an alias key", []edit{{tokenString, tokenString +
			at(20, "example: &g x-go-type", "*g : string")}}, "YAML alias or merge key (line"},
		{"a merge key", []edit{{tokenString, at(18, "Token:", "  <<: {type: string}")}},
			"YAML alias or merge key (line"},
		{"an alias value", []edit{{tokenString, at(18, "Token: &t", "  type: string",
			"Other: *t")}}, "YAML alias or merge key (line"},
		{"a property named like a keyword", []edit{{"openapi: 3.0.3", "openapi: 3.1.0"},
			{at(18, "Token:"), at(18, "if:", "  type: string", "Token:")}}, ""},
		{"an external $ref", []edit{{at(16, "type: object", "properties:", "  HttpStatusCode:"),
			at(16, "$ref: 'https://evil.example/s.yaml'", "properties:", "  HttpStatusCode:")}},
			"external reference"},
		{"invalid: a response without description", []edit{{success, ""}},
			"not a valid OpenAPI document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := check(page(t, tt.edits...))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want no refusal", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want a refusal naming %q", err, tt.want)
			}
		})
	}
}

// copyModule copies the module (without .git, examples and build output)
// to a temporary directory, so that a test may write there.
func copyModule(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch rel {
			case ".git", "examples", "bin", ".artifacts":
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

// runPage runs specsync on spec in dir and returns its exit code and
// report.
func runPage(t *testing.T, dir string, spec []byte, flags ...string) (int, string) {
	t.Helper()
	src := filepath.Join(t.TempDir(), "page.md")
	text := "# Generate Authorize Token\n\n````yaml POST\n" + string(spec) + "````\n"
	if err := os.WriteFile(src, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, progress bytes.Buffer
	args := append([]string{"-dir", dir}, append(flags, src)...)
	code := run(context.Background(), args, nil, &out, &progress)
	return code, out.String()
}

// TestRefusedPagesWriteNothing runs the refusals that need no generated
// code: the tree is left as it was.
func TestRefusedPagesWriteNothing(t *testing.T) {
	dir := t.TempDir()
	seed := page(t)
	if err := os.WriteFile(filepath.Join(dir, "openapi.yaml"), seed, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		spec []byte
		want int
	}{
		{"the same spec", nil, seed, exitNoChange},
		{"a page its check refuses", nil, page(t, edit{tokenOp, "    get:\n"}), exitRefused},
		{"a page without a spec", nil, []byte("no fence here\n"), exitRefused},
		{"two SRCs", []string{"a", "b"}, nil, exitRefused},
		{"an http URL", []string{"http://docs.example/page.md"}, nil, exitRefused},
		{"a missing file", []string{filepath.Join(dir, "missing.md")}, nil, exitRefused},
		{"an unknown flag", []string{"-frobnicate"}, nil, exitRefused},
		{"help", []string{"-h"}, nil, exitGreen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var code int
			var out bytes.Buffer
			if tt.spec != nil {
				code, _ = runPage(t, dir, tt.spec)
			} else {
				args := append([]string{"-dir", dir}, tt.args...)
				code = run(context.Background(), args, nil, &out, &out)
			}
			if code != tt.want {
				t.Errorf("exit code %d, want %d (%s)", code, tt.want, out.String())
			}
			got, err := os.ReadFile(filepath.Join(dir, "openapi.yaml"))
			if err != nil || !bytes.Equal(got, seed) {
				t.Errorf("openapi.yaml changed (%v)", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("the directory holds %d entries, want openapi.yaml alone", len(entries))
			}
		})
	}
}

// TestReport generates and diffs pages against the module without writing
// to it: what the report says of each.
func TestReport(t *testing.T) {
	if !*applyPages {
		t.Skip("generates code for each page: make spec-fixtures runs it (-apply)")
	}
	allOf := edit{at(16, "type: object", "properties:") + at(18, "HttpStatusCode:",
		"  type: integer") + tokenString, at(16, "allOf:", "  - type: object", "    properties:",
		"      HttpStatusCode:", "        type: integer", "  - type: object", "    properties:",
		"      Token:", "        type: string")}
	tests := []struct {
		name     string
		edits    []edit
		wire     string // in the wire changes; "" for none
		api      string // in api's Go changes; "" for none
		breaking bool
		bump     string
	}{
		{"examples only", []edit{examplesOnly}, "", "", false, "patch"},
		{"allOf, same schema", []edit{allOf}, "", "", false, "patch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			spec := page(t, tt.edits...)
			current := page(t)
			files, err := generate(ctx, root, spec)
			if err != nil {
				t.Fatal(err)
			}
			r := &report{}
			if r.wire, err = oasdiff(ctx, root, current, spec); err != nil {
				t.Fatal(err)
			}
			if err := r.diffGo(ctx, root, files); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			r.print(&out)
			report := out.String()
			if (tt.wire == "") != (len(r.wire) == 0) || !strings.Contains(report, tt.wire) {
				t.Errorf("wire changes %v, want one holding %q", r.wire, tt.wire)
			}
			api := r.goChanges["api"]
			if (tt.api == "") != (len(api) == 0) || !strings.Contains(report, tt.api) {
				t.Errorf("api changes %v, want one holding %q", api, tt.api)
			}
			if r.breaking() != tt.breaking || !strings.HasPrefix(r.bump(), tt.bump) {
				t.Errorf("breaking %v, bump %s; want %v, %s",
					r.breaking(), r.bump(), tt.breaking, tt.bump)
			}
		})
	}
}

// TestApply applies pages to copies of the module as make update-spec
// does: the harmless changes a maintainer meets (a renamed or patterned
// path parameter, a documented 500, headers on the 200, new examples)
// apply green; a page that breaks the wrapper applies red, with a to-do
// list naming the file, the line and the generated name; under
// -fail-on-breaking it writes nothing.
func TestApply(t *testing.T) {
	if !*applyPages {
		t.Skip("builds and tests a copy of the module: make spec-fixtures runs it (-apply)")
	}
	harmless := []edit{examplesOnly, serverError, headers,
		{"{" + paramName + "}", "{" + strings.ToUpper(paramName[:1]) + paramName[1:] + "}"},
		{"- name: " + paramName, "- name: " + strings.ToUpper(paramName[:1]) + paramName[1:]},
		{at(12, "type: string") + "            default: ",
			at(12, "type: string", "pattern: '^[0-9a-f-]{36}$'") + "            default: "},
	}
	tests := []struct {
		name   string
		edits  []edit
		flags  []string
		want   int
		report []string // in the report
	}{
		{"harmless changes", harmless, nil, exitGreen, []string{"status '500'", "JSON500: added",
			"header 'x-request-id'", "Headers200: added", "go test -short ./... passes"}},
		{"Token becomes a UUID", []edit{tokenUUID}, nil, exitRed,
			[]string{"- [ ] `tokenclient/", "` — api: `", "(incompatible)"}},
		{"breaking, refused", []edit{tokenUUID}, []string{"-fail-on-breaking"}, exitBreaking,
			[]string{"(incompatible)", "Nothing written"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := copyModule(t)
			spec := page(t, tt.edits...)
			code, report := runPage(t, dir, spec, tt.flags...)
			if code != tt.want {
				t.Fatalf("exit code %d, want %d; report:\n%s", code, tt.want, report)
			}
			got, err := os.ReadFile(filepath.Join(dir, "openapi.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if written := bytes.Equal(got, spec); written != (tt.want != exitBreaking) {
				t.Errorf("openapi.yaml written: %v, want %v", written, !written)
			}
			for _, name := range []string{"api/api.gen.go", "internal/fakeapi/server.gen.go"} {
				was, _ := os.ReadFile(filepath.Join(root, name))
				now, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil || bytes.Equal(was, now) != (tt.want == exitBreaking) {
					t.Errorf("%s rewritten: %v (%v), want %v", name, !bytes.Equal(was, now), err,
						tt.want != exitBreaking)
				}
			}
			for _, want := range tt.report {
				if !strings.Contains(report, want) {
					t.Errorf("the report lacks %q:\n%s", want, report)
				}
			}
		})
	}
}

// TestPageTextMadeSafe checks what stands between a page host's text and
// the terminal or the pull request's body.
func TestPageTextMadeSafe(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"a URL's credentials, query and fragment",
			sourceName("https://u:pw@docs.example/p.md?token=s3cret#x"),
			"https://u:xxxxx@docs.example/p.md"},
		{"terminal escapes", printable("a\x1b[31mb\r\nc", 100), "a[31mbc"},
		{"a cut", printable("abcdef", 4), "abcd…"},
		{"markdown links, tags and mentions", md("/x<img src=y>\\[fix](https://evil) @u", 100),
			"`/x<img src=y>\\[fix](https://evil) @u`"},
		{"a backtick that would end the code span", md("a`<b>", 100), "`a'<b>`"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	for _, tt := range []struct {
		to   string
		hops int
		ok   bool
	}{
		{"https://docs.example/b", 1, true},
		{"http://docs.example/b", 1, false},
		{"https://docs.example/b", maxRedirects + 1, false},
	} {
		req := httptest.NewRequest(http.MethodGet, tt.to, nil)
		via := make([]*http.Request, tt.hops)
		for i := range via {
			via[i] = httptest.NewRequest(http.MethodGet, "https://docs.example/a", nil)
		}
		if err := httpsRedirectsOnly(req, via); (err == nil) != tt.ok {
			t.Errorf("a redirect to %s after %d: got %v, want allowed %v",
				tt.to, tt.hops, err, tt.ok)
		}
	}
}

// TestReportCut prints a report with more changes than a pull request
// body holds: the outcome, the bump and the start of the to-do list stay,
// the lists are cut between whole lines, so that no code span is left
// open, and what is left is valid UTF-8.
func TestReportCut(t *testing.T) {
	r := &report{src: "page.md", outcome: "Applied, but red.", tested: true,
		goChanges: map[string][]apidiff.Change{}}
	for i := range maxTodo + 1 {
		r.todo = append(r.todo, fmt.Sprintf("tokenclient/response.go:%d: undefined: x", i))
	}
	for range maxReport / 100 {
		r.wire = append(r.wire, change{Text: "[x](https://evil) " + strings.Repeat("é", 150),
			Level: 3})
	}
	var out bytes.Buffer
	r.print(&out)
	report := out.String()
	if len(report) > maxReport+100 || !utf8.ValidString(report) ||
		!strings.HasSuffix(report, "(the report is cut here)\n") {
		t.Errorf("a report of %d bytes (valid UTF-8: %v) ending %q, want a cut at %d",
			len(report), utf8.ValidString(report), report[len(report)-40:], maxReport)
	}
	for line := range strings.Lines(report) {
		if strings.Count(line, "`")%2 != 0 {
			t.Fatalf("a line with an open code span: %q", line)
		}
	}
	for _, want := range []string{"Applied, but red.", "Suggested version bump: major",
		"- [ ] `tokenclient/response.go:0: undefined: x`", "- … and 1 more\n"} {
		if !strings.Contains(report, want) {
			t.Errorf("the cut report lacks %q", want)
		}
	}
}
