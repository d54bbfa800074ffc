package tokenclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// oddKey has characters that URL and JSON encoders escape.
const oddKey = `Sk+/ab=&"<Key>é`

// keyForms are ways a server may echo a key back: whole-string encodings
// and, from mixedEcho, mixes of them byte by byte.
func keyForms(key string) map[string]string {
	forms := map[string]string{}
	rng := rand.New(rand.NewPCG(uint64(len(key)), 5))
	for i := range 6 {
		forms[fmt.Sprintf("mixed %d", i+1)] = mixedEcho(rng, key)
	}
	maps.Copy(forms, wholeKeyForms(key))
	return forms
}

func wholeKeyForms(key string) map[string]string {
	var every strings.Builder
	for i := 0; i < len(key); i++ {
		fmt.Fprintf(&every, "%%%02x", key[i])
	}
	j, _ := json.Marshal(key)
	var plain strings.Builder
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(key)
	p := strings.TrimSpace(plain.String())
	return map[string]string{
		"JSON, no HTML escaping": p[1 : len(p)-1],
		"as is":                  key,
		"upper case":             strings.ToUpper(key),
		"lower case":             strings.ToLower(key),
		"query escaped":          url.QueryEscape(key),
		"path escaped":           url.PathEscape(key),
		"every byte escaped":     every.String(),
		"JSON escaped":           string(j[1 : len(j)-1]),
		"JSON escaped, /":        strings.ReplaceAll(string(j[1:len(j)-1]), "/", `\/`),
	}
}

// walkErrors calls fn for err and every error errors.Is and errors.As can
// reach from it.
func walkErrors(err error, fn func(error)) {
	if err == nil {
		return
	}
	fn(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walkErrors(u.Unwrap(), fn)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walkErrors(e, fn)
		}
	}
}

// assertChainClean fails if any error reachable from err shows a form of
// key, is more than one line, or is a *url.Error naming a path.
func assertChainClean(t testing.TB, err error, key string) {
	t.Helper()
	forms := keyForms(key)
	leaks := func(s string) bool {
		for _, f := range forms {
			if strings.Contains(strings.ToLower(s), strings.ToLower(f)) {
				return true
			}
		}
		return showsKey(s, key)
	}
	walkErrors(err, func(e error) {
		for _, out := range []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
			if leaks(out) {
				t.Errorf("%T in the chain shows the secret key: %q", e, out)
			}
		}
		if msg := e.Error(); oneLine(msg) != msg {
			t.Errorf("%T in the chain is not one line: %q", e, msg)
		}
		if ue, ok := e.(*url.Error); ok && ue.URL != origin(ue.URL) {
			t.Errorf("*url.Error names %q, want only scheme and host", ue.URL)
		}
		if ae, ok := e.(*APIError); ok && leaks(fmt.Sprintf("%#v", *ae)) {
			t.Errorf("APIError fields show the secret key: %#v", *ae)
		}
	})
}

// Every form of the key a server echoes, in the body, a header or a
// malformed response head, is redacted from every error in the chain.
func TestEchoedKeyFormsAreRedacted(t *testing.T) {
	for _, key := range []string{testSecretKey, oddKey} {
		for form, echo := range keyForms(key) {
			places := map[string]http.HandlerFunc{
				"Message": func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(401)
					b, _ := json.Marshal(map[string]string{"Message": "bad key " + echo, "FlinksCode": echo})
					_, _ = w.Write(b)
				},
				"Location": func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Location", "https://x.example/?k="+echo)
					w.WriteHeader(302)
				},
				"malformed head": func(w http.ResponseWriter, r *http.Request) {
					conn, _, _ := http.NewResponseController(w).Hijack()
					defer conn.Close()
					_, _ = fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Echo %s\r\n\r\n", echo)
				},
				"malformed status line": func(w http.ResponseWriter, r *http.Request) {
					conn, _, _ := http.NewResponseController(w).Hijack()
					defer conn.Close()
					_, _ = fmt.Fprintf(conn, "HTTP/1.1 2%s\r\n\r\n", echo)
				},
			}
			for place, handler := range places {
				t.Run(fmt.Sprintf("%.8s/%s/%s", key, form, place), func(t *testing.T) {
					srv := httptest.NewServer(handler)
					defer srv.Close()
					c, err := New(testCustomerID, key, WithBaseURL(srv.URL), WithoutRetry())
					if err != nil {
						t.Fatal(err)
					}
					_, err = c.GenerateAuthorizeToken(context.Background())
					if err == nil {
						t.Fatal("got no error")
					}
					assertChainClean(t, err, key)
				})
			}
		}
	}
}

