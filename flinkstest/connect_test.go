package flinkstest

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var loginID = regexp.MustCompile(`loginId: "([^"]*)"`)

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

func TestConnectPage(t *testing.T) {
	var logs bytes.Buffer
	h := NewHandler(WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	tok := mint(t, h)
	rec := getConnect(h, http.MethodGet, url.Values{"authorizeToken": {tok}, "demo": {"true"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("status: got %d, want 200 (%s)", rec.Code, rec.Body)
	}
	for name, want := range map[string]string{
		"Content-Type":    "text/html; charset=utf-8",
		"Cache-Control":   "no-store",
		"X-Frame-Options": "", // the embedding app must be able to frame it
	} {
		if got := rec.Header().Get(name); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	body := rec.Body.String()
	for _, want := range []string{`<main id="flinks-connect" data-state="ready">`,
		`id="connect"`, "now spent", `window.parent.postMessage({step: "APP_MOUNTED"}, "*")`,
		`step: "REDIRECT"`, `institution: "` + ConnectInstitution + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s:\n%s", want, body)
		}
	}
	if m := loginID.FindStringSubmatch(body); m == nil || !guidPattern.MatchString(m[1]) {
		t.Errorf("page has loginId %q, want a GUID", m)
	}
	if strings.Contains(body, tok) || strings.Contains(body, DefaultSecretKey) {
		t.Errorf("page shows the token or the key:\n%s", body)
	}
	if rec, _ := h.Lookup(tok); !rec.Used {
		t.Errorf("token not spent by loading the page")
	}
	// The page is written without WriteHeader: the log still says 200.
	if !strings.Contains(logs.String(), `"method":"GET","status":200,`) {
		t.Errorf("log: got %s, want the Connect page's GET logged with status 200", &logs)
	}
}

func TestConnectPageRefuses(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	spend := func(h *Handler, tok string) string { _ = h.Redeem(tok); return tok }
	same := func(_ *Handler, tok string) string { return tok }
	tests := []struct {
		name       string
		method     string
		token      func(h *Handler, tok string) string // the authorizeToken to send
		wantStatus int
		wantErr    error // in the body
		wantSpent  bool  // whether the minted token ends up spent
	}{
		{"spent token", http.MethodGet, spend, 401, ErrTokenUsed, true},
		{"unknown token", http.MethodGet,
			func(*Handler, string) string { return "d65f1adb-8ebc-48dc-be8b-20c773ba1565" },
			401, ErrUnknownToken, false},
		{"expired token", http.MethodGet,
			func(_ *Handler, tok string) string { now = now.Add(tokenLifetime); return tok },
			401, ErrTokenExpired, false},
		{"no token", http.MethodGet, func(*Handler, string) string { return "" },
			401, ErrUnknownToken, false},
		{"POST", http.MethodPost, same, 405, nil, false},
		{"HEAD", http.MethodHead, same, 405, nil, false},
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
			rec := getConnect(h, tt.method, q)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status: got %d, want %d (%s)", rec.Code, tt.wantStatus, rec.Body)
			}
			for name, want := range map[string]string{
				"Content-Type":  "text/html; charset=utf-8",
				"Cache-Control": "no-store",
			} {
				if got := rec.Header().Get(name); got != want {
					t.Errorf("%s: got %q, want %q", name, got, want)
				}
			}
			body := rec.Body.String()
			if !strings.Contains(body, `<main id="flinks-connect" data-state="error">`) ||
				tt.wantErr != nil && !strings.Contains(body, tt.wantErr.Error()) {
				t.Errorf("body: got %q, want an error page saying %v", body, tt.wantErr)
			}
			if strings.Contains(body, "<script") || strings.Contains(body, tok) {
				t.Errorf("body: got %q, want no script and no token", body)
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
