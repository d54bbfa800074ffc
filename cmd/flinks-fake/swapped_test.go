package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/flinkskit/flinks-token-go/flinkstest"
)

// TestSwappedKeyNotLogged sends the secret key where the customer id
// belongs, upper-cased as some callers format GUIDs, and checks that
// neither flinks-fake's logs nor its answers repeat it.
func TestSwappedKeyNotLogged(t *testing.T) {
	key := strings.ToUpper(flinkstest.DefaultSecretKey)
	base, logs := start(t)
	p := tokenPath(key)
	var bodies strings.Builder
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		req, err := http.NewRequest(method, base+p, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("flinks-auth-key", flinkstest.DefaultCustomerID)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode < 400 || resp.StatusCode > 499 {
			t.Errorf("%s: got status %d, want a 4xx", method, resp.StatusCode)
		}
		bodies.Write(b)
	}
	for what, out := range map[string]string{"logs": logs.String(), "bodies": bodies.String()} {
		if strings.Contains(strings.ToLower(out), strings.ToLower(key)) {
			t.Errorf("%s contain the key:\n%s", what, out)
		}
	}
	if got := strings.Count(logs.String(), `"msg":"request"`); got != 2 {
		t.Errorf("logs: got %d request records, want 2:\n%s", got, logs.String())
	}
}
