package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// change is one entry of oasdiff's JSON changelog.
type change struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Level     int    `json:"level"` // 3 error (breaking), 2 warning, 1 info
	Operation string `json:"operation"`
	Path      string `json:"path"`
}

type changes []change

func (cs changes) breaking() int {
	n := 0
	for _, c := range cs {
		if c.Level >= 3 {
			n++
		}
	}
	return n
}

// diff runs the pinned oasdiff on the current and the new spec.
func diff(ctx context.Context, dir string, current, next []byte) (changes, error) {
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
	out, err := runGroup(ctx, dir, os.Environ(), "go", "tool", "-modfile=tools/go.mod", "oasdiff", "changelog", base, revision, "--format", "json")
	if err != nil {
		return nil, fmt.Errorf("oasdiff changelog: %w: %s", err, firstLines(out, 10))
	}
	var cs changes
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		return nil, fmt.Errorf("oasdiff changelog: unreadable output: %w", err)
	}
	return cs, nil
}

// report is everything specsync found out about a new spec.
type report struct {
	src     string
	wire    changes
	golevel []goChanges
	trial   string   // what the trial in a temporary copy did
	failed  bool     // the trial or the switch failed: nothing to bump
	form    []string // changes in form only (formChanges)

	// behaviour says, in plain words, what the generated code now does
	// differently for existing callers (parserChanges).
	behaviour []string
}

func (r *report) goIncompatible() []string {
	var out []string
	for _, g := range r.golevel {
		for _, c := range g.incompatible {
			out = append(out, g.pkg+"."+c)
		}
	}
	return out
}

func (r *report) goCompatible() int {
	n := 0
	for _, g := range r.golevel {
		n += len(g.compatible)
	}
	return n
}

// breaking reports whether importers or callers of Flinks would notice.
func (r *report) breaking() bool {
	return r.wire.breaking() > 0 || len(r.goIncompatible()) > 0
}

// bump suggests the semantic version bump for the module and says why.
func (r *report) bump() (string, string) {
	switch {
	case r.failed:
		return "none", "nothing was applied"
	case r.wire.breaking() > 0 && len(r.goIncompatible()) > 0:
		return "major", "breaking wire-level changes, and Go importers of api or tokenclient lose or see changed identifiers"
	case r.wire.breaking() > 0:
		return "major", "breaking wire-level changes: requests or responses Flinks accepted or sent before no longer match"
	case len(r.goIncompatible()) > 0:
		return "major", "Go importers of api or tokenclient lose or see changed identifiers"
	case len(r.behaviour) > 0:
		return "minor", "additions, but the generated parser behaves differently for existing callers (see Generated code)"
	case r.deprecated():
		return "minor", "a deprecation: existing callers keep working, plan a replacement"
	case len(r.wire) > 0 || r.goCompatible() > 0:
		return "minor", "additions only: existing callers and importers keep working"
	default:
		return "patch", "the document differs only in prose, examples or layout"
	}
}

// deprecated reports whether the new spec deprecates something.
func (r *report) deprecated() bool {
	for _, c := range r.wire {
		if strings.Contains(c.ID, "deprecated") {
			return true
		}
	}
	return false
}

// print writes the report as markdown, so that it can be a pull request's
// body as it is.
func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "## specsync report for %s\n\n", r.src)
	fmt.Fprintf(w, "### Wire level (oasdiff)\n\n")
	if len(r.wire) == 0 {
		fmt.Fprintln(w, "No changes to the API (the document differs only in form: descriptions, examples, layout).")
	} else {
		fmt.Fprintf(w, "changes: %d, of which %d breaking\n\n", len(r.wire), r.wire.breaking())
		for _, c := range r.wire {
			where := c.Operation + " " + c.Path
			if c.Path == "" {
				where = "spec"
			}
			fmt.Fprintf(w, "- %s %s: %s [%s]\n", levelName(c.Level), printable(where, 300), printable(c.Text, 500), printable(c.ID, 100))
		}
	}
	for _, n := range r.form {
		fmt.Fprintf(w, "- form only: %s\n", printable(n, 500))
	}
	fmt.Fprintf(w, "\n### Go level (apidiff, for importers of %s)\n\n", strings.Join(clientPackages, " and "))
	if len(r.golevel) == 0 {
		fmt.Fprintln(w, "Not computed: the new spec did not regenerate.")
	}
	for _, g := range r.golevel {
		if len(g.incompatible)+len(g.compatible) == 0 {
			fmt.Fprintf(w, "- %s: no changes to the exported API\n", g.pkg)
		}
		for _, c := range g.incompatible {
			fmt.Fprintf(w, "- BREAKING %s.%s\n", g.pkg, c)
		}
		for _, c := range g.compatible {
			fmt.Fprintf(w, "- compatible %s.%s\n", g.pkg, c)
		}
	}
	if r.deprecated() {
		fmt.Fprintln(w, "\nDeprecation: Flinks marks part of the API deprecated; the generated names carry Deprecated: comments (make staticcheck does not flag this repo's own uses, SA1019 is off), callers keep working.")
	}
	if len(r.behaviour) > 0 {
		fmt.Fprintf(w, "\n### Generated code: behaviour changes for existing callers\n\n")
		for _, n := range r.behaviour {
			fmt.Fprintf(w, "- %s\n", n)
		}
	}
	fmt.Fprintf(w, "\n### Trial in a temporary copy of the module\n\n%s\n", r.trial)
	level, why := r.bump()
	fmt.Fprintf(w, "\nSuggested version bump: %s (%s).\n", level, why)
}

// likelyCause picks the spec change that most likely broke the build or
// the tests: a Go-level change whose identifier the errors name, else the
// first breaking change, else the first change.
func (r *report) likelyCause(output string) string {
	// Spec text (a property name may hold escape sequences) reaches
	// stderr through the error: made printable and cut, as in the report.
	return printable(r.cause(output), maxCauseText)
}

// maxCauseText bounds a change named in an error.
const maxCauseText = 500

func (r *report) cause(output string) string {
	for _, c := range r.goIncompatible() {
		ident, _, _ := strings.Cut(c, ":")
		_, name, _ := strings.Cut(ident, ".")
		if last := name[strings.LastIndex(name, ".")+1:]; last != "" && strings.Contains(output, last) {
			return "Go-level change " + c
		}
	}
	if inc := r.goIncompatible(); len(inc) > 0 {
		return "Go-level change " + inc[0]
	}
	for _, c := range r.wire {
		if c.Level >= 3 {
			return c.Operation + " " + c.Path + ": " + c.Text
		}
	}
	if len(r.wire) > 0 {
		return r.wire[0].Operation + " " + r.wire[0].Path + ": " + r.wire[0].Text
	}
	if len(r.form) > 0 {
		return "a change in form only, " + r.form[0]
	}
	return "none visible to oasdiff or apidiff; compare the generated code"
}

func levelName(level int) string {
	switch {
	case level >= 3:
		return "BREAKING"
	case level == 2:
		return "warning"
	default:
		return "info"
	}
}
