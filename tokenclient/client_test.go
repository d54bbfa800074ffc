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
)

func TestGenerateAuthorizeToken(t *testing.T) {
	_, f := setup(t)
	f.handler = func(w http.ResponseWriter, r *http.Request) {
		for name, want := range map[string]string{"flinks-auth-key": testSecretKey,
			"Content-Type": "application/json",
			"Accept":       "application/json",
			"User-Agent":   "flinks-token-go/1 my-service/2 (x)"} {
			if got := r.Header.Values(name); len(got) != 1 || got[0] != want ||
				r.URL.Path != tokenPath {
				t.Errorf("%s %s: got %q, want %q", r.URL.Path, name, got, want)
			}
		}
		_, _ = w.Write([]byte(okBody))
	}
	c := newTestClient(t, f.server.URL, WithUserAgent("my-service/2 (x)"))
	before := time.Now()
	tok, err := c.GenerateAuthorizeToken(t.Context())
	if err != nil || tok.Value != testToken || tok.ExpiresAt.Before(before.Add(TokenLifetime)) ||
		tok.ExpiresAt.After(time.Now().Add(TokenLifetime)) {
		t.Errorf("got %+v, %v, want %s expiring %v from now", tok, err, testToken, TokenLifetime)
	}
	// The second call reuses the request built in New.
	if tok, err := c.Token(t.Context()); err != nil || tok.Value != testToken ||
		f.hits.Load() != 2 {
		t.Errorf("Token: got %+v, %v after %d requests", tok, err, f.hits.Load())
	}
}

// A RoundTripper that adds a header must not add it to later calls.
func TestCustomTransportGetsFreshHeaders(t *testing.T) {
	var seen []int
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r.Header.Add("X-Trace", "1")
		seen = append(seen, len(r.Header.Values("X-Trace")))
		return respond(r, 200, okBody), nil
	})
	c := newTestClient(t, "https://flinks.example", WithHTTPClient(&http.Client{Transport: rt}))
	for range 3 {
		if _, err := c.GenerateAuthorizeToken(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(seen) != "[1 1 1]" {
		t.Errorf("X-Trace values per call: got %v, want [1 1 1]", seen)
	}
}

func TestLogger(t *testing.T) {
	var buf bytes.Buffer
	echo := jsonReply(503, `{"Message":"bad key `+testSecretKey+`"}`)
	_, f := setup(t, echo, ok200)
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, f.server.URL, fastRetry, WithLogger(logger))
	if _, err := c.GenerateAuthorizeToken(t.Context()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	for i, want := range []string{"level=WARN msg=\"tokenclient: attempt failed, retrying\" " +
		"attempt=1",
		"level=DEBUG msg=\"tokenclient: attempt ended\" attempt=2"} {
		if len(lines) != 2 || !strings.Contains(lines[i], want) ||
			!strings.Contains(lines[i], "duration=") {
			t.Errorf("log line %d: got %q, want %q and a duration", i, lines, want)
		}
	}
	if !strings.Contains(buf.String(), "status=503") ||
		!strings.Contains(buf.String(), "status=200") ||
		!strings.Contains(buf.String(), "bad key [REDACTED]") {
		t.Errorf("log: %s", buf.String())
	}
	if strings.Contains(buf.String(), testSecretKey) || strings.Contains(buf.String(), testToken) {
		t.Errorf("log holds the key or the token: %s", buf.String())
	}
}

func TestClientLogValue(t *testing.T) {
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).
		Info("x", "client", newTestClient(t, "https://flinks.example/p"))
	if want := `"client":{"instance":"toolbox","host":"flinks.example"}`; !strings.Contains(
		buf.String(),
		want,
	) {
		t.Errorf("got %s, want %s", buf.String(), want)
	}
}

func TestFormatHidesTheKey(t *testing.T) {
	c := newTestClient(t, "https://flinks.example/p")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		for _, v := range []any{c, *c} {
			got := fmt.Sprintf(verb, v)
			want := `tokenclient.Client{server: "https://flinks.example/p/", secretKey: [REDACTED]}`
			if got != want {
				t.Errorf("%s: got %s", verb, got)
			}
		}
	}
}

