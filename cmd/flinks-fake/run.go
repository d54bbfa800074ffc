package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/internal/cli"
)

const usageText = `Usage: flinks-fake [flags]

Serves the fake Flinks GenerateAuthorizeToken of package flinkstest on -addr:
tokens for the spec's demo credentials
  customer id  ` + flinkstest.DefaultCustomerID + `
  secret key   ` + flinkstest.DefaultSecretKey + `
or for keys from FLINKS_FAKE_SECRET_KEYS (comma-separated) or -secret-keys-file,
never from a flag.
Beside it: GET /v2/?authorizeToken=… (a stand-in Connect page spending the
token), GET /_fake/tokens (the issued tokens as JSON) and GET /healthz.

It answers only local Host names (localhost, *.localhost, 127.0.0.0/8, ::1)
and those in -allowed-hosts (and -tls-hosts with -tls); others get 403. With
-tls it serves https with a certificate from a CA made at start and written
to -ca-file, for SSL_CERT_FILE. Every flag can be set as FLINKS_FAKE_<FLAG>
(FLINKS_FAKE_ADDR, FLINKS_FAKE_TLS=true); the command line wins. Logs are
JSON on stderr, without secrets. docs/fake.md describes every answer.

Flags:
`

func exitCode(err error) int {
	if cli.IsUsage(err) {
		return 2
	}
	return 1
}

// envPrefix prefixes the environment variable of every flag.
const envPrefix = "FLINKS_FAKE_"

// healthzPath answers container health checks.
const healthzPath = "/healthz"

