package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/flinkskit/flinks-token-go/api"
	"github.com/flinkskit/flinks-token-go/internal/specvalidate"
)

func TestNewAPIClient(t *testing.T) {
	_, f := setup(t, ok200)
	for _, server := range []string{f.server.URL, f.server.URL + "/prefix", f.server.URL + "/prefix/"} {
		ac, err := NewAPIClient(server, testSecretKey)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := ac.GenerateAuthorizeTokenWithResponse(t.Context(), testCustomerID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tok, err := TokenFromResponse(resp); err != nil || tok.Value != testToken {
			t.Errorf("%s: got %+v, %v", server, tok, err)
		}
	}
}

func TestNewAPIClientRefusesBadInput(t *testing.T) {
	for _, tc := range []struct{ server, key, want string }{
		{"https://h", "short", "secret key is 5 bytes long"},
		{testSecretKey, "https://toolbox-api.private.fin.ag", "tokenclient: base URL (36 bytes) has no host; want https://host[:port][/path] (NewAPIClient takes the server URL first, then the secret key)"},
		{"http://flinks.example", testSecretKey, "base URL uses http for a non-loopback host"},
	} {
		c, err := NewAPIClient(tc.server, tc.key)
		if c != nil || !errors.Is(err, ErrInvalidConfig) || !strings.HasPrefix(err.Error(), "tokenclient: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewAPIClient(%q, %q): got %v, want %q", tc.server, tc.key, err, tc.want)
		}
		assertClean(t, err, testSecretKey)
	}
	failing := func(*api.Client) error { return errors.New("no") }
	if _, err := NewAPIClient("https://h", testSecretKey, failing); !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "an option failed (no)") {
		t.Errorf("got %v", err)
	}
	naming := func(*api.Client) error { return errors.New("rejected key " + testSecretKey) }
	_, err := NewAPIClient("https://h", testSecretKey, naming)
	assertClean(t, err, testSecretKey)
}

// authorizePath is a second operation, Flinks' /Authorize, whose
// flinks-auth-key carries an authorize token, never the secret key.
var authorizePath = strings.Replace(tokenPath, "GenerateAuthorizeToken", "Authorize", 1)

func TestSecretKeyOnTheTokenOperationOnly(t *testing.T) {
	edit := SecretKeyEditor(testSecretKey)
	for _, tc := range []struct {
		method, path string
		want         string // flinks-auth-key after editing
	}{
		{http.MethodPost, tokenPath, testSecretKey},
		{http.MethodPost, "/prefix" + tokenPath, testSecretKey},
		{http.MethodPost, specvalidate.MustPath("generateAuthorizeToken", map[string]string{"customerId": "other"}), testSecretKey},
		{http.MethodPost, authorizePath, testToken},
		{http.MethodGet, tokenPath, testToken},
		{http.MethodPost, strings.Replace(tokenPath, testCustomerID, "", 1), testToken},
		{http.MethodPost, tokenPath + "/x", testToken},
		{http.MethodPost, "/GenerateAuthorizeToken", testToken},
		{http.MethodPost, strings.ToLower(tokenPath), testToken},
	} {
		req := httptest.NewRequest(tc.method, "https://flinks.example"+tc.path, nil)
		req.Header.Set("flinks-auth-key", testToken)
		req.Header.Set("Content-Type", "text/plain")
		if err := edit(t.Context(), req); err != nil {
			t.Fatal(err)
		}
		got, ct := req.Header.Get("flinks-auth-key"), req.Header.Get("Content-Type")
		if got != tc.want || (got == testToken) != (ct == "text/plain") || (got == testSecretKey) != (req.Header.Get("Accept") == "application/json") {
			t.Errorf("%s %s: flinks-auth-key %q, Content-Type %q, want %q", tc.method, tc.path, got, ct, tc.want)
		}
	}
	bad := SecretKeyEditor("short")
	if err := bad(t.Context(), httptest.NewRequest(http.MethodPost, authorizePath, nil)); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("an editor for a bad key: got %v", err)
	}
}

