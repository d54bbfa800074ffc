package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
)

// TestConnectURLOpensTheFakesConnectPage follows the printed Connect URL
// as a browser would: against a fake (FLINKS_BASE_URL, as under -fake) it
// must reach the fake's stand-in Connect page, which spends the token once.
func TestConnectURLOpensTheFakesConnectPage(t *testing.T) {
	srv := flinkstest.NewServer()
	t.Cleanup(srv.Close)
	env := map[string]string{
		"FLINKS_CUSTOMER_ID": flinkstest.DefaultCustomerID,
		"FLINKS_SECRET_KEY":  flinkstest.DefaultSecretKey,
		"FLINKS_BASE_URL":    srv.URL,
	}
	for _, args := range [][]string{{"-connect-url"}, {"-connect-url", "-base-url", srv.URL}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout bytes.Buffer
			getenv := func(name string) string { return env[name] }
			if err := run(t.Context(), args, getenv, nil, &stdout, io.Discard); err != nil {
				t.Fatal(err)
			}
			connect := strings.TrimSuffix(stdout.String(), "\n")
			prefix := srv.URL + "/v2/?authorizeToken="
			if !strings.HasPrefix(connect, prefix) {
				t.Fatalf("got %q, want a URL starting %q", connect, prefix)
			}
			u, err := url.Parse(connect)
			if err != nil {
				t.Fatal(err)
			}
			tok := u.Query().Get("authorizeToken")
			if rec, ok := srv.Lookup(tok); !ok || rec.Used {
				t.Fatalf("token %q: got record %+v (found %v), want an unspent token of the fake",
					tok, rec, ok)
			}
			for _, want := range []int{http.StatusOK, http.StatusUnauthorized} {
				if got := get(t, connect); got != want {
					t.Errorf("GET %s: got %d, want %d", connect, got, want)
				}
			}
			if rec, _ := srv.Lookup(tok); !rec.Used {
				t.Errorf("token %q: got unspent after the Connect page loaded, want spent", tok)
			}
		})
	}
}

// get fetches rawURL and returns its status after checking it is an HTML
// page, as the stand-in Connect page always answers.
func get(t *testing.T, rawURL string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET %s: got Content-Type %q, want text/html", rawURL, ct)
	}
	return resp.StatusCode
}

// A Connect parameter that would clash with the token is a usage error
// found before any token is minted.
func TestConnectParamAuthorizeTokenMintsNothing(t *testing.T) {
	_, srv, requests := countingFake(t)
	env := map[string]string{
		"FLINKS_CUSTOMER_ID": flinkstest.DefaultCustomerID,
		"FLINKS_SECRET_KEY":  flinkstest.DefaultSecretKey,
		"FLINKS_BASE_URL":    srv.URL,
	}
	for _, param := range []string{"authorizeToken=x", "AuthorizeToken=x", "authorizeToken="} {
		t.Run(param, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), []string{"-connect-url", "-connect-param", param},
				func(n string) string { return env[n] }, nil, &stdout, &stderr)
			if got := exitCode(err); got != exitUsage || !strings.Contains(fmt.Sprint(err),
				"authorizeToken") {
				t.Errorf("got %v (exit %d), want a usage error (exit %d) naming authorizeToken",
					err, got, exitUsage)
			}
			if stdout.Len() != 0 || stderr.Len() != 0 {
				t.Errorf("got stdout %q, stderr %q; want nothing", stdout.String(), stderr.String())
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("the fake saw %d requests, want none: the usage error must come before minting", n)
	}
}
