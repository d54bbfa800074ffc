package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/flinkskit/flinks-token-go/flinkstest"
)

// TestRefusesForeignHosts sends real requests with forged Host headers, as
// a page on another site reaching the fake through DNS rebinding would,
// and checks that only local and configured names are answered, and that a
// refused request does no work: no token minted, none listed.
func TestRefusesForeignHosts(t *testing.T) {
	base, logs := start(t, "-allowed-hosts", "flinks-fake, Fake.Example")
	port := base[strings.LastIndex(base, ":"):]
	tokenPath := tokenPath(flinkstest.DefaultCustomerID)
	tests := []struct {
		host string
		want bool
	}{
		{"localhost" + port, true},
		{"127.0.0.1" + port, true},
		{"[::1]" + port, true},
		{"app.localhost" + port, true},
		{"flinks-fake" + port, true},
		{"fake.example", true},
		{"evil.example" + port, false},
		{"localhost.evil.example" + port, false},
		{"127.0.0.1.nip.io" + port, false},
		{"flinks-fake.evil.example", false},
	}
	minted := 0
	for _, tt := range tests {
		for _, p := range []string{tokenPath, tokensPath, healthzPath, flinkstest.ConnectPath +
			"?authorizeToken=x"} {
			method := http.MethodGet
			if p == tokenPath {
				method = http.MethodPost
			}
			req, err := http.NewRequest(method, base+p, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = tt.host
			req.Header.Set("flinks-auth-key", flinkstest.DefaultSecretKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !tt.want {
				var b flinksBody
				_ = json.Unmarshal(raw, &b)
				if resp.StatusCode != http.StatusForbidden || b.HttpStatusCode != 403 ||
					!strings.Contains(
						b.Message,
						tt.host,
					) || !strings.Contains(b.Message, "-allowed-hosts") {
					t.Errorf(
						"%s %s with Host %s: got %d %s, want 403 naming the host and the flag",
						method,
						p,
						tt.host,
						resp.StatusCode,
						raw,
					)
				}
				if strings.Contains(string(raw), `"token"`) ||
					strings.Contains(string(raw), `"Token"`) {
					t.Errorf("a refused request got tokens: %s", raw)
				}
				continue
			}
			if resp.StatusCode == http.StatusForbidden {
				t.Errorf(
					"%s %s with Host %s: got 403 %s, want it answered",
					method,
					p,
					tt.host,
					raw,
				)
			}
			if p == tokenPath && resp.StatusCode == http.StatusOK {
				minted++
			}
			if p == healthzPath &&
				(resp.StatusCode != 200 || strings.TrimSpace(string(raw)) != `{"status":"ok"}`) {
				t.Errorf("GET %s: got %d %s, want 200 {\"status\":\"ok\"}", p, resp.StatusCode, raw)
			}
		}
	}
	if !strings.Contains(logs.String(), `"msg":"refused","host":"evil.example`) {
		t.Errorf("logs do not record the refused host:\n%s", logs)
	}
	if got := listTokens(t, base); len(got) != minted {
		t.Errorf(
			"tokens issued: got %d, want %d (one per allowed host, none for refused ones)",
			len(got),
			minted,
		)
	}
}
