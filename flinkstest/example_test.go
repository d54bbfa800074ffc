package flinkstest_test

import (
	"context"
	"fmt"
	"log"

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
		tokenclient.WithBaseURL(srv.URL), tokenclient.WithoutRetry())
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.GenerateAuthorizeToken(context.Background())
	fmt.Println(err)
	// Output: tokenclient: Flinks answered 503 Service Unavailable (INJECTED_FAULT: fault injected by flinkstest: 503 Service Unavailable); Flinks is failing; retry later
}
