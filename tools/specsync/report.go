package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// modulePath is the module whose api and tokenclient apidiff compares.
const modulePath = "github.com/flinkskit/flinks-token-go"

// change is one entry of oasdiff's JSON changelog.
type change struct {
	Text      string `json:"text"`
	Level     int    `json:"level"` // 3 error (breaking), 2 warning, 1 info
	Operation string `json:"operation"`
	Path      string `json:"path"`
}

// report is what specsync found out about a page; print writes it as the
// markdown a pull request's body takes as it is.
type report struct {
	src        string
	wire       []change
	api        []string // apidiff of api, "- Name: what" lines
	tokenc     []string // apidiff of tokenclient, after writing
	tested     bool     // the new code was written, built and tested
	todo       []string // what no longer builds or passes, file:line first
	outcome    string
	exportsDir string
}

// goTool runs a tool pinned in dir's tools/go.mod with its working
// directory in cwd, and returns its output.
func goTool(ctx context.Context, dir, cwd string, args ...string) (string, error) {
	modfile, err := filepath.Abs(filepath.Join(dir, "tools", "go.mod"))
	if err != nil {
		return "", err
	}
	args = append([]string{"tool", "-modfile=" + modfile}, args...)
	var stderr bytes.Buffer
	cmd := command(ctx, cwd, "go", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s: %v: %s", args[2], err, firstLines(stderr.String(), 10))
	}
	return string(out), nil
}

