package flinkstest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// ConnectPath is the path of the stand-in Flinks Connect page, as in
// https://{instance}-iframe.private.fin.ag/v2/?authorizeToken=…; the fake
// serves it on the same origin as the API.
const ConnectPath = "/v2/"

// ConnectInstitution is the institution the stand-in Connect page
// "connects": Flinks' demo institution.
const ConnectInstitution = "FlinksCapital"

// connectPage is what the page's script needs. It is rendered into a
// script context, where html/template JSON-encodes and escapes it.
type connectPage struct {
	LoginID       string `json:"loginId"`
	Institution   string `json:"institution"`
	RedirectURL   string `json:"redirectUrl,omitempty"`
	InnerRedirect bool   `json:"innerRedirect"`
	Stringify     bool   `json:"stringify"`
}

// The stand-in follows Flinks' documented behaviour towards the embedding
// page (docs.flinks.com: Events / Use an Event Listener, Parameters, How to
// Handle a Successful Connection): step events posted to window.parent
// (as objects, or JSON strings with stringify=true), and after a
// successful connection a REDIRECT event whose url is redirectUrl with
// loginId (and tag) and institution appended, then navigation to that url
// in the top window, or inside the iframe with innerRedirect=true.
// Flinks posts with target origin "*", as it cannot know the embedder.
var connectTemplate = template.Must(template.New("connect").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flinks Connect (flinkstest stand-in)</title>
<style nonce="{{.Nonce}}">body{font-family:sans-serif;margin:2em}button{font-size:1.2em}</style>
</head>
<body>
<main id="flinks-connect" data-state="ready">
<h1>Flinks Connect</h1>
<p>A stand-in served by flinkstest. The authorize token was valid and is now spent.</p>
<p>Institution: <span id="institution">{{.Page.Institution}}</span></p>
<button id="connect" type="button">Connect</button>
<p id="status" role="status"></p>
</main>
<script nonce="{{.Nonce}}">
(function () {
	var page = {{.Page}};
	function post(ev) {
		window.parent.postMessage(page.stringify ? JSON.stringify(ev) : ev, "*");
	}
	post({step: "APP_MOUNTED"});
	post({step: "COMPONENT_LOAD_INSTITUTION_SELECTOR", cached: false});
	document.getElementById("connect").addEventListener("click", function () {
		this.disabled = true;
		post({step: "INSTITUTION_SELECTED", institution: page.institution});
		post({step: "COMPONENT_LOAD_CREDENTIAL", institution: page.institution});
		post({step: "SUBMIT_CREDENTIAL", institution: page.institution});
		var ev = {step: "REDIRECT", institution: page.institution, loginId: page.loginId};
		if (page.redirectUrl) {
			ev.url = page.redirectUrl;
		}
		post(ev);
		document.getElementById("flinks-connect").setAttribute("data-state", "connected");
		document.getElementById("status").textContent = "Connected.";
		if (page.redirectUrl) {
			(page.innerRedirect ? window : window.top).location.href = page.redirectUrl;
		}
	});
})();
</script>
</body>
</html>
`))

var connectErrorTemplate = template.Must(template.New("connect-error").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Flinks Connect (flinkstest stand-in): {{.Code}}</title></head>
<body><main id="flinks-connect" data-state="error" data-error="{{.Code}}">
<h1>{{.Code}}</h1><p>{{.Detail}}</p>
</main></body>
</html>
`))

