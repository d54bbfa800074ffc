package main

import (
	"encoding/json"
	"net/http"

	"github.com/flinkskit/flinks-token-go/flinkstest"
)

// tokensPath lists the issued tokens, for tests that cannot call
// Handler.Issued because they are not written in Go.
const tokensPath = "/_fake/tokens"

// withTokensList serves tokensPath beside the fake Flinks h.
func withTokensList(h *flinkstest.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != tokensPath {
			h.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			http.Error(w, "flinks-fake: "+tokensPath+" answers GET only", http.StatusMethodNotAllowed)
			return
		}
		issued := h.Issued()
		if issued == nil {
			issued = []flinkstest.IssuedToken{} // [] rather than null
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(issued)
	})
}
