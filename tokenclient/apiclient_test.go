package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
	"github.com/flinkskit/flinks-token-go/internal/openapi"
)

func TestNewAPIClient(t *testing.T) {
	_, f := setup(t, ok200)
	for _, server := range []string{f.server.URL, f.server.URL + "/prefix",
		f.server.URL + "/prefix/"} {
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
		{"https://h", "short", "secret key"},
		{testSecretKey, "https://toolbox-api.private.fin.ag", "base URL"},
		{"http://flinks.example", testSecretKey, "base URL"},
	} {
		c, err := NewAPIClient(tc.server, tc.key)
		if c != nil || !errors.Is(err, ErrInvalidConfig) ||
			!strings.HasPrefix(err.Error(), "tokenclient: ") ||
			!strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewAPIClient(%q, %q): got %v, want %q", tc.server, tc.key, err, tc.want)
		}
		assertClean(t, err, testSecretKey)
	}
	failing := func(*api.Client) error { return errors.New("no") }
	if _, err := NewAPIClient("https://h", testSecretKey, failing); !errors.Is(
		err,
		ErrInvalidConfig,
	) ||
		!strings.Contains(err.Error(), "(no)") {
		t.Errorf("got %v", err)
	}
	naming := func(*api.Client) error { return errors.New("rejected key " + testSecretKey) }
	_, err := NewAPIClient("https://h", testSecretKey, naming)
	assertClean(t, err, testSecretKey)
}

// authorizePath is a second operation, Flinks' /Authorize, whose
// flinks-auth-key carries an authorize token, never the secret key.
var authorizePath = strings.Replace(tokenPath, "GenerateAuthorizeToken", "Authorize", 1)

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
	if _, err := ac.GenerateAuthorizeTokenWithResponse(t.Context(), testCustomerID,
		nil); err != nil {
		t.Fatal(err)
	}
	gen := ac.ClientInterface.(*api.Client)
	req, _ := http.NewRequestWithContext(
		t.Context(),
		http.MethodPost,
		srv.URL+authorizePath,
		strings.NewReader("{}"),
	)
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

// mintVia mints through ac and TokenFromResponse.
func mintVia(ctx context.Context, ac *api.ClientWithResponses) (Token, error) {
	resp, err := ac.GenerateAuthorizeTokenWithResponse(ctx, testCustomerID, nil)
	if err != nil {
		return Token{}, err
	}
	return TokenFromResponse(resp)
}

// Whatever *http.Client the caller passes, no redirect is followed and the key goes only to the
// token operation on the configured host.
func TestAPIClientRefusesRedirects(t *testing.T) {
	var elsewhere atomic.Int64
	target := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		_, _ = w.Write([]byte(okBody))
	}))
	defer target.Close()
	for _, code := range []int{301, 302, 303, 307, 308} {
		_, f := setup(
			t,
			reply{status: code, header: map[string]string{"Location": target.URL + tokenPath}},
		)
		for name, hc := range map[string]*http.Client{"default": nil,
			"ordinary": {Timeout: 10 * time.Second}, "httptest": target.Client()} {
			var opts []api.ClientOption
			if hc != nil {
				opts = append(opts, api.WithHTTPClient(hc))
			}
			ac, err := NewAPIClient(f.server.URL, testSecretKey, opts...)
			if err != nil {
				t.Fatal(err)
			}
			_, err = mintVia(t.Context(), ac)
			if e, ok := errors.AsType[*APIError](err); !ok || e.StatusCode != code ||
				e.Location == "" {
				t.Errorf("%d, %s client: got %v, want the %d", code, name, err, code)
			}
			if hc != nil && hc.CheckRedirect != nil {
				t.Errorf("%s: NewAPIClient changed the caller's client", name)
			}
		}
	}
	if elsewhere.Load() != 0 {
		t.Errorf("the redirect target got %d requests", elsewhere.Load())
	}
}

func TestAPIClientKeyOnlyToTheConfiguredHost(t *testing.T) {
	var seen atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Host + " " + r.Header.Get("flinks-auth-key"))
		_, _ = w.Write([]byte(okBody))
	}))
	defer srv.Close()
	ac, err := NewAPIClient("http://localhost:1", testSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	moved := func(_ context.Context, req *http.Request) error {
		req.URL.Host = strings.TrimPrefix(srv.URL, "http://")
		return nil
	}
	_, _ = ac.GenerateAuthorizeTokenWithResponse(t.Context(), testCustomerID, nil, moved)
	if got, _ := seen.Load().(string); got == "" || strings.Contains(got, testSecretKey) {
		t.Errorf("a request moved to another host: got %q, want it sent without the key", got)
	}
}

// The server the options leave is checked, and so is the HTTP client they leave.
func TestAPIClientChecksTheEffectiveServer(t *testing.T) {
	for _, opt := range []api.ClientOption{api.WithBaseURL("http://flinks-proxy.internal:8080"),
		api.WithBaseURL("http://192.0.2.10"), api.WithBaseURL("ftp://flinks.example"),
		api.WithHTTPClient(roundTripDoer{})} {
		c, err := NewAPIClient("https://flinks.example", testSecretKey, opt)
		if c != nil || !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("got %v, %v, want an ErrInvalidConfig", c, err)
		}
	}
	if _, err := NewAPIClient("https://x.example", testSecretKey,
		api.WithBaseURL("http://127.0.0.1:1")); err != nil {
		t.Errorf("a loopback base URL: %v", err)
	}
}

