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

// newMux routes the app, every response with the security headers: the Connect page at /, its script and stylesheet
// under /static/, and the pool's health at /healthz.
func newMux(pool *tokenclient.Pool, client *tokenclient.Client, params url.Values, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	// GET patterns match HEAD too; this more specific one keeps HEAD from
	// taking a token.
	mux.HandleFunc("HEAD /{$}", pageHead)
	mux.Handle("GET /{$}", &connectPage{tokens: pool, client: client, params: params, timeout: tokenTimeout, logger: logger})
	mux.Handle("GET /static/", withCacheControl(http.FileServerFS(static), "max-age=300"))
	mux.Handle("GET /healthz", healthz{pool})
	return withSecurityHeaders(mux)
}
