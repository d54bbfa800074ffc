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

Mints one single-use Flinks authorize token and prints it (valid for at most
30 minutes, spent by its first use).

Configuration comes from flags or the environment:
  FLINKS_INSTANCE     the {instance} of https://{instance}-api.private.fin.ag (default toolbox)
  FLINKS_CUSTOMER_ID  your customer id (a GUID)
  FLINKS_SECRET_KEY   your secret key
  FLINKS_BASE_URL     a base URL overriding the instance (a proxy or a fake)
  FLINKS_CONNECT_BASE_URL
                      the Connect page's base URL for -connect-url when
                      FLINKS_BASE_URL is a proxy (default: FLINKS_BASE_URL,
                      where a fake serves its Connect page, or else
                      https://{instance}-iframe.private.fin.ag)
The secret key is never a flag value (shell history, ps): it comes from
FLINKS_SECRET_KEY, or from -secret-key-file (a path, or - for stdin).

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
  flinks-token -fake                      # no credentials, no network: an in-process fake Flinks
  FLINKS_CUSTOMER_ID=… FLINKS_SECRET_KEY=… flinks-token -instance sandbox -connect-url
  flinks-token -secret-key-file key.txt -json
`

type config struct {
	instance       string
	customerID     string
	baseURL        string
	connectURLBase string
	keyFile        string
	connectURL     bool
	params         url.Values
	jsonOut        bool
	fake           bool
	timeout        time.Duration
	attempts       int
	verbose        bool
	version        bool
	// explicit holds the flags given on the command line; under -fake
	// only these override the fake's credentials, not the environment.
	explicit map[string]bool
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if cfg.version {
		_, err := fmt.Fprintln(stdout, cli.Version("flinks-token"))
		return err
	}
	if cfg.fake {
		// A fake that ignores the environment, so that real credentials
		// exported in the shell neither fail the demo nor reach it.
		getenv = func(string) string { return "" }
		var stop func()
		cfg.baseURL, stop = startFake()
		defer stop()
		if !cfg.explicit["connect-base-url"] {
			cfg.connectURLBase = ""
		}
		switch {
		case !cfg.explicit["customer-id"]:
			cfg.customerID = flinkstest.DefaultCustomerID
		case cfg.customerID != flinkstest.DefaultCustomerID:
			// The fake would answer 401, which reads as a bad secret key.
			// The value is not echoed: it may be a key in the wrong flag.
			return cli.Errorf("-fake accepts only the demo customer id %s: drop -customer-id, or leave out -fake to use yours", flinkstest.DefaultCustomerID)
		}
		if !cfg.explicit["secret-key-file"] {
			cfg.keyFile = ""
			getenv = func(name string) string {
				if name == "FLINKS_SECRET_KEY" {
					return flinkstest.DefaultSecretKey
				}
				return ""
			}
		}
	}
	secretKey, err := readSecretKey(ctx, cfg.keyFile, getenv, stdin)
	if err != nil {
		return err
	}
	if cfg.customerID == "" {
		return cli.Errorf("no customer id: set FLINKS_CUSTOMER_ID or -customer-id (or use -fake)")
	}
	if secretKey == "" {
		return cli.Errorf("no secret key: set FLINKS_SECRET_KEY or -secret-key-file (or use -fake)")
	}

	opts := []tokenclient.Option{
		tokenclient.WithInstance(cfg.instance),
		tokenclient.WithRetry(tokenclient.RetryPolicy{MaxAttempts: cfg.attempts}),
		tokenclient.WithUserAgent("flinks-token"),
	}
	if cfg.baseURL != "" {
		opts = append(opts, tokenclient.WithBaseURL(cfg.baseURL))
	}
	if cfg.connectURLBase != "" {
		opts = append(opts, tokenclient.WithConnectBaseURL(cfg.connectURLBase))
	}
	if cfg.verbose {
		opts = append(opts, tokenclient.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	client, err := tokenclient.New(cfg.customerID, secretKey, opts...)
	if err != nil {
		return cli.Wrap(err)
	}
	callCtx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	tok, err := client.GenerateAuthorizeToken(callCtx)
	if err != nil {
		if ctx.Err() != nil {
			// SIGINT or SIGTERM, perhaps during a wait between attempts:
			// the error also wraps the last attempt's (an *APIError after
			// a 503), but the user stopped it, so exitCode says 1.
			return fmt.Errorf("interrupted: %w", err)
		}
		return err
	}
	return printToken(stdout, stderr, cfg, client, tok)
}

// startFake starts the in-process fake for -fake and returns its URL and
// its Close; a test replaces it to keep the fake up after run returns.
var startFake = func() (baseURL string, stop func()) {
	srv := flinkstest.NewServer()
	return srv.URL, srv.Close
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	cfg := config{params: url.Values{}, explicit: map[string]bool{}}
	fs := flag.NewFlagSet("flinks-token", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), exitCodesText)
	}
	fs.StringVar(&cfg.instance, "instance", envOr(getenv, "FLINKS_INSTANCE", "toolbox"), "Flinks `instance`: toolbox, sandbox or your production name (env FLINKS_INSTANCE)")
	fs.StringVar(&cfg.customerID, "customer-id", getenv("FLINKS_CUSTOMER_ID"), "your customer id, a `GUID` (env FLINKS_CUSTOMER_ID)")
	fs.StringVar(&cfg.baseURL, "base-url", getenv("FLINKS_BASE_URL"), "base `URL` overriding the instance, for proxies and fakes (env FLINKS_BASE_URL)")
	fs.StringVar(&cfg.keyFile, "secret-key-file", "", "read the secret key from `path` (- for stdin) instead of FLINKS_SECRET_KEY")
	fs.BoolVar(&cfg.connectURL, "connect-url", false, "print the Flinks Connect iframe URL that spends the token instead of the token;\nunder -base-url or -fake it is the fake's stand-in Connect page on that origin\n(-fake's stops when flinks-token exits)")
	fs.StringVar(&cfg.connectURLBase, "connect-base-url", getenv("FLINKS_CONNECT_BASE_URL"), "base `URL` of the Connect page for -connect-url, when -base-url is a proxy (env FLINKS_CONNECT_BASE_URL)")
	fs.Func("connect-param", "add `key=value` to the Connect URL (repeatable), e.g. demo=true", func(kv string) error {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return fmt.Errorf("want key=value, got %q", kv)
		}
		cfg.params.Add(k, v)
		return nil
	})
	fs.BoolVar(&cfg.jsonOut, "json", false, `print {"token":…,"expires_at":…} (with "connect_url" under -connect-url)`)
	fs.BoolVar(&cfg.fake, "fake", false, "mint against an in-process fake Flinks with the spec's demo credentials: no credentials, no network;\nthe environment is ignored, -customer-id and -secret-key-file are not;\nstdout holds only the token (or URL), a line on stderr says what it is")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "give up after this `duration`, retries included")
	fs.IntVar(&cfg.attempts, "attempts", 3, "attempts at most, for network errors and 408/429/5xx")
	fs.BoolVar(&cfg.verbose, "v", false, "log attempts and retries to stderr (never the secret key or the token)")
	fs.BoolVar(&cfg.version, "version", false, "print the version flinks-token was built from and exit")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return cfg, err
	}
	if cfg.version {
		return cfg, nil
	}
	fs.Visit(func(f *flag.Flag) { cfg.explicit[f.Name] = true })
	switch {
	case fs.NArg() > 0:
		// Not echoed: a stray argument may well be the secret key.
		return cfg, cli.Errorf("%d unexpected argument(s) after the flags; the secret key is never an argument, see -h", fs.NArg())
	case len(cfg.params) > 0 && !cfg.connectURL:
		return cfg, cli.Errorf("-connect-param needs -connect-url")
	case hasAuthorizeToken(cfg.params):
		// Found here, before a token is minted and wasted.
		return cfg, cli.Errorf("-connect-param must not set authorizeToken: the URL carries the token flinks-token mints")
	case cfg.explicit["connect-base-url"] && !cfg.connectURL:
		return cfg, cli.Errorf("-connect-base-url needs -connect-url")
	case cfg.timeout <= 0:
		return cfg, cli.Errorf("-timeout must be positive")
	case cfg.attempts < 1:
		return cfg, cli.Errorf("-attempts must be at least 1")
	case cfg.fake && cfg.explicit["base-url"]:
		return cfg, cli.Errorf("-fake and -base-url exclude each other")
	}
	return cfg, nil
}

// hasAuthorizeToken reports whether params set authorizeToken, in any
// letter case, so that no variant reaches the Connect URL beside the
// minted token.
func hasAuthorizeToken(params url.Values) bool {
	for k := range params {
		if strings.EqualFold(k, "authorizeToken") {
			return true
		}
	}
	return false
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// readSecretKey reads the key from path ("-" for stdin) or, without a
// path, from FLINKS_SECRET_KEY. Files and stdin are read through a 64 KiB
// limit, a UTF-8 BOM and one trailing newline are dropped, and SIGINT or
// SIGTERM (ctx) interrupts a wait on stdin.
func readSecretKey(ctx context.Context, path string, getenv func(string) string, stdin io.Reader) (string, error) {
	if path == "" {
		return getenv("FLINKS_SECRET_KEY"), nil
	}
	var (
		b   []byte
		err error
	)
	if path == "-" {
		b, err = cli.ReadSecret(ctx, stdin)
	} else {
		b, err = cli.ReadSecretFile(ctx, path)
	}
	if ctx.Err() != nil {
		return "", fmt.Errorf("interrupted while reading the secret key: %w", ctx.Err())
	}
	if err != nil {
		return "", cli.Errorf("read the secret key: %w", err)
	}
	key := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if key == "" {
		return "", cli.Errorf("the secret key from %s is empty", path)
	}
	return key, nil
}
