package tokenclient

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
)

// paths mints through the Client and through NewAPIClient and
// TokenFromResponse, against a fake answering rep.
func paths(t *testing.T, rep reply) map[string]func() (Token, error) {
	c, f := setup(t, rep)
	c = newTestClient(t, f.server.URL, WithoutRetry())
	ac, err := NewAPIClient(f.server.URL, testSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]func() (Token, error){
		"Client": func() (Token, error) { return c.GenerateAuthorizeToken(t.Context()) },
		"TokenFromResponse": func() (Token, error) {
			resp, err := ac.GenerateAuthorizeTokenWithResponse(t.Context(), testCustomerID, nil)
			if err != nil {
				return Token{}, err
			}
			return TokenFromResponse(resp)
		},
	}
}

func TestResponses(t *testing.T) {
	html := func(code int, label string) reply {
		return reply{status: code, header: map[string]string{"Content-Type": label}, body: "<html>Bad gateway</html>"}
	}
	for _, tc := range []struct {
		name string
		rep  reply
		// want is the error text, "" for a token.
		want string
		is   error
	}{
		{"ok", ok200, "", nil},
		{"ok labelled text", reply{status: 200, header: map[string]string{"Content-Type": "text/plain"}, body: okBody}, "", nil},
		{"no Token", jsonReply(200, `{"HttpStatusCode":200}`), "tokenclient: Flinks answered 200 OK: malformed response: no Token in the body; the answer does not match the Flinks spec; check the base URL", ErrMalformedResponse},
		{"empty Token", jsonReply(200, `{"Token":""}`), "tokenclient: Flinks answered 200 OK: malformed response: no Token in the body;", ErrMalformedResponse},
		{"Token with a space", jsonReply(200, `{"Token":"a b"}`), "tokenclient: Flinks answered 200 OK: malformed response: Token is not printable ASCII without spaces;", ErrMalformedResponse},
		{"Token with DEL", jsonReply(200, `{"Token":"a\u007fb"}`), "tokenclient: Flinks answered 200 OK: malformed response: Token is not printable", ErrMalformedResponse},
		{"300", reply{status: 300, header: map[string]string{"Location": "https://x.example"}}, "tokenclient: Flinks answered 300 Multiple Choices; redirect to https://x.example not followed", nil},
		{"Token with a no-break space", jsonReply(200, `{"Token":"a\u00a0b"}`), "tokenclient: Flinks answered 200 OK: malformed response: Token is not printable", ErrMalformedResponse},
		{"200 HTML", html(200, "text/html"), "tokenclient: Flinks answered 200 OK: malformed response: body is not JSON (invalid character '<' looking for beginning of value);", ErrMalformedResponse},
		{"200 HTML labelled JSON", html(200, "application/json"), "tokenclient: Flinks answered 200 OK: malformed response: body is not JSON (invalid character '<' looking for beginning of value);", ErrMalformedResponse},
		{"401", unauth, "tokenclient: Flinks answered 401 Unauthorized (UNAUTHORIZED: You must provide a valid auth key); check the secret key", ErrUnauthorized},
		{"401 HTML", html(401, "text/html"), "tokenclient: Flinks answered 401 Unauthorized; check the secret key", ErrUnauthorized},
		{"401 HTML labelled JSON", html(401, "application/json"), "tokenclient: Flinks answered 401 Unauthorized; check the secret key", ErrUnauthorized},
		{"502 HTML", html(502, "text/html"), "tokenclient: Flinks answered 502 Bad Gateway; Flinks is failing; retry later", nil},
		{"502 HTML labelled JSON", html(502, "application/json; charset=utf-8"), "tokenclient: Flinks answered 502 Bad Gateway; Flinks is failing; retry later", nil},
		{"500 Flinks error", jsonReply(500, `{"FlinksCode":"OOPS","Message":"key `+strings.ToUpper(testSecretKey)+`\nrefused"}`), "tokenclient: Flinks answered 500 Internal Server Error (OOPS: key [REDACTED] refused); Flinks is failing", nil},
		{"302", reply{status: 302, header: map[string]string{"Location": "https://elsewhere.example/?k=" + testSecretKey}}, "tokenclient: Flinks answered 302 Found; redirect to https://elsewhere.example/?k=[REDACTED] not followed", nil},
		{"largest body", jsonReply(200, okBody+strings.Repeat(" ", MaxResponseBytes-len(okBody))), "", nil},
		{"body too large", jsonReply(200, okBody+strings.Repeat(" ", MaxResponseBytes-len(okBody)+1)), "tokenclient: Flinks answered 200 OK: response body too large; the body exceeded 1048576 bytes", ErrResponseTooLarge},
	} {
		for path, mint := range paths(t, tc.rep) {
			t.Run(tc.name+"/"+path, func(t *testing.T) {
				tok, err := mint()
				if tc.want == "" {
					if err != nil || tok.Value != testToken {
						t.Fatalf("got %+v, %v, want a token", tok, err)
					}
					return
				}
				apiErr, ok := errors.AsType[*APIError](err)
				if !ok || apiErr.StatusCode != tc.rep.status || tok != (Token{}) {
					t.Fatalf("got %+v, %v, want an *APIError %d", tok, err, tc.rep.status)
				}
				if !strings.HasPrefix(apiErr.Error(), tc.want) {
					t.Errorf("got  %q\nwant %q…", apiErr, tc.want)
				}
				if tc.is != nil && !errors.Is(err, tc.is) {
					t.Errorf("%v does not match %v", err, tc.is)
				}
				assertClean(t, err, testSecretKey)
			})
		}
	}
}

