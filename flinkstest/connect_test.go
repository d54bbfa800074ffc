package flinkstest

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var pageData = regexp.MustCompile(`var page = (\{.*\});`)

// mint issues a token through the API handler, as a client would.
func mint(t *testing.T, h *Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, conformingRequest(DefaultSecretKey))
	tok := decode(t, rec).Token
	if tok == "" {
		t.Fatalf("no token minted: %s", rec.Body)
	}
	return tok
}

func getConnect(h *Handler, method string, query url.Values) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(
		rec,
		httptest.NewRequest(method, "http://127.0.0.1"+ConnectPath+"?"+query.Encode(), nil),
	)
	return rec
}

// page returns the data the page's script runs on.
func page(t *testing.T, body string) connectPage {
	t.Helper()
	m := pageData.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no page data in %s", body)
	}
	var p connectPage
	if err := json.Unmarshal([]byte(m[1]), &p); err != nil {
		t.Fatalf("page data %s: %v", m[1], err)
	}
	return p
}

func TestConnectPage(t *testing.T) {
	tests := []struct {
		name     string
		params   url.Values
		check    func(t *testing.T, p connectPage)
		wantNoIn []string
	}{
		{"no redirectUrl", nil, func(t *testing.T, p connectPage) {
			if p.RedirectURL != "" || p.InnerRedirect || p.Stringify ||
				p.Institution != ConnectInstitution ||
				!guidPattern.MatchString(p.LoginID) {
				t.Errorf("got %+v, want no redirect, a GUID loginId and %s", p, ConnectInstitution)
			}
		}, nil},
		{
			"redirectUrl gets loginId and institution",
			url.Values{"redirectUrl": {"https://shop.example/thank-you?order=7"}, "demo": {"true"}},
			func(t *testing.T, p connectPage) {
				want := "https://shop.example/thank-you?order=7&loginId=" + p.LoginID +
					"&institution=" + ConnectInstitution
				if p.RedirectURL != want || p.InnerRedirect {
					t.Errorf(
						"redirect: got %q (inner %v), want %q in the top window",
						p.RedirectURL,
						p.InnerRedirect,
						want,
					)
				}
			},
			nil,
		},
		{
			"tag, innerRedirect and stringify",
			url.Values{
				"redirectUrl":   {"http://127.0.0.1:8080/done"},
				"tag":           {"a b&c"},
				"innerRedirect": {"true"},
				"stringify":     {"true"},
			},
			func(t *testing.T, p connectPage) {
				want := "http://127.0.0.1:8080/done?loginId=" + p.LoginID +
					"&tag=a+b%26c&institution=" + ConnectInstitution
				if p.RedirectURL != want || !p.InnerRedirect || !p.Stringify {
					t.Errorf(
						"got %+v, want redirect %q inside the iframe, stringified events",
						p,
						want,
					)
				}
			},
			nil,
		},
		{
			"markup in parameters is escaped",
			url.Values{
				"redirectUrl": {"https://x.example/?q=</script><script>alert(1)</script>"},
				"tag":         {`"><img src=x onerror=alert(1)>`},
			},
			func(t *testing.T, p connectPage) {
				if !strings.Contains(p.RedirectURL, "alert%281%29") {
					t.Errorf("redirect %q: want the query kept, encoded", p.RedirectURL)
				}
			},
			[]string{"<script>alert", "<img", "onerror=alert"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHandler()
			tok := mint(t, h)
			q := url.Values{"authorizeToken": {tok}}
			for k, v := range tt.params {
				q[k] = v
			}
			rec := getConnect(h, http.MethodGet, q)
			if rec.Code != http.StatusOK {
				t.Fatalf("status: got %d, want 200 (%s)", rec.Code, rec.Body)
			}
			checkPageHeaders(t, rec.Header())
			body := rec.Body.String()
			nonce := regexp.MustCompile(`script-src 'nonce-([A-Za-z0-9_-]{16,})'`).
				FindStringSubmatch(rec.Header().Get("Content-Security-Policy"))
			if nonce == nil || !strings.Contains(body, `<script nonce="`+nonce[1]+`">`) {
				t.Errorf(
					"the page's script does not carry the CSP nonce (CSP %q)",
					rec.Header().Get("Content-Security-Policy"),
				)
			}
			for _, s := range append(tt.wantNoIn, tok, DefaultSecretKey) {
				if strings.Contains(body, s) {
					t.Errorf("page contains %q:\n%s", s, body)
				}
			}
			for _, want := range []string{`id="connect"`, `window.parent.postMessage(`, `"*")`,
				`step: "REDIRECT"`, `step: "APP_MOUNTED"`} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %s", want)
				}
			}
			tt.check(t, page(t, body))
			if rec, _ := h.Lookup(tok); !rec.Used {
				t.Errorf("token not spent by loading the page")
			}
		})
	}
}

