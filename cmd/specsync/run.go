package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flinkskit/flinks-token-go/internal/specpage"
)

const usageText = `Usage: specsync [flags] [SRC]

Updates openapi.yaml and api/ from SRC when Flinks publishes a new spec, all or nothing:
  1. reads SRC: a file path, - for stdin, or an https URL; without SRC, the canonical page
     ` + canonicalPage + `;
  2. extracts the spec: the single ` + "```yaml (else ```json)" + ` fence of a documentation page,
     or raw YAML or JSON; a leading BOM is dropped and CRLF becomes LF;
  3. validates it with kin-openapi and refuses anything invalid or ambiguous (no fence, two
     fences, not OpenAPI 3.0/3.1, a 3.1 feature the Go types cannot carry, no
     generateAuthorizeToken operation, or that operation renamed);
  4. reports wire-level changes against openapi.yaml (oasdiff);
  5. in a temporary copy of the module: regenerates api/ and internal/fakeapi/, reports
     Go-level changes to api and tokenclient (apidiff) and what the generated parser now does
     differently, and runs what make test runs: go vet, staticcheck, go test -race -short ./...;
  6. only if all of that passes, replaces openapi.yaml, api/, internal/fakeapi/ and
     CHANGELOG.md (adding the report's summary under Unreleased) in one switch: all or none.
The report ends with the suggested semver bump. A spec equal to openapi.yaml writes nothing.

Exit codes (the CI contract): 0 applied, or no changes; 1 invalid spec, the trial failed, a
write failed (rolled back) or interrupted by SIGINT/SIGTERM (nothing written in each case);
2 usage error; 3 breaking changes refused under -fail-on-breaking (nothing written). make maps any failure to its own exit 2: CI runs the binary directly.

Flags:
`

// maxSpecBytes bounds what is read from SRC.
const maxSpecBytes = 8 << 20

type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// errBreaking is returned under -fail-on-breaking.
var errBreaking = errors.New("breaking changes refused; openapi.yaml and api/ left untouched (drop -fail-on-breaking to apply them if the module still builds and passes its tests)")

// errTrial is returned when the new spec does not regenerate, build or pass
// the tests in the temporary copy.
var errTrial = errors.New("the new spec failed its trial in a temporary copy; openapi.yaml and api/ left untouched")

func exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.As(err, new(usageError)):
		return 2
	case errors.Is(err, errBreaking):
		return 3
	default:
		return 1
	}
}

// run does the update. httpClient fetches URL sources; nil means a client
// with a timeout.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, httpClient *http.Client) error {
	fs := flag.NewFlagSet("specsync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	dir := fs.String("dir", ".", "the module's root `directory` (holding openapi.yaml and tools/go.mod)")
	failOnBreaking := fs.Bool("fail-on-breaking", false, "exit 3 without writing anything if the new spec has wire-level or Go-level breaking changes")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err}
	}
	if fs.NArg() > 1 {
		return usageError{errors.New("want at most one SRC (a file, - for stdin, or an https URL); see -h")}
	}
	src := canonicalPage
	if fs.NArg() == 1 {
		src = fs.Arg(0)
	}

	raw, err := readSource(ctx, src, stdin, httpClient)
	if err != nil {
		return err
	}
	name := sourceName(src)
	spec, err := specpage.Extract(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	specPath := filepath.Join(*dir, "openapi.yaml")
	current, err := os.ReadFile(specPath)
	if err != nil {
		return fmt.Errorf("read the current spec: %w (is -dir the module root?)", err)
	}
	if bytes.Equal(current, spec) {
		fmt.Fprintln(stdout, "no changes: openapi.yaml already is this spec; nothing written")
		return nil
	}
	if err := validate(spec, current); err != nil {
		return fmt.Errorf("%s: %w; openapi.yaml left untouched", name, err)
	}

	rep := &report{src: name, form: formChanges(current, spec)}
	if rep.wire, err = diff(ctx, *dir, current, spec); err != nil {
		return interrupted(ctx, err)
	}
	tr, err := newTrial(*dir, spec)
	if err != nil {
		return err
	}
	defer tr.Close()
	if err := rep.runTrial(ctx, tr, *failOnBreaking, stderr); err != nil {
		if ctx.Err() != nil {
			return interrupted(ctx, err)
		}
		rep.print(stdout)
		return err
	}
	replaced, err := apply(*dir, tr, spec, rep, os.Rename)
	if err != nil {
		rep.trial += "\n\nNot applied: " + err.Error()
		rep.failed = true
		rep.print(stdout)
		return err
	}
	rep.trial += "\n\nApplied: " + strings.Join(replaced, ", ") + " replaced. Review git diff, commit."
	rep.print(stdout)
	return nil
}

// errInterrupted is returned when SIGINT or SIGTERM ends a run.
var errInterrupted = errors.New("interrupted; the trial's processes were stopped and its temporary copy removed, openapi.yaml and api/ left untouched")

// interrupted returns errInterrupted when ctx has ended, else err.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return errInterrupted
	}
	return err
}

