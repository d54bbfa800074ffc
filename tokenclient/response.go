package tokenclient

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
)

// TokenLifetime is how long Flinks keeps an unused authorize token valid after issuing it.
const TokenLifetime = 30 * time.Minute

// Token is a single-use Flinks authorize token. Its fmt and slog output show only ExpiresAt:
// read Value explicitly.
type Token struct {
	// Value goes into the Connect iframe URL as authorizeToken, or into flinks-auth-key on
	// /Authorize.
	Value string
	// ExpiresAt is the local receipt time plus TokenLifetime, an upper bound: Flinks counts from
	// earlier.
	ExpiresAt time.Time
}

// Valid reports whether t has a value and has not reached ExpiresAt.
func (t Token) Valid() bool { return t.Value != "" && time.Now().Before(t.ExpiresAt) }

// Format prints t without its Value, for every verb.
func (t Token) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "tokenclient.Token{ExpiresAt: %s}", t.ExpiresAt.Format(time.RFC3339))
}

// LogValue logs t without its Value.
func (t Token) LogValue() slog.Value { return slog.GroupValue(slog.Time("expiresAt", t.ExpiresAt)) }

// TokenSource supplies fresh single-use authorize tokens: a *Client mints one per call, a *Pool
// hands out one minted ahead of time.
type TokenSource interface {
	// Token returns a token no one else has been given.
	Token(ctx context.Context) (Token, error)
}

// tokenFromResponse maps resp to a Token expiring TokenLifetime after now, or to an *APIError
// scrubbed of key by s, which it builds from key if s is nil and only on an error.
func tokenFromResponse(resp *api.GenerateAuthorizeTokenResponse, now time.Time, key string,
	s *scrubber) (Token, error) {
	var cause error
	if resp.StatusCode() == http.StatusOK {
		var tok string
		if tok, cause = decodeToken(resp.Body, key); cause == nil {
			return Token{Value: tok, ExpiresAt: now.Add(TokenLifetime)}, nil
		}
	}
	if s == nil {
		s = newScrubber(key)
	}
	return Token{}, errorFromResponse(resp, cause, now, s)
}

// decodeToken returns the Token of a 200's body, or the ErrMalformedResponse saying why there is
// none to use.
func decodeToken(body []byte, key string) (string, error) {
	var b api.GenerateAuthorizeToken200JSONResponseBody
	if err := json.Unmarshal(body, &b); err != nil {
		return "", fmt.Errorf("%w: body is not JSON (%v)", ErrMalformedResponse, err)
	}
	if b.Token == nil || *b.Token == "" {
		return "", fmt.Errorf("%w: no Token in the body", ErrMalformedResponse)
	}
	if strings.ContainsFunc(*b.Token, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return "", fmt.Errorf(
			"%w: Token is not printable ASCII without spaces",
			ErrMalformedResponse,
		)
	}
	if holdsKey(*b.Token, key) {
		return "", fmt.Errorf("%w: Token holds the secret key", ErrMalformedResponse)
	}
	return *b.Token, nil
}

// holdsKey reports whether t holds key, if any, in a form the scrubber hides. Every form but the
// key and a GUID key's "N" form (without hyphens) holds '%', '\' or '+': only then does it build
// the scrubber.
func holdsKey(t, key string) bool {
	if key == "" {
		return false
	}
	if strings.ContainsAny(t, `%\+`) {
		return newScrubber(key).text(t) != t
	}
	lt := strings.ToLower(t)
	return strings.Contains(lt, strings.ToLower(key)) ||
		strings.Contains(lt, strings.ToLower(nForm(key)))
}

// errorFromResponse builds the *APIError for resp; every Flinks error body has the 401 body's
// shape.
func errorFromResponse(resp *api.GenerateAuthorizeTokenResponse, cause error, now time.Time,
	s *scrubber) *APIError {
	h := resp.HTTPResponse.Header
	e := &APIError{StatusCode: resp.StatusCode(), Err: cause,
		RetryAfter: parseRetryAfter(h.Get("Retry-After"), now)}
	var fields api.GenerateAuthorizeToken401JSONResponseBody
	if json.Unmarshal(resp.Body, &fields) == nil {
		if fields.FlinksCode != nil {
			e.FlinksCode = s.serverText(*fields.FlinksCode)
		}
		if fields.Message != nil {
			e.Message = s.serverText(*fields.Message)
		}
	}
	if e.StatusCode >= 300 && e.StatusCode < 400 {
		e.Location = s.serverText(h.Get("Location"))
	}
	return e
}

// parseRetryAfter reads delay-seconds (at most a day) or an HTTP date; it returns zero for an
// absent, malformed or past value.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(min(max(secs, 0), 24*60*60)) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}
