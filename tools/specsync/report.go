package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"golang.org/x/exp/apidiff"
	"golang.org/x/tools/go/packages"
)

// modulePath is the module whose goPackages apidiff compares.
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
	src       string
	outcome   string // markdown
	wire      []change
	goChanges map[string][]apidiff.Change // by goPackages' names
	tested    bool                        // the new code was written, built and tested
	todo      []string                    // what no longer builds or passes, file:line first
}

// command is exec.CommandContext in dir, with a bound on how long its
// output is waited for after ctx ends (a tool go started may hold it).
func command(ctx context.Context, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// output runs cmd and returns its standard output, or an error carrying
// the start of its standard error.
func output(cmd *exec.Cmd) ([]byte, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, head(stderr.String()))
	}
	return out, nil
}

// head is the first lines of a tool's output s on one line, printable and
// cut.
func head(s string) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", 11)
	return printable(strings.Join(lines[:min(len(lines), 10)], " / "), 2000)
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
	out, err := output(command(ctx, dir, "go", "tool", "-modfile=tools/go.mod", "oasdiff",
		"changelog", "--flatten-allof", "--format", "json", base, revision))
	if err != nil {
		return nil, fmt.Errorf("oasdiff: %w", err)
	}
	var cs []change
	if err := json.Unmarshal(out, &cs); err != nil {
		return nil, fmt.Errorf("oasdiff: unreadable output: %w", err)
	}
	return cs, nil
}

// goPackages are the module's packages for importers, whose exported API
// apidiff compares.
var goPackages = []string{"api", "tokenclient", "flinkstest"}

// diffGo compares the exported API of goPackages in dir with what they
// become on the code generated from the new spec (files), which
// go/packages lays over dir's without writing it.
func (r *report) diffGo(ctx context.Context, dir string, files map[string][]byte) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	old, err := loadTypes(ctx, dir, nil)
	if err != nil {
		return err
	}
	overlay := map[string][]byte{}
	for name, b := range files {
		overlay[filepath.Join(dir, name)] = b
	}
	next, err := loadTypes(ctx, dir, overlay)
	if err != nil {
		return err
	}
	r.goChanges = map[string][]apidiff.Change{}
	for _, name := range goPackages {
		was, now := buildError(old[name]), buildError(next[name])
		switch {
		case was != nil:
			return fmt.Errorf("%s does not build in the module as it is: %s",
				name, head(was.Error()))
		case now != nil && name == "api":
			return fmt.Errorf("the generated api package does not build: %s", head(now.Error()))
		case now != nil:
			r.goChanges[name] = []apidiff.Change{{
				Message: "no longer builds on the new api: " + head(now.Error())}}
		default:
			r.goChanges[name] = apidiff.Changes(old[name].Types, next[name].Types).Changes
		}
	}
	return nil
}

// loadTypes type-checks goPackages in dir, with overlay's files in place
// of dir's, keyed by their names in goPackages.
func loadTypes(ctx context.Context, dir string, overlay map[string][]byte) (
	map[string]*packages.Package, error) {
	cfg := &packages.Config{Context: ctx, Dir: dir, Overlay: overlay,
		Mode: packages.NeedName | packages.NeedTypes}
	var patterns []string
	for _, name := range goPackages {
		patterns = append(patterns, "./"+name)
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, err
	}
	loaded := map[string]*packages.Package{}
	for _, p := range pkgs {
		loaded[strings.TrimPrefix(p.PkgPath, modulePath+"/")] = p
	}
	return loaded, nil
}

// buildError is why p did not load and type-check, or nil.
func buildError(p *packages.Package) error {
	switch {
	case p == nil:
		return errors.New("not found")
	case len(p.Errors) > 0:
		return p.Errors[0]
	}
	return nil
}

// breaking reports whether callers on the wire or importers in Go would
// notice.
func (r *report) breaking() bool {
	for _, c := range r.wire {
		if c.Level >= 3 {
			return true
		}
	}
	for _, changes := range r.goChanges {
		for _, c := range changes {
			if !c.Compatible {
				return true
			}
		}
	}
	return false
}