// apply replaces openapi.yaml, the generated directories and CHANGELOG.md
// (with an entry for this update) in one switch: all of them or none, and
// names what it replaced. rename is os.Rename; tests pass one that fails.
func apply(dir string, tr *trial, spec []byte, rep *report, rename func(oldpath, newpath string) error) ([]string, error) {
	rs := []replacement{{path: filepath.Join(dir, "openapi.yaml"), data: spec}}
	for _, d := range generatedDirs {
		rs = append(rs, replacement{path: filepath.Join(dir, d), from: filepath.Join(tr.dir, d)})
	}
	changelogPath := filepath.Join(dir, "CHANGELOG.md")
	if old, err := os.ReadFile(changelogPath); err == nil {
		updated, err := addToChangelog(string(old), rep.changelogEntry())
		if err != nil {
			return nil, err
		}
		rs = append(rs, replacement{path: changelogPath, data: []byte(updated)})
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read CHANGELOG.md: %w", err)
	}
	var names []string
	for _, r := range rs {
		rel, _ := filepath.Rel(dir, r.path)
		if r.from != "" {
			rel += "/"
		}
		names = append(names, filepath.ToSlash(rel))
	}
	return names, switchTree(rs, rename)
}

// runTrial regenerates, diffs and runs what make test runs in tr, filling
// in the report; an error means nothing may be written.
// It names each step on progress as it starts.
func (r *report) runTrial(ctx context.Context, tr *trial, failOnBreaking bool, progress io.Writer) error {
	fail := func(step, out string) error {
		r.failed = true
		r.trial = fmt.Sprintf("FAILED at %s; failing packages: %s. First errors:\n\n```\n%s\n```\n\nMost likely cause: %s.", step, failingPackages(out), firstLines(out, 12), r.likelyCause(out))
		return fmt.Errorf("%w: %s failed; most likely cause: %s", errTrial, step, r.likelyCause(out))
	}
	fmt.Fprintln(progress, "specsync: trial: go generate")
	if out, err := tr.generate(ctx); err != nil {
		return fail("go generate (oapi-codegen)", out)
	}
	r.behaviour = parserChanges(parserCases(tr.module), parserCases(tr.dir))
	api, out, err := tr.apidiff(ctx, clientPackages[0])
	if err != nil {
		return fail("the build of api (apidiff could not load it)", out)
	}
	r.golevel = append(r.golevel, api)
	if failOnBreaking && r.breaking() {
		r.trial = "Stopped after regenerating: breaking changes are refused under -fail-on-breaking."
		return fmt.Errorf("%w: %s", errBreaking, r.breakingSummary())
	}
	var ran []string
	for _, s := range ciSteps {
		fmt.Fprintln(progress, "specsync: trial:", s.name)
		args, err := s.args(tr, ctx)
		if err != nil {
			return fail(s.name, err.Error())
		}
		if out, err := tr.goCmd(ctx, tr.dir, args...); err != nil {
			name := s.name
			if didNotCompile(out) {
				name = "the build (" + s.name + " did not compile)"
			}
			return fail(name, out)
		}
		ran = append(ran, s.name)
	}
	tc, out, err := tr.apidiff(ctx, clientPackages[1])
	if err != nil {
		return fail("apidiff on tokenclient", out)
	}
	r.golevel = append(r.golevel, tc)
	r.trial = "Regenerated api/ and internal/fakeapi/ and passed what make test runs: " + strings.Join(ran, ", ") + "."
	if failOnBreaking && r.breaking() {
		return fmt.Errorf("%w: %s", errBreaking, r.breakingSummary())
	}
	return nil
}

// breakingSummary names the first breaking change of each kind.
func (r *report) breakingSummary() string {
	var parts []string
	for _, c := range r.wire {
		if c.Level >= 3 {
			parts = append(parts, fmt.Sprintf("wire: %s %s: %s", c.Operation, c.Path, c.Text))
			break
		}
	}
	if inc := r.goIncompatible(); len(inc) > 0 {
		parts = append(parts, "Go: "+inc[0])
	}
	return printable(strings.Join(parts, "; "), 2*maxCauseText)
}

// didNotCompile reports whether a go command's output shows compile
// errors: go test marks the package, go vet heads the errors with
// "# package".
func didNotCompile(out string) bool {
	return strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]") ||
		strings.HasPrefix(out, "# ") || strings.Contains(out, "\n# ")
}

// failingPackages lists the packages go test reported as failing, or that
// go vet or go test could not compile.
func failingPackages(out string) string {
	var pkgs []string
	for line := range strings.Lines(out) {
		rest, ok := strings.CutPrefix(line, "FAIL\t")
		if !ok {
			rest, ok = strings.CutPrefix(line, "# ")
		}
		if f := strings.Fields(rest); ok && len(f) > 0 && !slices.Contains(pkgs, f[0]) {
			pkgs = append(pkgs, f[0])
		}
	}
	if len(pkgs) == 0 {
		return "none named"
	}
	return strings.Join(pkgs, ", ")
}
