package tokenclient

import "context"

// TokenSource is anything that supplies fresh single-use authorize
// tokens: a *Client mints one per call, a *Pool hands out one minted
// ahead of time. A handler that takes a TokenSource works with either.
type TokenSource interface {
	// Token returns a token no one else has been given.
	Token(ctx context.Context) (Token, error)
}

var (
	_ TokenSource = (*Client)(nil)
	_ TokenSource = (*Pool)(nil)
)

// Token calls GenerateAuthorizeToken, so that a *Client is a TokenSource.
func (c *Client) Token(ctx context.Context) (Token, error) { return c.GenerateAuthorizeToken(ctx) }

// Token calls Get, so that a *Pool is a TokenSource.
func (p *Pool) Token(ctx context.Context) (Token, error) { return p.Get(ctx) }
