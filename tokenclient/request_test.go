package tokenclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/flinkskit/flinks-token-go/api"
)

func TestRequestMatchesSpec(t *testing.T) {
	var got *http.Request
	c, f, _ := setup(t, ok200)
	f.handler = func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(okBody))
	}
	if _, err := c.GenerateAuthorizeToken(context.Background()); err != nil {
		t.Fatalf("GenerateAuthorizeToken: %v", err)
	}
	if got.Method != http.MethodPost {
		t.Errorf("method: got %s, want POST", got.Method)
	}
	if want := tokenPath; got.URL.Path != want {
		t.Errorf("path: got %s, want %s", got.URL.Path, want)
	}
	for header, want := range map[string]string{
		"Flinks-Auth-Key": testSecretKey,
		"Content-Type":    "application/json",
		"Accept":          "application/json",
	} {
		if v := got.Header.Values(header); len(v) != 1 || v[0] != want {
			t.Errorf("header %s: got %q, want [%q]", header, v, want)
		}
	}
	if ua := got.Header.Get("User-Agent"); !strings.HasPrefix(ua, userAgent) {
		t.Errorf("User-Agent: got %q, want prefix %q", ua, userAgent)
	}
}

// The validator the fake uses must reject what the real API would reject,
// or TestRequestMatchesSpec proves nothing.
func TestValidatorRejectsNonConformingRequests(t *testing.T) {
	good := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1"+tokenPath, nil)
		r.Header.Set("flinks-auth-key", testSecretKey)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Accept", "application/json")
		return r
	}
	if _, err := validator.Request(good()); err != nil {
		t.Fatalf("conforming request rejected: %v", err)
	}
	tests := []struct {
		name   string
		break_ func(*http.Request)
	}{
		{"missing flinks-auth-key", func(r *http.Request) { r.Header.Del("flinks-auth-key") }},
		{"missing Content-Type", func(r *http.Request) { r.Header.Del("Content-Type") }},
		{"missing Accept", func(r *http.Request) { r.Header.Del("Accept") }},
		{"GET instead of POST", func(r *http.Request) { r.Method = http.MethodGet }},
		{"wrong path", func(r *http.Request) {
			r.URL.Path = strings.TrimSuffix(tokenPath, "GenerateAuthorizeToken") + "Authorize"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good()
			tt.break_(r)
			if _, err := validator.Request(r); err == nil {
				t.Errorf("got no validation error, want one")
			}
		})
	}
}

