package tokenclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
)

// maxErrorText bounds Message and FlinksCode copied from an error body, so
// that an error stays one readable line.
const maxErrorText = 512

// TokenFromResponse maps a response of the generated client's
// GenerateAuthorizeTokenWithResponse to a Token, or to an error:
//   - a 200 with a non-empty Token yields a Token expiring TokenLifetime from now;
//   - a 200 without a Token, or with a body that is not JSON, yields an
//     *APIError wrapping ErrMalformedResponse;
//   - a 401 yields an *APIError matching ErrUnauthorized, with FlinksCode and
//     Message when the body is JSON (the generated 401 type), without them
//     when it is HTML or empty;
//   - any other status yields an *APIError.
func TokenFromResponse(resp *api.GenerateAuthorizeTokenResponse) (Token, error) {
	return tokenFromResponse(resp, time.Now())
}

func tokenFromResponse(resp *api.GenerateAuthorizeTokenResponse, now time.Time) (Token, error) {
	if resp == nil || resp.HTTPResponse == nil {
		return Token{}, errors.New("tokenclient: no response to map; pass the result of GenerateAuthorizeTokenWithResponse")
	}
	if resp.StatusCode() != http.StatusOK {
		return Token{}, errorFromResponse(resp, nil, now)
	}
	body := resp.JSON200
	if body == nil {
		// The generated parser only decodes bodies labelled JSON; Flinks'
		// answer is JSON whatever its label says.
		var decoded api.GenerateAuthorizeToken200JSONResponseBody
		if err := json.Unmarshal(resp.Body, &decoded); err != nil {
			return Token{}, errorFromResponse(resp, notJSON(err), now)
		}
		body = &decoded
	}
	if body.Token == nil || *body.Token == "" {
		return Token{}, errorFromResponse(resp, fmt.Errorf("%w: no Token in the body", ErrMalformedResponse), now)
	}
	if !isPrintable(*body.Token) {
		return Token{}, errorFromResponse(resp, fmt.Errorf("%w: Token contains white space or control characters", ErrMalformedResponse), now)
	}
	return Token{Value: *body.Token, ExpiresAt: now.Add(TokenLifetime)}, nil
}

func notJSON(err error) error {
	return fmt.Errorf("%w: body is not JSON (%v)", ErrMalformedResponse, err)
}

// errorFromResponse builds the *APIError for resp, reading the Flinks error
// fields from the body when it is JSON.
func errorFromResponse(resp *api.GenerateAuthorizeTokenResponse, cause error, now time.Time) *APIError {
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
			e.FlinksCode = oneLine(*fields.FlinksCode)
		}
		if fields.Message != nil {
			e.Message = oneLine(*fields.Message)
		}
	}
	if e.StatusCode >= 300 && e.StatusCode < 400 {
		e.Location = oneLine(resp.HTTPResponse.Header.Get("Location"))
	}
	e.RetryAfter = parseRetryAfter(resp.HTTPResponse.Header.Get("Retry-After"), now)
	return e
}

// oneLine drops control characters and truncates s to maxErrorText bytes.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > maxErrorText {
		s = strings.ToValidUTF8(s[:maxErrorText], "") + "…"
	}
	return s
}

func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}
