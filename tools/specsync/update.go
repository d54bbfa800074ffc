package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/flinkskit/flinks-token-go/internal/openapi"
)

// update takes src into the module at dir, filling in r, and returns the
// exit code. It writes nothing until the page has been read, checked and
// generated, and under failOnBreaking until the report shows no breaking
// change; after that, git holds the old tree.
func (r *report) update(ctx context.Context, dir, src string, failOnBreaking bool,
	stdin io.Reader, progress io.Writer) int {
	raw, err := readSource(ctx, src, stdin)
	if err != nil {
		return r.refuse(err)
	}
	spec, err := openapi.Extract(raw)
	if err != nil {
		return r.refuse(err)
	}
	current, err := os.ReadFile(filepath.Join(dir, "openapi.yaml"))
	if err != nil {
		return r.refuse(err)
	}
	if bytes.Equal(current, spec) {
		r.outcome = "No change: openapi.yaml already is this spec. Nothing written."
		return exitNoChange
	}
	if err := check(spec); err != nil {
		return r.refuse(err)
	}
	fmt.Fprintln(progress, "specsync: generating, then oasdiff and apidiff")
	files, err := generate(ctx, dir, spec)
	if err != nil {
		return r.refuse(err)
	}
	if r.wire, err = oasdiff(ctx, dir, current, spec); err != nil {
		return r.refuse(err)
	}
	if err := r.diffGo(ctx, dir, files); err != nil {
		return r.refuse(err)
	}
	if failOnBreaking && r.breaking() {
		r.outcome = "Refused under -fail-on-breaking: the changes below break callers. " +
			"Nothing written."
		return exitBreaking
	}
	files["openapi.yaml"] = spec
	if err := writeFiles(dir, files); err != nil {
		r.outcome = fmt.Sprintf("Writing failed part way (%s): %s restores the files.",
			md(err.Error(), 2000), undo)
		return exitWriteFailed
	}
	fmt.Fprintln(progress, "specsync: written; go test -short ./...")
	r.tested = true
	r.todo = buildAndTest(ctx, dir)
	if len(r.todo) > 0 {
		r.outcome = "Applied, but red: the to-do list below is what no longer builds or passes."
		return exitRed
	}
	r.outcome = "Applied: the module builds and passes go test -short."
	return exitGreen
}

// undo restores what update writes.
const undo = "git checkout -- openapi.yaml api internal/fakeapi"

// refuse records why nothing was written.
func (r *report) refuse(err error) int {
	r.outcome = "Refused, nothing written: " + md(err.Error(), 2000)
	return exitRefused
}
