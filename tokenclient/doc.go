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
// The Client is a thin veneer over the generated package
// github.com/flinkskit/flinks-token-go/api. Callers who prefer the generated
// client can use it directly with SecretKeyEditor, which adds the required
// headers, and TokenFromResponse, which turns a generated response into a
// Token or one of this package's errors.
//
// The secret key never appears in an error, a log record, or the fmt output
// of any value of this package.
package tokenclient
