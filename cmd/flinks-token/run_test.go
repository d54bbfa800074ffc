package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/internal/cli"
)

var fakeConnectURL = regexp.MustCompile(
	`^http://127\.0\.0\.1:[0-9]+/v2/\?authorizeToken=[0-9a-f-]{36}(&|\n$)`)

var guid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

const wrongKey = "wrong-secret-0000"

func TestRun(t *testing.T) {
	srv := flinkstest.NewServer()
	t.Cleanup(srv.Close)
	closed := httptest.NewServer(nil)
	closed.Close()
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(flinkstest.DefaultSecretKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bomFile := filepath.Join(t.TempDir(), "key-bom")
	if err := os.WriteFile(bomFile, []byte("\uFEFF"+flinkstest.DefaultSecretKey+"\r\n"),
		0o600); err != nil {
		t.Fatal(err)
	}
	realEnv := map[string]string{
		"FLINKS_CUSTOMER_ID": flinkstest.DefaultCustomerID,
		"FLINKS_SECRET_KEY":  flinkstest.DefaultSecretKey,
		"FLINKS_BASE_URL":    srv.URL,
	}
	noKey := without(realEnv, "FLINKS_SECRET_KEY")
	missingFile := filepath.Join(t.TempDir(), "none")

	tests := []struct {
		name      string
		args      []string
		env       map[string]string
		stdin     string
		fault     *flinkstest.Fault
		wantCode  int
		wantOut   func(string) bool
		wantInErr string
	}{
		{name: "fake prints a token", args: []string{"-fake"}, wantOut: isGUIDLine},
		{name: "fake ignores the environment", args: []string{"-fake", "-connect-url"},
			env: map[string]string{"FLINKS_SECRET_KEY": wrongKey, "FLINKS_CUSTOMER_ID": "x",
				"FLINKS_BASE_URL": closed.URL, "FLINKS_CONNECT_BASE_URL": "https://c.example"},
			wantOut: isFakeConnectURL},
		{name: "fake json", args: []string{"-fake", "-json"}, wantOut: isTokenJSON},
		{name: "fake connect url",
			args: []string{"-fake", "-connect-url", "-connect-param", "demo=true"},
			wantOut: func(s string) bool {
				return isFakeConnectURL(s) && strings.HasSuffix(s, "&demo=true\n")
			}},
		{name: "environment configuration", env: realEnv, wantOut: isGUIDLine},
		{name: "connect base URL", args: []string{"-connect-url"},
			env: with(realEnv, "FLINKS_CONNECT_BASE_URL", "https://c.example"),
			wantOut: func(s string) bool {
				return strings.HasPrefix(s, "https://c.example/v2/?authorizeToken=")
			}},
		{name: "secret key from file", args: []string{"-secret-key-file", keyFile}, env: noKey,
			wantOut: isGUIDLine},
		{name: "secret key from stdin", args: []string{"-secret-key-file", "-"}, env: noKey,
			stdin: flinkstest.DefaultSecretKey + "\r\n", wantOut: isGUIDLine},
		{name: "secret key file with a BOM (Windows editors)",
			args: []string{"-secret-key-file", bomFile}, env: noKey, wantOut: isGUIDLine},
		{name: "secret key on stdin with a BOM", args: []string{"-secret-key-file", "-"},
			env: noKey, stdin: "\uFEFF" + flinkstest.DefaultSecretKey, wantOut: isGUIDLine},
		{name: "help", args: []string{"-h"}, wantCode: exitOK},

		{name: "unknown flag", args: []string{"-nope"},
			wantCode: exitUsage, wantInErr: "flag provided but not defined"},
		{name: "secret key as argument", args: []string{flinkstest.DefaultSecretKey},
			env: realEnv, wantCode: exitUsage, wantInErr: "never an argument"},
		{name: "no customer id", env: without(realEnv, "FLINKS_CUSTOMER_ID"),
			wantCode: exitUsage, wantInErr: "no customer id"},
		{name: "no secret key", env: noKey, wantCode: exitUsage, wantInErr: "no secret key"},
		{name: "bad customer id", env: with(realEnv, "FLINKS_CUSTOMER_ID", "acme"),
			wantCode: exitUsage, wantInErr: "not a GUID"},
		{name: "bad instance", args: []string{"-instance", "evil.com/#"},
			env:      without(realEnv, "FLINKS_BASE_URL"),
			wantCode: exitUsage, wantInErr: "not a DNS label"},
		{name: "plain http base URL", env: with(realEnv, "FLINKS_BASE_URL", "http://f.example"),
			wantCode: exitUsage, wantInErr: "uses http for a host that is not loopback"},
		{name: "missing key file", args: []string{"-secret-key-file", missingFile},
			env: realEnv, wantCode: exitUsage, wantInErr: "read the secret key"},
		{name: "endless key file", args: []string{"-secret-key-file", "/dev/zero"},
			env: realEnv, wantCode: exitUsage, wantInErr: "larger than 64 KiB"},
		{name: "oversized stdin", args: []string{"-secret-key-file", "-"}, env: realEnv,
			stdin: strings.Repeat("k", 64<<10+1), wantCode: exitUsage, wantInErr: "larger than 64"},
		{name: "empty stdin", args: []string{"-secret-key-file", "-"}, env: realEnv,
			wantCode: exitUsage, wantInErr: "is empty"},
		{name: "connect-param without connect-url", args: []string{"-connect-param", "a=b"},
			wantCode: exitUsage, wantInErr: "needs -connect-url"},
		{name: "connect-base-url without connect-url",
			args:     []string{"-connect-base-url", "https://c.example"},
			wantCode: exitUsage, wantInErr: "needs -connect-url"},
		{name: "plain http connect base URL", args: []string{"-connect-url"},
			env:      with(realEnv, "FLINKS_CONNECT_BASE_URL", "http://c.example"),
			wantCode: exitUsage, wantInErr: "uses http for a host that is not loopback"},
		{name: "connect-param malformed", args: []string{"-connect-url", "-connect-param", "demo"},
			wantCode: exitUsage, wantInErr: "key=value"},
		{name: "bad timeout", args: []string{"-fake", "-timeout", "0s"},
			wantCode: exitUsage, wantInErr: "-timeout"},
		{name: "bad flag value", args: []string{"-fake", "-attempts", "many"},
			wantCode: exitUsage, wantInErr: `invalid value "many" for flag -attempts`},
		{name: "fake with base URL", args: []string{"-fake", "-base-url", srv.URL},
			wantCode: exitUsage, wantInErr: "-fake takes none of"},
		{name: "fake with a customer id",
			args:     []string{"-fake", "-customer-id", flinkstest.DefaultCustomerID},
			wantCode: exitUsage, wantInErr: "-fake takes none of"},
		{name: "fake with a key file", args: []string{"-fake", "-secret-key-file", "-"},
			wantCode: exitUsage, wantInErr: "-fake takes none of"},

		{name: "unauthorized", args: []string{"-secret-key-file", "-"}, env: realEnv,
			stdin: wrongKey, wantCode: exitUnauthorized, wantInErr: "401 Unauthorized"},
		{name: "unauthorized via environment", env: with(realEnv, "FLINKS_SECRET_KEY", wrongKey),
			wantCode: exitUnauthorized, wantInErr: "401"},
		{name: "other API error", env: realEnv, fault: &flinkstest.Fault{Status: 404},
			wantCode: exitAPI, wantInErr: "404 Not Found"},
		{name: "malformed answer", env: realEnv, fault: &flinkstest.Fault{Malformed: true},
			wantCode: exitAPI, wantInErr: "malformed response"},
		{name: "network error", args: []string{"-attempts", "1"},
			env:      with(realEnv, "FLINKS_BASE_URL", closed.URL),
			wantCode: exitNetwork, wantInErr: "connection refused"},
		{name: "timeout", args: []string{"-timeout", "50ms"}, env: realEnv,
			fault:    &flinkstest.Fault{Latency: time.Hour},
			wantCode: exitNetwork, wantInErr: "deadline exceeded"},
		// The 503 asks for a wait (capped at the default MaxRetryAfter,
		// 10s) past -timeout, so the client gives up at once, wrapping the
		// 503's *APIError: still a timeout, exit 5, not 4.
		{name: "timeout before a retry after a 503", args: []string{"-timeout", "3s"},
			env: realEnv, fault: &flinkstest.Fault{Status: 503, RetryAfter: "3600"},
			wantCode: exitNetwork, wantInErr: "503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				if err := srv.FailNext(1, *tt.fault); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			getenv := func(name string) string { return tt.env[name] }
			err := run(t.Context(), tt.args, getenv, strings.NewReader(tt.stdin), &stdout, &stderr)
			if got := exitCode(err); got != tt.wantCode {
				t.Errorf("exit code: got %d (%v), want %d", got, err, tt.wantCode)
			}
			if tt.wantInErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantInErr)) {
				t.Errorf("error: got %v, want it to contain %q", err, tt.wantInErr)
			}
			if tt.wantOut != nil && !tt.wantOut(stdout.String()) {
				t.Errorf("stdout: got %q", stdout.String())
			}
			if tt.wantCode != exitOK && stdout.Len() != 0 {
				t.Errorf("stdout on failure: got %q, want nothing", stdout.String())
			}
			all := stdout.String() + stderr.String() + fmt.Sprint(err)
			for _, secret := range []string{flinkstest.DefaultSecretKey, wrongKey} {
				if strings.Contains(all, secret) {
					t.Errorf("output contains a secret key: %s", all)
				}
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
			if tt.wantCode == exitUsage && (!strings.HasSuffix(err.Error(), "see -h") ||
				stderr.Len() != 0) {
				t.Errorf("usage error: got %q and stderr %q, want one line ending \"see -h\"",
					err, stderr.String())
			}
		})
	}
	// A fault left queued would fail this run.
	getenv := func(name string) string { return realEnv[name] }
	err := run(t.Context(), nil, getenv, strings.NewReader(""), io.Discard, io.Discard)
	if err != nil {
		t.Errorf("after the cases: got %v, want a token (an injected fault was never served)", err)
	}
}

