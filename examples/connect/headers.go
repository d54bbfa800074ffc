package main

import (
	"net/http"
	"net/url"
)

// setSecurityHeaders sets what every response carries. The page's URL
// never matters to anyone else, and the Connect URL it embeds carries a
// bearer token, so no Referer is sent.
func setSecurityHeaders(h http.Header, cacheControl string) {
	h.Set("Cache-Control", cacheControl)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
}

// contentSecurityPolicy allows frames from connectOrigin only ('none' when
// empty), and scripts and styles from this app only.
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

// withHeaders adds the security headers to static files.
func withHeaders(next http.Handler, cacheControl string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header(), cacheControl)
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy(""))
		next.ServeHTTP(w, r)
	})
}
