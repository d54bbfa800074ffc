package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/internal/cli"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

// Exit codes, documented in -h.
const (
	exitOK           = 0
	exitOther        = 1
	exitUsage        = 2
	exitUnauthorized = 3
	exitAPI          = 4
	exitNetwork      = 5
)

const usageText = `Usage: flinks-token [flags]

Mints one single-use Flinks authorize token and prints it alone on a line (valid for at most
30 minutes, spent by its first use). A flag left out falls back on its environment variable.
The secret key is never a flag value (shell history, ps): it comes from FLINKS_SECRET_KEY, or
from -secret-key-file (a path, or - for stdin).

Flags:
`

const exitCodesText = `
Exit codes:
  0  a token (or Connect URL) was printed
  1  interrupted (SIGINT, SIGTERM) or an unexpected error
  2  usage error: bad flag, missing or malformed configuration
  3  unauthorized: Flinks rejected the secret key (401)
  4  other Flinks API error (non-2xx, malformed answer)
  5  network error or timeout (-timeout ran out, waits between attempts included)

Examples:
  flinks-token -fake         # no credentials, no network: an in-process fake Flinks
  FLINKS_CUSTOMER_ID=… FLINKS_SECRET_KEY=… flinks-token -instance sandbox -connect-url
  flinks-token -secret-key-file key.txt -json
`

