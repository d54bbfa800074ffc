package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
)

// refuseHost answers a request for a name the fake does not answer.
func refuseHost(tls bool, logger *slog.Logger) http.HandlerFunc {
	flags := "-allowed-hosts (" + envPrefix + "ALLOWED_HOSTS)"
	if tls {
		flags += " or -tls-hosts (" + envPrefix + "TLS_HOSTS)"
	}
	return func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if len(host) > 100 {
			host = host[:100] + "…"
		}
		logger.Warn("refused", "host", host, "status", http.StatusForbidden, "flags", flags)
		writeError(w, http.StatusForbidden, "HOST_NOT_ALLOWED", fmt.Sprintf(
			"flinks-fake answers only local names and those in %s, not Host %q", flags, host))
	}
}

// writeError answers in Flinks' error shape.
func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		HttpStatusCode int
		Message        string
		FlinksCode     string
	}{status, message, code})
}
