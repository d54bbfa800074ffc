package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// FuzzResponse serves arbitrary statuses, headers and bodies, some of them
// echoing the secret key, and checks that the client never panics, never
// returns an empty token without an error, and never leaks the key.
func FuzzResponse(f *testing.F) {
	f.Add(200, "application/json", "", "", []byte(okBody))
	f.Add(401, "application/json", "", "", []byte(unauthBody))
	f.Add(401, "text/html", "", "", []byte("<html>"+testSecretKey+"</html>"))
	f.Add(200, "application/json", "", "", []byte(`{"Token":"`+testSecretKey+`x","Message":"`+testSecretKey+`"}`))
	f.Add(302, "", "", "https://evil.example/"+testSecretKey, []byte{})
	f.Add(503, "application/json", "2", "", []byte(`{"FlinksCode":"`+testSecretKey+`"}`))
	f.Add(429, "", "Fri, 27 Nov 2026 12:00:04 GMT", "", []byte(nil))
	f.Add(200, "application/json", "", "", []byte(`{"Token":"a\u0000b"}`))
	f.Add(500, "application/json", "", "", []byte(`{"Message":"`+strings.Repeat("é", 600)+`"}`))

	var (
		mu   sync.Mutex
		next func(http.ResponseWriter)
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		respond := next
		mu.Unlock()
		respond(w)
	}))
	defer srv.Close()
	c, err := New(testCustomerID, testSecretKey, WithBaseURL(srv.URL), WithoutRetry())
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, status int, contentType, retryAfter, location string, body []byte) {
		status = 200 + (status%400+400)%400 // 200…599; 1xx would never end
		mu.Lock()
		next = func(w http.ResponseWriter) {
			for name, v := range map[string]string{"Content-Type": contentType, "Retry-After": retryAfter, "Location": location} {
				if v != "" && validHeaderValue(v) {
					w.Header().Set(name, v)
				}
			}
			w.WriteHeader(status)
			_, _ = w.Write(body)
		}
		mu.Unlock()

		tok, err := c.GenerateAuthorizeToken(context.Background())
		if err == nil {
			if tok.Value == "" || status != http.StatusOK {
				t.Fatalf("status %d: got token %q without error", status, tok.Value)
			}
			return
		}
		if tok != (Token{}) {
			t.Fatalf("got token %+v with error %v", tok, err)
		}
		for _, verb := range []string{"%v", "%+v"} {
			if out := fmt.Sprintf(verb, err); strings.Contains(out, testSecretKey) {
				t.Fatalf("error leaks the secret key: %s", out)
			}
		}
		if apiErr, ok := errors.AsType[*APIError](err); ok {
			if out := fmt.Sprintf("%#v", *apiErr); strings.Contains(out, testSecretKey) {
				t.Fatalf("APIError leaks the secret key: %s", out)
			}
			if apiErr.StatusCode == http.StatusUnauthorized && !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("401 does not match ErrUnauthorized: %v", err)
			}
		}
	})
}

func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
