package tokenclient_test

import (
	"context"
	"testing"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

// Both a Client and a Pool hand a TokenSource's caller a token that
// Flinks accepts once.
func TestTokenSource(t *testing.T) {
	srv := flinkstest.NewServer()
	t.Cleanup(srv.Close)
	c, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey, tokenclient.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	p, err := tokenclient.NewPool(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })

	for name, src := range map[string]tokenclient.TokenSource{"Client": c, "Pool": p} {
		tok, err := src.Token(context.Background())
		if err != nil {
			t.Fatalf("%s.Token: %v", name, err)
		}
		if err := srv.Redeem(tok.Value); err != nil {
			t.Errorf("%s.Token gave %q, which Flinks refuses: %v", name, tok.Value, err)
		}
	}
}
