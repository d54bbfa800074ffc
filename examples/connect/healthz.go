package main

import (
	"encoding/json"
	"net/http"

	"github.com/flinkskit/flinks-token-go/tokenclient"
)

// poolHealth is what /healthz reads from a tokenclient.Pool.
type poolHealth interface {
	Err() error
	Stats() tokenclient.PoolStats
}

// healthz reports the pool: 200 while its refills work, 503 while the
// last one failed (Flinks refused the key, or cannot be reached), when
// pages would most likely get no token either, so a load balancer can
// take the instance out. The pool keeps retrying; /healthz turns 200 again
// once a refill works. The counters come with both.
type healthz struct{ pool poolHealth }

type healthReport struct {
	Status string                `json:"status"`
	Error  string                `json:"error,omitempty"`
	Pool   tokenclient.PoolStats `json:"pool"`
}

func (h healthz) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	report := healthReport{Status: "ok", Pool: h.pool.Stats()}
	status := http.StatusOK
	if err := h.pool.Err(); err != nil {
		report.Status, report.Error = "unavailable", err.Error()
		status = http.StatusServiceUnavailable
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(report)
}
