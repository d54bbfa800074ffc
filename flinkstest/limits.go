package flinkstest

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"time"
)

// The fake's bounds on a stranger's request: a body of at most
// maxRequestBody (Flinks' GenerateAuthorizeToken takes none, and the
// Connect page is a GET), arriving whole within readTimeout; NewServer
// closes a keep-alive connection idle for idleTimeout.
const (
	maxRequestBody = 1 << 20
	readTimeout    = 10 * time.Second
	idleTimeout    = 60 * time.Second
)

// readBody reads r's body, at most maxRequestBody bytes, before any other
// work, so that a stranger's huge or endless body costs 1 MiB at most. It
// answers 413 (408 for a body that stalls past the read timeout) and reports false
// when the request must not be served.
func readBody(w http.ResponseWriter, r *http.Request) bool {
	if r.ContentLength > maxRequestBody {
		w.Header().Set("Connection", "close") // do not read what was refused
		writeTooLarge(w)
		return false
	}
	if r.Body == nil { // a request built for ServeHTTP by hand
		return true
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		writeTooLarge(w)
		return false
	}
	if t, ok := errors.AsType[interface {
		error
		Timeout() bool
	}](err); ok && t.Timeout() {
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusRequestTimeout, "REQUEST_TIMEOUT",
			"the request did not arrive whole within the server's read timeout")
		return false
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, invalidRequest,
			"cannot read the request body: "+err.Error())
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return true
}

func writeTooLarge(w http.ResponseWriter) {
	writeError(w, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE",
		"the request body is larger than 1 MiB; GenerateAuthorizeToken takes no body")
}
