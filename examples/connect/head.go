package main

import "net/http"

// pageHead answers HEAD / as GET / would, minus the body, without taking a
// token: link checkers, uptime monitors and previews send HEAD, and every
// token taken is one minted at Flinks, which no one would ever present.
func pageHead(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
}