// run serves until ctx ends. If ready is not nil, it receives the bound
// address once the server accepts connections.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer,
	ready chan<- string) error {
	fs := flag.NewFlagSet("flinks-fake", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	addr := fs.String("addr", "127.0.0.1:4010", "listen on `host:port`")
	customerIDs := fs.String("customer-ids", flinkstest.DefaultCustomerID,
		"accepted customer ids, comma-separated `GUIDs`")
	keysFile := fs.String("secret-keys-file", "",
		"read accepted secret keys from `path`, one per line")
	latency := fs.Duration("latency", 0, "delay every response by `duration`")
	failNext := fs.Int("fail-next", 0, "answer the next `N` valid requests with -fail-status")
	failStatus := fs.Int("fail-status", http.StatusServiceUnavailable,
		"HTTP `status` for -fail-next")
	retryAfter := fs.String("retry-after", "", "Retry-After `value` sent with -fail-next answers")
	dropNext := fs.Int("drop-next", 0, "close the connection of the next `N` valid requests")
	malformedNext := fs.Int("malformed-next", 0, "answer the next `N` valid requests 200, not JSON")
	oversizedNext := fs.Int("oversized-next", 0,
		"answer the next `N` valid requests 200 with a body of -oversized-bytes")
	oversizedBytes := fs.Int64("oversized-bytes", 2<<20,
		"body size for -oversized-next in `bytes`; negative streams forever")
	readTimeout := fs.Duration("read-timeout", 10*time.Second,
		"a request must arrive whole within this `duration`")
	writeTimeout := fs.Duration("write-timeout", 30*time.Second,
		"time to write a response, on top of -latency and -read-timeout, `duration`")
	idleTimeout := fs.Duration("idle-timeout", time.Minute,
		"close keep-alive connections idle this long, `duration`")
	strict := fs.Bool("strict", false, "answer a request without a header the spec marks\n"+
		"required (Accept, Content-Type) 400, as a spec validator would, not as Flinks does")
	allowedHosts := fs.String("allowed-hosts", "",
		"also answer requests for these `names`, comma-separated (loopback names always)")
	useTLS := fs.Bool("tls", false,
		"serve https with a certificate for -tls-hosts from a fresh CA written to -ca-file")
	tlsHosts := fs.String("tls-hosts", defaultTLSHosts(),
		"comma-separated `names` and addresses the -tls certificate is for; answered too")
	caFile := fs.String("ca-file", "flinks-fake-ca.pem",
		"write the -tls CA certificate (PEM) to `path`, for SSL_CERT_FILE")
	version := fs.Bool("version", false, "print the version and exit")
	healthcheck := fs.Bool("healthcheck", false, "GET /healthz of the fake on -addr's port\n"+
		"on 127.0.0.1 (https trusting -ca-file with -tls) and exit 0 on a 200: a health check")
	if err := envDefaults(fs, getenv); err != nil {
		return err
	}
	if err := cli.Parse(fs, args, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *version {
		_, err := fmt.Fprintln(stdout, cli.Version("flinks-fake"))
		return err
	}
	if *healthcheck {
		return probe(ctx, *addr, *useTLS, *caFile)
	}
	if fs.NArg() > 0 {
		return cli.Errorf("%d unexpected argument(s); secret keys are never arguments, see -h",
			fs.NArg())
	}
	if *readTimeout <= 0 || *writeTimeout <= 0 || *idleTimeout <= 0 {
		return cli.Errorf("-read-timeout, -write-timeout and -idle-timeout must be positive")
	}
	keys, err := secretKeys(ctx, *keysFile, getenv)
	if err != nil {
		return cli.Wrap(err)
	}

	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	opts := []flinkstest.Option{
		flinkstest.WithCustomerIDs(splitList(*customerIDs)...),
		flinkstest.WithLatency(*latency),
		flinkstest.WithLogger(logger),
	}
	if *strict {
		opts = append(opts, flinkstest.WithStrict())
	}
	if len(keys) > 0 {
		opts = append(opts, flinkstest.WithSecretKeys(keys...))
	}
	h := flinkstest.NewHandler(opts...)
	faults := []struct {
		n int
		f flinkstest.Fault
	}{
		{*failNext, flinkstest.Fault{Status: *failStatus, RetryAfter: *retryAfter}},
		{*dropNext, flinkstest.Fault{Drop: true}},
		{*malformedNext, flinkstest.Fault{Malformed: true}},
		{*oversizedNext, flinkstest.Fault{Oversized: *oversizedBytes}},
	}
	for _, q := range faults {
		if q.n == 0 {
			continue
		}
		if err := h.FailNext(q.n, q.f); err != nil {
			return cli.Wrap(err)
		}
	}

	hosts := splitList(*allowedHosts)
	var tlsConfig *tls.Config
	if *useTLS {
		names := splitList(*tlsHosts)
		if len(names) == 0 {
			return cli.Errorf("-tls needs at least one name in -tls-hosts")
		}
		cert, caPEM, err := newCertificate(names, time.Now())
		if err != nil {
			return err
		}
		if *caFile, err = writeCA(*caFile, caPEM); err != nil {
			return err
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		hosts = append(hosts, names...)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// Every timeout bounds what a stranger can hold: a request trickled in
	// (read), a response never read (write), a connection left open (idle).
	srv := &http.Server{
		Handler:           cli.AllowHosts(hosts, withTokensList(h), refuseHost(*useTLS, logger)),
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: *readTimeout,
		ReadTimeout:       *readTimeout,
		WriteTimeout:      *readTimeout + *latency + *writeTimeout,
		IdleTimeout:       *idleTimeout,
		MaxHeaderBytes:    64 << 10,
		// TLS handshake failures
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
		go func() { served <- srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { served <- srv.Serve(ln) }()
	}
	attrs := []any{"addr", ln.Addr().String(), "scheme", scheme, "strict", *strict,
		"secret_keys", max(len(keys), 1), "customer_ids", len(splitList(*customerIDs)),
		"allowed_hosts", hosts}
	if tlsConfig != nil {
		attrs = append(attrs, "ca_file", *caFile)
	}
	logger.Info("listening", attrs...)
	if ready != nil {
		ready <- ln.Addr().String()
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// envDefaults sets each flag of fs that has a FLINKS_FAKE_<FLAG> variable
// from it, before the command line is parsed, so that a flag given there
// wins.
func envDefaults(fs *flag.FlagSet, getenv func(string) string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := envPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(name); v != "" && err == nil {
			if setErr := fs.Set(f.Name, v); setErr != nil {
				// The value may be a path or a list, never a secret: no
				// flag takes one.
				err = cli.Errorf("%s: invalid value for -%s: %v", name, f.Name, setErr)
			}
		}
	})
	return err
}

// defaultTLSHosts is the default of -tls-hosts: the loopback names and
// the machine's host name (the container's name under compose).
func defaultTLSHosts() string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if name, err := os.Hostname(); err == nil && name != "" && name != "localhost" {
		hosts = append(hosts, name)
	}
	return strings.Join(hosts, ",")
}
