// Package tokenclient mints Flinks authorize tokens.
//
// A Client calls the generateAuthorizeToken operation with the secret key in the flinks-auth-key
// header and returns a fresh single-use Token:
//
//	c, err := tokenclient.New(customerID, secretKey, tokenclient.WithInstance("sandbox"))
//	if err != nil { ... }
//	tok, err := c.GenerateAuthorizeToken(ctx)
//	if errors.Is(err, tokenclient.ErrUnauthorized) { ... wrong secret key ... }
//
// Client.ConnectURL turns the token into the Flinks Connect iframe URL, and a Pool keeps tokens
// minted ahead of time. NewAPIClient wires the generated package
// github.com/flinkskit/flinks-token-go/api safely instead, and TokenFromResponse maps its answer.
//
// # The secret key
//
// New and NewAPIClient accept only a printable ASCII secret key of at least 8
// bytes (Flinks issues GUID keys). It is sent only in the flinks-auth-key header of the token
// operation's requests, never after a redirect, and never appears in the fmt output of a Client
// (any verb) or in its log records. In the errors of a Client, of NewAPIClient's client and of
// TokenFromResponse (which takes the key from the response's request), and in every error
// errors.Unwrap and errors.As reach from them, server text (Message, FlinksCode, Location, network
// error text) is made one line, scrubbed of the whole key in any ASCII letter case, as is,
// without a GUID key's hyphens (.NET's "N" form), percent-encoded (as url.QueryEscape,
// url.PathEscape or JavaScript's encodeURIComponent, or every byte), JSON-escaped (encoding/json's
// escapes, `\/`, or \u00XX for every byte but letters and digits) and inside strconv.Quote'd text,
// not in other mixtures, then cut to 512 bytes, linearly.
// Such an error wraps the original only if its text holds none of this; either way errors.Is
// matches the sentinels and context errors, and a network error stays a net.Error with its
// Timeout. A 200 whose Token holds the key is an ErrMalformedResponse.
package tokenclient
