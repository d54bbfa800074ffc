package cli

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// AllowHosts returns a handler that passes to next the requests whose Host
// names the local machine (localhost, a name under .localhost, 127.0.0.0/8
// or ::1) or is one of names, and answers every other with refuse before
// next sees it. Hosts and names compare without a port, letter case or a
// trailing dot. This refuses DNS rebinding: a page on evil.example whose
// name resolves to 127.0.0.1 reaches a loopback server with
// Host: evil.example, which no check of the peer's address catches.
func AllowHosts(names []string, next http.Handler, refuse http.HandlerFunc) http.Handler {
	allowed := map[string]bool{}
	for _, n := range names {
		allowed[normalizeHost(n)] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := normalizeHost(r.Host)
		if n == "" || !isLoopback(n) && !allowed[n] {
			refuse(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isLoopback(n string) bool {
	if n == "localhost" || strings.HasSuffix(n, ".localhost") {
		return true
	}
	addr, err := netip.ParseAddr(n)
	return err == nil && addr.IsLoopback()
}

// normalizeHost returns host without its port, brackets or trailing dot,
// an address in its canonical form, a name in lower case.
func normalizeHost(host string) string {
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