// A key echoed across the point where server text is cut leaves no part
// of itself behind: it is scrubbed first.
func TestKeyIsScrubbedBeforeTruncation(t *testing.T) {
	for _, at := range []int{maxErrorText - 20, maxErrorText - 1, maxErrorText, maxErrorText + 1} {
		msg := strings.Repeat("a", at) + testSecretKey + strings.Repeat("b", 100)
		c, _, _ := setup(t, jsonReply(500, `{"Message":"`+msg+`"}`))
		c.retry.MaxAttempts = 1
		_, err := c.GenerateAuthorizeToken(context.Background())
		if strings.Contains(err.Error(), testSecretKey[:8]) {
			t.Errorf("key at byte %d: got %q, want no part of the key", at, err)
		}
	}
}

// Server text is one line in the Unicode sense.
func TestOneLine(t *testing.T) {
	tests := map[string]string{
		"plain":                  "plain",
		"a\nb\rc\td":             "a b c d",
		"next\u0085line":         "next line",
		"line\u2028sep\u2029p":   "line sep p",
		"evil\u202egnp.exe":      "evilgnp.exe",
		"iso\u2066late\u2069":    "isolate",
		"mark\u200e\u200f\u061c": "mark",
		"zero\u200bwidth\ufeff":  "zerowidth",
		"c1\u009bcsi\u0080":      "c1csi",
		"del\x7f":                "del",
		"bad\xffutf8":            "badutf8",
		"émoji 🙂 ok":             "émoji 🙂 ok",
	}
	for in, want := range tests {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q): got %q, want %q", in, got, want)
		}
	}
}

// A customer id and secret key passed in swapped order put the key in
// the URL path; network errors name only the host.
func TestNetworkErrorsNameTheHostOnly(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	_ = ln.Close() // nothing listens: connection refused
	keyAsID := "c4569c54-e167-4d34-8de6-f4113bc82414"
	c, err := New(keyAsID, testCustomerID, WithBaseURL(base+"/prefix"), WithoutRetry())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GenerateAuthorizeToken(context.Background())
	if err == nil {
		t.Fatal("got no error")
	}
	assertChainClean(t, err, keyAsID)
	if !strings.Contains(err.Error(), base) || strings.Contains(err.Error(), "/prefix") {
		t.Errorf("got %q, want it to name %s and no path", err, base)
	}
	if _, ok := errors.AsType[*url.Error](err); !ok {
		t.Errorf("got %T, want a *url.Error in the chain", err)
	}
}

// sanitize keeps what errors.Is and net.Error tell about the original.
func TestSanitizeKeepsMatches(t *testing.T) {
	r := newRedactor(testSecretKey)
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: &timeoutErr{"i/o timeout " + testSecretKey}}
	tests := []struct {
		name        string
		err         error
		is          []error
		wantTimeout bool
	}{
		{"wrapped deadline", fmt.Errorf("echo %s: %w", testSecretKey, context.DeadlineExceeded), []error{context.DeadlineExceeded}, false},
		{"url error with timeout", &url.Error{Op: "Post", URL: "http://h/v3/" + testSecretKey, Err: timeout}, nil, true},
		{"joined", errors.Join(errors.New(testSecretKey), context.Canceled), []error{context.Canceled}, false},
		{"net error", &timeoutErr{"t " + testSecretKey}, nil, true},
		{"api error", &APIError{StatusCode: 401, Message: testSecretKey, Err: fmt.Errorf("x %s: %w", testSecretKey, ErrMalformedResponse)}, []error{ErrUnauthorized, ErrMalformedResponse}, false},
		{"clean error kept", context.Canceled, []error{context.Canceled}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.sanitize(tt.err)
			assertChainClean(t, got, testSecretKey)
			for _, target := range tt.is {
				if !errors.Is(got, target) {
					t.Errorf("errors.Is(%v, %v): got false, want true", got, target)
				}
			}
			ne, ok := errors.AsType[net.Error](got)
			if tt.wantTimeout && (!ok || !ne.Timeout()) {
				t.Errorf("got %#v, want a net.Error timeout", got)
			}
			if r.clean(tt.err) && !reflect.DeepEqual(got, tt.err) {
				t.Errorf("clean error replaced: got %#v, want %#v", got, tt.err)
			}
		})
	}
	if r.sanitize(nil) != nil {
		t.Errorf("sanitize(nil) is not nil")
	}
	// Clean errors come back as they are, so errors.As finds their types.
	clean := []error{
		context.Canceled,
		&url.Error{Op: "Post", URL: "http://127.0.0.1:1", Err: context.DeadlineExceeded},
		&APIError{StatusCode: 302, Location: "https://x.example/ok", Message: "moved"},
	}
	for _, err := range clean {
		if got := r.sanitize(err); got != err {
			t.Errorf("sanitize(%#v): got %#v, want the same error", err, got)
		}
	}
}