func TestConnectPageRefuses(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		method     string
		token      func(h *Handler, tok string) string // the authorizeToken to send
		params     url.Values
		wantStatus int
		wantCode   string
		wantSpent  bool // whether the minted token ends up spent
	}{
		{
			"spent token",
			http.MethodGet,
			func(h *Handler, tok string) string { _ = h.Redeem(tok); return tok },
			nil,
			401,
			"TOKEN_USED",
			true,
		},
		{
			"unknown token",
			http.MethodGet,
			func(*Handler, string) string { return "d65f1adb-8ebc-48dc-be8b-20c773ba1565" },
			nil,
			401,
			"UNKNOWN_TOKEN",
			false,
		},
		{
			"expired token",
			http.MethodGet,
			func(_ *Handler, tok string) string { now = now.Add(tokenLifetime); return tok },
			nil,
			401,
			"TOKEN_EXPIRED",
			false,
		},
		{
			"no token",
			http.MethodGet,
			func(*Handler, string) string { return "" },
			nil,
			401,
			"MISSING_AUTHORIZE_TOKEN",
			false,
		},
		{
			"javascript redirectUrl",
			http.MethodGet,
			func(_ *Handler, tok string) string { return tok },
			url.Values{"redirectUrl": {"javascript:alert(1)"}},
			400,
			"INVALID_REDIRECT_URL",
			false,
		},
		{
			"relative redirectUrl",
			http.MethodGet,
			func(_ *Handler, tok string) string { return tok },
			url.Values{"redirectUrl": {"/thank-you"}},
			400,
			"INVALID_REDIRECT_URL",
			false,
		},
		{
			"POST",
			http.MethodPost,
			func(_ *Handler, tok string) string { return tok },
			nil,
			405,
			"METHOD_NOT_ALLOWED",
			false,
		},
		{
			"HEAD",
			http.MethodHead,
			func(_ *Handler, tok string) string { return tok },
			nil,
			405,
			"METHOD_NOT_ALLOWED",
			false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
			h := NewHandler(WithClock(func() time.Time { return now }))
			tok := mint(t, h)
			q := url.Values{}
			if sent := tt.token(h, tok); sent != "" {
				q.Set("authorizeToken", sent)
			}
			for k, v := range tt.params {
				q[k] = v
			}
			rec := getConnect(h, tt.method, q)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status: got %d, want %d (%s)", rec.Code, tt.wantStatus, rec.Body)
			}
			checkPageHeaders(t, rec.Header())
			if tt.method == http.MethodHead {
				return
			}
			body := rec.Body.String()
			if !strings.Contains(body, `data-error="`+tt.wantCode+`"`) ||
				strings.Contains(body, "<script") {
				t.Errorf(
					"body: got %s, want a script-free error page with data-error=%q",
					body,
					tt.wantCode,
				)
			}
			if strings.Contains(body, tok) || strings.Contains(body, DefaultSecretKey) {
				t.Errorf("error page shows a token or key: %s", body)
			}
			if tt.wantStatus == 405 && rec.Header().Get("Allow") != http.MethodGet {
				t.Errorf("Allow: got %q, want GET", rec.Header().Get("Allow"))
			}
			if rec, _ := h.Lookup(tok); rec.Used != tt.wantSpent {
				t.Errorf("token spent: got %v, want %v", rec.Used, tt.wantSpent)
			}
		})
	}
}

