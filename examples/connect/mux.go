package main

import (
	"embed"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/flinkskit/flinks-token-go/tokenclient"
)

//go:embed static
var static embed.FS

// tokenTimeout bounds how long a page view waits for a token (the Pool
// answers at once when warm, and mints directly when empty).
const tokenTimeout = 10 * time.Second

// maxMintsInFlight bounds the requests the app has at Flinks at once. Each
// page view takes a token, so anyone who can load the page can make the
// app mint; with this bound a flood of views waits (up to tokenTimeout,
// then gets the 503 page) instead of fanning out to Flinks. It bounds
// concurrency, not rate: a public deployment needs a rate limit or a login
// in front of the page.
const maxMintsInFlight = 8

// newMux routes the app, every response with the security headers: the
// Connect page at /, its script and stylesheet under /static/, and the
// pool's health at /healthz.
func newMux(pool *tokenclient.Pool, client *tokenclient.Client, params url.Values,
	logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	// GET patterns match HEAD too; this more specific one keeps HEAD from
	// taking a token.
	mux.HandleFunc("HEAD /{$}", pageHead)
	mux.Handle("GET /{$}", &connectPage{tokens: pool, client: client, params: params,
		timeout: tokenTimeout, logger: logger})
	mux.Handle("GET /static/", withCacheControl(http.FileServerFS(static), "max-age=300"))
	mux.Handle("GET /healthz", healthz{pool})
	return withSecurityHeaders(mux)
}