func TestCancelledRunExitsOther(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := run(ctx, []string{"-fake"}, func(string) string { return "" }, nil, &bytes.Buffer{},
		&bytes.Buffer{})
	if got := exitCode(err); got != exitOther {
		t.Errorf("exit code: got %d (%v), want %d", got, err, exitOther)
	}
}

// TestVerboseLogsAttempts: -v logs every attempt with its status, the
// successful one too, and never the secret key or the token. The
// successful attempt's line comes from tokenclient.WithLogger at Debug
// level (issue 21 item 14).
func TestVerboseLogsAttempts(t *testing.T) {
	srv := flinkstest.NewServer()
	t.Cleanup(srv.Close)
	env := map[string]string{
		"FLINKS_CUSTOMER_ID": flinkstest.DefaultCustomerID,
		"FLINKS_SECRET_KEY":  flinkstest.DefaultSecretKey,
		"FLINKS_BASE_URL":    srv.URL,
	}
	tests := []struct {
		name      string
		args      []string
		fail503   bool
		wantLines []string // each a line of stderr must hold all of; none: stderr empty
	}{
		{name: "quiet without -v", fail503: true},
		{name: "a success", args: []string{"-v"},
			wantLines: []string{"attempt=1 status=200"}},
		{name: "a retry, then a success", args: []string{"-v"}, fail503: true,
			wantLines: []string{"attempt=1 503", "attempt=2 status=200"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fail503 {
				if err := srv.FailNext(1, flinkstest.Fault{Status: 503,
					RetryAfter: "0"}); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			getenv := func(n string) string { return env[n] }
			if err := run(t.Context(), tt.args, getenv, nil, &stdout, &stderr); err != nil {
				t.Fatal(err)
			}
			logs := stderr.String()
			if len(tt.wantLines) == 0 && logs != "" {
				t.Errorf("got stderr %q, want nothing", logs)
			}
			for _, want := range tt.wantLines {
				if !hasLineWith(logs, strings.Fields(want)...) {
					t.Errorf("no line of stderr holds all of %q:\n%s", want, logs)
				}
			}
			for _, secret := range []string{flinkstest.DefaultSecretKey,
				strings.TrimSpace(stdout.String())} {
				if strings.Contains(logs, secret) {
					t.Errorf("the logs contain the secret key or the token %q:\n%s", secret, logs)
				}
			}
		})
	}
}

// TestFakeLabelsItsOutput: under -fake (make demo) stdout stays the token
// or URL alone, and stderr says in one line what it is and when it
// expires; -json and runs without -fake write nothing to stderr.
func TestFakeLabelsItsOutput(t *testing.T) {
	srv := flinkstest.NewServer()
	t.Cleanup(srv.Close)
	env := map[string]string{
		"FLINKS_CUSTOMER_ID": flinkstest.DefaultCustomerID,
		"FLINKS_SECRET_KEY":  flinkstest.DefaultSecretKey,
		"FLINKS_BASE_URL":    srv.URL,
	}
	expires := regexp.MustCompile(`expires (\S+) \(in 30m0s\)\n$`)
	tests := []struct {
		args      []string
		wantLabel string // "" for an empty stderr
	}{
		{[]string{"-fake"}, "above, an authorize token: unused, single-use"},
		{[]string{"-fake", "-connect-url"}, "above, a Connect URL carrying an authorize token"},
		{[]string{"-fake", "-json"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		getenv := func(n string) string { return env[n] }
		if err := run(t.Context(), tt.args, getenv, nil, &stdout, &stderr); err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		label := stderr.String()
		if tt.wantLabel == "" {
			if label != "" {
				t.Errorf("%q: got stderr %q, want nothing", tt.args, label)
			}
			continue
		}
		if strings.Count(stdout.String(), "\n") != 1 {
			t.Errorf("%q: got stdout %q, want one line", tt.args, stdout.String())
		}
		m := expires.FindStringSubmatch(label)
		if !strings.Contains(label, tt.wantLabel) || strings.Count(label, "\n") != 1 || m == nil {
			t.Fatalf("%q: got stderr %q, want one line with %q and the expiry", tt.args, label,
				tt.wantLabel)
		}
		if at, err := time.Parse(time.RFC3339,
			m[1]); err != nil || time.Until(at) > 30*time.Minute {
			t.Errorf("%q: expiry %q: not a time within 30 minutes (%v)", tt.args, m[1], err)
		}
	}
}

// hasLineWith reports whether a line of s contains every one of parts.
func hasLineWith(s string, parts ...string) bool {
	for line := range strings.Lines(s) {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}

// SIGINT or SIGTERM (a cancelled ctx) ends a wait on stdin.
func TestInterruptedStdinRead(t *testing.T) {
	stdin, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-secret-key-file", "-"}, func(string) string { return "" },
			stdin, &bytes.Buffer{}, &bytes.Buffer{})
	}()
	cancel()
	err := <-done
	if got := exitCode(err); got != exitOther || !strings.Contains(fmt.Sprint(err),
		"interrupted while reading the secret key") {
		t.Errorf("got %v (exit %d), want an interruption (exit %d)", err, got, exitOther)
	}
}

func TestHelpDocumentsEverything(t *testing.T) {
	var stderr bytes.Buffer
	noEnv := func(string) string { return "" }
	if err := run(t.Context(), []string{"-h"}, noEnv, nil, io.Discard, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FLINKS_INSTANCE", "FLINKS_CONNECT_BASE_URL",
		"FLINKS_CUSTOMER_ID", "FLINKS_SECRET_KEY", "FLINKS_BASE_URL", "Exit codes",
		"  3  unauthorized", "  5  network"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("-h output lacks %q", want)
		}
	}
}

func isGUIDLine(s string) bool {
	return guid.MatchString(strings.TrimSuffix(s, "\n")) && strings.Count(s, "\n") == 1
}

func isFakeConnectURL(s string) bool {
	return fakeConnectURL.MatchString(s)
}

func isTokenJSON(s string) bool {
	var out struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return false
	}
	left := time.Until(out.ExpiresAt)
	return guid.MatchString(out.Token) && left > 29*time.Minute && left <= 30*time.Minute
}

