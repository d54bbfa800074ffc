package flinkstest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

func TestNewTLSServer(t *testing.T) {
	srv := flinkstest.NewTLSServer()
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") {
		t.Fatalf("URL: got %q, want https://127.0.0.1:port", srv.URL)
	}
	c, err := tokenclient.New(
		flinkstest.DefaultCustomerID,
		flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(srv.URL),
		tokenclient.WithHTTPClient(srv.Client()),
		tokenclient.WithRetry(tokenclient.RetryPolicy{MaxAttempts: 1}),
	)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.GenerateAuthorizeToken(context.Background())
	if err != nil {
		t.Fatalf("through the trusting client: got %v, want a token", err)
	}

	// The Connect page on the same https origin spends the token.
	resp, err := srv.Client().
		Get(srv.URL + flinkstest.ConnectPath + "?authorizeToken=" + url.QueryEscape(tok.Value))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Errorf(
			"Connect page: got %d (TLS %v), want 200 over TLS",
			resp.StatusCode,
			resp.TLS != nil,
		)
	}
	if err := srv.Redeem(tok.Value); !errors.Is(err, flinkstest.ErrTokenUsed) {
		t.Errorf("Redeem after the Connect page: got %v, want ErrTokenUsed", err)
	}

	// Any other client refuses the self-signed certificate: the https
	// path, certificate checks included, is what ran above.
	strict, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(srv.URL),
		tokenclient.WithRetry(tokenclient.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = strict.GenerateAuthorizeToken(context.Background())
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf(
			"default client, self-signed certificate: got %v, want a certificate error",
			err,
		)
	}
}
