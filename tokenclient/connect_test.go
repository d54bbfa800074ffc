package tokenclient

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestConnectURL(t *testing.T) {
	fresh := Token{Value: "a b&c", ExpiresAt: time.Now().Add(time.Minute)}
	for _, tc := range []struct {
		opts   []Option
		params url.Values
		want   string
	}{
		{nil, nil, "https://toolbox-iframe.private.fin.ag/v2/?authorizeToken=a+b%26c"},
		{[]Option{WithInstance("SandBox")}, url.Values{"redirectUrl": {"https://shop.example/done"},
			"demo": {"true"}},
			"https://sandbox-iframe.private.fin.ag/v2/?authorizeToken=a+b%26c&demo=true" +
				"&redirectUrl=https%3A%2F%2Fshop.example%2Fdone"},
		{[]Option{WithBaseURL("http://127.0.0.1:8080/fake/")}, url.Values{},
			"http://127.0.0.1:8080/fake/v2/?authorizeToken=a+b%26c"},
		{[]Option{WithBaseURL("https://proxy.example"),
			WithConnectBaseURL("https://connect.example/")}, nil,
			"https://connect.example/v2/?authorizeToken=a+b%26c"},
		{[]Option{WithConnectBaseURL("https://connect.example")}, nil,
			"https://connect.example/v2/?authorizeToken=a+b%26c"},
	} {
		c, err := New(testCustomerID, testSecretKey, tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := c.ConnectURL(fresh, tc.params); err != nil || got != tc.want {
			t.Errorf("got %q, %v, want %q", got, err, tc.want)
		}
	}
}

func TestConnectURLRefuses(t *testing.T) {
	c := newTestClient(t, "https://flinks.example")
	for _, tc := range []struct {
		tok    Token
		params url.Values
		want   string
		config bool
	}{
		{Token{}, nil, "empty token", false},
		{Token{Value: "t", ExpiresAt: time.Now().Add(-time.Second)}, nil, "expired", false},
		{Token{Value: "t"}, url.Values{"authorizeToken": {"x"}}, "authorizeToken", true},
	} {
		got, err := c.ConnectURL(tc.tok, tc.params)
		if got != "" || err == nil || !strings.Contains(err.Error(), tc.want) ||
			errors.Is(err, ErrInvalidConfig) != tc.config {
			t.Errorf("got %q, %v, want %q", got, err, tc.want)
		}
	}
	if got, err := c.ConnectURL(Token{Value: "t"}, nil); err != nil ||
		got != "https://flinks.example/v2/?authorizeToken=t" {
		t.Errorf("a token without ExpiresAt: got %q, %v", got, err)
	}
}
