package main

import (
	"net/http"
	"net/url"
)

// withSecurityHeaders sets what every response carries unless its handler
// says otherwise: never cached, no Referer (the page's URL matters to no
// one else, and the Connect URL it embeds carries a bearer token), no
// MIME sniffing, and a policy that allows no frames.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", contentSecurityPolicy(""))
		next.ServeHTTP(w, r)
	})
}

// withCacheControl overrides the no-store default, for static files.
func withCacheControl(next http.Handler, value string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", value)
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows frames from connectOrigin only ('none' when
// empty), and scripts and styles from this app only. Flinks Connect's
// redirect after a successful connection goes to the top window by default;
// with innerRedirect=true it happens inside the iframe, and frame-src must
// then allow the redirectUrl's origin too.
func contentSecurityPolicy(connectOrigin string) string {
	frames := "'none'"
	if connectOrigin != "" {
		frames = connectOrigin
	}
	return "default-src 'none'; frame-src " + frames +
		"; script-src 'self'; style-src 'self'; img-src 'self'" +
		"; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// originOf returns the scheme://host[:port] of rawURL.
func originOf(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	return u.Scheme + "://" + u.Host, nil
}
