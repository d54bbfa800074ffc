package main

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// allowedHosts are the Host names the app answers besides loopback ones.
type allowedHosts map[string]bool

// parseAllowedHosts reads -allowed-hosts: comma-separated host names or
// IP addresses, without ports, compared case-insensitively.
func parseAllowedHosts(list string) (allowedHosts, error) {
	hosts := allowedHosts{}
	if strings.TrimSpace(list) == "" {
		return hosts, nil
	}
	for h := range strings.SplitSeq(list, ",") {
		h = normalizeHost(strings.TrimSpace(h))
		if h == "" || strings.ContainsAny(h, "/ ") || strings.Contains(h, ":") && net.ParseIP(h) == nil {
			return nil, fmt.Errorf("-allowed-hosts: want comma-separated host names or IP addresses without ports, got %q", list)
		}
		hosts[h] = true
	}
	return hosts, nil
}

// normalizeHost lowercases host and drops IPv6 brackets and one trailing
// dot ("localhost." names localhost too).
func normalizeHost(host string) string {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// allows reports whether the app answers a request with this Host header:
// a loopback name (localhost, *.localhost) or address (127.0.0.0/8, ::1),
// or one of hosts.
func (hosts allowedHosts) allows(hostHeader string) bool {
	host := hostHeader
	if h, _, err := net.SplitHostPort(hostHeader); err == nil {
		host = h
	}
	host = normalizeHost(host)
	if host == "" {
		return false
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || hosts[host] {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkHost refuses, before next does any work (before a token is taken),
// a request whose Host is not one the app answers: a page that DNS
// rebinding points at this server (evil.example resolving to 127.0.0.1)
// would otherwise read a live Connect URL, minted with the developer's
// credentials. The refusal is 421 Misdirected Request with one line.
func checkHost(hosts allowedHosts, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hosts.allows(r.Host) {
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, fmt.Sprintf("connect: refusing Host %q: not a loopback name or address; to serve it, add it to -allowed-hosts", r.Host),
				http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}