// command is exec.CommandContext in dir, with a bound on how long its
// output is waited for after ctx ends (a tool go started may hold it).
func command(ctx context.Context, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// oasdiff returns the wire-level changes from current to next, allOf
// schemas merged first so that a refactoring into allOf is no change.
func oasdiff(ctx context.Context, dir string, current, next []byte) ([]change, error) {
	tmp, err := os.MkdirTemp("", "specsync-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	base, revision := filepath.Join(tmp, "current.yaml"), filepath.Join(tmp, "new.yaml")
	if err := os.WriteFile(base, current, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(revision, next, 0o600); err != nil {
		return nil, err
	}
	out, err := goTool(ctx, dir, dir, "oasdiff", "changelog", "--flatten-allof", "--format", "json",
		base, revision)
	if err != nil {
		return nil, err
	}
	var cs []change
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		return nil, fmt.Errorf("oasdiff: unreadable output: %w", err)
	}
	return cs, nil
}

// diffGo compares the api package generated from the new spec (files)
// with dir's, before anything is written: the new one is built in a
// temporary module holding dir's go.mod, go.sum and api/. It also keeps
// tokenclient's current API for diffTokenclient.
func (r *report) diffGo(ctx context.Context, dir string, files map[string][]byte) error {
	tmp, err := os.MkdirTemp("", "specsync-")
	if err != nil {
		return err
	}
	r.exportsDir = tmp
	mod := filepath.Join(tmp, "module")
	copies := map[string][]byte{}
	for _, name := range []string{"go.mod", "go.sum", "api/doc.go"} {
		if copies[name], err = os.ReadFile(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	for name, b := range files {
		if strings.HasPrefix(name, "api/") {
			copies[name] = b
		}
	}
	if err := writeFiles(mod, copies); err != nil {
		return err
	}
	for _, w := range []struct{ cwd, file, pkg string }{
		{dir, "api.old", "api"}, {mod, "api.new", "api"}, {dir, "tokenclient.old", "tokenclient"},
	} {
		exports := filepath.Join(tmp, w.file)
		_, err := goTool(ctx, dir, w.cwd, "apidiff", "-w", exports, modulePath+"/"+w.pkg)
		if err != nil {
			return err
		}
	}
	out, err := goTool(ctx, dir, dir, "apidiff",
		filepath.Join(tmp, "api.old"), filepath.Join(tmp, "api.new"))
	r.api = apidiffLines(out)
	return err
}

// diffTokenclient compares tokenclient's API now with the one diffGo kept;
// a tokenclient that no longer builds is on the to-do list already.
func (r *report) diffTokenclient(ctx context.Context, dir string) {
	if len(r.todo) > 0 {
		return
	}
	out, err := goTool(ctx, dir, dir, "apidiff", filepath.Join(r.exportsDir, "tokenclient.old"),
		modulePath+"/tokenclient")
	if err != nil {
		r.tokenc = []string{"- apidiff failed: " + err.Error()}
		return
	}
	r.tokenc = apidiffLines(out)
}

// apidiffLines keeps apidiff's change lines, marking each incompatible one.
func apidiffLines(out string) []string {
	var lines []string
	incompatible := false
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Incompatible changes:"):
			incompatible = true
		case strings.HasPrefix(line, "Compatible changes:"):
			incompatible = false
		case strings.HasPrefix(line, "- ") && incompatible:
			lines = append(lines, line+" (incompatible)")
		case strings.HasPrefix(line, "- "):
			lines = append(lines, line)
		}
	}
	return lines
}

// breaking reports whether callers on the wire or importers in Go would
// notice.
func (r *report) breaking() bool {
	for _, c := range r.wire {
		if c.Level >= 3 {
			return true
		}
	}
	for _, l := range append(r.api, r.tokenc...) {
		if strings.HasSuffix(l, "(incompatible)") {
			return true
		}
	}
	return false
}

// bump is the semver bump the changes call for.
func (r *report) bump() string {
	switch {
	case r.breaking():
		return "major (minor while the module is v0)"
	case len(r.wire) > 0 || len(r.api) > 0 || len(r.tokenc) > 0:
		return "minor"
	}
	return "patch"
}

// compileError is a go test line naming a file and line.
var compileError = regexp.MustCompile(`^([\w./-]+\.go:\d+)(:\d+)?: (.*)$`)

// buildAndTest runs go test -short on the module (which builds every
// package and its tests) and returns what failed, one entry per file:line
// with its package's directory, or the output's start when none is named.
func buildAndTest(ctx context.Context, dir string) []string {
	out, err := command(ctx, dir, "go", "test", "-short", "./...").CombinedOutput()
	if err == nil {
		return nil
	}
	var todo, pending []string
	seen := map[string]bool{}
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		// go test names a package after its test output; a compile
		// error's path is from dir already.
		if f := strings.Fields(line); len(f) > 1 && (f[0] == "FAIL" || f[0] == "ok") {
			pkg := strings.TrimPrefix(strings.TrimPrefix(f[1], modulePath), "/")
			for _, p := range pending {
				todo = append(todo, filepath.ToSlash(filepath.Join(pkg, p)))
			}
			pending = nil
		}
		m := compileError.FindStringSubmatch(line)
		if m == nil || seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		entry := m[1] + ": " + m[3]
		if strings.Contains(m[1], "/") {
			todo = append(todo, entry)
		} else {
			pending = append(pending, entry)
		}
	}
	todo = append(todo, pending...)
	if len(todo) == 0 {
		todo = []string{"go test: " + string(out)}
	}
	return todo
}

// annotate appends to each to-do entry the api change whose name it holds.
func (r *report) annotate(entry string) string {
	for _, c := range r.api {
		name, _, _ := strings.Cut(strings.TrimPrefix(c, "- "), ":")
		if i := strings.LastIndexAny(name, ".)"); i >= 0 {
			name = name[i+1:]
		}
		if name != "" && strings.Contains(entry, name) {
			return entry + " — api: " + strings.TrimPrefix(c, "- ")
		}
	}
	return entry
}

// Bounds on what the report lists, so that it stays a readable pull
// request body (GitHub takes 65,536 characters).
const (
	maxTodo = 30
	maxList = 60
)

// mdEscapes neutralise the markdown and HTML that page text could carry
// into the pull request's body: links, images, tags.
var mdEscapes = strings.NewReplacer("<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]")

// md is page-derived text s made printable and inert as markdown.
func md(s string, max int) string {
	return mdEscapes.Replace(printable(s, max))
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "## Flinks spec update from %s\n\n", md(r.src, maxHostText))
	if r.wire != nil || r.api != nil {
		fmt.Fprintf(w, "### Wire (oasdiff)\n\n")
		for i, c := range r.wire {
			if i == maxList {
				fmt.Fprintf(w, "- … and %d more\n", len(r.wire)-maxList)
				break
			}
			mark := ""
			if c.Level >= 3 {
				mark = "**breaking** "
			}
			where := strings.TrimSpace(c.Operation + " " + c.Path)
			if where != "" {
				where += ": "
			}
			fmt.Fprintf(w, "- %s%s\n", mark, md(where+c.Text, 500))
		}
		if len(r.wire) == 0 {
			fmt.Fprintln(w, "No wire-level change: prose, examples or layout only.")
		}
		fmt.Fprintf(w, "\n### Go (apidiff)\n\n")
		printList(w, "api", r.api)
		if r.tested {
			printList(w, "tokenclient", r.tokenc)
		}
		fmt.Fprintf(w, "\nSuggested version bump: %s.\n", r.bump())
	}
	if r.tested {
		fmt.Fprintf(w, "\n### Build and short tests\n\n")
		for i, t := range r.todo {
			if i == maxTodo {
				fmt.Fprintf(w, "- … and %d more\n", len(r.todo)-maxTodo)
				break
			}
			fmt.Fprintf(w, "- [ ] %s\n", md(r.annotate(t), 500))
		}
		if len(r.todo) == 0 {
			fmt.Fprintln(w, "go test -short ./... passes.")
		}
		fmt.Fprintf(w, "\nSuggested CHANGELOG entry: \"Flinks spec update (%s): %d wire "+
			"changes.\"\n", r.src, len(r.wire))
	}
	fmt.Fprintf(w, "\n%s\n", md(r.outcome, 2000))
	if r.tested {
		fmt.Fprintf(w, "Review with git diff; undo with %s.\n", undo)
	}
}

func printList(w io.Writer, pkg string, lines []string) {
	if len(lines) == 0 {
		fmt.Fprintf(w, "%s: no change to its exported API.\n", pkg)
		return
	}
	fmt.Fprintf(w, "%s:\n", pkg)
	for i, l := range lines {
		if i == maxList {
			fmt.Fprintf(w, "  - … and %d more\n", len(lines)-maxList)
			break
		}
		fmt.Fprintf(w, "  %s\n", md(l, 500))
	}
}

// firstLines returns the first n lines of s, made printable.
func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return printable(strings.Join(lines, " / "), 2000)
}