func TestNewRefusesBadInput(t *testing.T) {
	for _, tc := range []struct {
		name       string
		customerID string
		key        string
		opts       []Option
		want       string
	}{
		{"short id", testCustomerID[1:], testSecretKey, nil, "customer id"},
		{"long id", testCustomerID + "0", testSecretKey, nil, "customer id"},
		{"id without a hyphen", strings.Replace(testCustomerID, "-", "0", 1), testSecretKey, nil,
			"customer id"},
		{"id with a g", "g" + testCustomerID[1:], testSecretKey, nil, "customer id"},
		{"id with a hyphen for a digit", testCustomerID[:35] + "-", testSecretKey, nil,
			"customer id"},
		{"empty key", testCustomerID, "", nil, "secret key"},
		{"key with a newline", testCustomerID, testSecretKey + "\n", nil, "secret key"},
		{"key with a unit separator", testCustomerID, "\x1f" + testSecretKey, nil, "secret key"},
		{"key with DEL", testCustomerID, "\x7f" + testSecretKey, nil, "secret key"},
		{"key with 0x80", testCustomerID, testSecretKey + "\x80", nil, "secret key"},
		{"non-ASCII key", testCustomerID, testSecretKey[:3] + "é", nil, "secret key"},
		{"key with spaces", testCustomerID, " " + testSecretKey, nil, "secret key"},
		{"7-byte key", testCustomerID, "abcdefg", nil, "secret key"},
		{"long instance", testCustomerID, testSecretKey, []Option{WithInstance(strings.Repeat("a",
			64))}, "instance"},
		{"instance with a dot", testCustomerID, testSecretKey,
			[]Option{WithInstance("evil.example")}, "instance"},
		{"instance with a space", testCustomerID, testSecretKey, []Option{WithInstance("a b")},
			"instance"},
		{"instance with a tab", testCustomerID, testSecretKey, []Option{WithInstance("a\tb")},
			"instance"},
		{"instance with é", testCustomerID, testSecretKey, []Option{WithInstance("é")},
			"instance"},
		{"instance ending in a hyphen", testCustomerID, testSecretKey,
			[]Option{WithInstance("toolbox-")}, "instance"},
		{"instance starting with a hyphen", testCustomerID, testSecretKey,
			[]Option{WithInstance("-toolbox")}, "instance"},
		{"base URL with a bad port", testCustomerID, testSecretKey,
			[]Option{WithBaseURL("https://h:" + testSecretKey)}, "base URL"},
		{"base URL without a host", testCustomerID, testSecretKey,
			[]Option{WithBaseURL("https:///x")}, "base URL"},
		{"base URL with user info", testCustomerID, testSecretKey,
			[]Option{WithBaseURL("https://u:p@h")}, "base URL"},
		{"base URL with a query", testCustomerID, testSecretKey,
			[]Option{WithBaseURL("https://h/?k=" + testSecretKey)}, "base URL"},
		{"base URL with a fragment", testCustomerID, testSecretKey,
			[]Option{WithBaseURL("https://h/#f")}, "base URL"},
		{"base URL with a bare ?", testCustomerID, testSecretKey,
			[]Option{WithBaseURL("https://h/?")}, "base URL"},
		{"plain http to a remote host", testCustomerID, testSecretKey,
			[]Option{WithBaseURL("http://flinks.example")}, "base URL"},
		{"ftp", testCustomerID, testSecretKey, []Option{WithBaseURL("ftp://h")}, "base URL"},
		{"Connect base URL", testCustomerID, testSecretKey,
			[]Option{WithConnectBaseURL("http://connect.example")}, "base URL"},
		{"negative retry", testCustomerID, testSecretKey,
			[]Option{WithRetry(RetryPolicy{BaseDelay: -1})}, "retry policy"},
		{"negative attempts", testCustomerID, testSecretKey,
			[]Option{WithRetry(RetryPolicy{MaxAttempts: -1})}, "retry policy"},
		{"user agent with a newline", testCustomerID, testSecretKey,
			[]Option{WithUserAgent("a\n" + testSecretKey)}, `user agent suffix "a\n[REDACTED]"`},
		{"user agent with DEL", testCustomerID, testSecretKey, []Option{WithUserAgent("a\x7f")},
			"user agent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.customerID, tc.key, tc.opts...)
			if c != nil || !errors.Is(err, ErrInvalidConfig) ||
				!strings.Contains(err.Error(), tc.want) ||
				!strings.HasPrefix(err.Error(), "tokenclient: ") {
				t.Fatalf("got %v, %v, want an ErrInvalidConfig saying %q", c, err, tc.want)
			}
			if len(tc.key) >= 8 {
				assertClean(t, err, tc.key)
			}
		})
	}
}

func TestNewAcceptsGoodInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		key    string
		opts   []Option
		server string
	}{
		{"defaults", testSecretKey, nil, "https://toolbox-api.private.fin.ag/"},
		{"8-byte key", "abcdefgh", nil, "https://toolbox-api.private.fin.ag/"},
		{"upper-case key, instance", strings.ToUpper(testSecretKey),
			[]Option{WithInstance("Sandbox-2")}, "https://sandbox-2-api.private.fin.ag/"},
		{"instance of every edge", testSecretKey, []Option{WithInstance("AZaz09-Q")},
			"https://azaz09-q-api.private.fin.ag/"},
		{"63-byte instance", testSecretKey, []Option{WithInstance(strings.Repeat("a", 63))},
			"https://" + strings.Repeat("a", 63) + "-api.private.fin.ag/"},
		{"base URL overrides the instance", oddKey, []Option{WithInstance("sandbox"),
			WithBaseURL("https://proxy.example/flinks")}, "https://proxy.example/flinks/"},
		{"http on localhost", testSecretKey, []Option{WithBaseURL("http://LocalHost:8080")},
			"http://LocalHost:8080/"},
		{"http on 127.0.0.1", testSecretKey, []Option{WithBaseURL("http://127.0.0.1:1")},
			"http://127.0.0.1:1/"},
		{"http on ::1", testSecretKey, []Option{WithBaseURL("http://[::1]:1/")}, "http://[::1]:1/"},
		{"empty instance", testSecretKey, []Option{WithInstance("")},
			"https://toolbox-api.private.fin.ag/"},
		{"nil option", testSecretKey, []Option{nil}, "https://toolbox-api.private.fin.ag/"},
	} {
		if _, err := New(strings.ToUpper(testCustomerID), tc.key, tc.opts...); err != nil {
			t.Errorf("%s, upper-case customer id: %v", tc.name, err)
		}
		c, err := New(testCustomerID, tc.key, tc.opts...)
		if err != nil || c.server != tc.server ||
			c.request.URL.String() != tc.server+tokenPath[1:] {
			t.Errorf("%s: got %v, %v, want server %s", tc.name, c, err, tc.server)
		}
	}
}

// The instance server in openapi.yaml is the one the Client builds.
func TestServerMatchesSpec(t *testing.T) {
	// Flinks may list more servers (a new domain); the client keeps
	// building the {instance} one until openapi.yaml drops it.
	var urls []string
	found := false
	for _, s := range validator.Doc().Servers {
		urls = append(urls, s.URL)
		if v := s.Variables["instance"]; s.URL == serverTemplate && v != nil &&
			v.Default == defaultInstance {
			found = true
		}
	}
	if !found {
		t.Errorf(
			"openapi.yaml servers %q: none is %s with instance %s by default; update "+
				"serverTemplate",
			urls,
			serverTemplate,
			defaultInstance,
		)
	}
	if got := instanceURL("SandBox"); got != "https://sandbox-api.private.fin.ag" {
		t.Errorf("instanceURL: got %s", got)
	}
}
