package tokenclient_test

import (
	"context"
	"fmt"
	"log"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

// A Pool keeps tokens ready so that a page view gets one without a round
// trip to Flinks; each token is handed out once.
func ExampleNewPool() {
	srv := flinkstest.NewServer()
	defer srv.Close()

	c, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	pool, err := tokenclient.NewPool(c, tokenclient.WithPoolSize(2))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	var src tokenclient.TokenSource = pool // or c: a handler can take either
	for range 3 {
		tok, err := src.Token(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("first use:", srv.Redeem(tok.Value), "second use:", srv.Redeem(tok.Value))
	}
	fmt.Println("healthy:", pool.Err() == nil, "handed out:", pool.Stats().HandedOut)
	// Output:
	// first use: <nil> second use: flinkstest: token was already used
	// first use: <nil> second use: flinkstest: token was already used
	// first use: <nil> second use: flinkstest: token was already used
	// healthy: true handed out: 3
}
