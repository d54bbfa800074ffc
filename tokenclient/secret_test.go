package tokenclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestClientFormatHidesSecretKey(t *testing.T) {
	c := newTestClient(t, "https://flinks.example")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, v := range []any{c, *c, []any{c}, struct{ C *Client }{c}} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, testSecretKey) || strings.Contains(out, fmt.Sprintf("%x", testSecretKey)) {
				t.Errorf("fmt.Sprintf(%q, %T) = %q contains the secret key", verb, v, out)
			}
		}
	}
}

// A server or proxy that echoes the secret key must not get it into an
// error or a log record.
func TestEchoedSecretKeyIsRedacted(t *testing.T) {
	echo := testSecretKey
	tests := []reply{
		jsonReply(401, `{"HttpStatusCode":401,"Message":"bad key `+echo+`","FlinksCode":"`+echo+`"}`),
		jsonReply(200, `{"Message":"`+echo+`"}`),
		reply{status: 302, header: map[string]string{"Location": "https://x.example/?k=" + echo}},
		{status: 400, header: map[string]string{"Content-Type": "application/json"}, body: `{"Message":"` + echo + `"`},
		{status: 503, header: map[string]string{"Content-Type": "application/json"}, body: `{"Message":"` + echo + `"}`},
	}
	for _, rep := range tests {
		t.Run(fmt.Sprint(rep.status), func(t *testing.T) {
			c, _, _ := setup(t, rep)
			var logs syncBuffer
			c.logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			_, err := c.GenerateAuthorizeToken(context.Background())
			if err == nil {
				t.Fatal("got no error")
			}
			assertNoSecret(t, err)
			if strings.Contains(logs.String(), testSecretKey) {
				t.Errorf("log output contains the secret key: %s", logs.String())
			}
			if rep.status == 503 && !strings.Contains(logs.String(), "retrying") {
				t.Errorf("got logs %q, want a retry record", logs.String())
			}
		})
	}
}

func TestNetworkErrorDoesNotLeakSecretKey(t *testing.T) {
	doer := doerFunc(func(r *http.Request) (*http.Response, error) {
		return nil, errors.New("proxy refused request with header flinks-auth-key: " + r.Header.Get("flinks-auth-key"))
	})
	c, err := New(testCustomerID, testSecretKey, WithDoer(doer), WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GenerateAuthorizeToken(context.Background())
	if err == nil || !strings.Contains(err.Error(), redacted) {
		t.Errorf("got %v, want a redacted error", err)
	}
	assertNoSecret(t, err)
}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	for _, verb := range []string{"%v", "%+v", "%s", "%q"} {
		if out := fmt.Sprintf(verb, err); strings.Contains(out, testSecretKey) {
			t.Errorf("fmt.Sprintf(%q, err) = %q contains the secret key", verb, out)
		}
	}
	if apiErr, ok := errors.AsType[*APIError](err); ok {
		if out := fmt.Sprintf("%#v", *apiErr); strings.Contains(out, testSecretKey) {
			t.Errorf("APIError fields contain the secret key: %s", out)
		}
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
