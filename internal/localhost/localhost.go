// Package localhost tells the local machine's names from others, so that a
// server meant for one machine can refuse a request sent to it through DNS
// rebinding: a web page on evil.example whose name the attacker makes
// resolve to 127.0.0.1 reaches a loopback server with Host: evil.example,
// which no check of the peer's address catches.
package localhost

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Hosts is the set of Host names a server answers: the loopback names and
// addresses (see IsLoopback) and the names it was configured with. The
// zero value allows loopback only.
type Hosts struct {
	extra map[string]bool
}

// New returns Hosts that allow loopback and extra: names or IP addresses,
// each with or without a port (ignored), compared without regard to
// letter case or a trailing dot. Empty entries are skipped.
func New(extra ...string) Hosts {
	h := Hosts{extra: map[string]bool{}}
	for _, e := range extra {
		if n := normalize(e); n != "" {
			h.extra[n] = true
		}
	}
	return h
}

// Allows reports whether host, a Host header value (name or address, with
// or without a port), is loopback or one of the configured names. An
// empty host is not allowed.
func (h Hosts) Allows(host string) bool {
	n := normalize(host)
	return n != "" && (isLoopback(n) || h.extra[n])
}

// Guard returns a handler that passes to next the requests whose Host h
// allows, and answers every other with refuse before next sees it. refuse
// typically writes a 403 naming r.Host (cut to a readable length: it is
// what a stranger sent) and the setting that would allow it.
func (h Hosts) Guard(next http.Handler, refuse http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.Allows(r.Host) {
			refuse(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// IsLoopback reports whether host, a Host header value with or without a
// port, names the local machine: localhost, a name under .localhost
// (RFC 6761), an address in 127.0.0.0/8, or ::1.
func IsLoopback(host string) bool {
	n := normalize(host)
	return n != "" && isLoopback(n)
}

func isLoopback(n string) bool {
	if n == "localhost" || strings.HasSuffix(n, ".localhost") {
		return true
	}
	addr, err := netip.ParseAddr(n)
	return err == nil && addr.IsLoopback()
}

// normalize returns host without its port, brackets, zone-free address
// form or trailing dot, in lower case.
func normalize(host string) string {
	host = strings.TrimSpace(host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if addr, err := netip.ParseAddr(host); err == nil {
		return addr.Unmap().String()
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}