func TestErrorFields(t *testing.T) {
	rep := jsonReply(400, `{"FlinksCode":"BUSY","Message":"later"}`)
	rep.header["Retry-After"] = "7"
	rep.header["Location"] = "https://not-a-redirect.example"
	for path, mint := range paths(t, rep) {
		_, err := mint()
		apiErr, _ := errors.AsType[*APIError](err)
		want := APIError{StatusCode: 400, FlinksCode: "BUSY", Message: "later", RetryAfter: 7e9, Attempts: 1}
		if path != "Client" {
			want.Attempts = 0
		}
		if apiErr == nil || *apiErr != want {
			t.Errorf("%s: got %#v, want %#v", path, apiErr, want)
		}
	}
}

func TestTokenFromResponseNeedsAResponse(t *testing.T) {
	for _, resp := range []*api.GenerateAuthorizeTokenResponse{nil, {}} {
		if _, err := TokenFromResponse(resp); err == nil || err.Error() != "tokenclient: no response to map; pass the result of GenerateAuthorizeTokenWithResponse" {
			t.Errorf("got %v", err)
		}
	}
}

// FuzzResponse: any status, label and body gives a token only for a 200,
// else a clean one-line error, never a panic.
func FuzzResponse(f *testing.F) {
	f.Add(200, "application/json", okBody)
	f.Add(401, "application/json", unauthBody)
	f.Add(502, "application/json", "<html>")
	f.Add(500, "text/plain", `{"Message":"`+testSecretKey+`\n","FlinksCode":"\u2028"}`)
	f.Add(302, "", "")
	f.Fuzz(func(t *testing.T, status int, label, body string) {
		if status < 100 || status > 999 {
			return
		}
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp := respond(r, status, body)
			resp.Header.Set("Content-Type", label)
			resp.Header.Set("Location", body)
			return resp, nil
		})
		c := newTestClient(t, "https://flinks.example", WithoutRetry(), WithHTTPClient(&http.Client{Transport: rt}))
		tok, err := c.GenerateAuthorizeToken(t.Context())
		if err == nil {
			if status != 200 || !tok.Valid() {
				t.Fatalf("%d gave %+v", status, tok)
			}
			return
		}
		assertClean(t, err, testSecretKey)
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"": 0, " 3 ": 3 * time.Second, "0": 0, "-1": 0, "1.5": 0, "soon": 0, "86400": 24 * time.Hour, "86401": 24 * time.Hour,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second, now.Format(http.TimeFormat): 0,
		now.Add(-time.Hour).Format(http.TimeFormat): 0,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q): got %v, want %v", v, got, want)
		}
	}
}
