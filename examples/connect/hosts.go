package main

import (
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/flinkskit/flinks-token-go/internal/localhost"
)

// parseAllowedHosts reads -allowed-hosts: comma-separated host names or
// IP addresses, without ports. It refuses an empty entry, a URL or a
// port, so that a mistyped flag fails at start rather than as a 421 later.
func parseAllowedHosts(list string) (localhost.Hosts, error) {
	var names []string
	if strings.TrimSpace(list) != "" {
		for h := range strings.SplitSeq(list, ",") {
			h = strings.TrimSpace(h)
			_, _, portErr := net.SplitHostPort(h)
			if h == "" || strings.ContainsAny(h, "/ ") || portErr == nil {
				return localhost.Hosts{}, fmt.Errorf("-allowed-hosts: want comma-separated host names or IP addresses without ports, got %q", list)
			}
			names = append(names, h)
		}
	}
	return localhost.New(names...), nil
}

// checkHost refuses, before next does any work (before a token is taken),
// a request whose Host is neither loopback nor in hosts: a page that DNS
// rebinding points at this server (evil.example resolving to 127.0.0.1)
// would otherwise read a live Connect URL, minted with the developer's
// credentials. The refusal is 421 Misdirected Request with one line.
func checkHost(hosts localhost.Hosts, next http.Handler) http.Handler {
	return hosts.Guard(next, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, fmt.Sprintf("connect: refusing Host %q: not a loopback name or address; to serve it, add it to -allowed-hosts", r.Host),
			http.StatusMisdirectedRequest)
	})
}
