package tokenclient_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
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

	c, err := tokenclient.New(flinkstest.DefaultCustomerID, "not-the-secret-key", tokenclient.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.GenerateAuthorizeToken(context.Background())
	if errors.Is(err, tokenclient.ErrUnauthorized) {
		var apiErr *tokenclient.APIError
		errors.As(err, &apiErr)
		fmt.Println("rejected:", apiErr.FlinksCode)
	}
	fmt.Println(err)
	// Output:
	// rejected: UNAUTHORIZED
	// tokenclient: Flinks answered 401 Unauthorized (UNAUTHORIZED: You must provide a valid auth key); check the secret key, and that it belongs to this customer id and instance
}

func Example_badInput() {
	_, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey, tokenclient.WithInstance("evil.com/#"))
	fmt.Println(errors.Is(err, tokenclient.ErrInvalidConfig))
	fmt.Println(err)
	// Output:
	// true
	// tokenclient: instance "evil.com/#" is not a single DNS label (letters, digits and inner hyphens, at most 63); use a name such as toolbox, sandbox or your production instance
}

// The generated client, with the secret key added by a request editor and
// the response mapped by TokenFromResponse.
func ExampleSecretKeyEditor() {
	srv := flinkstest.NewServer()
	defer srv.Close()

	c, err := api.NewClientWithResponses(srv.URL,
		api.WithHTTPClient(tokenclient.NewHTTPClient()),
		api.WithRequestEditorFn(tokenclient.SecretKeyEditor(flinkstest.DefaultSecretKey)))
	if err != nil {
		log.Fatal(err)
	}
	resp, err := c.GenerateAuthorizeTokenWithResponse(context.Background(), flinkstest.DefaultCustomerID, nil)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := tokenclient.TokenFromResponse(resp)
	if err != nil {
		log.Fatal(err)
	}
	_, issued := srv.Lookup(tok.Value)
	fmt.Println(issued)
	// Output: true
}