// serveConnect serves the stand-in Connect page, spending the token.
// Every refusal is checked before the token is spent, so that a typo in
// the embedding page does not cost a token.
func (h *Handler) serveConnect(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeConnectError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
			"the Connect page is loaded with GET")
		return
	}
	q := r.URL.Query()
	page := connectPage{
		LoginID:       newGUID(),
		Institution:   ConnectInstitution,
		InnerRedirect: q.Get("innerRedirect") == "true",
		Stringify:     q.Get("stringify") == "true",
	}
	if raw := q.Get("redirectUrl"); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			writeConnectError(w, http.StatusBadRequest, "INVALID_REDIRECT_URL",
				"redirectUrl is not an absolute http or https URL")
			return
		}
		page.RedirectURL = withLoginID(u, page.LoginID, q.Get("tag"), page.Institution)
	}
	token := q.Get("authorizeToken")
	if token == "" {
		writeConnectError(w, http.StatusUnauthorized, "MISSING_AUTHORIZE_TOKEN",
			"the URL has no authorizeToken")
		return
	}
	if err := h.Redeem(token); err != nil {
		code := "UNKNOWN_TOKEN"
		if errors.Is(err, ErrTokenUsed) {
			code = "TOKEN_USED"
		} else if errors.Is(err, ErrTokenExpired) {
			code = "TOKEN_EXPIRED"
		}
		writeConnectError(w, http.StatusUnauthorized, code, err.Error())
		return
	}
	nonce := newNonce()
	setPageHeaders(w.Header(), nonce)
	w.WriteHeader(http.StatusOK)
	_ = connectTemplate.Execute(w, struct {
		Nonce string
		Page  connectPage
	}{nonce, page})
}

// withLoginID appends loginId, tag (when given) and institution to the
// redirect URL, in the order of Flinks' documented examples.
func withLoginID(u *url.URL, loginID, tag, institution string) string {
	extra := "loginId=" + url.QueryEscape(loginID)
	if tag != "" {
		extra += "&tag=" + url.QueryEscape(tag)
	}
	extra += "&institution=" + url.QueryEscape(institution)
	if u.RawQuery != "" {
		u.RawQuery += "&"
	}
	u.RawQuery += extra
	return u.String()
}

// newNonce returns a fresh CSP nonce, so that only the page's own script
// and style run.
func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func writeConnectError(w http.ResponseWriter, status int, code, detail string) {
	setPageHeaders(w.Header(), "")
	w.WriteHeader(status)
	_ = connectErrorTemplate.Execute(w, struct{ Code, Detail string }{code, detail})
}

// setPageHeaders sets the headers of every Connect page. The page must
// stay framable by the embedding app, so there is neither X-Frame-Options
// nor a frame-ancestors directive; no-store keeps a page whose token is
// spent out of caches, and no-referrer keeps the token-bearing URL out of
// the Referer sent to redirectUrl.
func setPageHeaders(h http.Header, nonce string) {
	csp := "default-src 'none'; base-uri 'none'; form-action 'none'"
	if nonce != "" {
		csp += "; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce + "'"
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", csp)
}

// ErrNotConnectURL is returned by [Server.TokenFromConnectURL] for a URL
// that is not this server's Connect page with an authorizeToken.
var ErrNotConnectURL = errors.New("flinkstest: not a Connect URL of this server")

// TokenFromConnectURL returns the authorize token in rawURL, a Connect URL
// such as the one a handler under test wrote into its page, after checking
// that a browser loading it would reach this server's Connect page: http
// or https, the server's host and port, path [ConnectPath]. A URL copied
// from HTML source, with &amp; between its parameters, is unescaped first.
// Any other URL (another host, javascript:, the API's own path) or one
// without an authorizeToken gives an error matching [ErrNotConnectURL].
// Spend the token with [Handler.Redeem].
func (s *Server) TokenFromConnectURL(rawURL string) (string, error) {
	if strings.Contains(rawURL, "&amp;") {
		rawURL = html.UnescapeString(rawURL)
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		// Without the *url.Error's copy of the URL, which may hold a
		// live token and be as long as the page.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return "", fmt.Errorf("%w: it does not parse: %w", ErrNotConnectURL, err)
	}
	host := strings.TrimPrefix(strings.TrimPrefix(s.URL, "http://"), "https://")
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%w: scheme %q, want http or https", ErrNotConnectURL, clip(u.Scheme))
	}
	if !strings.EqualFold(u.Host, host) {
		return "", fmt.Errorf("%w: host %q, want %s", ErrNotConnectURL, clip(u.Host), host)
	}
	if u.Path != ConnectPath {
		// Not repeated: a path may hold a secret key in place of the
		// customer id.
		return "", fmt.Errorf("%w: its path is not %s", ErrNotConnectURL, ConnectPath)
	}
	tok := u.Query().Get("authorizeToken")
	if tok == "" {
		return "", fmt.Errorf("%w: it has no authorizeToken parameter", ErrNotConnectURL)
	}
	return tok, nil
}

// clip bounds a value quoted in an error.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