type roundTripDoer struct{}

func (roundTripDoer) Do(*http.Request) (*http.Response, error) { return nil, nil }

// The same failure gives the same error from both paths.
func TestOneErrorShape(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rep     reply
		timeout bool
	}{
		{"dropped connection", drop, false},
		{"503", statusReply(503), false},
		{"timeout", ok200, true},
	} {
		_, f := setup(t, tc.rep)
		if tc.timeout {
			f.handler = func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
		}
		c := newTestClient(t, f.server.URL, noRetry)
		ac, err := NewAPIClient(f.server.URL, testSecretKey)
		if err != nil {
			t.Fatal(err)
		}
		var errs []error
		for _, mint := range []func(context.Context) (Token, error){c.GenerateAuthorizeToken,
			func(ctx context.Context) (Token, error) { return mintVia(ctx, ac) }} {
			ctx, cancel := t.Context(), context.CancelFunc(func() {})
			if tc.timeout {
				ctx, cancel = context.WithTimeout(ctx, 100*time.Millisecond)
			}
			_, err := mint(ctx)
			cancel()
			errs = append(errs, err)
		}
		a, b := errs[0], errs[1]
		_, aNet := errors.AsType[net.Error](a)
		_, bNet := errors.AsType[net.Error](b)
		_, aAPI := errors.AsType[*APIError](a)
		_, bAPI := errors.AsType[*APIError](b)
		if a == nil || b == nil || a.Error() != b.Error() || aNet != bNet || aAPI != bAPI ||
			errors.Is(a, context.DeadlineExceeded) != tc.timeout ||
			errors.Is(b, context.DeadlineExceeded) != tc.timeout {
			t.Errorf("%s:\n Client %v\n   API  %v", tc.name, a, b)
		}
		if strings.Contains(fmt.Sprint(a, b), testCustomerID) {
			t.Errorf("%s: an error names the customer-id path: %v", tc.name, b)
		}
	}
}

// TokenFromResponse on a 200 does not build the scrubber.
func BenchmarkTokenFromResponse(b *testing.B) {
	req := httptest.NewRequest(http.MethodPost, "https://flinks.example"+tokenPath, nil)
	req.Header.Set("flinks-auth-key", testSecretKey)
	resp := &api.GenerateAuthorizeTokenResponse{Body: []byte(okBody),
		HTTPResponse: &http.Response{StatusCode: 200, Header: http.Header{}, Request: req}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := TokenFromResponse(resp); err != nil {
			b.Fatal(err)
		}
	}
}

func TestIsTokenRequest(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		want         bool
	}{
		{http.MethodPost, tokenPath, true},
		{http.MethodPost, "/prefix" + tokenPath, true},
		{http.MethodPost, openapi.MustPath("generateAuthorizeToken", "other"), true},
		{http.MethodPost, strings.Replace(tokenPath, testCustomerID, "x", 1), true},
		{http.MethodPost, authorizePath, false},
		{http.MethodGet, tokenPath, false},
		{http.MethodPost, strings.Replace(tokenPath, testCustomerID, "", 1), false},
		{http.MethodPost, tokenPath + "/x", false},
		{http.MethodPost, "/GenerateAuthorizeToken", false},
		{http.MethodPost, strings.ToLower(tokenPath), false},
	} {
		req := httptest.NewRequest(tc.method, "https://flinks.example"+tc.path, nil)
		if got := isTokenRequest(req); got != tc.want {
			t.Errorf("%s %s: got %v, want %v", tc.method, tc.path, got, tc.want)
		}
	}
}

// TokenFromResponse scrubs the key its response's request carried, and needs no request.
func TestTokenFromResponseScrubsTheRequestsKey(t *testing.T) {
	echo := `{"Message":"bad key ` + testSecretKey + `"}`
	for _, tc := range []struct {
		key   string // flinks-auth-key, "" for no request
		token bool
	}{
		{testSecretKey, false}, {"", false}, {"", true}, {testSecretKey, true},
	} {
		resp := &api.GenerateAuthorizeTokenResponse{Body: []byte(echo),
			HTTPResponse: &http.Response{StatusCode: 401, Header: http.Header{}}}
		if tc.token {
			resp.Body, resp.HTTPResponse.StatusCode = []byte(okBody), 200
		}
		if tc.key != "" {
			resp.HTTPResponse.Request = httptest.NewRequest(http.MethodPost, tokenPath, nil)
			resp.HTTPResponse.Request.Header.Set("flinks-auth-key", tc.key)
		}
		tok, err := TokenFromResponse(resp)
		if tc.token {
			if err != nil || tok.Value != testToken {
				t.Errorf("key %q: got %v, %v, want the token", tc.key, tok, err)
			}
			continue
		}
		if e, ok := errors.AsType[*APIError](err); !ok || strings.Contains(e.Message, redacted) !=
			(tc.key != "") {
			t.Errorf("key %q: got %v, want the key scrubbed if the request had it", tc.key, err)
		}
	}
}
