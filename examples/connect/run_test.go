package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

func noEnv(string) string { return "" }

// TestRunFake runs what `go run . -fake` runs: the app on an in-process
// fake, offline, until its context ends.
func TestRunFake(t *testing.T) {
	base, stop := startRun(t, "-fake", "-connect-param", "demo=true")

	resp, body := get(t, base+"/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /: got %d, want 200:\n%s", resp.StatusCode, body)
	}
	_, src, origin := iframe(t, body)
	if !strings.HasPrefix(src, origin+flinkstest.ConnectPath+"?authorizeToken=") ||
		!strings.HasSuffix(src, "&demo=true") {
		t.Errorf("iframe src %q: want %s%s?authorizeToken=…&demo=true", src, origin,
			flinkstest.ConnectPath)
	}
	if !strings.HasPrefix(origin, "http://127.0.0.1:") {
		t.Errorf("Connect origin %q: want the in-process fake on loopback", origin)
	}
	// The page's token opens the fake's Connect page once.
	if resp, _ := get(t, src); resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: got %d, want 200", src, resp.StatusCode)
	}
	if resp, _ := get(t, src); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET %s again: got %d, want 401 (spent)", src, resp.StatusCode)
	}
	resp, body = get(t, base+"/healthz")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("GET /healthz: got %d %s, want 200 ok", resp.StatusCode, body)
	}

	logged, err := stop()
	if err != nil {
		t.Errorf("run after cancel: got %v, want nil", err)
	}
	if strings.Contains(logged, flinkstest.DefaultSecretKey) {
		t.Errorf("the secret key is in the log:\n%s", logged)
	}
}

// startRun runs run with args and -addr 127.0.0.1:0 until stop, which
// ends its context and returns what it logged and its error.
func startRun(t *testing.T, args ...string) (base string, stop func() (logged string, err error)) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, append(args, "-addr", "127.0.0.1:0"), noEnv, &stderr,
			func(a net.Addr) { addrs <- a })
	}()
	select {
	case a := <-addrs:
		base = "http://" + a.String()
	case err := <-done:
		cancel()
		t.Fatalf("run returned before serving: %v\n%s", err, &stderr)
	}
	return base, func() (string, error) {
		cancel()
		err := <-done
		return stderr.String(), err
	}
}

func TestRunErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantIs  error
		wantMsg string
	}{
		{"unknown flag", []string{"-nope"}, nil, nil,
			"connect: flag provided but not defined: -nope; see -h"},
		{"argument", []string{"extra"}, nil, nil, `connect: unexpected argument "extra"; see -h`},
		{"bad connect param", []string{"-connect-param", "demo"}, nil, nil,
			`want key=value, got "demo"; see -h`},
		{"bad allowed hosts", []string{"-fake", "-allowed-hosts", "evil.example:8080"}, nil, nil,
			`-allowed-hosts: want comma-separated host names`},
		{"help", []string{"-h"}, nil, flag.ErrHelp, ""},
		{"no credentials", nil, nil, tokenclient.ErrInvalidConfig,
			"set FLINKS_CUSTOMER_ID and FLINKS_SECRET_KEY, or pass -fake"},
		{"bad instance", []string{"-instance", "evil.com/#"},
			map[string]string{"FLINKS_CUSTOMER_ID": flinkstest.DefaultCustomerID,
				"FLINKS_SECRET_KEY": "secret-for-test"}, tokenclient.ErrInvalidConfig, "instance"},
		{"address in use", []string{"-fake", "-addr", busy.Addr().String()}, nil, nil,
			"choose another -addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			getenv := func(k string) string { return tt.env[k] }
			err := run(t.Context(), tt.args, getenv, &stderr,
				func(net.Addr) { t.Error("run served; want an error") })
			if err == nil {
				t.Fatal("got nil, want an error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("got %v, want errors.Is %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %q, want one line containing %q", err, tt.wantMsg)
			}
			if strings.Contains(err.Error()+stderr.String(), "secret-for-test") {
				t.Errorf("the secret key leaked: %v\n%s", err, &stderr)
			}
			if tt.wantIs == flag.ErrHelp && !strings.Contains(stderr.String(), "-connect-param") {
				t.Errorf("-h printed %q, want the usage", &stderr)
			}
		})
	}
}
