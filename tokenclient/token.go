package tokenclient

import (
	"context"
	"time"
)

// TokenLifetime is how long Flinks keeps an unused authorize token valid after issuing it.
const TokenLifetime = 30 * time.Minute

// Token is a single-use Flinks authorize token.
type Token struct {
	// Value goes into the Flinks Connect iframe URL as authorizeToken, or into the flinks-auth-key
	// header of one /Authorize call.
	Value string
	// ExpiresAt is the local time the token was received plus TokenLifetime, an upper bound: Flinks
	// counts from a little earlier.
	ExpiresAt time.Time
}

// Valid reports whether t has a value and has not reached ExpiresAt.
func (t Token) Valid() bool { return t.Value != "" && time.Now().Before(t.ExpiresAt) }

// TokenSource supplies fresh single-use authorize tokens: a *Client mints one per call, a *Pool
// hands out one minted ahead of time.
type TokenSource interface {
	// Token returns a token no one else has been given.
	Token(ctx context.Context) (Token, error)
}

// Token calls GenerateAuthorizeToken, so that a *Client is a TokenSource.
func (c *Client) Token(ctx context.Context) (Token, error) { return c.GenerateAuthorizeToken(ctx) }

// Token calls Get, so that a *Pool is a TokenSource.
func (p *Pool) Token(ctx context.Context) (Token, error) { return p.Get(ctx) }