// Through NewAPIClient's client, as the generated code sends a second
// operation: its request editors, then its HTTP client.
func TestAuthorizeNeverSeesTheSecretKey(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path] = r.Header.Get("flinks-auth-key")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(okBody))
	}))
	defer srv.Close()
	ac, err := NewAPIClient(srv.URL, testSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ac.GenerateAuthorizeTokenWithResponse(t.Context(), testCustomerID, nil); err != nil {
		t.Fatal(err)
	}
	gen := ac.ClientInterface.(*api.Client)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+authorizePath, strings.NewReader("{}"))
	req.Header.Set("flinks-auth-key", testToken)
	for _, edit := range gen.RequestEditors {
		if err := edit(t.Context(), req); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := gen.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if seen[tokenPath] != testSecretKey || seen[authorizePath] != testToken {
		t.Errorf("flinks-auth-key by path: %v", seen)
	}
}

type closeCounter struct {
	http.RoundTripper
	closed int
}

func (c *closeCounter) CloseIdleConnections() { c.closed++ }

func TestCheckedTransport(t *testing.T) {
	answer := func(status int, label string, body io.Reader) roundTripFunc {
		return func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {label}}, Body: io.NopCloser(body), Request: r}, nil
		}
	}
	req := httptest.NewRequest(http.MethodPost, "https://flinks.example"+tokenPath, nil)
	for _, tc := range []struct {
		name string
		rt   roundTripFunc
		want string // error text, "" for a response
	}{
		{"JSON", answer(502, "application/json", strings.NewReader(`{"Message":"down"}`)), ""},
		{"HTML", answer(502, "text/html", strings.NewReader(`<html>`)), ""},
		{"HTML labelled JSON", answer(502, "application/problem+json", strings.NewReader(`<html>`)), "tokenclient: Flinks answered 502 Bad Gateway; Flinks is failing; retry later"},
		{"too large", answer(200, "text/plain", strings.NewReader(strings.Repeat(" ", MaxResponseBytes+1))), "tokenclient: Flinks answered 200 OK: response body too large"},
		{"Authorize: HTML labelled JSON", answer(200, "application/json", strings.NewReader(`<html>`)), ""},
		{"Authorize: too large", answer(200, "text/plain", strings.NewReader(strings.Repeat(" ", MaxResponseBytes+1))), ""},
		{"largest", answer(200, "text/plain", strings.NewReader(strings.Repeat(" ", MaxResponseBytes))), ""},
		{"read error", answer(200, "text/plain", iotest.ErrReader(errors.New("reset by "+testSecretKey))), "tokenclient: reading the response from https://flinks.example failed: reset by [REDACTED]; check network access to Flinks"},
		{"transport error", func(*http.Request) (*http.Response, error) {
			return nil, fmt.Errorf("bad header %s: %w", testSecretKey, context.Canceled)
		},
			"tokenclient: request to https://flinks.example failed: bad header [REDACTED]: context canceled; check network access to Flinks"},
	} {
		r, passed := req, strings.HasPrefix(tc.name, "Authorize")
		if passed {
			r = httptest.NewRequest(http.MethodPost, "https://flinks.example"+authorizePath, nil)
		}
		var sent io.ReadCloser // the body as the transport below answered it
		next := roundTripFunc(func(r *http.Request) (resp *http.Response, err error) {
			if resp, err = tc.rt(r); resp != nil {
				sent = resp.Body
			}
			return resp, err
		})
		resp, err := (&checkedTransport{next: next, scrub: newScrubber(testSecretKey)}).RoundTrip(r)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			} else if b, _ := io.ReadAll(resp.Body); len(b) == 0 || (resp.Body == sent) != passed {
				t.Errorf("%s: the body is gone, or (un)buffered against the rule (passed through: %t)", tc.name, resp.Body == sent)
			}
			continue
		}
		if resp != nil || err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.HasPrefix(tc.name, "transport") && !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
	cc := &closeCounter{}
	(&checkedTransport{next: cc}).CloseIdleConnections()
	(&checkedTransport{next: roundTripFunc(nil)}).CloseIdleConnections()
	if cc.closed != 1 {
		t.Errorf("CloseIdleConnections reached the transport %d times, want 1", cc.closed)
	}
}
