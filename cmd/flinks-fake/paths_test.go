package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

// start runs flinks-fake with args until the test ends and returns its
// base URL and logs.
func start(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	addr, logs := startEnv(t, nil, args...)
	return "http://" + addr, logs
}

// startEnv runs flinks-fake with args and the environment env until the
// test ends and returns the address it listens on and its logs.
func startEnv(t *testing.T, env map[string]string, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...),
			func(n string) string { return env[n] }, io.Discard, logs, ready)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	select {
	case addr := <-ready:
		return addr, logs
	case err := <-done:
		done <- err
		t.Fatalf("run returned before serving: %v", err)
		return "", nil
	}
}

type tokenRecord struct {
	Token      string    `json:"token"`
	CustomerID string    `json:"customer_id"`
	IssuedAt   time.Time `json:"issued_at"`
	Redeemed   bool      `json:"redeemed"`
}

func listTokens(t *testing.T, base string) []tokenRecord {
	t.Helper()
	return listTokensWith(t, http.DefaultClient, base)
}

func listTokensWith(t *testing.T, c *http.Client, base string) []tokenRecord {
	t.Helper()
	resp, err := c.Get(base + "/_fake/tokens")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf(
			"GET /_fake/tokens: got %d %q, want 200 JSON",
			resp.StatusCode,
			resp.Header.Get("Content-Type"),
		)
	}
	var out []tokenRecord
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTokensListFollowsTheConnectPage(t *testing.T) {
	base, _ := start(t)
	if got := listTokens(t, base); got == nil || len(got) != 0 {
		t.Fatalf("before any token: got %v, want []", got)
	}
	c, err := tokenclient.New(
		flinkstest.DefaultCustomerID,
		flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(base),
	)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	tok, err := c.GenerateAuthorizeToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := listTokens(t, base)
	if len(got) != 1 || got[0].Token != tok.Value ||
		got[0].CustomerID != flinkstest.DefaultCustomerID || got[0].Redeemed ||
		got[0].IssuedAt.Before(before.Add(-time.Second)) ||
		got[0].IssuedAt.After(time.Now()) {
		t.Fatalf(
			"after minting: got %+v, want one unredeemed record of %s issued just now",
			got,
			tok.Value,
		)
	}

	page := base + "/v2/?authorizeToken=" + url.QueryEscape(tok.Value) + "&demo=true"
	for i, want := range []int{200, 401} {
		resp, err := http.Get(page)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Connect page load %d: got %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	if got := listTokens(t, base); len(got) != 1 || !got[0].Redeemed {
		t.Errorf("after the Connect page: got %+v, want the token redeemed", got)
	}

	resp, err := http.Post(base+"/_fake/tokens", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" {
		t.Errorf(
			"POST /_fake/tokens: got %d Allow %q, want 405 Allow GET",
			resp.StatusCode,
			resp.Header.Get("Allow"),
		)
	}
}
