package tokenclient

import (
	"errors"
	"net/url"
	"testing"
	"time"
)

func TestConnectURL(t *testing.T) {
	fresh := Token{Value: testToken, ExpiresAt: time.Now().Add(time.Minute)}
	tests := []struct {
		name     string
		instance string
		tok      Token
		params   url.Values
		want     string
		wantErr  bool
	}{
		{name: "toolbox", instance: "toolbox", tok: fresh, want: "https://toolbox-iframe.private.fin.ag/v2/?authorizeToken=" + testToken},
		{name: "extra params sorted", instance: "Sandbox", tok: fresh, params: url.Values{"redirectUrl": {"https://app.example/done?x=1"}, "demo": {"true"}},
			want: "https://sandbox-iframe.private.fin.ag/v2/?authorizeToken=" + testToken + "&demo=true&redirectUrl=https%3A%2F%2Fapp.example%2Fdone%3Fx%3D1"},
		{name: "token escaped", instance: "toolbox", tok: Token{Value: "a&b=c"}, want: "https://toolbox-iframe.private.fin.ag/v2/?authorizeToken=a%26b%3Dc"},
		{name: "bad instance", instance: "evil.com/#", tok: fresh, wantErr: true},
		{name: "empty token", instance: "toolbox", wantErr: true},
		{name: "expired token", instance: "toolbox", tok: Token{Value: testToken, ExpiresAt: time.Now().Add(-time.Second)}, wantErr: true},
		{name: "params override token", instance: "toolbox", tok: fresh, params: url.Values{"authorizeToken": {"x"}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ConnectURL(tt.instance, tt.tok, tt.params)
			if tt.wantErr {
				if err == nil {
					t.Errorf("got %q, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
			if err == nil {
				u, _ := url.Parse(got)
				if u.Query().Get("authorizeToken") != tt.tok.Value {
					t.Errorf("authorizeToken round trip: got %q, want %q", u.Query().Get("authorizeToken"), tt.tok.Value)
				}
			}
		})
	}
	if _, err := ConnectURL("evil.com", fresh, nil); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("bad instance: got %v, want ErrInvalidConfig", err)
	}
}

func TestClientConnectURL(t *testing.T) {
	fresh := Token{Value: testToken, ExpiresAt: time.Now().Add(time.Minute)}
	demo := url.Values{"demo": {"true"}}
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{name: "default instance", want: "https://toolbox-iframe.private.fin.ag/v2/?authorizeToken=" + testToken + "&demo=true"},
		{name: "instance", opts: []Option{WithInstance("Sandbox")}, want: "https://sandbox-iframe.private.fin.ag/v2/?authorizeToken=" + testToken + "&demo=true"},
		{name: "base URL serves Connect too", opts: []Option{WithBaseURL("http://127.0.0.1:4010")}, want: "http://127.0.0.1:4010/v2/?authorizeToken=" + testToken + "&demo=true"},
		{name: "base URL with a path", opts: []Option{WithBaseURL("https://proxy.example/flinks/")}, want: "https://proxy.example/flinks/v2/?authorizeToken=" + testToken + "&demo=true"},
		{name: "Connect base URL overrides", opts: []Option{WithBaseURL("http://127.0.0.1:4010"), WithConnectBaseURL("https://connect.example")}, want: "https://connect.example/v2/?authorizeToken=" + testToken + "&demo=true"},
		{name: "Connect base URL with an instance", opts: []Option{WithInstance("sandbox"), WithConnectBaseURL("http://localhost:8080/")}, want: "http://localhost:8080/v2/?authorizeToken=" + testToken + "&demo=true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(testCustomerID, testSecretKey, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := c.ConnectURL(fresh, demo); err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
			if _, err := c.ConnectURL(Token{}, nil); err == nil {
				t.Errorf("empty token: got no error")
			}
		})
	}
	for _, bad := range []string{"http://connect.example", "ftp://x", "https://u:p@x.example", "https://x.example/?q=1"} {
		if _, err := New(testCustomerID, testSecretKey, WithConnectBaseURL(bad)); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("WithConnectBaseURL(%q): got %v, want ErrInvalidConfig", bad, err)
		}
	}
}