type timeoutErr struct{ msg string }

func (e *timeoutErr) Error() string   { return e.msg }
func (e *timeoutErr) Timeout() bool   { return true }
func (e *timeoutErr) Temporary() bool { return false }

// A key that contains the redaction marker itself still never shows.
func TestRedactorMarkerInKey(t *testing.T) {
	key := "x" + redacted + "x"
	r := newRedactor(key)
	if got := r.text("echo " + key + " and " + strings.ToUpper(key)); strings.Contains(strings.ToLower(got), strings.ToLower(key)) {
		t.Errorf("got %q, want no key", got)
	}
}

// Server text is cut to maxErrorText bytes on a rune boundary, marked
// with an ellipsis, and left whole when it fits.
func TestServerTextIsTruncated(t *testing.T) {
	r := newRedactor(testSecretKey)
	tests := []struct {
		in, want string
	}{
		{strings.Repeat("a", maxErrorText), strings.Repeat("a", maxErrorText)},
		{strings.Repeat("a", maxErrorText+1), strings.Repeat("a", maxErrorText) + "…"},
		{strings.Repeat("a", maxErrorText-1) + "é", strings.Repeat("a", maxErrorText-1) + "…"},
		{"x" + testSecretKey, "x" + redacted},
	}
	for _, tt := range tests {
		for _, red := range []*redactor{r, nil} {
			if got := serverText(tt.in, red); got != tt.want && !(red == nil && strings.Contains(tt.in, testSecretKey)) {
				t.Errorf("serverText(%.20q…, %v): got %.20q… (%d bytes), want %.20q… (%d bytes)", tt.in, red != nil, got, len(got), tt.want, len(tt.want))
			}
		}
	}
}

func TestFoldMatching(t *testing.T) {
	tests := []struct {
		s, key string
		index  int
	}{
		{"xxABCxx", "abc", 2},
		{"xxabc", "ABC", 2},
		{"ab", "abc", -1},
		{"ab", "ab\xff", -1}, // a key's invalid byte never matches the end of s
		{"ab\xff", "ab\xff", 0},
		{"ab%FF", "ab\xff", 0},
		{"", "a", -1},
		{"abc", "", -1},
		{"éÉ", "éé", 0},
		{"K", "\u212a", 0}, // Kelvin sign folds to K
		{"xyz", "abc", -1},
		{"x%25", "%", 1}, // a literal '%' in the key, as is or escaped
		{"%2541", "%41", 0},
	}
	for _, tt := range tests {
		if got, _ := newRedactor(tt.key).index(tt.s, &matcher{}); got != tt.index {
			t.Errorf("index(%q) for key %q: got %d, want %d", tt.s, tt.key, got, tt.index)
		}
	}
	r := newRedactor("xA")
	for in, want := range map[string]string{
		"aXa xa":          "a" + redacted + " " + redacted,
		"Xa at the start": redacted + " at the start",
		"none":            "none",
		"%78%41 and x%61": redacted + " and " + redacted,
	} {
		if got := r.scrub(in); got != want {
			t.Errorf("scrub(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:4010/v3/x/y?q=1": "http://127.0.0.1:4010",
		"https://flinks.example":           "https://flinks.example",
		"/v3/only/a/path":                  "[URL]",
		"https://[::1":                     "[URL]",
	} {
		if got := origin(in); got != want {
			t.Errorf("origin(%q): got %q, want %q", in, got, want)
		}
	}
}
