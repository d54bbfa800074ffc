package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	env := map[string]string{"FLINKS_FAKE_SECRET_KEYS": "first-key, second-key"}
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-fail-next", "1", "-fail-status", "503",
			"-retry-after", "2"},
			func(n string) string { return env[n] }, io.Discard, &logs, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("run returned before serving: %v", err)
	}

	client := func(key string) *tokenclient.Client {
		c, err := tokenclient.New(
			flinkstest.DefaultCustomerID,
			key,
			tokenclient.WithBaseURL("http://"+addr),
			tokenclient.WithRetry(tokenclient.RetryPolicy{MaxAttempts: 1}),
		)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	_, err := client("first-key").GenerateAuthorizeToken(ctx)
	if e, ok := errors.AsType[*tokenclient.APIError](err); !ok || e.StatusCode != 503 ||
		e.RetryAfter.Seconds() != 2 {
		t.Errorf("first call: got %v, want the injected 503 with Retry-After 2", err)
	}
	tok, err := client("second-key").GenerateAuthorizeToken(ctx)
	if err != nil {
		t.Errorf("second call: got %v, want a token", err)
	}
	if _, err := client(flinkstest.DefaultSecretKey).GenerateAuthorizeToken(ctx); !errors.Is(
		err,
		tokenclient.ErrUnauthorized,
	) {
		t.Errorf("demo key when keys are configured: got %v, want ErrUnauthorized", err)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after SIGINT/SIGTERM (ctx cancel): got %v, want nil", err)
	}
	out := logs.String()
	for _, want := range []string{`"msg":"listening"`, `"status":503`, `"status":200`,
		`"status":401`, `"msg":"shutting down"`} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{"first-key", "second-key", flinkstest.DefaultSecretKey,
		tok.Value} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain %q:\n%s", secret, out)
		}
	}
}

func TestSecretKeysFileWithBOM(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(keys, []byte("\uFEFFfirst-key\r\nsecond-key\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := start(t, "-secret-keys-file", keys)
	for _, key := range []string{"first-key", "second-key"} {
		c, err := tokenclient.New(
			flinkstest.DefaultCustomerID,
			key,
			tokenclient.WithBaseURL(base),
			tokenclient.WithRetry(tokenclient.RetryPolicy{MaxAttempts: 1}),
		)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GenerateAuthorizeToken(context.Background()); err != nil {
			t.Errorf("key %s from a file with a BOM: got %v, want a token", key, err)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-nope"}, "not defined"},
		{[]string{"-latency", "soon"}, `invalid value "soon" for flag -latency`},
		{[]string{"-fail-next", "1", "-fail-status", "200"}, "outside 300-599"},
		{[]string{"some-secret"}, "unexpected argument"},
		{[]string{"-fail-next", "1", "-fail-status", "99"}, "outside 300-599"},
		{[]string{"-secret-keys-file", filepath.Join(t.TempDir(), "none")}, "read secret keys"},
		{[]string{"-secret-keys-file", "/dev/zero"}, "larger than 64 KiB"},
	}
	for _, tt := range tests {
		var stderr syncBuffer
		err := run(
			context.Background(),
			tt.args,
			func(string) string { return "" },
			io.Discard,
			&stderr,
			nil,
		)
		if exitCode(err) != 2 || !strings.Contains(err.Error(), tt.want) {
			t.Errorf(
				"run(%q): got %v (exit %d), want a usage error containing %q",
				tt.args,
				err,
				exitCode(err),
				tt.want,
			)
		}
		if strings.Contains(err.Error()+stderr.String(), "some-secret") {
			t.Errorf("run(%q) echoes its argument", tt.args)
		}
		if !strings.HasSuffix(err.Error(), "see -h") || strings.Contains(err.Error(), "\n") ||
			stderr.String() != "" {
			t.Errorf(
				"run(%q): got %q and stderr %q, want one line ending \"see -h\" and nothing else",
				tt.args,
				err,
				stderr.String(),
			)
		}
	}
}

// TestFlagsFromEnvironment checks that FLINKS_FAKE_<FLAG> sets a flag and
// that the command line wins over it.
func TestFlagsFromEnvironment(t *testing.T) {
	tokenPath := tokenPath(flinkstest.DefaultCustomerID)
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantStatus int // of a request without Accept
	}{
		{"neither", nil, nil, 200},
		{"FLINKS_FAKE_STRICT=true", map[string]string{"FLINKS_FAKE_STRICT": "true"}, nil, 400},
		{
			"the flag wins",
			map[string]string{"FLINKS_FAKE_STRICT": "true"},
			[]string{"-strict=false"},
			200,
		},
		{
			"FLINKS_FAKE_FAIL_NEXT with a hyphenated name",
			map[string]string{"FLINKS_FAKE_FAIL_NEXT": "1", "FLINKS_FAKE_FAIL_STATUS": "502"},
			nil,
			502,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, _ := startEnv(t, tt.env, tt.args...)
			req, err := http.NewRequest(http.MethodPost, "http://"+addr+tokenPath, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("flinks-auth-key", flinkstest.DefaultSecretKey)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("got %d, want %d", resp.StatusCode, tt.wantStatus)
			}
		})
	}

	err := run(context.Background(), nil, func(n string) string {
		return map[string]string{"FLINKS_FAKE_LATENCY": "soon"}[n]
	}, io.Discard, io.Discard, nil)
	if exitCode(err) != 2 || !strings.Contains(fmt.Sprint(err), "FLINKS_FAKE_LATENCY") {
		t.Errorf("FLINKS_FAKE_LATENCY=soon: got %v, want a usage error naming the variable", err)
	}
}

func TestVersion(t *testing.T) {
	var stdout strings.Builder
	if err := run(context.Background(), []string{"-version"}, func(string) string { return "" },
		&stdout, io.Discard, nil); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); !strings.HasPrefix(got, "flinks-fake ") ||
		strings.Count(got, "\n") != 1 {
		t.Errorf("-version: got %q, want one line starting \"flinks-fake \"", got)
	}
}