// bump is the semver bump the changes call for.
func (r *report) bump() string {
	switch {
	case r.breaking():
		return "major (minor while the module is v0)"
	case len(r.wire) > 0:
		return "minor"
	}
	for _, changes := range r.goChanges {
		if len(changes) > 0 {
			return "minor"
		}
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
		todo = []string{"go test: " + head(string(out))}
	}
	return todo
}

// apiChange is the api change whose name a to-do entry holds, or "".
func (r *report) apiChange(entry string) string {
	for _, c := range r.goChanges["api"] {
		name, _, _ := strings.Cut(c.Message, ":")
		if i := strings.LastIndexAny(name, ".)"); i >= 0 {
			name = name[i+1:]
		}
		if name == "" {
			continue
		}
		// A whole identifier: Token, not the Token in GenerateAuthorizeToken.
		if regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`).MatchString(entry) {
			return c.Message
		}
	}
	return ""
}

// maxReport bounds the report, whatever the page holds, so that it stays
// a pull request body (GitHub takes 65,536 characters). The outcome, the
// bump and the to-do list come first, so that a cut shortens the lists of
// changes.
const maxReport = 60000

// maxTodo bounds the to-do list, so that the changes after it still show.
const maxTodo = 50

// md is page-derived text s as inert markdown: printable, cut to max
// bytes, in a code span, where GitHub renders no link, image, tag, mention
// or emphasis (a backtick in s becomes ').
func md(s string, max int) string {
	if s = printable(s, max); s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}

func (r *report) print(w io.Writer) {
	var b strings.Builder
	fmt.Fprintf(&b, "## Flinks spec update from %s\n\n%s\n", md(r.src, maxHostText), r.outcome)
	if r.tested {
		fmt.Fprintf(&b, "Review with git diff; undo with %s.\n", undo)
	}
	if r.goChanges != nil {
		fmt.Fprintf(&b, "\nSuggested version bump: %s.\n", r.bump())
	}
	if r.tested {
		fmt.Fprintf(&b, "Suggested CHANGELOG entry: \"Flinks spec update (%s): %d wire "+
			"changes.\"\n", md(r.src, maxHostText), len(r.wire))
		fmt.Fprintf(&b, "\n### Build and short tests\n\n")
		for i, t := range r.todo {
			if i == maxTodo {
				fmt.Fprintf(&b, "- … and %d more\n", len(r.todo)-maxTodo)
				break
			}
			fmt.Fprintf(&b, "- [ ] %s", md(t, 500))
			if c := r.apiChange(t); c != "" {
				fmt.Fprintf(&b, " — api: %s", md(c, 500))
			}
			fmt.Fprintln(&b)
		}
		if len(r.todo) == 0 {
			fmt.Fprintln(&b, "go test -short ./... passes.")
		}
	}
	if r.goChanges != nil {
		fmt.Fprintf(&b, "\n### Go (apidiff)\n\n")
		for _, name := range goPackages {
			if len(r.goChanges[name]) == 0 {
				fmt.Fprintf(&b, "%s: no change to its exported API.\n", name)
				continue
			}
			fmt.Fprintf(&b, "%s:\n", name)
			for _, c := range r.goChanges[name] {
				mark := ""
				if !c.Compatible {
					mark = " (incompatible)"
				}
				fmt.Fprintf(&b, "  - %s%s\n", md(c.Message, 500), mark)
			}
		}
		fmt.Fprintf(&b, "\n### Wire (oasdiff)\n\n")
		for _, c := range r.wire {
			mark := ""
			if c.Level >= 3 {
				mark = "**breaking** "
			}
			where := strings.TrimSpace(c.Operation + " " + c.Path)
			if where != "" {
				where += ": "
			}
			fmt.Fprintf(&b, "- %s%s\n", mark, md(where+c.Text, 500))
		}
		if len(r.wire) == 0 {
			fmt.Fprintln(&b, "No wire-level change: prose, examples or layout only.")
		}
	}
	s := b.String()
	if len(s) > maxReport {
		// At a line's end: a cut inside a code span would leave page text
		// outside it, live.
		s = s[:strings.LastIndexByte(s[:maxReport], '\n')+1] + "\n(the report is cut here)\n"
	}
	io.WriteString(w, s)
}
