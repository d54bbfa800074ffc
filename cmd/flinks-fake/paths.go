package main

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/flinkskit/flinks-token-go/flinkstest"
)

// tokensPath lists the issued tokens, for tests that cannot call
// Handler.Issued because they are not written in Go.
const tokensPath = "/_fake/tokens"

// withTokensList serves tokensPath and healthzPath beside the fake Flinks h.
func withTokensList(h *flinkstest.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case tokensPath, healthzPath:
		default:
			h.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
				"flinks-fake: "+r.URL.Path+" answers GET only")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if r.URL.Path == healthzPath {
			_, _ = io.WriteString(w, `{"status":"ok"}`+"\n")
			return
		}
		issued := h.Issued()
		if issued == nil {
			issued = []flinkstest.IssuedToken{} // [] rather than null
		}
		_ = json.NewEncoder(w).Encode(issued)
	})
}
