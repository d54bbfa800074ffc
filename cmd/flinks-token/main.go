// Command flinks-token mints one Flinks authorize token and prints it, or
// the Flinks Connect URL that spends it.
//
// Run flinks-token -h for the flags and exit codes.
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
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "flinks-token:", err)
		os.Exit(exitCode(err))
	}
}
