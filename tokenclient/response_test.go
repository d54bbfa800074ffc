package tokenclient

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
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
	c = newTestClient(t, f.server.URL, noRetry)
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
		return reply{
			status: code,
			header: map[string]string{"Content-Type": label},
			body:   "<html>Bad gateway</html>",
		}
	}
	for _, tc := range []struct {
		name  string
		rep   reply
		fails bool
		is    error
	}{
		{"ok", ok200, false, nil},
		{"ok labelled text", reply{status: 200,
			header: map[string]string{"Content-Type": "text/plain"}, body: okBody}, false, nil},
		{"no Token", jsonReply(200, `{"HttpStatusCode":200}`), true, ErrMalformedResponse},
		{"empty Token", jsonReply(200, `{"Token":""}`), true, ErrMalformedResponse},
		{"Token with a space", jsonReply(200, `{"Token":"a b"}`), true, ErrMalformedResponse},
		{"Token with DEL", jsonReply(200, `{"Token":"a\u007fb"}`), true, ErrMalformedResponse},
		{"300", reply{status: 300, header: map[string]string{"Location": "https://x.example"}},
			true, nil},
		{"Token with a no-break space", jsonReply(200, `{"Token":"a\u00a0b"}`), true,
			ErrMalformedResponse},
		{"200 HTML", html(200, "text/html"), true, ErrMalformedResponse},
		{"200 HTML labelled JSON", html(200, "application/json"), true, ErrMalformedResponse},
		{"401", unauth, true, ErrUnauthorized},
		{"401 HTML", html(401, "text/html"), true, ErrUnauthorized},
		{"401 HTML labelled JSON", html(401, "application/json"), true, ErrUnauthorized},
		{"502 HTML", html(502, "text/html"), true, nil},
		{"502 HTML labelled JSON", html(502, "application/json; charset=utf-8"), true, nil},
		{"500 Flinks error", jsonReply(500,
			`{"FlinksCode":"OOPS","Message":"key `+strings.ToUpper(testSecretKey)+`\nrefused"}`),
			true, nil},
		{"302", reply{status: 302,
			header: map[string]string{"Location": "https://elsewhere.example/?k=" + testSecretKey}},
			true, nil},
		{"largest body", jsonReply(200, okBody+strings.Repeat(" ", MaxResponseBytes-len(okBody))),
			false, nil},
		{"body too large", jsonReply(200, okBody+strings.Repeat(" ",
			MaxResponseBytes-len(okBody)+1)), true, ErrResponseTooLarge},
		{"Token is the key", jsonReply(200, `{"Token":"`+testSecretKey+`"}`), true,
			ErrMalformedResponse},
		{"Token is the key upper-cased", jsonReply(200,
			`{"Token":"`+strings.ToUpper(testSecretKey)+`"}`),
			true, ErrMalformedResponse},
		{"Token is the key's N form", jsonReply(200, `{"Token":"`+nForm(testSecretKey)+`"}`), true,
			ErrMalformedResponse},
		{"Token is the key percent-encoded", jsonReply(200,
			`{"Token":"`+echoes(testSecretKey)["every byte escaped"]+`"}`),
			true, ErrMalformedResponse},
	} {
		var texts []string
		for path, mint := range paths(t, tc.rep) {
			tok, err := mint()
			if !tc.fails {
				if err != nil || tok.Value != testToken {
					t.Errorf("%s/%s: got %+v, %v, want a token", tc.name, path, tok, err)
				}
				continue
			}
			apiErr, ok := errors.AsType[*APIError](err)
			if !ok || apiErr.StatusCode != tc.rep.status || tok != (Token{}) ||
				apiErr.Attempts != 1 {
				t.Errorf(
					"%s/%s: got %+v, %v, want an *APIError %d",
					tc.name,
					path,
					tok,
					err,
					tc.rep.status,
				)
			}
			if loc := tc.rep.header["Location"]; ok && loc != "" && apiErr.Location == "" {
				t.Errorf("%s/%s: got %v, want Location %s", tc.name, path, err, loc)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("%s/%s: %v does not match %v", tc.name, path, err, tc.is)
			}
			assertClean(t, err, testSecretKey)
			texts = append(texts, fmt.Sprint(err))
		}
		if len(texts) == 2 && texts[0] != texts[1] {
			t.Errorf("%s: the paths' errors differ:\n%s\n%s", tc.name, texts[0], texts[1])
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
		want := APIError{
			StatusCode: 400,
			FlinksCode: "BUSY",
			Message:    "later",
			RetryAfter: 7e9,
			Attempts:   1,
		}
		if apiErr == nil || *apiErr != want {
			t.Errorf("%s: got %#v, want %#v", path, apiErr, want)
		}
	}
}

func TestTokenFromResponseNeedsAResponse(t *testing.T) {
	for _, resp := range []*api.GenerateAuthorizeTokenResponse{nil, {}} {
		if _, err := TokenFromResponse(resp); err == nil ||
			err.Error() != "tokenclient: TokenFromResponse got no response" {
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
		c := newTestClient(
			t,
			"https://flinks.example",
			noRetry,
			WithHTTPClient(&http.Client{Transport: rt}),
		)
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
		"": 0, " 3 ": 3 * time.Second, "0": 0, "-1": 0, "1.5": 0, "soon": 0,
		"86400": 24 * time.Hour, "86401": 24 * time.Hour,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Format(http.TimeFormat):                       0,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q): got %v, want %v", v, got, want)
		}
	}
}

func TestTokenValid(t *testing.T) {
	for _, tc := range []struct {
		tok  Token
		want bool
	}{
		{Token{Value: "t", ExpiresAt: time.Now().Add(time.Minute)}, true},
		{Token{Value: "t", ExpiresAt: time.Now().Add(-time.Nanosecond)}, false},
		{Token{ExpiresAt: time.Now().Add(time.Minute)}, false},
		{Token{Value: "t"}, false},
	} {
		if got := tc.tok.Valid(); got != tc.want {
			t.Errorf("%+v.Valid() = %v", tc.tok, got)
		}
	}
}

// A Token prints and logs only its expiry.
func TestTokenHidesItsValue(t *testing.T) {
	tok := Token{Value: testToken, ExpiresAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("minted", "tok", tok)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("minted", "tok", tok)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		fmt.Fprintf(&buf, verb+"\n", tok)
	}
	fmt.Fprintln(&buf, tok, &tok, []Token{tok})
	if out := buf.String(); strings.Contains(out, testToken) ||
		strings.Count(out, "2026-01-02T03:04:05") != 12 {
		t.Errorf("got %s, want the expiry 12 times and never the value", out)
	}
}
