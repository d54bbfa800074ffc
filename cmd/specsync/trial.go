package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
)

// clientPackages are the packages whose exported API importers see.
var clientPackages = []string{"api", "tokenclient"}

// maxToolOutput bounds what is kept of a tool's output.
const maxToolOutput = 1 << 20

// inTrialEnv is set for everything a trial runs: a specsync started by a
// test that forgot to skip under -short refuses to start another trial
// instead of recursing.
const inTrialEnv = "SPECSYNC_IN_TRIAL"

// generatedDirs are the directories go generate writes: api for
// importers, internal/fakeapi for the fake. specsync replaces them (and
// openapi.yaml and CHANGELOG.md) in one switch.
var generatedDirs = []string{"api", filepath.Join("internal", "fakeapi")}

// staticcheckChecks are the checks make staticcheck runs (see Makefile): all
// the defaults but SA1019, since a deprecation Flinks marks in the spec is
// reported by specsync and must not fail CI by itself.
const staticcheckChecks = "inherit,-SA1019"

// cancelWait bounds how long an interrupted command may take to clean up.
const cancelWait = 5 * time.Second

// trial is a temporary copy of the module holding the new spec.
type trial struct {
	module string // the module's own root
	dir    string // the copy
	path   string // the module path, from go.mod
	exp    string // where export data for apidiff goes
	env    []string
}

// newTrial copies the module at module (without .git) to a temporary
// directory and puts spec in it as openapi.yaml.
func newTrial(module string, spec []byte) (*trial, error) {
	if os.Getenv(inTrialEnv) != "" {
		return nil, errors.New("refusing to start a trial inside a trial: a test that runs specsync must skip under -short")
	}
	// The same spec gets the same directory, so that go test's cached
	// results, which record the absolute paths of the files tests open,
	// carry over from one trial to the next; a directory taken by a
	// concurrent trial (or left by a killed one) means a fresh one.
	sum := sha256.Sum256(spec)
	tmp := filepath.Join(os.TempDir(), "specsync-trial-"+hex.EncodeToString(sum[:8]))
	if err := os.Mkdir(tmp, 0o700); err != nil {
		if tmp, err = os.MkdirTemp("", "specsync-trial-"); err != nil {
			return nil, err
		}
	}
	t := &trial{module: module, dir: filepath.Join(tmp, "module"), exp: filepath.Join(tmp, "exports")}
	// The build flags stay those of make test (no -trimpath), so that the
	// standard library and the dependencies come from the build cache
	// make test filled; only this module's packages compile anew, once
	// per spec (their directory is the spec's, see above).
	t.env = append(os.Environ(), inTrialEnv+"=1")
	if err := copyTree(module, t.dir); err != nil {
		t.Close()
		return nil, fmt.Errorf("copy the module to a temporary directory: %w", err)
	}
	if err := os.Mkdir(t.exp, 0o700); err != nil {
		t.Close()
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(t.dir, "openapi.yaml"), spec, 0o644); err != nil {
		t.Close()
		return nil, err
	}
	gomod, err := os.ReadFile(filepath.Join(t.dir, "go.mod"))
	if err != nil {
		t.Close()
		return nil, err
	}
	for line := range strings.Lines(string(gomod)) {
		if rest, ok := strings.CutPrefix(line, "module "); ok {
			t.path = strings.TrimSpace(rest)
		}
	}
	return t, nil
}

// Close removes the copy.
func (t *trial) Close() { os.RemoveAll(filepath.Dir(t.dir)) }

// generate regenerates the generated directories from scratch in the
// copy, as make check-generated does.
func (t *trial) generate(ctx context.Context) (string, error) {
	for _, d := range generatedDirs {
		gen, _ := filepath.Glob(filepath.Join(t.dir, d, "*.gen.go"))
		for _, f := range gen {
			if err := os.Remove(f); err != nil {
				return "", err
			}
		}
	}
	return t.goCmd(ctx, t.dir, "generate", "./...")
}

// step is one check of make test, run on the copy.
type step struct {
	name string
	args func(t *trial, ctx context.Context) ([]string, error)
}

