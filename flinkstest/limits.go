package flinkstest

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"time"
)

// MaxRequestBody is the most the fake reads of a request body (1 MiB);
// Flinks' GenerateAuthorizeToken takes none, and the Connect page is a GET.
const MaxRequestBody = 1 << 20

// Server timeouts, used by NewServer and cmd/flinks-fake: a request must
// arrive whole within RequestReadTimeout, and an idle keep-alive
// connection is closed after IdleTimeout.
const (
	RequestReadTimeout = 10 * time.Second
	IdleTimeout        = 60 * time.Second
)

// readBody reads r's body, at most MaxRequestBody bytes, before any other
// work, so that a stranger's huge or endless body costs 1 MiB at most.
// It answers 413 (or 408 for a body that stalls past the read timeout)
// and reports false when the request must not be served.
func readBody(w http.ResponseWriter, r *http.Request) bool {
	if r.ContentLength > MaxRequestBody {
		w.Header().Set("Connection", "close") // do not read what was refused
		writeTooLarge(w)
		return false
	}
	if r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBody))
		var tooLarge *http.MaxBytesError
		var timeout interface{ Timeout() bool }
		switch {
		case errors.As(err, &tooLarge):
			writeTooLarge(w)
			return false
		case errors.As(err, &timeout) && timeout.Timeout():
			w.Header().Set("Connection", "close")
			writeError(w, http.StatusRequestTimeout, "REQUEST_TIMEOUT", "the request did not arrive whole within the server's read timeout")
			return false
		case err != nil:
			writeError(w, http.StatusBadRequest, "INVALID_REQUEST", "cannot read the request body: "+err.Error())
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return true
}

func writeTooLarge(w http.ResponseWriter) {
	writeError(w, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE",
		"the request body is larger than 1 MiB; GenerateAuthorizeToken takes no body")
}
