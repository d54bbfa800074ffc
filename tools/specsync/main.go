// Command specsync takes a new Flinks /GenerateAuthorizeToken page into the
// module, with git as the transaction: it reads and validates the spec,
// generates the Go code in memory and only then writes
// openapi.yaml, api/ and internal/fakeapi/. It reports what changed on the
// wire (oasdiff) and in Go (apidiff), the semver bump it suggests, and what
// no longer builds or passes the short tests, as a to-do list. go generate
// runs it with -generate.
//
// Run it from the module root as make update-spec [SRC=…]; see -h.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

const usageText = `Usage:
  specsync [-fail-on-breaking] [SRC]  take SRC (a file, - for stdin or an https URL; default
                                      the Flinks page) as the module's openapi.yaml
  specsync -generate [-out DIR]       write the code generated from openapi.yaml under DIR

Exit codes: 0 applied, builds and passes the short tests; 1 applied but red (the report's
to-do list); 2 refused, nothing written; 3 breaking changes refused under -fail-on-breaking,
nothing written; 4 no change, nothing written; 5 a write failed part way (git checkout --
openapi.yaml api internal/fakeapi restores them).

Flags:
`

// The exit codes usageText documents.
const (
	exitGreen = iota
	exitRed
	exitRefused
	exitBreaking
	exitNoChange
	exitWriteFailed
)

// timeout bounds a whole run: the fetch, the generators and the tests.
const timeout = 20 * time.Minute

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("specsync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	dir := fs.String("dir", ".", "the module's root `directory`")
	gen := fs.Bool("generate", false, "generate the code for the module's openapi.yaml")
	out := fs.String("out", "", "where -generate writes (default: -dir)")
	failOnBreaking := fs.Bool("fail-on-breaking", false,
		"refuse a page with breaking wire or Go changes, writing nothing")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitGreen
		}
		return exitRefused
	}
	if *gen {
		if fs.NArg() > 0 {
			fmt.Fprintln(stderr, "specsync: -generate takes no SRC; see -h")
			return exitRefused
		}
		if *out == "" {
			*out = *dir
		}
		if err := generateModule(ctx, *dir, *out); err != nil {
			fmt.Fprintln(stderr, "specsync:", err)
			return exitRefused
		}
		return exitGreen
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(stderr, "specsync: want at most one SRC; see -h")
		return exitRefused
	}
	src := canonicalPage
	if fs.NArg() == 1 {
		src = fs.Arg(0)
	}
	rep := &report{src: sourceName(src)}
	code := rep.update(ctx, *dir, src, *failOnBreaking, stdin, stderr)
	rep.print(stdout)
	return code
}
