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

// DefaultMaxIssued is how many issued-token records a Handler keeps unless
// WithMaxIssued says otherwise.
const DefaultMaxIssued = 10_000

// issuedLog keeps the newest records in a ring, so that a long-running
// fake (flinks-fake under a load test) holds a bounded number of them.
type issuedLog struct {
	max     int
	ring    []IssuedToken // appended to until full, then overwritten
	oldest  int           // index of the oldest record once ring is full
	byValue map[string]int
}

func (l *issuedLog) add(rec IssuedToken) {
	if l.byValue == nil {
		l.byValue = map[string]int{}
	}
	if len(l.ring) < l.max {
		l.byValue[rec.Value] = len(l.ring)
		l.ring = append(l.ring, rec)
		return
	}
	delete(l.byValue, l.ring[l.oldest].Value)
	l.ring[l.oldest] = rec
	l.byValue[rec.Value] = l.oldest
	l.oldest = (l.oldest + 1) % l.max
}

func (l *issuedLog) find(token string) (*IssuedToken, bool) {
	i, ok := l.byValue[token]
	if !ok {
		return nil, false
	}
	return &l.ring[i], true
}

func (l *issuedLog) all() []IssuedToken {
	out := make([]IssuedToken, 0, len(l.ring))
	out = append(out, l.ring[l.oldest:]...)
	return append(out, l.ring[:l.oldest]...)
}

func (h *Handler) issue(customerID string) string {
	token := newGUID()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.issued.add(IssuedToken{Value: token, CustomerID: customerID, IssuedAt: h.now()})
	return token
}

// Issued returns the tokens issued so far, oldest first: all of them, or
// the newest WithMaxIssued (by default DefaultMaxIssued).
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
	rec, ok := h.issued.find(token)
	if !ok {
		return IssuedToken{}, false
	}
	return *rec, true
}

// Redeem spends token as Flinks does on its first use (the Connect iframe
// or /Authorize): it succeeds once for a token this fake issued less than
// TokenLifetime ago, and fails with ErrUnknownToken, ErrTokenUsed or
// ErrTokenExpired otherwise. A token whose record was dropped to keep
// within WithMaxIssued is unknown.
func (h *Handler) Redeem(token string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	rec, ok := h.issued.find(token)
	switch {
	case !ok:
		return ErrUnknownToken
	case rec.Used:
		return ErrTokenUsed
	case h.now().Sub(rec.IssuedAt) >= TokenLifetime:
		return fmt.Errorf("%w: issued at %s", ErrTokenExpired, rec.IssuedAt.Format(time.RFC3339))
	}
	rec.Used = true
	return nil
}
