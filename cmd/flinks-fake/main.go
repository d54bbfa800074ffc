// Command flinks-fake serves the fake Flinks /GenerateAuthorizeToken API of
// package flinkstest on a TCP address, for non-Go tests and compose files:
// over https with -tls (a CA made at start, written to -ca-file for
// SSL_CERT_FILE), every flag also from a FLINKS_FAKE_* variable, and only
// to requests for a local or configured Host name.
//
// Run flinks-fake -h for the flags.
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
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "flinks-fake:", err)
		os.Exit(exitCode(err))
	}
}
