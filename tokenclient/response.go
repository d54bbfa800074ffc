package tokenclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

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
	return tokenFromResponse(resp, time.Now(), nil)
}

// tokenFromResponse is TokenFromResponse; r, when not nil, scrubs the
// secret key out of the server's text in the error.
func tokenFromResponse(resp *api.GenerateAuthorizeTokenResponse, now time.Time, r *redactor) (Token, error) {
	if resp == nil || resp.HTTPResponse == nil {
		return Token{}, errors.New("tokenclient: no response to map; pass the result of GenerateAuthorizeTokenWithResponse")
	}
	if resp.StatusCode() != http.StatusOK {
		return Token{}, errorFromResponse(resp, nil, now, r)
	}
	body := resp.JSON200
	if body == nil {
		// The generated parser only decodes bodies labelled JSON; Flinks'
		// answer is JSON whatever its label says.
		var decoded api.GenerateAuthorizeToken200JSONResponseBody
		if err := json.Unmarshal(resp.Body, &decoded); err != nil {
			return Token{}, errorFromResponse(resp, notJSON(err), now, r)
		}
		body = &decoded
	}
	if body.Token == nil || *body.Token == "" {
		return Token{}, errorFromResponse(resp, fmt.Errorf("%w: no Token in the body", ErrMalformedResponse), now, r)
	}
	if !isPrintable(*body.Token) {
		return Token{}, errorFromResponse(resp, fmt.Errorf("%w: Token contains white space or control characters", ErrMalformedResponse), now, r)
	}
	return Token{Value: *body.Token, ExpiresAt: now.Add(TokenLifetime)}, nil
}

func notJSON(err error) error {
	return fmt.Errorf("%w: body is not JSON (%v)", ErrMalformedResponse, err)
}

// errorFromResponse builds the *APIError for resp, reading the Flinks error
// fields from the body when it is JSON. Server text is made one line and
// scrubbed by r (when not nil) before it is truncated, so that no part of a
// key survives a cut.
func errorFromResponse(resp *api.GenerateAuthorizeTokenResponse, cause error, now time.Time, r *redactor) *APIError {
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
			e.FlinksCode = serverText(*fields.FlinksCode, r)
		}
		if fields.Message != nil {
			e.Message = serverText(*fields.Message, r)
		}
	}
	if e.StatusCode >= 300 && e.StatusCode < 400 {
		e.Location = serverText(resp.HTTPResponse.Header.Get("Location"), r)
	}
	e.RetryAfter = parseRetryAfter(resp.HTTPResponse.Header.Get("Retry-After"), now)
	return e
}

// serverText makes s one line, scrubs it with r when r is not nil, and
// only then truncates it to maxErrorText bytes.
func serverText(s string, r *redactor) string {
	if r != nil {
		s = r.text(s)
	} else {
		s = oneLine(s)
	}
	if len(s) > maxErrorText {
		s = strings.ToValidUTF8(s[:maxErrorText], "") + "…"
	}
	return s
}

func isPrintable(s string) bool {
	for _, r := range s {
		if r <= 0x20 || r >= 0x7f && (!isShown(r) || unicode.IsSpace(r)) {
			return false
		}
	}
	return true
}
