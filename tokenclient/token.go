package tokenclient

import "time"

// TokenLifetime is how long Flinks keeps an unused authorize token valid
// after issuing it.
const TokenLifetime = 30 * time.Minute

// Token is a single-use Flinks authorize token.
type Token struct {
	// Value goes into the Flinks Connect iframe URL as authorizeToken, or
	// into the flinks-auth-key header of one /Authorize call.
	Value string

	// ExpiresAt is the local time the token was received plus
	// TokenLifetime, an upper bound: Flinks counts from a little earlier.
	ExpiresAt time.Time
}

// Valid reports whether t has a value and has not reached ExpiresAt.
func (t Token) Valid() bool {
	return t.Value != "" && time.Now().Before(t.ExpiresAt)
}
