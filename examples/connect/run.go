package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

// run serves the app until ctx ends. listening, if not nil, is told the
// address once the server accepts connections (tests pass -addr with port 0).
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer,
	listening func(net.Addr)) error {
	fs := flag.NewFlagSet("connect", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // an error is one line, not the usage too
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	fake := fs.Bool("fake", false,
		"mint tokens from an in-process fake Flinks (flinkstest): no credentials, no network")
	instance := fs.String("instance", getenv("FLINKS_INSTANCE"),
		"Flinks `instance` (default toolbox; env FLINKS_INSTANCE)")
	allowed := fs.String("allowed-hosts", "",
		"comma-separated host `names` (or IP addresses) to answer besides loopback ones,\n"+
			"for a deployment behind another name; every other Host gets 421")
	params := url.Values{}
	fs.Func("connect-param", "Connect iframe parameter `key=value`, such as demo=true (repeatable)",
		func(s string) error {
			k, v, ok := strings.Cut(s, "=")
			if !ok || k == "" {
				return fmt.Errorf("want key=value, got %q", s)
			}
			params.Add(k, v)
			return nil
		})
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(),
			"usage: connect [-fake] [-addr host:port] [-allowed-hosts names] [-instance name]\n"+
				"               [-connect-param key=value]…")
		fmt.Fprintln(fs.Output(),
			"Without -fake, the credentials come from FLINKS_CUSTOMER_ID and FLINKS_SECRET_KEY.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.Usage()
			return err
		}
		return fmt.Errorf("connect: %v; see -h", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("connect: unexpected argument %q; see -h", fs.Arg(0))
	}
	hosts, err := parseAllowedHosts(*allowed)
	if err != nil {
		return fmt.Errorf("connect: %v; see -h", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	var opts []tokenclient.Option
	customerID, secretKey := getenv("FLINKS_CUSTOMER_ID"), getenv("FLINKS_SECRET_KEY")
	if *fake {
		srv := flinkstest.NewServer()
		defer srv.Close()
		customerID, secretKey = flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey
		opts = append(opts, tokenclient.WithBaseURL(srv.URL),
			tokenclient.WithHTTPClient(srv.Client()))
		logger.Info("connect: using an in-process fake Flinks", "url", srv.URL)
	} else if *instance != "" {
		opts = append(opts, tokenclient.WithInstance(*instance))
	}
	client, err := tokenclient.New(customerID, secretKey, opts...)
	if err != nil && (customerID == "" || secretKey == "") {
		return fmt.Errorf("connect: %w; set FLINKS_CUSTOMER_ID and FLINKS_SECRET_KEY, "+
			"or pass -fake", err)
	}
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	pool, err := tokenclient.NewPool(client, tokenclient.WithMaxInFlight(maxMintsInFlight))
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer pool.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("connect: %w; choose another -addr", err)
	}
	hs := &http.Server{
		Handler:           checkHost(hosts, newMux(pool, client, params, logger)),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	logger.Info("connect: serving", "url", "http://"+ln.Addr().String()+"/")
	if listening != nil {
		listening(ln.Addr())
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("connect: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("connect: shutting down: %w", err)
	}
	return nil
}
