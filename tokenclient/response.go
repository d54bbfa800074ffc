package tokenclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
)

// TokenFromResponse maps a response of the generated client's
// GenerateAuthorizeTokenWithResponse to a Token expiring TokenLifetime
// from now, or to an *APIError, scrubbed of the secret key the request
// carried. It reads the body, whatever the generated parser decoded.
func TokenFromResponse(resp *api.GenerateAuthorizeTokenResponse) (Token, error) {
	if resp == nil || resp.HTTPResponse == nil {
		return Token{}, errors.New("tokenclient: no response to map; pass the result of GenerateAuthorizeTokenWithResponse")
	}
	var s *scrubber
	if req := resp.HTTPResponse.Request; req != nil && validateSecretKey(req.Header.Get("flinks-auth-key")) == nil {
		s = newScrubber(req.Header.Get("flinks-auth-key"))
	}
	return tokenFromResponse(resp, time.Now(), s)
}

func tokenFromResponse(resp *api.GenerateAuthorizeTokenResponse, now time.Time, s *scrubber) (Token, error) {
	if resp.StatusCode() != http.StatusOK {
		return Token{}, errorFromResponse(resp, nil, now, s)
	}
	var body api.GenerateAuthorizeToken200JSONResponseBody
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return Token{}, errorFromResponse(resp, fmt.Errorf("%w: body is not JSON (%v)", ErrMalformedResponse, err), now, s)
	}
	if body.Token == nil || *body.Token == "" {
		return Token{}, errorFromResponse(resp, fmt.Errorf("%w: no Token in the body", ErrMalformedResponse), now, s)
	}
	if strings.ContainsFunc(*body.Token, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return Token{}, errorFromResponse(resp, fmt.Errorf("%w: Token is not printable ASCII without spaces", ErrMalformedResponse), now, s)
	}
	return Token{Value: *body.Token, ExpiresAt: now.Add(TokenLifetime)}, nil
}

// errorFromResponse builds the *APIError for resp; every Flinks error body
// has the 401 body's shape.
func errorFromResponse(resp *api.GenerateAuthorizeTokenResponse, cause error, now time.Time, s *scrubber) *APIError {
	e := &APIError{StatusCode: resp.StatusCode(), Err: cause}
	var fields api.GenerateAuthorizeToken401JSONResponseBody
	if json.Unmarshal(resp.Body, &fields) == nil {
		if fields.FlinksCode != nil {
			e.FlinksCode = s.serverText(*fields.FlinksCode)
		}
		if fields.Message != nil {
			e.Message = s.serverText(*fields.Message)
		}
	}
	h := resp.HTTPResponse.Header
	if e.StatusCode >= 300 && e.StatusCode < 400 {
		e.Location = s.serverText(h.Get("Location"))
	}
	e.RetryAfter = parseRetryAfter(h.Get("Retry-After"), now)
	return e
}

// parseRetryAfter reads delay-seconds (at most a day) or an HTTP date; it
// returns zero for an absent, malformed or past value.
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

func isRetryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}
