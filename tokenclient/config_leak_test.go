package tokenclient

import (
	"errors"
	"strings"
	"testing"

	"github.com/flinkskit/flinks-token-go/api"
)

// keyLike is a secret key in a form that fails every config check it can
// be passed to by mistake (customer id, instance, base URL).
const keyLike = "sk_live_Abc123Secret"

// Config errors never repeat a value that may be the secret key passed in
// the wrong place, and New and NewAPIClient scrub the secret key from any
// config error; each still says what is wrong.
func TestConfigErrorsDoNotEchoValues(t *testing.T) {
	tests := []struct {
		name   string
		build  func() error
		hidden string // the value that must not show, in any case
		want   string // what the error must say instead
	}{
		{"New, arguments swapped", func() error {
			_, err := New(keyLike, testCustomerID)
			return err
		}, keyLike, "is 20 bytes long, want 36"},
		{"New, GUID-length customer id with a bad byte", func() error {
			_, err := New("c4569c54_e167-4d34-8de6-f4113bc82414", testSecretKey)
			return err
		}, "c4569c54_e167", "byte 9 of 36 is punctuation or a symbol, want a hyphen"},
		{"New, customer id with a letter after f", func() error {
			_, err := New("c4569c5z-e167-4d34-8de6-f4113bc82414", testSecretKey)
			return err
		}, "c4569c5z", "byte 8 of 36 is a letter other than a-f"},
		{"New, key as instance", func() error {
			_, err := New(testCustomerID, testSecretKey, WithInstance(keyLike))
			return err
		}, keyLike, "byte 3 of 20 is punctuation or a symbol"},
		{"New, key as base URL", func() error {
			_, err := New(testCustomerID, testSecretKey, WithBaseURL(keyLike))
			return err
		}, keyLike, "(20 bytes) has no host"},
		{"New, key in the base URL path and a query", func() error {
			_, err := New(testCustomerID, testSecretKey, WithBaseURL("https://flinks.example/"+keyLike+"?x"))
			return err
		}, keyLike, "query or fragment"},
		{"New, key as plain-http base URL host", func() error {
			_, err := New(testCustomerID, testSecretKey, WithBaseURL("http://"+strings.ToLower(keyLike)))
			return err
		}, keyLike, "non-loopback host"},
		{"New, key as scheme", func() error {
			_, err := New(testCustomerID, testSecretKey, WithBaseURL("sklive://flinks.example"))
			return err
		}, "sklive", "scheme"},
		{"New, key in an unparsable base URL", func() error {
			_, err := New(testCustomerID, testSecretKey, WithBaseURL("https://h:"+keyLike))
			return err
		}, keyLike, "does not parse (invalid port)"},
		{"New, key as Connect base URL", func() error {
			_, err := New(testCustomerID, testSecretKey, WithConnectBaseURL(keyLike))
			return err
		}, keyLike, "has no host"},
		{"New, secret key in the user agent", func() error {
			_, err := New(testCustomerID, testSecretKey, WithUserAgent(strings.ToUpper(testSecretKey)+"\x01"))
			return err
		}, testSecretKey, "user agent"},
		{"NewAPIClient, arguments swapped", func() error {
			_, err := NewAPIClient(testSecretKey, "https://toolbox-api.private.fin.ag")
			return err
		}, testSecretKey, "NewAPIClient takes the server URL first"},
		{"NewAPIClient, key in a failing option", func() error {
			_, err := NewAPIClient("https://toolbox-api.private.fin.ag", testSecretKey, api.WithBaseURL("%zz"+testSecretKey))
			return err
		}, testSecretKey, "invalid URL escape"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.build()
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("got %v, want ErrInvalidConfig", err)
			}
			msg := err.Error()
			if strings.Contains(strings.ToLower(msg), strings.ToLower(tt.hidden)) {
				t.Errorf("got %q, want it without %q", msg, tt.hidden)
			}
			if !strings.Contains(msg, tt.want) || !strings.HasPrefix(msg, "tokenclient: ") {
				t.Errorf("got %q, want it to start with tokenclient: and say %q", msg, tt.want)
			}
		})
	}
}
