package tokenclient

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestGenerateAuthorizeTokenResponses(t *testing.T) {
	html := map[string]string{"Content-Type": "text/html"}
	tests := []struct {
		name           string
		reply          reply
		wantToken      string
		wantStatus     int // of the *APIError; 0 when no error is wanted
		wantUnauth     bool
		wantMalformed  bool
		wantFlinksCode string
		wantMessage    string
	}{
		{name: "200 with token", reply: ok200, wantToken: testToken},
		{name: "200 JSON labelled text/plain", reply: reply{status: 200, header: map[string]string{"Content-Type": "text/plain"}, body: okBody, offSpec: true}, wantToken: testToken},
		{name: "200 without Token", reply: jsonReply(200, `{"HttpStatusCode":200}`), wantStatus: 200, wantMalformed: true},
		{name: "200 with empty Token", reply: jsonReply(200, `{"HttpStatusCode":200,"Token":""}`), wantStatus: 200, wantMalformed: true},
		{name: "200 with null Token", reply: reply{status: 200, header: map[string]string{"Content-Type": "application/json"}, body: `{"Token":null}`, offSpec: true}, wantStatus: 200, wantMalformed: true},
		{name: "200 with token of spaces", reply: jsonReply(200, `{"Token":"  "}`), wantStatus: 200, wantMalformed: true},
		{name: "200 with Token of wrong type", reply: reply{status: 200, header: map[string]string{"Content-Type": "application/json"}, body: `{"Token":42}`, offSpec: true}, wantStatus: 200, wantMalformed: true},
		{name: "200 not JSON", reply: reply{status: 200, header: map[string]string{"Content-Type": "application/json"}, body: `<html>ok</html>`, offSpec: true}, wantStatus: 200, wantMalformed: true},
		{name: "200 empty body", reply: reply{status: 200, header: map[string]string{"Content-Type": "application/json"}, offSpec: true}, wantStatus: 200, wantMalformed: true},
		{name: "200 Flinks error inside", reply: jsonReply(200, `{"HttpStatusCode":400,"Message":"Invalid request","FlinksCode":"INVALID_REQUEST"}`), wantStatus: 200, wantMalformed: true, wantFlinksCode: "INVALID_REQUEST", wantMessage: "Invalid request"},
		{name: "401 JSON", reply: unauth, wantStatus: 401, wantUnauth: true, wantFlinksCode: "UNAUTHORIZED", wantMessage: "You must provide a valid auth key"},
		{name: "401 HTML", reply: reply{status: 401, header: html, body: "<html><body>Unauthorized</body></html>", offSpec: true}, wantStatus: 401, wantUnauth: true},
		{name: "401 HTML labelled JSON", reply: reply{status: 401, header: map[string]string{"Content-Type": "application/json"}, body: "<html></html>", offSpec: true}, wantStatus: 401, wantUnauth: true},
		{name: "401 empty", reply: reply{status: 401, offSpec: true}, wantStatus: 401, wantUnauth: true},
		{name: "400 JSON", reply: jsonReply(400, `{"HttpStatusCode":400,"Message":"bad","FlinksCode":"BAD"}`), wantStatus: 400, wantFlinksCode: "BAD", wantMessage: "bad"},
		{name: "403", reply: statusReply(403), wantStatus: 403},
		{name: "404", reply: statusReply(404), wantStatus: 404},
		{name: "204", reply: statusReply(204), wantStatus: 204},
		{name: "500", reply: statusReply(500), wantStatus: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := setup(t, tt.reply)
			now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
			c.now = func() time.Time { return now }
			tok, err := c.GenerateAuthorizeToken(context.Background())
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("got error %v, want token", err)
				}
				if tok.Value != tt.wantToken {
					t.Errorf("token: got %q, want %q", tok.Value, tt.wantToken)
				}
				if want := now.Add(TokenLifetime); !tok.ExpiresAt.Equal(want) {
					t.Errorf("ExpiresAt: got %v, want %v", tok.ExpiresAt, want)
				}
				return
			}
			if tok != (Token{}) {
				t.Errorf("got token %+v alongside an error, want the zero Token", tok)
			}
			apiErr, ok := errors.AsType[*APIError](err)
			if !ok {
				t.Fatalf("got %T %v, want *APIError", err, err)
			}
			if apiErr.StatusCode != tt.wantStatus {
				t.Errorf("StatusCode: got %d, want %d", apiErr.StatusCode, tt.wantStatus)
			}
			if got := errors.Is(err, ErrUnauthorized); got != tt.wantUnauth {
				t.Errorf("errors.Is(err, ErrUnauthorized): got %v, want %v", got, tt.wantUnauth)
			}
			if got := errors.Is(err, ErrMalformedResponse); got != tt.wantMalformed {
				t.Errorf("errors.Is(err, ErrMalformedResponse): got %v, want %v", got, tt.wantMalformed)
			}
			if apiErr.FlinksCode != tt.wantFlinksCode || apiErr.Message != tt.wantMessage {
				t.Errorf("FlinksCode, Message: got %q, %q, want %q, %q", apiErr.FlinksCode, apiErr.Message, tt.wantFlinksCode, tt.wantMessage)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "tokenclient: ") || strings.Contains(msg, "\n") {
				t.Errorf("message %q: want one line starting with tokenclient:", msg)
			}
		})
	}
}

func TestUnauthorizedErrorMessage(t *testing.T) {
	c, _, _ := setup(t, unauth)
	_, err := c.GenerateAuthorizeToken(context.Background())
	want := "tokenclient: Flinks answered 401 Unauthorized (UNAUTHORIZED: You must provide a valid auth key); check the secret key, and that it belongs to this customer id and instance"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestTokenValid(t *testing.T) {
	tests := []struct {
		tok  Token
		want bool
	}{
		{Token{Value: "t", ExpiresAt: time.Now().Add(time.Minute)}, true},
		{Token{Value: "t", ExpiresAt: time.Now().Add(-time.Minute)}, false},
		{Token{ExpiresAt: time.Now().Add(time.Minute)}, false},
	}
	for _, tt := range tests {
		if got := tt.tok.Valid(); got != tt.want {
			t.Errorf("%+v.Valid(): got %v, want %v", tt.tok, got, tt.want)
		}
	}
}
