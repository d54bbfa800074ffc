package main

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/flinkskit/flinks-token-go/tokenclient"
)

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// pageData fills page.html: the Connect iframe, or an error message.
type pageData struct {
	ConnectURL    string
	ConnectOrigin string
	// FrameName is new on every view. Chrome restores an iframe's last URL
	// from session history when Back or Forward refetches the page, matching
	// frames by name: the old name would bring back the old, spent token.
	FrameName string
	Error     string
}

// connectPage serves a page embedding Flinks Connect with a token that no
// one has seen before: every view takes a new one, the page is never
// cached, and its iframe has a new name (a page restored by Back or
// Forward would otherwise present a spent token; static/connect.js
// reloads a page that the back/forward cache restores).
type connectPage struct {
	tokens  tokenclient.TokenSource
	client  *tokenclient.Client // builds the Connect URL for its instance
	params  url.Values
	timeout time.Duration
	logger  *slog.Logger
}

func (p *connectPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, err := p.connect(r.Context())
	status := http.StatusOK
	if err != nil {
		// The error names no secret (tokenclient redacts it) and no token.
		p.logger.Error("connect: no Connect URL for this view", "error", err)
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "5")
		data = pageData{Error: "Flinks Connect is unavailable right now. " +
			"Please try again in a few seconds."}
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, data); err != nil {
		p.logger.Error("connect: rendering the page", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy(data.ConnectOrigin))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// connect takes a fresh token and builds the iframe's URL around it.
func (p *connectPage) connect(ctx context.Context) (pageData, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	tok, err := p.tokens.Token(ctx)
	if err != nil {
		return pageData{}, err
	}
	src, err := p.client.ConnectURL(tok, p.params)
	if err != nil {
		return pageData{}, err
	}
	origin, err := originOf(src)
	if err != nil {
		return pageData{}, err
	}
	return pageData{ConnectURL: src, ConnectOrigin: origin,
		FrameName: "flinks-connect-" + rand.Text()}, nil
}
