package tokenclient_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"
	"strings"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

func Example() {
	// A fake Flinks; in production drop WithBaseURL and pass
	// WithInstance("yourinstance") with your own credentials.
	srv := flinkstest.NewServer()
	defer srv.Close()

	c, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := c.GenerateAuthorizeToken(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	_, issued := srv.Lookup(tok.Value)
	fmt.Println(issued, tok.Valid(), time.Until(tok.ExpiresAt).Round(time.Minute))
	// Output: true true 30m0s
}

func Example_unauthorized() {
	srv := flinkstest.NewServer()
	defer srv.Close()

	c, err := tokenclient.New(
		flinkstest.DefaultCustomerID,
		"not-the-secret-key",
		tokenclient.WithBaseURL(srv.URL),
	)
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.GenerateAuthorizeToken(context.Background())
	if errors.Is(err, tokenclient.ErrUnauthorized) {
		var apiErr *tokenclient.APIError
		errors.As(err, &apiErr)
		fmt.Println("rejected:", apiErr.StatusCode, apiErr.FlinksCode)
		fmt.Println(apiErr.Message)
	}
	// Output:
	// rejected: 401 UNAUTHORIZED
	// You must provide a valid auth key
}

func Example_badInput() {
	_, err := tokenclient.New(
		flinkstest.DefaultCustomerID,
		flinkstest.DefaultSecretKey,
		tokenclient.WithInstance("evil.com/#"),
	)
	fmt.Println(errors.Is(err, tokenclient.ErrInvalidConfig))
	fmt.Println(err)
	// Output:
	// true
	// tokenclient: instance (10 bytes) is not a DNS label (up to 63 letters, digits, inner hyphens)
}

// The generated client, wired by NewAPIClient, with the response mapped by
// TokenFromResponse.
func ExampleTokenFromResponse() {
	srv := flinkstest.NewServer()
	defer srv.Close()

	c, err := tokenclient.NewAPIClient(srv.URL, flinkstest.DefaultSecretKey)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := c.GenerateAuthorizeTokenWithResponse(
		context.Background(),
		flinkstest.DefaultCustomerID,
		nil,
	)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := tokenclient.TokenFromResponse(resp)
	if err != nil {
		log.Fatal(err)
	}
	_, issued := srv.Lookup(tok.Value)
	fmt.Println(resp.StatusCode(), issued, time.Until(tok.ExpiresAt).Round(time.Minute))

	// Output: 200 true 30m0s
}

// The Connect iframe URL for a fresh token. A Client built WithBaseURL
// points at that base URL, where a fake serves a stand-in Connect page;
// a Client for an instance names that instance's Connect page.
func ExampleClient_ConnectURL() {
	srv := flinkstest.NewServer()
	defer srv.Close()

	c, err := tokenclient.New(
		flinkstest.DefaultCustomerID,
		flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(srv.URL),
	)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := c.GenerateAuthorizeToken(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	u, err := c.ConnectURL(tok, url.Values{"demo": {"true"}})
	if err != nil {
		log.Fatal(err)
	}
	sc, err := tokenclient.New(
		flinkstest.DefaultCustomerID,
		flinkstest.DefaultSecretKey,
		tokenclient.WithInstance("sandbox"),
	)
	if err != nil {
		log.Fatal(err)
	}
	sandbox, err := sc.ConnectURL(tok, url.Values{"demo": {"true"}})
	if err != nil {
		log.Fatal(err)
	}
	_, issued := srv.Lookup(tok.Value)
	fmt.Println(issued)
	hide := strings.NewReplacer(srv.URL, "{fake}", tok.Value, "{token}")
	fmt.Println(hide.Replace(u))
	fmt.Println(hide.Replace(sandbox))
	// Output:
	// true
	// {fake}/v2/?authorizeToken={token}&demo=true
	// https://sandbox-iframe.private.fin.ag/v2/?authorizeToken={token}&demo=true
}
