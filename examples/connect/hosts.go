package main

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// parseAllowedHosts reads -allowed-hosts: comma-separated host names or
// IP addresses, without ports. It refuses an empty entry, a URL or a
// port, so that a mistyped flag fails at start rather than as a 421 later.
func parseAllowedHosts(list string) (map[string]bool, error) {
	hosts := map[string]bool{}
	if strings.TrimSpace(list) == "" {
		return hosts, nil
	}
	for h := range strings.SplitSeq(list, ",") {
		h = strings.TrimSpace(h)
		_, _, portErr := net.SplitHostPort(h)
		if h == "" || strings.ContainsAny(h, "/ ") || portErr == nil {
			return nil, fmt.Errorf("-allowed-hosts: want comma-separated host names "+
				"or IP addresses without ports, got %q", list)
		}
		hosts[hostname(h)] = true
	}
	return hosts, nil
}

// hostname returns a Host header's name or address without its port or
// brackets, in lower case.
func hostname(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(strings.Trim(host, "[]"))
}

// checkHost refuses, before next does any work (before a token is taken),
// a request whose Host is neither loopback nor in allowed: a page that DNS
// rebinding points at this server (evil.example resolving to 127.0.0.1)
// would otherwise read a live Connect URL, minted with the developer's
// credentials. The refusal is 421 Misdirected Request with one line.
func checkHost(allowed map[string]bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := hostname(r.Host)
		if host != "localhost" && !net.ParseIP(host).IsLoopback() && !allowed[host] {
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, fmt.Sprintf("connect: refusing Host %q: not a loopback name or address; "+
				"to serve it, add it to -allowed-hosts", r.Host), http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}
