// Command specsync takes a new Flinks /GenerateAuthorizeToken spec (the
// documentation page, raw YAML or JSON; a file, - for stdin, or an https
// URL), validates it, reports what changed against openapi.yaml with
// oasdiff, writes it, regenerates api/ and builds the module.
//
// Run it as make update-spec SRC=…; see -h for the flags.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, nil)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "specsync:", err)
		os.Exit(exitCode(err))
	}
}