// ciSteps are what make test runs after check-generated (which generate
// stands for), minus actionlint, which no spec affects: go vet,
// staticcheck on the hand-written packages, go test -race. The tests run
// with -short, under which tests that start trials themselves skip.
var ciSteps = []step{
	{"go vet ./...", func(*trial, context.Context) ([]string, error) { return []string{"vet", "./..."}, nil }},
	{"staticcheck", func(t *trial, ctx context.Context) ([]string, error) {
		out, err := t.goCmd(ctx, t.dir, "list", "./...")
		if err != nil {
			return nil, fmt.Errorf("go list ./...: %w: %s", err, firstLines(out, 5))
		}
		args := []string{"tool", "-modfile=tools/go.mod", "staticcheck", "-checks=" + staticcheckChecks}
		for line := range strings.Lines(out) {
			pkg := strings.TrimSpace(line)
			if pkg != "" && !slices.ContainsFunc(generatedDirs, func(d string) bool { return pkg == t.path+"/"+filepath.ToSlash(d) }) {
				args = append(args, pkg)
			}
		}
		return args, nil
	}},
	{"go test -race -short ./...", func(*trial, context.Context) ([]string, error) {
		return []string{"test", "-race", "-short", "-vet=off", "-timeout=10m", "./..."}, nil
	}},
}

// apidiff compares pkg's exported API in the module and in the copy.
func (t *trial) apidiff(ctx context.Context, pkg string) (goChanges, string, error) {
	importPath := t.path + "/" + pkg
	oldExp, newExp := filepath.Join(t.exp, pkg+".old"), filepath.Join(t.exp, pkg+".new")
	for _, w := range []struct{ dir, file string }{{t.module, oldExp}, {t.dir, newExp}} {
		if out, err := t.goCmd(ctx, w.dir, "tool", "-modfile=tools/go.mod", "apidiff", "-w", w.file, importPath); err != nil {
			return goChanges{}, out, err
		}
	}
	out, err := t.goCmd(ctx, t.dir, "tool", "-modfile=tools/go.mod", "apidiff", oldExp, newExp)
	if err != nil {
		return goChanges{}, out, err
	}
	return parseAPIDiff(pkg, out), "", nil
}

// goCmd runs the go command in dir.
func (t *trial) goCmd(ctx context.Context, dir string, args ...string) (string, error) {
	return runGroup(ctx, dir, t.env, "go", args...)
}

// runGroup runs name in dir in a process group of its own and returns its
// output, bounded. When ctx ends (SIGINT or SIGTERM in main), the whole
// group gets SIGINT: go and what it started, test binaries and generators
// included; go removes its work directories ($TMPDIR/go-build*) on SIGINT.
// Whatever is left of the group after cancelWait, or when the command
// ends, is killed.
func runGroup(ctx context.Context, dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = cancelWait
	out := &limitedBuffer{max: maxToolOutput}
	cmd.Stdout, cmd.Stderr = out, out
	err := cmd.Run()
	if cmd.Process != nil {
		// Children that outlive go (a test binary's own children) go too.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	return out.String(), err
}

// goChanges is apidiff's verdict on one package.
type goChanges struct {
	pkg          string
	incompatible []string
	compatible   []string
}

// growingInterfaces are generated interfaces that gain a method with every
// new operation on the page. apidiff calls that incompatible, but it only
// breaks code implementing them (mocks), not code calling them, so a new
// operation stays a minor change.
var growingInterfaces = regexp.MustCompile(`^(ClientInterface|ClientWithResponsesInterface)\.\w+: added$`)

func parseAPIDiff(pkg, out string) goChanges {
	c := goChanges{pkg: pkg}
	var into *[]string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "Incompatible changes:"):
			into = &c.incompatible
		case strings.HasPrefix(line, "Compatible changes:"):
			into = &c.compatible
		case strings.HasPrefix(line, "- ") && into != nil:
			change := strings.TrimPrefix(line, "- ")
			if into == &c.incompatible && growingInterfaces.MatchString(change) {
				c.compatible = append(c.compatible, change+" (breaks only your own implementations, such as mocks)")
				continue
			}
			*into = append(*into, change)
		}
	}
	return c
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	buf bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string { return b.buf.String() }

// firstLines returns the first n non-empty lines of s, indented.
func firstLines(s string, n int) string {
	var lines []string
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, "\r\n")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "ok ") || strings.HasPrefix(line, "?") {
			continue
		}
		// Tool output can quote the spec (a name with escape sequences).
		lines = append(lines, "    "+printable(strings.ReplaceAll(line, "\t", "    "), 500))
		if len(lines) == n {
			break
		}
	}
	return strings.Join(lines, "\n")
}
