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
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/flinkskit/flinks-token-go/internal/specpage"
	"github.com/flinkskit/flinks-token-go/internal/specvalidate"
)

const usageText = `Usage: specsync [flags] SRC

Updates openapi.yaml from SRC when Flinks publishes a new spec, in one safe step:
  1. reads SRC: a file path, - for stdin, or an https URL;
  2. extracts the spec: the single ` + "```yaml" + ` fence of a documentation page, or raw YAML or JSON;
  3. loads and validates it with kin-openapi, and refuses anything invalid or ambiguous
     (no fence, two fences, not OpenAPI 3, no generateAuthorizeToken operation);
  4. prints the changes against the current openapi.yaml (oasdiff), breaking ones marked;
  5. writes openapi.yaml atomically, regenerates api/ (go generate, as make generate) and
     builds the module, so you see at once whether tokenclient still compiles.
A spec identical to openapi.yaml is a no-op that says "no changes".

Exit codes: 0 done or no changes; 1 invalid spec or failed regeneration/build;
2 usage error; 3 breaking changes under -fail-on-breaking (nothing written).

Flags:
`

// The operation this module exists for; a spec without it is the wrong spec.
const operationID = "generateAuthorizeToken"

// maxSpecBytes bounds what is read from SRC.
const maxSpecBytes = 8 << 20

type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// errBreaking is returned under -fail-on-breaking.
var errBreaking = errors.New("breaking changes; openapi.yaml left untouched (drop -fail-on-breaking to apply them)")

func exitCode(err error) int {
	switch {
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
	failOnBreaking := fs.Bool("fail-on-breaking", false, "exit 3 without writing anything if the new spec has breaking changes")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err}
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("want exactly one SRC (a file, - for stdin, or an https URL); see -h")}
	}
	src := fs.Arg(0)

	raw, err := readSource(ctx, src, stdin, httpClient)
	if err != nil {
		return err
	}
	spec, err := specpage.Extract(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	if err := validate(spec); err != nil {
		return fmt.Errorf("%s: %w; openapi.yaml left untouched", src, err)
	}

	specPath := filepath.Join(*dir, "openapi.yaml")
	current, err := os.ReadFile(specPath)
	if err != nil {
		return fmt.Errorf("read the current spec: %w (is -dir the module root?)", err)
	}
	if bytes.Equal(current, spec) {
		fmt.Fprintln(stdout, "no changes: openapi.yaml already is this spec")
		return nil
	}

	changes, err := diff(ctx, *dir, current, spec)
	if err != nil {
		return err
	}
	printReport(stdout, changes)
	if *failOnBreaking && changes.breaking() > 0 {
		return errBreaking
	}

	if err := writeAtomic(specPath, spec); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "wrote openapi.yaml; regenerating api/ and building")
	for _, step := range [][]string{{"go", "generate", "./..."}, {"go", "build", "./..."}} {
		if err := runIn(ctx, *dir, stdout, stderr, step...); err != nil {
			return fmt.Errorf("%s failed: %w; openapi.yaml and api/ now hold the new spec: fix the hand-written code against the new types, or git checkout -- openapi.yaml api/ to go back", strings.Join(step, " "), err)
		}
	}
	fmt.Fprintln(stdout, "done: api/ regenerated and the module builds; run make test, review git diff, commit")
	return nil
}

// validate loads spec with kin-openapi and checks it is the Flinks
// GenerateAuthorizeToken spec.
func validate(spec []byte) error {
	// Check the version before validating, which would only say that an
	// OpenAPI 2 document lacks an openapi field.
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return fmt.Errorf("not a loadable spec: %w", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		return fmt.Errorf("not an OpenAPI 3 spec (openapi: %q); Flinks publishes OpenAPI 3", doc.OpenAPI)
	}
	v, err := specvalidate.Load(spec)
	if err != nil {
		return err
	}
	for path, item := range v.Doc().Paths.Map() {
		for method, op := range item.Operations() {
			if strings.EqualFold(op.OperationID, operationID) {
				if method != http.MethodPost {
					return fmt.Errorf("operation %s is %s %s, want POST", operationID, method, path)
				}
				return nil
			}
		}
	}
	return fmt.Errorf("no %s operation: this is not the Flinks /GenerateAuthorizeToken spec", operationID)
}

// writeAtomic replaces path with data so that readers see the old or the
// new file, never a partial one.
func writeAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".openapi-*.yaml")
	if err != nil {
		return fmt.Errorf("write openapi.yaml: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write openapi.yaml: %w", err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write openapi.yaml: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write openapi.yaml: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write openapi.yaml: %w", err)
	}
	return nil
}

func runIn(ctx context.Context, dir string, stdout, stderr io.Writer, argv ...string) error {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd.Run()
}
