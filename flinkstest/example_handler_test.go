package flinkstest_test

import (
	"context"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

var pageTemplate = template.Must(template.New("page").Parse(
	`<!DOCTYPE html><title>Link your bank</title><iframe src="{{.}}"></iframe>`))

// connectPage is the handler under test, as a shop service would write
// it: each page view gets a fresh token from tokens and embeds Flinks
// Connect with it.
func connectPage(tokens tokenclient.TokenSource, c *tokenclient.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, err := tokens.Token(r.Context())
		if err != nil {
			http.Error(w, "cannot reach Flinks; try again", http.StatusBadGateway)
			return
		}
		src, err := c.ConnectURL(tok, url.Values{"redirectUrl": {"https://shop.example/linked"}})
		if err != nil {
			http.Error(w, "cannot build the Connect URL", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_ = pageTemplate.Execute(w, src)
	}
}

// iframeSrc returns the src attribute of the page's iframe, as written
// (HTML-escaped).
func iframeSrc(page string) string {
	_, rest, _ := strings.Cut(page, `<iframe src="`)
	src, _, _ := strings.Cut(rest, `"`)
	return src
}

// A test of a handler that embeds Flinks Connect: it reads the Connect URL
// out of the page, checks that it leads to the fake's Connect page, and
// asks the fake whether the token in it is one it issued, unused and
// unexpired (Redeem also spends it, as the browser would).
func Example_handlerTest() {
	srv := flinkstest.NewServer()
	defer srv.Close()
	c, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	handler := connectPage(c, c)

	var tokens []string
	for range 2 {
		rec := httptest.NewRecorder()
		handler(
			rec,
			httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/link", nil),
		)
		tok, err := srv.TokenFromConnectURL(iframeSrc(rec.Body.String()))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("page:", rec.Code, "token live and unused:", srv.Redeem(tok) == nil)
		tokens = append(tokens, tok)
	}
	fmt.Println("a fresh token per view:", tokens[0] != tokens[1])
	// Output:
	// page: 200 token live and unused: true
	// page: 200 token live and unused: true
	// a fresh token per view: true
}
