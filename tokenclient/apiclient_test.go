package tokenclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/flinkskit/flinks-token-go/api"
)

func TestNewAPIClient(t *testing.T) {
	var stolen atomic.Int64
	thief := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { stolen.Add(1) }))
	defer thief.Close()
	tests := []struct {
		name       string
		reply      reply
		wantStatus int
		wantToken  bool
	}{
		{name: "200", reply: ok200, wantStatus: 200, wantToken: true},
		{name: "401", reply: unauth, wantStatus: 401},
		{name: "redirect not followed", reply: reply{status: 307, header: map[string]string{"Location": thief.URL}}, wantStatus: 307},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, f, _ := setup(t, tt.reply) // validates the request against the spec
			c, err := NewAPIClient(f.server.URL, testSecretKey)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.GenerateAuthorizeTokenWithResponse(context.Background(), testCustomerID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode() != tt.wantStatus {
				t.Errorf("status: got %d, want %d", resp.StatusCode(), tt.wantStatus)
			}
			tok, err := TokenFromResponse(resp)
			if tt.wantToken != (err == nil && tok.Value == testToken) {
				t.Errorf("TokenFromResponse: got %q, %v, want token %v", tok.Value, err, tt.wantToken)
			}
		})
	}
	if n := stolen.Load(); n != 0 {
		t.Errorf("redirect target got %d requests, want 0", n)
	}
	if _, err := NewAPIClient("https://toolbox-api.private.fin.ag", testSecretKey, api.WithBaseURL("%zz")); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("failing option: got %v, want ErrInvalidConfig", err)
	}
	for name, args := range map[string][2]string{
		"empty key":      {"https://toolbox-api.private.fin.ag", ""},
		"key with space": {"https://toolbox-api.private.fin.ag", " k"},
		"http server":    {"http://flinks.example", testSecretKey},
		"no host":        {"https://", testSecretKey},
	} {
		if _, err := NewAPIClient(args[0], args[1]); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: got %v, want ErrInvalidConfig", name, err)
		}
	}
}
