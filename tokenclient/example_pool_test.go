package tokenclient_test

import (
	"context"
	"fmt"
	"log"
	"net/url"
	"strings"

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

	// A handler can take pool or c as an interface like this one.
	var tokens interface {
		tokenclient.TokenSource
		ConnectURL(tok tokenclient.Token, params url.Values) (string, error)
	} = pool
	for range 3 {
		tok, err := tokens.Token(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("first use:", srv.Redeem(tok.Value), "second use:", srv.Redeem(tok.Value))
	}
	tok, err := tokens.Token(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	page, err := tokens.ConnectURL(tok, url.Values{"demo": {"true"}})
	page = strings.NewReplacer(srv.URL, "", tok.Value, "TOKEN").Replace(page)
	fmt.Println("Connect page:", page, err)
	fmt.Println("healthy:", pool.Err() == nil, "handed out:", pool.Stats().HandedOut)
	// Output:
	// first use: <nil> second use: flinkstest: token was already used
	// first use: <nil> second use: flinkstest: token was already used
	// first use: <nil> second use: flinkstest: token was already used
	// Connect page: /v2/?authorizeToken=TOKEN&demo=true <nil>
	// healthy: true handed out: 4
}
