package tokenclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
	"unicode"

	"github.com/flinkskit/flinks-token-go/api"
)

// TokenFromResponse maps a response of the generated client's
// GenerateAuthorizeTokenWithResponse to a Token, or to an error:
//   - a 200 with a non-empty Token yields a Token expiring TokenLifetime from now;
//   - a 200 without a Token, or with a body that is not JSON, yields an
//     *APIError wrapping ErrMalformedResponse;
//   - a 401 yields an *APIError matching ErrUnauthorized, with FlinksCode and
//     Message when the body is JSON (the generated 401 type), without them
//     when it is HTML or empty;
//   - any other status yields an *APIError.
//
// Server text in the error is scrubbed of the secret key the request
// carried. Through a client other than NewAPIClient's, a body labelled JSON
// that is not JSON makes the generated parser fail without a response;
// NewAPIClient's client answers it with an *APIError instead.
func TokenFromResponse(resp *api.GenerateAuthorizeTokenResponse) (Token, error) {
	var s *scrubber
	if resp != nil && resp.HTTPResponse != nil && resp.HTTPResponse.Request != nil {
		if key := resp.HTTPResponse.Request.Header.Get("flinks-auth-key"); validateSecretKey(key) == nil {
			s = newScrubber(key)
		}
	}
	return tokenFromResponse(resp, time.Now(), s)
}

// tokenFromResponse is TokenFromResponse; s, when not nil, scrubs the
// secret key out of the server's text in the error.
func tokenFromResponse(resp *api.GenerateAuthorizeTokenResponse, now time.Time, s *scrubber) (Token, error) {
	if resp == nil || resp.HTTPResponse == nil {
		return Token{}, errors.New("tokenclient: no response to map; pass the result of GenerateAuthorizeTokenWithResponse")
	}
	if resp.StatusCode() != http.StatusOK {
		return Token{}, errorFromResponse(resp, nil, now, s)
	}
	body := resp.JSON200
	if body == nil {
		// The generated parser only decodes bodies labelled JSON; Flinks'
		// answer is JSON whatever its label says.
		var decoded api.GenerateAuthorizeToken200JSONResponseBody
		if err := json.Unmarshal(resp.Body, &decoded); err != nil {
			return Token{}, errorFromResponse(resp, notJSON(err), now, s)
		}
		body = &decoded
	}
	if body.Token == nil || *body.Token == "" {
		return Token{}, errorFromResponse(resp, fmt.Errorf("%w: no Token in the body", ErrMalformedResponse), now, s)
	}
	if !isPrintable(*body.Token) {
		return Token{}, errorFromResponse(resp, fmt.Errorf("%w: Token contains white space or control characters", ErrMalformedResponse), now, s)
	}
	return Token{Value: *body.Token, ExpiresAt: now.Add(TokenLifetime)}, nil
}

func notJSON(err error) error {
	return fmt.Errorf("%w: body is not JSON (%v)", ErrMalformedResponse, err)
}

// errorFromResponse builds the *APIError for resp, reading the Flinks error
// fields from the body when it is JSON. Server text is made one line and
// scrubbed by s (when not nil) before it is cut to maxServerText bytes.
func errorFromResponse(resp *api.GenerateAuthorizeTokenResponse, cause error, now time.Time, s *scrubber) *APIError {
	e := &APIError{StatusCode: resp.StatusCode(), Err: cause}
	fields := resp.JSON401
	if fields == nil {
		// Every Flinks error body has the 401 body's shape.
		var decoded api.GenerateAuthorizeToken401JSONResponseBody
		if json.Unmarshal(resp.Body, &decoded) == nil {
			fields = &decoded
		}
	}
	if fields != nil {
		if fields.FlinksCode != nil {
			e.FlinksCode = s.serverText(*fields.FlinksCode)
		}
		if fields.Message != nil {
			e.Message = s.serverText(*fields.Message)
		}
	}
	if e.StatusCode >= 300 && e.StatusCode < 400 {
		e.Location = s.serverText(resp.HTTPResponse.Header.Get("Location"))
	}
	e.RetryAfter = parseRetryAfter(resp.HTTPResponse.Header.Get("Retry-After"), now)
	return e
}

func isPrintable(s string) bool {
	for _, r := range s {
		if r <= 0x20 || r >= 0x7f && (!isShown(r) || unicode.IsSpace(r)) {
			return false
		}
	}
	return true
}
