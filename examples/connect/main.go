// Command connect is an example web app whose page embeds Flinks Connect
// with a fresh authorize token on every view.
//
//	go run . -fake -addr 127.0.0.1:8080   # offline, on flinkstest
//	FLINKS_CUSTOMER_ID=… FLINKS_SECRET_KEY=… go run . -instance sandbox
//
// It answers only requests for loopback names and addresses (localhost,
// 127.0.0.1, [::1]), against DNS rebinding; -allowed-hosts adds names
// for a deployment behind another one.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stderr, nil)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
