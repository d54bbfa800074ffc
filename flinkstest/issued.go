package flinkstest

import (
	"errors"
	"fmt"
	"time"
)

// tokenLifetime is how long Flinks keeps an unused token valid
// (tokenclient.TokenLifetime: flinkstest cannot import tokenclient, whose
// tests import flinkstest).
const tokenLifetime = 30 * time.Minute

var (
	// ErrUnknownToken is returned by Redeem for a token the fake never issued.
	ErrUnknownToken = errors.New("flinkstest: token was not issued by this server")
	// ErrTokenUsed is returned by Redeem for a token redeemed before.
	ErrTokenUsed = errors.New("flinkstest: token was already used")
	// ErrTokenExpired is returned by Redeem for a token issued 30 minutes ago or more.
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

// maxIssued is how many issued-token records a Handler keeps, so that a
// long-running fake (flinks-fake under a load test) holds a bounded
// number of them.
const maxIssued = 10_000

// issuedLog keeps the newest records, oldest first.
type issuedLog struct {
	max     int
	order   []string // token values, oldest first
	byValue map[string]*IssuedToken
}

func (l *issuedLog) add(rec IssuedToken) {
	if l.byValue == nil {
		l.byValue = map[string]*IssuedToken{}
	}
	if len(l.order) == l.max {
		delete(l.byValue, l.order[0])
		l.order = l.order[1:] // append reallocates: at most 2*max values held
	}
	l.order = append(l.order, rec.Value)
	l.byValue[rec.Value] = &rec
}

func (l *issuedLog) all() []IssuedToken {
	out := make([]IssuedToken, 0, len(l.order))
	for _, v := range l.order {
		out = append(out, *l.byValue[v])
	}
	return out
}

func (h *Handler) issue(customerID string) string {
	token := newGUID()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.issued.add(IssuedToken{Value: token, CustomerID: customerID, IssuedAt: h.now()})
	return token
}

// Issued returns the tokens issued so far, oldest first: all of them, or
// the newest 10,000.
func (h *Handler) Issued() []IssuedToken {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.issued.all()
}

// Lookup reports whether token was issued by this fake and is still
// recorded, and its record.
func (h *Handler) Lookup(token string) (IssuedToken, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if rec, ok := h.issued.byValue[token]; ok {
		return *rec, true
	}
	return IssuedToken{}, false
}

// Redeem spends token as Flinks does on its first use (the Connect iframe
// or /Authorize): it succeeds once for a token this fake issued less than
// 30 minutes ago, and fails with ErrUnknownToken, ErrTokenUsed or
// ErrTokenExpired otherwise. A token older than the newest 10,000 is
// unknown.
func (h *Handler) Redeem(token string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	rec, ok := h.issued.byValue[token]
	if !ok {
		return ErrUnknownToken
	}
	if rec.Used {
		return ErrTokenUsed
	}
	if h.now().Sub(rec.IssuedAt) >= tokenLifetime {
		return fmt.Errorf("%w: issued at %s", ErrTokenExpired, rec.IssuedAt.Format(time.RFC3339))
	}
	rec.Used = true
	return nil
}