func checkPageHeaders(t *testing.T, h http.Header) {
	t.Helper()
	for name, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "no-store",
		"Referrer-Policy":        "no-referrer",
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "", // the embedding app must be able to frame it
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") ||
		strings.Contains(csp, "frame-ancestors") {
		t.Errorf("Content-Security-Policy %q: want default-src 'none' and no frame-ancestors", csp)
	}
}

var guidPattern = regexp.MustCompile(
	`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`,
)

func TestTokenFromConnectURL(t *testing.T) {
	srv := NewServer()
	t.Cleanup(srv.Close)
	tok := mint(t, srv.Handler)
	page := srv.URL + ConnectPath
	host := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name, raw, want string
	}{
		{"plain", page + "?authorizeToken=" + tok, tok},
		{"https", "https://" + host + ConnectPath + "?authorizeToken=" + tok, tok},
		{
			"host in upper case",
			"HTTP://" + strings.ToUpper(host) + ConnectPath + "?authorizeToken=" + tok,
			tok,
		},
		{
			"after other parameters",
			page + "?demo=true&authorizeToken=" + tok + "&redirectUrl=x",
			tok,
		},
		{"HTML-escaped", page + "?demo=true&amp;authorizeToken=" + tok + "&amp;tag=a", tok},
		{"surrounding space", "  " + page + "?authorizeToken=" + tok + "\n", tok},
		{"no token", page + "?demo=true", ""},
		{"empty token", page + "?authorizeToken=", ""},
		{"another host", "https://evil.example" + ConnectPath + "?authorizeToken=" + tok, ""},
		{"another port", "http://127.0.0.1:1" + ConnectPath + "?authorizeToken=" + tok, ""},
		{"a long host", "https://" + strings.Repeat("a", 300) + ".example" + ConnectPath +
			"?authorizeToken=" + tok, ""},
		{"javascript:", "javascript:alert(1)//" + ConnectPath + "?authorizeToken=" + tok, ""},
		{"the API path", srv.URL + tokenPath(tok) + "?authorizeToken=" + tok, ""},
		{"relative", ConnectPath + "?authorizeToken=" + tok, ""},
		{"not a URL", "http://[::1", ""},
		{"not a URL, with a token", "https://ex ample/v2/?authorizeToken=" + tok, ""},
		{
			"1 MiB not a URL",
			"https://ex ample/v2/?authorizeToken=" + tok + strings.Repeat("x", 1<<20),
			"",
		},
	}
	for _, tt := range tests {
		got, err := srv.TokenFromConnectURL(tt.raw)
		if got != tt.want || errors.Is(err, ErrNotConnectURL) != (tt.want == "") {
			t.Errorf("%s: got %q, %v; want %q (or ErrNotConnectURL)", tt.name, got, err, tt.want)
		}
		// The URL may carry a live token: an error says what is wrong
		// without repeating it.
		if err != nil && (strings.Contains(err.Error(), tok) || len(err.Error()) > 200) {
			t.Errorf(
				"%s: got a %d-byte error repeating the URL: %.200q",
				tt.name,
				len(err.Error()),
				err,
			)
		}
	}
	// What it returns is what Redeem spends, once.
	for i, want := range []error{nil, ErrTokenUsed} {
		if err := srv.Redeem(tok); !errors.Is(err, want) {
			t.Errorf("Redeem #%d: got %v, want %v", i+1, err, want)
		}
	}
}
