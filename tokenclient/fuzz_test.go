package tokenclient

import (
	"context"
	"errors"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// FuzzResponse serves arbitrary statuses, headers, bodies and raw
// response heads, where "{key}" stands for a form of the secret key (as
// is, other case, URL- or JSON-escaped, or, for half the picks, a mix of
// those byte by byte that mixedEcho draws from the input), and checks that the client never
// panics, never returns an empty token without an error, and that no
// error errors.Unwrap or errors.As can reach shows the key, names a URL
// path, or spans more than one line.
func FuzzResponse(f *testing.F) {
	f.Add(200, "application/json", "", "", []byte(okBody), "", uint8(0))
	f.Add(401, "application/json", "", "", []byte(unauthBody), "", uint8(0))
	f.Add(401, "text/html", "", "", []byte("<html>{key}</html>"), "", uint8(1))
	f.Add(200, "application/json", "", "", []byte(`{"Token":"{key}x","Message":"{key}"}`), "", uint8(2))
	f.Add(302, "", "", "https://evil.example/{key}", []byte{}, "", uint8(3))
	f.Add(503, "application/json", "2", "", []byte(`{"FlinksCode":"{key}"}`), "", uint8(6))
	f.Add(429, "", "Fri, 27 Nov 2026 12:00:04 GMT", "", []byte(nil), "", uint8(0))
	f.Add(200, "application/json", "", "", []byte(`{"Token":"a\u0000b"}`), "", uint8(0))
	f.Add(500, "application/json", "", "", []byte(`{"Message":"`+strings.Repeat("é", 600)+`"}`), "", uint8(0))
	f.Add(500, "application/json", "", "", []byte(`{"Message":"`+strings.Repeat("a", 500)+`{key}"}`), "", uint8(9))
	f.Add(400, "application/json", "", "", []byte("{\"Message\":\"a\u2028b\u202e{key}\u0085c\\u009b\"}"), "", uint8(0))
	f.Add(200, "", "", "", []byte(nil), "HTTP/1.1 200 OK\r\nX-Echo {key}\r\n\r\n", uint8(4))
	f.Add(200, "", "", "", []byte(nil), "HTTP/1.1 2{key}\r\n\r\n", uint8(7))

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
	keys := []string{testSecretKey, oddKey, trickyKey}
	var clients []*Client
	var forms [][]string
	for _, key := range keys {
		c, err := New(testCustomerID, key, WithBaseURL(srv.URL), WithoutRetry(), WithCallTimeout(10*time.Second))
		if err != nil {
			f.Fatal(err)
		}
		clients = append(clients, c)
		m := keyForms(key)
		names := make([]string, 0, len(m))
		for name := range m {
			names = append(names, name)
		}
		slices.Sort(names)
		var list []string
		for _, name := range names {
			list = append(list, m[name])
		}
		forms = append(forms, list)
	}

	f.Fuzz(func(t *testing.T, status int, contentType, retryAfter, location string, body []byte, rawHead string, pick uint8) {
		status = 200 + (status%400+400)%400 // 200…599; 1xx would never end
		which := int(pick) % len(keys)
		form := forms[which][int(pick/8)%len(forms[which])]
		if pick&4 != 0 {
			// A fresh mix for every input, yet the same for the same input.
			h := fnv.New64a()
			for _, part := range []string{contentType, retryAfter, location, string(body), rawHead} {
				_, _ = h.Write([]byte(part))
			}
			form = mixedEcho(rand.New(rand.NewPCG(uint64(pick), h.Sum64())), keys[which])
		}
		echo := func(s string) string { return strings.ReplaceAll(s, "{key}", form) }
		contentType, location, rawHead = echo(contentType), echo(location), echo(rawHead)
		body = []byte(echo(string(body)))
		mu.Lock()
		next = func(w http.ResponseWriter) {
			if rawHead != "" {
				conn, _, err := http.NewResponseController(w).Hijack()
				if err != nil {
					return
				}
				defer conn.Close()
				_, _ = conn.Write([]byte(rawHead))
				_, _ = conn.Write(body)
				return
			}
			for name, v := range map[string]string{"Content-Type": contentType, "Retry-After": retryAfter, "Location": location} {
				if v != "" && validHeaderValue(v) {
					w.Header().Set(name, v)
				}
			}
			w.WriteHeader(status)
			_, _ = w.Write(body)
		}
		mu.Unlock()

		tok, err := clients[which].GenerateAuthorizeToken(context.Background())
		if err == nil {
			if tok.Value == "" || rawHead == "" && status != http.StatusOK {
				t.Fatalf("status %d: got token %q without error", status, tok.Value)
			}
			return
		}
		if tok != (Token{}) {
			t.Fatalf("got token %+v with error %v", tok, err)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("hang: %v", err)
		}
		assertChainClean(t, err, keys[which])
		if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.StatusCode == http.StatusUnauthorized && !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("401 does not match ErrUnauthorized: %v", err)
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
