package flinkstest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

func Example() {
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
	fmt.Println("issued by the fake:", issued)
	fmt.Println("first use:", srv.Redeem(tok.Value))
	fmt.Println("second use:", srv.Redeem(tok.Value))
	// Output:
	// issued by the fake: true
	// first use: <nil>
	// second use: flinkstest: token was already used
}

func ExampleServer_FailNext() {
	srv := flinkstest.NewServer()
	defer srv.Close()
	if err := srv.FailNext(1, flinkstest.Fault{Status: 503, RetryAfter: "1"}); err != nil {
		log.Fatal(err)
	}

	c, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(srv.URL),
		tokenclient.WithRetry(tokenclient.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.GenerateAuthorizeToken(context.Background())
	if e, ok := errors.AsType[*tokenclient.APIError](err); ok {
		fmt.Println(e.StatusCode, e.FlinksCode, "retry after", e.RetryAfter)
	}
	// Output: 503 INJECTED_FAULT retry after 1s
}

// Redeem spends a token as its first use by Flinks would; a test calls it
// on the token its service handed out to prove the token was fresh. The
// stand-in Connect page spends tokens the same way, so a token a browser
// (or a test following the browser's route) already used fails Redeem.
func ExampleServer_Redeem() {
	srv := flinkstest.NewServer()
	defer srv.Close()
	c, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	fresh, err := c.GenerateAuthorizeToken(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	shown, err := c.GenerateAuthorizeToken(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	resp, err := srv.Client().
		Get(srv.URL + flinkstest.ConnectPath + "?authorizeToken=" + url.QueryEscape(shown.Value))
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println("Connect page:", resp.Status)

	fmt.Println("fresh token:", srv.Redeem(fresh.Value))
	fmt.Println("token the page used:", srv.Redeem(shown.Value))
	fmt.Println("foreign token:", srv.Redeem("d65f1adb-8ebc-48dc-be8b-20c773ba1565"))
	// Output:
	// Connect page: 200 OK
	// fresh token: <nil>
	// token the page used: flinkstest: token was already used
	// foreign token: flinkstest: token was not issued by this server
}