// The wrapper's cached request must be exactly what the generated builder
// produces with the three header parameters set.
func TestRequestEqualsGeneratedBuilder(t *testing.T) {
	c := newTestClient(t, "https://toolbox-api.private.fin.ag")
	want, err := api.NewGenerateAuthorizeTokenRequest("https://toolbox-api.private.fin.ag", testCustomerID, &api.GenerateAuthorizeTokenParams{
		FlinksAuthKey: testSecretKey, ContentType: "application/json", Accept: "application/json",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := c.request.Clone(context.Background())
	if got.Method != want.Method || got.URL.String() != want.URL.String() || got.Body != want.Body {
		t.Errorf("got %s %s, want %s %s", got.Method, got.URL, want.Method, want.URL)
	}
	got.Header.Del("User-Agent")
	if len(got.Header) != len(want.Header) {
		t.Errorf("headers: got %v keys, want %v", len(got.Header), len(want.Header))
	}
	for k := range want.Header {
		if got.Header.Get(k) != want.Header.Get(k) {
			t.Errorf("header %s differs from the generated builder's", k)
		}
	}
}

func TestInstanceSelectsHost(t *testing.T) {
	tests := []struct {
		opts []Option
		want string
	}{
		{nil, "https://toolbox-api.private.fin.ag" + tokenPath},
		{[]Option{WithInstance("sandbox")}, "https://sandbox-api.private.fin.ag" + tokenPath},
		{[]Option{WithInstance("Acme-Prod")}, "https://acme-prod-api.private.fin.ag" + tokenPath},
		{[]Option{WithInstance("sandbox"), WithBaseURL("https://proxy.example/flinks")}, "https://proxy.example/flinks" + tokenPath},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			var got string
			doer := doerFunc(func(r *http.Request) (*http.Response, error) {
				got = r.URL.String()
				return nil, errors.New("not sending")
			})
			c, err := New(testCustomerID, testSecretKey, append(tt.opts, WithDoer(doer), WithoutRetry())...)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = c.GenerateAuthorizeToken(context.Background())
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewRejectsBadInput(t *testing.T) {
	tests := []struct {
		name       string
		customerID string
		secretKey  string
		opts       []Option
		wantInErr  string
	}{
		{"customer id not a GUID", "acme", testSecretKey, nil, "customer id is not a GUID: it is 4 bytes long"},
		{"customer id with path", testCustomerID + "/../x", testSecretKey, nil, "is not a GUID"},
		{"customer id empty", "", testSecretKey, nil, "is not a GUID"},
		{"customer id not hex", "zzzzzzzz-0391-4c82-857d-70d95f087ecb", testSecretKey, nil, "is not a GUID"},
		{"secret key empty", testCustomerID, "", nil, "secret key is empty"},
		{"secret key with newline", testCustomerID, testSecretKey + "\n", nil, "control character"},
		{"secret key with CR LF injection", testCustomerID, "abc\r\nX-Evil: 1", nil, "control character"},
		{"secret key with spaces", testCustomerID, " " + testSecretKey, nil, "white space"},
		{"secret key with DEL", testCustomerID, testSecretKey + "\x7f", nil, "control character"},
		{"instance with host", testCustomerID, testSecretKey, []Option{WithInstance("evil.com/#")}, "not a single DNS label"},
		{"instance with dot", testCustomerID, testSecretKey, []Option{WithInstance("evil.com")}, "not a single DNS label"},
		{"instance empty", testCustomerID, testSecretKey, []Option{WithInstance("")}, "not a single DNS label"},
		{"instance leading hyphen", testCustomerID, testSecretKey, []Option{WithInstance("-x")}, "not a single DNS label"},
		{"instance too long", testCustomerID, testSecretKey, []Option{WithInstance(strings.Repeat("a", 64))}, "not a single DNS label"},
		{"instance with underscore", testCustomerID, testSecretKey, []Option{WithInstance("a_b")}, "not a single DNS label"},
		{"instance with colon", testCustomerID, testSecretKey, []Option{WithInstance("a:b")}, "not a single DNS label"},
		{"instance with at", testCustomerID, testSecretKey, []Option{WithInstance("a@b")}, "not a single DNS label"},
		{"instance with bracket", testCustomerID, testSecretKey, []Option{WithInstance("a[b")}, "not a single DNS label"},
		{"instance with backquote", testCustomerID, testSecretKey, []Option{WithInstance("a`b")}, "not a single DNS label"},
		{"instance with brace", testCustomerID, testSecretKey, []Option{WithInstance("a{b")}, "not a single DNS label"},
		{"instance with slash", testCustomerID, testSecretKey, []Option{WithInstance("a/b")}, "not a single DNS label"},
		{"base URL plain http", testCustomerID, testSecretKey, []Option{WithBaseURL("http://flinks.example")}, "uses http for a non-loopback host"},
		{"base URL ftp", testCustomerID, testSecretKey, []Option{WithBaseURL("ftp://127.0.0.1")}, "scheme other than https"},
		{"base URL no host", testCustomerID, testSecretKey, []Option{WithBaseURL("https://")}, "has no host"},
		{"base URL relative", testCustomerID, testSecretKey, []Option{WithBaseURL("/v3")}, "has no host"},
		{"base URL user info", testCustomerID, testSecretKey, []Option{WithBaseURL("https://u:p@flinks.example")}, "user info"},
		{"base URL query", testCustomerID, testSecretKey, []Option{WithBaseURL("https://flinks.example/?a=b")}, "query or fragment"},
		{"base URL unparsable", testCustomerID, testSecretKey, []Option{WithBaseURL("https://[::1")}, "does not parse"},
		{"base URL unparsable with password", testCustomerID, testSecretKey, []Option{WithBaseURL("https://u:hunter2@[::1")}, "does not parse"},
		{"retry negative", testCustomerID, testSecretKey, []Option{WithRetry(RetryPolicy{MaxAttempts: -1})}, "retry policy"},
		{"user agent control", testCustomerID, testSecretKey, []Option{WithUserAgent("x\r\ny")}, "user agent"},
		{"user agent unit separator", testCustomerID, testSecretKey, []Option{WithUserAgent("x\x1fy")}, "user agent"},
		{"user agent DEL", testCustomerID, testSecretKey, []Option{WithUserAgent("x\x7f")}, "user agent"},
		{"call timeout zero", testCustomerID, testSecretKey, []Option{WithCallTimeout(0)}, "call timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.customerID, tt.secretKey, tt.opts...)
			if err == nil {
				t.Fatalf("got client %v, want an error", c)
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("errors.Is(%v, ErrInvalidConfig) = false", err)
			}
			if !strings.Contains(err.Error(), tt.wantInErr) || !strings.HasPrefix(err.Error(), "tokenclient: ") {
				t.Errorf("got %q, want it to start with tokenclient: and contain %q", err, tt.wantInErr)
			}
			if tt.secretKey != "" && strings.Contains(err.Error(), strings.TrimSpace(tt.secretKey)) {
				t.Errorf("error %q contains the secret key", err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q contains the base URL's password", err)
			}
		})
	}
}

func TestNewAcceptsGoodInput(t *testing.T) {
	for _, base := range []string{"https://flinks.example", "https://flinks.example:8443/prefix/", "http://127.0.0.1:4010", "http://localhost:1", "http://[::1]:80"} {
		if _, err := New(strings.ToUpper(testCustomerID), testSecretKey, WithBaseURL(base)); err != nil {
			t.Errorf("base URL %s: got %v, want no error", base, err)
		}
	}
	for _, instance := range []string{"az-AZ-09", strings.Repeat("a", 63), "z", "Z9"} {
		if _, err := New(testCustomerID, testSecretKey, WithInstance(instance)); err != nil {
			t.Errorf("instance %q: got %v, want no error", instance, err)
		}
	}
	if _, err := New(testCustomerID, testSecretKey, WithUserAgent("my service/1.2 ~é")); err != nil {
		t.Errorf("user agent with a space, ~ and é: got %v, want no error", err)
	}
}

// A bad secret key given to the generated client through SecretKeyEditor
// fails before anything is sent.
func TestSecretKeyEditorRejectsBadKeyBeforeSending(t *testing.T) {
	_, f, _ := setup(t, ok200)
	raw, err := api.NewClientWithResponses(f.server.URL, api.WithRequestEditorFn(SecretKeyEditor("bad\nkey")))
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.GenerateAuthorizeTokenWithResponse(context.Background(), testCustomerID, nil)
	if !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("got %v, want ErrInvalidConfig", err)
	}
	if n := f.hits.Load(); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

func TestGeneratedClientWithEditorAndTokenFromResponse(t *testing.T) {
	_, f, _ := setup(t, unauth, ok200)
	raw, err := api.NewClientWithResponses(f.server.URL,
		api.WithHTTPClient(NewHTTPClient()),
		api.WithRequestEditorFn(SecretKeyEditor(testSecretKey)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := raw.GenerateAuthorizeTokenWithResponse(context.Background(), testCustomerID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TokenFromResponse(resp); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("first call: got %v, want ErrUnauthorized", err)
	}
	resp, err = raw.GenerateAuthorizeTokenWithResponse(context.Background(), testCustomerID, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := TokenFromResponse(resp)
	if err != nil || tok.Value != testToken {
		t.Errorf("second call: got %q, %v, want %q", tok.Value, err, testToken)
	}
	if _, err := TokenFromResponse(nil); err == nil {
		t.Errorf("TokenFromResponse(nil): got no error")
	}
}