func with(env map[string]string, name, value string) map[string]string {
	out := map[string]string{name: value}
	for k, v := range env {
		if k != name {
			out[k] = v
		}
	}
	return out
}

func without(env map[string]string, name string) map[string]string {
	out := with(env, name, "")
	delete(out, name)
	return out
}

func TestVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-version"}, func(string) string { return "" }, nil,
		&stdout, &stderr)
	if got := exitCode(err); got != exitOK {
		t.Fatalf("exit code: got %d (%v), want %d", got, err, exitOK)
	}
	if want := cli.Version("flinks-token") + "\n"; stdout.String() != want || stderr.Len() != 0 {
		t.Errorf("got stdout %q, stderr %q; want stdout %q and nothing else", stdout.String(),
			stderr.String(), want)
	}
}

// countingFake serves a flinkstest fake and counts the requests that
// reach it.
func countingFake(t *testing.T) (*flinkstest.Handler, *httptest.Server, *atomic.Int64) {
	t.Helper()
	fake := flinkstest.NewHandler()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return fake, srv, &n
}

// SIGINT (a cancelled ctx) while flinks-token waits to retry after a 503
// exits 1, interrupted, though the error also wraps the 503's *APIError.
func TestInterruptedRetryWaitExitsOther(t *testing.T) {
	fake, srv, requests := countingFake(t)
	// Retry-After well inside -timeout, so the client waits rather than
	// giving up at once; the test cancels long before it ends.
	if err := fake.FailNext(1, flinkstest.Fault{Status: 503, RetryAfter: "20"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"FLINKS_CUSTOMER_ID": flinkstest.DefaultCustomerID,
		"FLINKS_SECRET_KEY":  flinkstest.DefaultSecretKey,
		"FLINKS_BASE_URL":    srv.URL,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// -v logs "retrying" just before the wait starts: cancel then.
	stderr := &signalWriter{want: "retrying", seen: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-v", "-timeout", "1h"}, func(n string) string { return env[n] },
			nil, io.Discard, stderr)
	}()
	select {
	case <-stderr.seen:
		cancel()
	case err := <-done:
		t.Fatalf("run returned %v before waiting to retry", err)
	}
	err := <-done
	msg := fmt.Sprint(err)
	if got := exitCode(err); got != exitOther || !strings.HasPrefix(msg, "interrupted: ") ||
		!strings.Contains(msg, "503") {
		t.Errorf("got %v (exit %d), want exit %d and an error \"interrupted: \" naming the 503",
			err, got, exitOther)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("the fake saw %d requests, want 1 (no retry after the interruption)", n)
	}
}

// signalWriter closes seen once a write contains want.
type signalWriter struct {
	want string
	seen chan struct{}
	once sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	if strings.Contains(string(p), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}
