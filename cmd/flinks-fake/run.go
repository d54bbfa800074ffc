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
	"strings"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/internal/cliflag"
	"github.com/flinkskit/flinks-token-go/internal/keyfile"
)

const usageText = `Usage: flinks-fake [flags]

Serves a fake Flinks GenerateAuthorizeToken (POST, at the path the embedded
Flinks OpenAPI spec gives it) that validates every request against that spec,
issues a fresh random GUID token to accepted secret keys and answers anything
else with the spec's 401 body. Point a client at http://ADDR (tokenclient.WithBaseURL, or
FLINKS_BASE_URL for flinks-token).

On the same address:
  GET /v2/?authorizeToken=…  a stand-in Flinks Connect page that spends the
                             token (401 page for an unknown, spent or expired one)
  GET /_fake/tokens          the issued tokens as JSON: token, customer_id,
                             issued_at, redeemed (for tests not written in Go)

By default it accepts the spec's demo credentials:
  customer id  ` + flinkstest.DefaultCustomerID + `
  secret key   ` + flinkstest.DefaultSecretKey + `
Other secret keys come from FLINKS_FAKE_SECRET_KEYS (comma-separated) or
-secret-keys-file (one per line), never from a flag value.

Logs go to stderr as JSON, one record per request, without secrets.
SIGINT or SIGTERM shuts down gracefully.

Flags:
`

func exitCode(err error) int {
	if cliflag.Is(err) {
		return 2
	}
	return 1
}

// run serves until ctx ends. If ready is not nil, it receives the bound
// address once the server accepts connections.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet("flinks-fake", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	addr := fs.String("addr", "127.0.0.1:4010", "listen on `host:port`")
	customerIDs := fs.String("customer-ids", flinkstest.DefaultCustomerID, "accepted customer ids, comma-separated `GUIDs`")
	keysFile := fs.String("secret-keys-file", "", "read accepted secret keys from `path`, one per line")
	latency := fs.Duration("latency", 0, "delay every response by `duration`")
	failNext := fs.Int("fail-next", 0, "answer the first `N` valid requests with -fail-status")
	failStatus := fs.Int("fail-status", http.StatusServiceUnavailable, "HTTP `status` for -fail-next")
	retryAfter := fs.String("retry-after", "", "Retry-After `value` sent with -fail-next answers")
	dropNext := fs.Int("drop-next", 0, "close the connection of the next `N` valid requests without answering")
	malformedNext := fs.Int("malformed-next", 0, "answer the next `N` valid requests 200 with a non-JSON body")
	oversizedNext := fs.Int("oversized-next", 0, "answer the next `N` valid requests 200 with a body of -oversized-bytes")
	oversizedBytes := fs.Int64("oversized-bytes", 2<<20, "body size for -oversized-next in `bytes`; negative streams forever")
	readTimeout := fs.Duration("read-timeout", flinkstest.RequestReadTimeout, "a request must arrive whole within this `duration`")
	writeTimeout := fs.Duration("write-timeout", 30*time.Second, "time to write a response, on top of -latency and -read-timeout, `duration`")
	idleTimeout := fs.Duration("idle-timeout", flinkstest.IdleTimeout, "close keep-alive connections idle this long, `duration`")
	if err := cliflag.Parse(fs, args, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return cliflag.Errorf("%d unexpected argument(s); secret keys are never arguments, see -h", fs.NArg())
	}
	if *readTimeout <= 0 || *writeTimeout <= 0 || *idleTimeout <= 0 {
		return cliflag.Errorf("-read-timeout, -write-timeout and -idle-timeout must be positive")
	}
	keys, err := secretKeys(ctx, *keysFile, getenv)
	if err != nil {
		return cliflag.Wrap(err)
	}

	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	opts := []flinkstest.Option{
		flinkstest.WithCustomerIDs(splitList(*customerIDs)...),
		flinkstest.WithLatency(*latency),
		flinkstest.WithLogger(logger),
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
			return cliflag.Wrap(err)
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// Every timeout bounds what a stranger can hold: a request trickled in
	// (read), a response never read (write), a connection left open (idle).
	srv := &http.Server{
		Handler:           withTokensList(h),
		ReadHeaderTimeout: *readTimeout,
		ReadTimeout:       *readTimeout,
		WriteTimeout:      *readTimeout + *latency + *writeTimeout,
		IdleTimeout:       *idleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String(), "secret_keys", max(len(keys), 1), "customer_ids", len(splitList(*customerIDs)))
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

// secretKeys reads accepted keys from path (through a 64 KiB limit, a
// UTF-8 BOM dropped), else FLINKS_FAKE_SECRET_KEYS; none means the spec's
// demo key.
func secretKeys(ctx context.Context, path string, getenv func(string) string) ([]string, error) {
	if path == "" {
		return splitList(getenv("FLINKS_FAKE_SECRET_KEYS")), nil
	}
	b, err := keyfile.ReadFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("read secret keys: %w", err)
	}
	var keys []string
	for line := range strings.Lines(string(b)) {
		if k := strings.TrimSpace(line); k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no secret keys", path)
	}
	return keys, nil
}

func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}
