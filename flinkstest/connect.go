package flinkstest

import (
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

// connectTemplate is the stand-in Connect page. As Flinks Connect does
// (docs.flinks.com: Events / Use an Event Listener), it posts step events
// to window.parent with target origin "*": APP_MOUNTED when loaded, and
// REDIRECT with a loginId when Connect is clicked.
var connectTemplate = template.Must(template.New("connect").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Flinks Connect (flinkstest stand-in)</title></head>
<body>
<main id="flinks-connect" data-state="ready">
<p>A stand-in served by flinkstest. The authorize token was valid and is now spent.</p>
<button id="connect" type="button">Connect to {{.Institution}}</button>
</main>
<script>
window.parent.postMessage({step: "APP_MOUNTED"}, "*");
document.getElementById("connect").addEventListener("click", function () {
	window.parent.postMessage({step: "REDIRECT", institution: {{.Institution}},
		loginId: {{.LoginID}}}, "*");
	document.getElementById("flinks-connect").setAttribute("data-state", "connected");
});
</script>
</body>
</html>
`))

// refusedTemplate is the page answered when the Connect page is refused.
var refusedTemplate = template.Must(template.New("refused").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Flinks Connect (flinkstest stand-in)</title>
</head><body><main id="flinks-connect" data-state="error"><p>{{.}}</p></main></body></html>
`))

// serveConnect serves the stand-in Connect page, spending the token, or
// a 401 page saying why the token was refused.
func (h *Handler) serveConnect(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store") // the page's token is spent
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		w.WriteHeader(http.StatusMethodNotAllowed)
		_ = refusedTemplate.Execute(w, "the Connect page is loaded with GET")
		return
	}
	if err := h.Redeem(r.URL.Query().Get("authorizeToken")); err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		_ = refusedTemplate.Execute(w, err.Error())
		return
	}
	_ = connectTemplate.Execute(w, struct{ Institution, LoginID string }{
		ConnectInstitution, newGUID(),
	})
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
	host := strings.TrimPrefix(strings.TrimPrefix(s.URL, "http://"), "https://")
	if strings.Contains(rawURL, "&amp;") {
		rawURL = html.UnescapeString(rawURL)
	}
	// The error never repeats rawURL: it may hold a live token.
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
		!strings.EqualFold(u.Host, host) || u.Path != ConnectPath {
		return "", fmt.Errorf("%w: want http or https://%s%s", ErrNotConnectURL, host, ConnectPath)
	}
	tok := u.Query().Get("authorizeToken")
	if tok == "" {
		return "", fmt.Errorf("%w: it has no authorizeToken parameter", ErrNotConnectURL)
	}
	return tok, nil
}
