package tokenclient

import "context"

// TokenSource supplies fresh single-use authorize tokens: a *Client mints
// one per call, a *Pool hands out one minted ahead of time.
type TokenSource interface {
	// Token returns a token no one else has been given.
	Token(ctx context.Context) (Token, error)
}

// Token calls GenerateAuthorizeToken, so that a *Client is a TokenSource.
func (c *Client) Token(ctx context.Context) (Token, error) { return c.GenerateAuthorizeToken(ctx) }

// Token calls Get, so that a *Pool is a TokenSource.
func (p *Pool) Token(ctx context.Context) (Token, error) { return p.Get(ctx) }
