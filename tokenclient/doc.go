// Package tokenclient mints Flinks authorize tokens.
//
// Flinks puts a single-use authorize token in front of every Flinks Connect
// session and every direct /Authorize call. A Client calls
// POST /v3/{customerId}/BankingServices/GenerateAuthorizeToken with the
// secret key in the flinks-auth-key header and returns a fresh Token:
//
//	c, err := tokenclient.New(customerID, secretKey, tokenclient.WithInstance("sandbox"))
//	if err != nil { ... }
//	tok, err := c.GenerateAuthorizeToken(ctx)
//	if errors.Is(err, tokenclient.ErrUnauthorized) { ... wrong secret key ... }
//
// Client.ConnectURL turns the token into the Flinks Connect iframe URL.
//
// The Client is a thin veneer over the generated package
// github.com/flinkskit/flinks-token-go/api. Callers who prefer the generated
// client get it wired safely from NewAPIClient (no redirects, the required
// headers from SecretKeyEditor), and TokenFromResponse turns a generated
// response into a Token or one of this package's errors.
//
// The secret key never appears in an error, in any error errors.Unwrap or
// errors.As can reach from it, in a log record, or in the fmt output of any
// value of this package. Error text is always one line.
package tokenclient
