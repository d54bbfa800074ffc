package flinkstest

import "time"

// NewServer's bounds on a stranger's request: it arrives whole within
// readTimeout, and a keep-alive connection idle for idleTimeout is closed.
// A request body is never read (GenerateAuthorizeToken takes none, and the
// Connect page is a GET): ServeHTTP hides it, and net/http discards at most
// 256 KiB of it, then closes the connection.
const (
	readTimeout = 10 * time.Second
	idleTimeout = 60 * time.Second
)
