package tokenclient_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/flinkskit/flinks-token-go/api"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

// The toolbox demo values from the Flinks spec.
const (
	customerID = "43387ca6-0391-4c82-857d-70d95f087ecb"
	secretKey  = "c4569c54-e167-4d34-8de6-f4113bc82414"
)

// flinks stands in for https://toolbox-api.private.fin.ag: it answers the
// documented 200 for the demo secret key and the documented 401 otherwise.
func flinks() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("flinks-auth-key") != secretKey {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"HttpStatusCode":401,"Message":"You must provide a valid auth key","FlinksCode":"UNAUTHORIZED"}`)
			return
		}
		fmt.Fprint(w, `{"HttpStatusCode":200,"Token":"d65f1adb-8ebc-48dc-be8b-20c773ba1565"}`)
	}))
}

func Example() {
	srv := flinks()
	defer srv.Close()

	// In production: tokenclient.New(customerID, secretKey, tokenclient.WithInstance("yourinstance")).
	c, err := tokenclient.New(customerID, secretKey, tokenclient.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := c.GenerateAuthorizeToken(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.Value, tok.Valid())
	// Output: d65f1adb-8ebc-48dc-be8b-20c773ba1565 true
}

func Example_unauthorized() {
	srv := flinks()
	defer srv.Close()

	c, err := tokenclient.New(customerID, "not-the-secret-key", tokenclient.WithBaseURL(srv.URL))
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
	_, err := tokenclient.New(customerID, secretKey, tokenclient.WithInstance("evil.com/#"))
	fmt.Println(errors.Is(err, tokenclient.ErrInvalidConfig))
	fmt.Println(err)
	// Output:
	// true
	// tokenclient: instance "evil.com/#" is not a single DNS label (letters, digits and inner hyphens, at most 63); use a name such as toolbox, sandbox or your production instance
}

// The generated client, with the secret key added by a request editor and
// the response mapped by TokenFromResponse.
func ExampleSecretKeyEditor() {
	srv := flinks()
	defer srv.Close()

	c, err := api.NewClientWithResponses(srv.URL,
		api.WithHTTPClient(tokenclient.NewHTTPClient()),
		api.WithRequestEditorFn(tokenclient.SecretKeyEditor(secretKey)))
	if err != nil {
		log.Fatal(err)
	}
	resp, err := c.GenerateAuthorizeTokenWithResponse(context.Background(), customerID, nil)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := tokenclient.TokenFromResponse(resp)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.Value)
	// Output: d65f1adb-8ebc-48dc-be8b-20c773ba1565
}