type config struct {
	instance, customerID, baseURL, connectURLBase, keyFile string
	connectURL, jsonOut, fake, verbose, version            bool
	params                                                 url.Values
	timeout                                                time.Duration
	attempts                                               int
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader,
	stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if cfg.version {
		_, err := fmt.Fprintln(stdout, cli.Version("flinks-token"))
		return err
	}
	secretKey := flinkstest.DefaultSecretKey
	if cfg.fake {
		srv := flinkstest.NewServer()
		defer srv.Close()
		cfg.baseURL, cfg.customerID = srv.URL, flinkstest.DefaultCustomerID
	} else if secretKey, err = readSecretKey(ctx, cfg.keyFile, getenv, stdin); err != nil {
		return err
	}
	switch {
	case cfg.customerID == "":
		return cli.Errorf("no customer id: set FLINKS_CUSTOMER_ID or -customer-id (or use -fake)")
	case secretKey == "":
		return cli.Errorf("no secret key: set FLINKS_SECRET_KEY or -secret-key-file (or use -fake)")
	}
	opts := []tokenclient.Option{
		tokenclient.WithRetry(tokenclient.RetryPolicy{MaxAttempts: cfg.attempts}),
		tokenclient.WithUserAgent("flinks-token"),
	}
	if cfg.instance != "" {
		opts = append(opts, tokenclient.WithInstance(cfg.instance))
	}
	if cfg.baseURL != "" {
		opts = append(opts, tokenclient.WithBaseURL(cfg.baseURL))
	}
	if cfg.connectURLBase != "" {
		opts = append(opts, tokenclient.WithConnectBaseURL(cfg.connectURLBase))
	}
	if cfg.verbose {
		h := slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		opts = append(opts, tokenclient.WithLogger(slog.New(h)))
	}
	client, err := tokenclient.New(cfg.customerID, secretKey, opts...)
	if err != nil {
		return cli.Wrap(err)
	}
	callCtx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	tok, err := client.GenerateAuthorizeToken(callCtx)
	if err != nil && ctx.Err() != nil {
		// SIGINT or SIGTERM, perhaps during a wait between attempts: the
		// error also wraps the last attempt's (an *APIError after a 503),
		// but the user stopped it, so exitCode says 1.
		return fmt.Errorf("interrupted: %w", err)
	} else if err != nil {
		return err
	}
	return printToken(stdout, stderr, cfg, client, tok)
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	cfg := config{params: url.Values{}}
	fs := flag.NewFlagSet("flinks-token", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), exitCodesText)
	}
	fs.StringVar(&cfg.instance, "instance", "", "Flinks `instance`: toolbox, sandbox or your "+
		"production name\n(default toolbox; env FLINKS_INSTANCE)")
	fs.StringVar(&cfg.customerID, "customer-id", "",
		"your customer id, a `GUID` (env FLINKS_CUSTOMER_ID)")
	fs.StringVar(&cfg.baseURL, "base-url", "",
		"base `URL` overriding the instance, for proxies and fakes (env FLINKS_BASE_URL)")
	fs.StringVar(&cfg.keyFile, "secret-key-file", "",
		"read the secret key from `path` (- for stdin) instead of FLINKS_SECRET_KEY")
	fs.BoolVar(&cfg.connectURL, "connect-url", false, "print the Flinks Connect iframe URL "+
		"that spends the token instead of the token;\nunder -base-url or -fake it is the fake's "+
		"stand-in Connect page on that origin\n(-fake's stops when flinks-token exits)")
	fs.StringVar(&cfg.connectURLBase, "connect-base-url", "", "base `URL` of the Connect page "+
		"for -connect-url,\nwhen -base-url is a proxy (env FLINKS_CONNECT_BASE_URL)")
	fs.Func("connect-param", "add `key=value` to the Connect URL (repeatable), e.g. demo=true",
		func(kv string) error {
			k, v, ok := strings.Cut(kv, "=")
			switch {
			case !ok || k == "":
				return fmt.Errorf("want key=value, got %q", kv)
			case strings.EqualFold(k, "authorizeToken"):
				// Refused here, before a token is minted and wasted.
				return errors.New("the Connect URL carries the token flinks-token mints: " +
					"no authorizeToken")
			}
			cfg.params.Add(k, v)
			return nil
		})
	fs.BoolVar(&cfg.jsonOut, "json", false,
		`print {"token":…,"expires_at":…} (with "connect_url" under -connect-url)`)
	fs.BoolVar(&cfg.fake, "fake", false, "mint against an in-process fake Flinks with the "+
		"spec's demo credentials:\nno credentials, no network, no environment; stdout holds "+
		"only the token (or URL),\na line on stderr says what it is")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second,
		"give up after this `duration`, retries included")
	fs.IntVar(&cfg.attempts, "attempts", 3, "attempts at most, for network errors and 408/429/5xx")
	fs.BoolVar(&cfg.verbose, "v", false,
		"log every attempt and retry to stderr (never the secret key or the token)")
	fs.BoolVar(&cfg.version, "version", false, "print the version flinks-token was built from")
	if err := cli.Parse(fs, args, stderr); err != nil || cfg.version {
		return cfg, err
	}
	switch {
	case fs.NArg() > 0:
		// Not echoed: a stray argument may well be the secret key.
		return cfg, cli.Errorf("%d unexpected argument(s) after the flags; "+
			"the secret key is never an argument, see -h", fs.NArg())
	case len(cfg.params) > 0 && !cfg.connectURL:
		return cfg, cli.Errorf("-connect-param needs -connect-url")
	case cfg.connectURLBase != "" && !cfg.connectURL:
		return cfg, cli.Errorf("-connect-base-url needs -connect-url")
	case cfg.timeout <= 0:
		return cfg, cli.Errorf("-timeout must be positive")
	case cfg.attempts < 1:
		return cfg, cli.Errorf("-attempts must be at least 1")
	case cfg.fake && cfg.customerID+cfg.keyFile+cfg.baseURL+cfg.connectURLBase != "":
		return cfg, cli.Errorf("-fake takes none of -customer-id, -secret-key-file, " +
			"-base-url, -connect-base-url")
	case cfg.fake:
		return cfg, nil // the environment is not the fake's
	}
	for v, name := range map[*string]string{&cfg.instance: "FLINKS_INSTANCE",
		&cfg.customerID: "FLINKS_CUSTOMER_ID", &cfg.baseURL: "FLINKS_BASE_URL",
		&cfg.connectURLBase: "FLINKS_CONNECT_BASE_URL"} {
		if *v == "" {
			*v = getenv(name)
		}
	}
	return cfg, nil
}

// readSecretKey reads the key from path ("-" for stdin) through
// cli.ReadSecret or, without a path, from FLINKS_SECRET_KEY; one trailing
// newline is dropped, and SIGINT or SIGTERM (ctx) interrupts a wait on
// stdin.
func readSecretKey(ctx context.Context, path string, getenv func(string) string,
	stdin io.Reader) (string, error) {
	if path == "" {
		return getenv("FLINKS_SECRET_KEY"), nil
	}
	var b []byte
	var err error
	if path == "-" {
		b, err = cli.ReadSecret(ctx, stdin)
	} else {
		b, err = cli.ReadSecretFile(ctx, path)
	}
	key := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	switch {
	case ctx.Err() != nil:
		return "", fmt.Errorf("interrupted while reading the secret key: %w", ctx.Err())
	case err != nil:
		return "", cli.Errorf("read the secret key: %w", err)
	case key == "":
		return "", cli.Errorf("the secret key from %s is empty", path)
	}
	return key, nil
}
