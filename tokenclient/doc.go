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
// # The secret key
//
// New, NewAPIClient and SecretKeyEditor accept only a printable ASCII
// secret key of at least 8 bytes (Flinks issues GUID keys). The key is
// sent only in the flinks-auth-key header of the token operation's
// requests, and a Client never follows a redirect. The Client's fmt output
// (any verb) and log records never contain it. Its errors, and every
// error errors.Unwrap and errors.As reach from them, hide the key found in
// any server text (Message, FlinksCode, Location, network error text) in
// these forms, in any ASCII letter case: as is, percent-encoded ('+' or
// "%20" for a space), JSON-escaped (encoding/json's escapes, or \u00XX for
// every byte but letters and digits) and inside strconv.Quote'd text; a
// mixture of encodings within one key is not looked for. Each piece of
// server text is made one line, scrubbed, then cut to 512 bytes. Scrubbing costs
// a few linear passes over the text. errors.Is still matches the
// sentinels and context errors, and a network error stays a net.Error
// with its Timeout.
package tokenclient
