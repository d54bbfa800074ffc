package tokenclient

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNewRefusesBadInput(t *testing.T) {
	for _, tc := range []struct {
		name       string
		customerID string
		key        string
		opts       []Option
		want       string
	}{
		{"short id", testCustomerID[1:], testSecretKey, nil, "tokenclient: customer id (35 bytes) is not a GUID: want the xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx value Flinks gave you; New takes the customer id first, then the secret key"},
		{"long id", testCustomerID + "0", testSecretKey, nil, "customer id (37 bytes) is not a GUID"},
		{"id without a hyphen", strings.Replace(testCustomerID, "-", "0", 1), testSecretKey, nil, "customer id (36 bytes) is not a GUID"},
		{"id with a g", "g" + testCustomerID[1:], testSecretKey, nil, "customer id (36 bytes) is not a GUID"},
		{"id with a hyphen for a digit", testCustomerID[:35] + "-", testSecretKey, nil, "customer id (36 bytes) is not a GUID"},
		{"empty key", testCustomerID, "", nil, "secret key is 0 bytes long, want at least 8: pass the GUID key Flinks gave you"},
		{"key with a newline", testCustomerID, testSecretKey + "\n", nil, "secret key has a byte that is not printable ASCII at byte 37 of 37; Flinks issues GUID keys: check how it was read (a trailing newline from a file?)"},
		{"key with a unit separator", testCustomerID, "\x1f" + testSecretKey, nil, "not printable ASCII at byte 1 of 37"},
		{"key with DEL", testCustomerID, "\x7f" + testSecretKey, nil, "not printable ASCII at byte 1 of 37"},
		{"key with 0x80", testCustomerID, testSecretKey + "\x80", nil, "not printable ASCII at byte 37 of 37"},
		{"non-ASCII key", testCustomerID, testSecretKey[:3] + "é", nil, "not printable ASCII at byte 4 of 5"},
		{"key with spaces", testCustomerID, " " + testSecretKey, nil, "secret key starts or ends with white space; trim it"},
		{"7-byte key", testCustomerID, "abcdefg", nil, "secret key is 7 bytes long, want at least 8: pass the GUID key Flinks gave you; a key that short cannot be hidden in error text without mangling it"},
		{"empty instance", testCustomerID, testSecretKey, []Option{WithInstance("")}, "tokenclient: instance (0 bytes) is not a single DNS label of letters, digits and inner hyphens, at most 63 bytes; use a name such as toolbox, sandbox or your production instance"},
		{"long instance", testCustomerID, testSecretKey, []Option{WithInstance(strings.Repeat("a", 64))}, "instance (64 bytes) is not"},
		{"instance with a dot", testCustomerID, testSecretKey, []Option{WithInstance("evil.example")}, "instance (12 bytes) is not"},
		{"instance with a space", testCustomerID, testSecretKey, []Option{WithInstance("a b")}, "instance (3 bytes) is not"},
		{"instance with a tab", testCustomerID, testSecretKey, []Option{WithInstance("a\tb")}, "instance (3 bytes) is not"},
		{"instance with é", testCustomerID, testSecretKey, []Option{WithInstance("é")}, "instance (2 bytes) is not"},
		{"instance ending in a hyphen", testCustomerID, testSecretKey, []Option{WithInstance("toolbox-")}, "instance (8 bytes) is not"},
		{"instance starting with a hyphen", testCustomerID, testSecretKey, []Option{WithInstance("-toolbox")}, "instance (8 bytes) is not"},
		{"base URL with a bad port", testCustomerID, testSecretKey, []Option{WithBaseURL("https://h:" + testSecretKey)}, "base URL does not parse (invalid port); want https://host[:port][/path]"},
		{"base URL without a host", testCustomerID, testSecretKey, []Option{WithBaseURL("https:///x")}, "base URL (10 bytes) has no host"},
		{"base URL with user info", testCustomerID, testSecretKey, []Option{WithBaseURL("https://u:p@h")}, "base URL must not contain user info"},
		{"base URL with a query", testCustomerID, testSecretKey, []Option{WithBaseURL("https://h/?k=" + testSecretKey)}, "base URL must not have a query or fragment"},
		{"base URL with a fragment", testCustomerID, testSecretKey, []Option{WithBaseURL("https://h/#f")}, "base URL must not have a query or fragment"},
		{"base URL with a bare ?", testCustomerID, testSecretKey, []Option{WithBaseURL("https://h/?")}, "base URL must not have a query or fragment"},
		{"plain http to a remote host", testCustomerID, testSecretKey, []Option{WithBaseURL("http://flinks.example")}, "base URL uses http for a non-loopback host; use https"},
		{"ftp", testCustomerID, testSecretKey, []Option{WithBaseURL("ftp://h")}, "base URL has a scheme other than https or http"},
		{"Connect base URL", testCustomerID, testSecretKey, []Option{WithConnectBaseURL("http://connect.example")}, "base URL uses http for a non-loopback host"},
		{"negative retry", testCustomerID, testSecretKey, []Option{WithRetry(RetryPolicy{BaseDelay: -1})}, "retry policy {MaxAttempts:3 BaseDelay:-1ns MaxDelay:2s MaxRetryAfter:10s} has a negative field; use WithoutRetry to turn retries off"},
		{"negative attempts", testCustomerID, testSecretKey, []Option{WithRetry(RetryPolicy{MaxAttempts: -1})}, "has a negative field"},
		{"zero call timeout", testCustomerID, testSecretKey, []Option{WithCallTimeout(0)}, "call timeout 0s: want more than 0; pass a context with a deadline for a call-by-call bound"},
		{"user agent with a newline", testCustomerID, testSecretKey, []Option{WithUserAgent("a\n" + testSecretKey)}, `user agent suffix "a\n[REDACTED]" contains control characters`},
		{"user agent with DEL", testCustomerID, testSecretKey, []Option{WithUserAgent("a\x7f")}, "contains control characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.customerID, tc.key, tc.opts...)
			if c != nil || !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "tokenclient: ") {
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
		{"upper-case key, instance", strings.ToUpper(testSecretKey), []Option{WithInstance("Sandbox-2")}, "https://sandbox-2-api.private.fin.ag/"},
		{"instance of every edge", testSecretKey, []Option{WithInstance("AZaz09-Q")}, "https://azaz09-q-api.private.fin.ag/"},
		{"63-byte instance", testSecretKey, []Option{WithInstance(strings.Repeat("a", 63))}, "https://" + strings.Repeat("a", 63) + "-api.private.fin.ag/"},
		{"base URL overrides the instance", oddKey, []Option{WithInstance("sandbox"), WithBaseURL("https://proxy.example/flinks")}, "https://proxy.example/flinks/"},
		{"http on localhost", testSecretKey, []Option{WithBaseURL("http://LocalHost:8080")}, "http://LocalHost:8080/"},
		{"http on 127.0.0.1", testSecretKey, []Option{WithBaseURL("http://127.0.0.1:1")}, "http://127.0.0.1:1/"},
		{"http on ::1", testSecretKey, []Option{WithBaseURL("http://[::1]:1/")}, "http://[::1]:1/"},
		{"nil option", testSecretKey, []Option{nil, WithCallTimeout(time.Nanosecond)}, "https://toolbox-api.private.fin.ag/"},
	} {
		if _, err := New(strings.ToUpper(testCustomerID), tc.key, tc.opts...); err != nil {
			t.Errorf("%s, upper-case customer id: %v", tc.name, err)
		}
		c, err := New(testCustomerID, tc.key, tc.opts...)
		if err != nil || c.server != tc.server || c.request.URL.String() != tc.server+tokenPath[1:] {
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
		if v := s.Variables["instance"]; s.URL == serverTemplate && v != nil && v.Default == defaultInstance {
			found = true
		}
	}
	if !found {
		t.Errorf("openapi.yaml servers %q: none is %s with instance %s by default; update serverTemplate", urls, serverTemplate, defaultInstance)
	}
	if got := instanceURL("SandBox"); got != "https://sandbox-api.private.fin.ag" {
		t.Errorf("instanceURL: got %s", got)
	}
}
