package flinkstest

import (
	"errors"
	"fmt"
	"time"
)

// TokenLifetime is how long Flinks keeps an unused token valid.
const TokenLifetime = 30 * time.Minute

var (
	// ErrUnknownToken is returned by Redeem for a token the fake never issued.
	ErrUnknownToken = errors.New("flinkstest: token was not issued by this server")
	// ErrTokenUsed is returned by Redeem for a token redeemed before.
	ErrTokenUsed = errors.New("flinkstest: token was already used")
	// ErrTokenExpired is returned by Redeem for a token older than TokenLifetime.
	ErrTokenExpired = errors.New("flinkstest: token expired")
)

// IssuedToken records one token the fake handed out. Its JSON form is what
// flinks-fake serves at /_fake/tokens.
type IssuedToken struct {
	Value      string    `json:"token"`
	CustomerID string    `json:"customer_id"`
	IssuedAt   time.Time `json:"issued_at"`
	// Used reports whether the token was redeemed (by Redeem or by loading
	// the Connect page).
	Used bool `json:"redeemed"`
}

func (h *Handler) issue(customerID string) string {
	token := newGUID()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.byVal[token] = len(h.issued)
	h.issued = append(h.issued, IssuedToken{Value: token, CustomerID: customerID, IssuedAt: h.now()})
	return token
}

// Issued returns every token issued so far, oldest first.
func (h *Handler) Issued() []IssuedToken {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]IssuedToken(nil), h.issued...)
}

// Lookup reports whether token was issued by this fake, and its record.
func (h *Handler) Lookup(token string) (IssuedToken, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	i, ok := h.byVal[token]
	if !ok {
		return IssuedToken{}, false
	}
	return h.issued[i], true
}

// Redeem spends token as Flinks does on its first use (the Connect iframe
// or /Authorize): it succeeds once for a token this fake issued less than
// TokenLifetime ago, and fails with ErrUnknownToken, ErrTokenUsed or
// ErrTokenExpired otherwise.
func (h *Handler) Redeem(token string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	i, ok := h.byVal[token]
	switch {
	case !ok:
		return ErrUnknownToken
	case h.issued[i].Used:
		return ErrTokenUsed
	case h.now().Sub(h.issued[i].IssuedAt) >= TokenLifetime:
		return fmt.Errorf("%w: issued at %s", ErrTokenExpired, h.issued[i].IssuedAt.Format(time.RFC3339))
	}
	h.issued[i].Used = true
	return nil
}
