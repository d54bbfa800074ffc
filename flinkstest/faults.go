package flinkstest

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"time"
)

// Fault is one misbehaviour to inject; set exactly one of Status, Drop,
// Malformed, Oversized. Latency may accompany any of them, or stand alone
// (then the request is answered normally, late).
type Fault struct {
	// Status answers with this HTTP status, 300-599, and a Flinks-style
	// JSON error body. A 2xx is not a fault: use Malformed for a 200
	// without a token.
	Status int
	// RetryAfter, with Status, sets the Retry-After header as given: a
	// number of seconds ("2"), an HTTP date, or a malformed value.
	RetryAfter string
	// Latency, not negative, delays the answer.
	Latency time.Duration
	// Drop closes the connection without answering.
	Drop bool
	// Malformed answers 200 with a body that is not JSON.
	Malformed bool
	// Oversized answers 200 with a body of this many spaces, labelled
	// JSON; a negative value streams a body that never ends.
	Oversized int64
}

func (f Fault) validate() error {
	set := 0
	for _, on := range []bool{f.Status != 0, f.Drop, f.Malformed, f.Oversized != 0} {
		if on {
			set++
		}
	}
	if set > 1 {
		return fmt.Errorf("flinkstest: fault %+v sets more than one of Status, Drop, Malformed, "+
			"Oversized", f)
	}
	if set == 0 && f.Latency <= 0 {
		return fmt.Errorf("flinkstest: fault %+v does nothing", f)
	}
	if f.Status != 0 && (f.Status < 300 || f.Status > 599) {
		return fmt.Errorf("flinkstest: fault status %d is outside 300-599", f.Status)
	}
	if f.RetryAfter != "" && f.Status == 0 {
		return fmt.Errorf("flinkstest: fault RetryAfter needs a Status")
	}
	if f.Latency < 0 {
		return fmt.Errorf("flinkstest: fault Latency %v is negative", f.Latency)
	}
	return nil
}

// FailNext makes the next n requests that pass spec validation misbehave
// as f says; faults queue behind ones injected before. It returns an
// error, and queues nothing, if n < 1 or f is not a single meaningful
// fault: more than one of Status, Drop, Malformed and Oversized; none of
// them without a Latency; a Status outside 300-599; a RetryAfter without a
// Status; a negative Latency.
func (h *Handler) FailNext(n int, f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	if n < 1 {
		return fmt.Errorf("flinkstest: FailNext(%d): want n >= 1", n)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = append(h.faults, faultRun{f, n})
	return nil
}

// faultRun is one FailNext call: a count, so that FailNext(1e9, f) costs
// what FailNext(1, f) does.
type faultRun struct {
	f Fault
	n int
}

func (h *Handler) nextFault() (Fault, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.faults) == 0 {
		return Fault{}, false
	}
	run := &h.faults[0]
	f := run.f
	if run.n--; run.n == 0 {
		h.faults = h.faults[1:]
	}
	return f, true
}

// serve answers r as the fault says; after a pure latency fault, normal
// answers it.
func (f Fault) serve(w http.ResponseWriter, r *http.Request, normal http.Handler) {
	if !sleep(r.Context(), f.Latency) {
		return
	}
	if f.Drop {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			http.Error(w, "flinkstest: cannot drop the connection: "+err.Error(),
				http.StatusInternalServerError)
			return
		}
		_ = conn.Close()
	} else if f.Status != 0 {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, f.Status, "INJECTED_FAULT",
			fmt.Sprintf("fault injected by flinkstest: %d %s", f.Status, http.StatusText(f.Status)))
	} else if f.Malformed {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`<html><body>502 Bad Gateway</body></html>`))
	} else if f.Oversized != 0 {
		writeOversized(w, f.Oversized)
	} else {
		normal.ServeHTTP(w, r)
	}
}

// writeOversized writes a 200 body of n spaces, labelled JSON, or an endless
// one for n < 0.
func writeOversized(w http.ResponseWriter, n int64) {
	w.Header().Set("Content-Type", "application/json")
	// Without its sign bit a negative n is 2^63 bytes or so: endless.
	_, _ = io.CopyN(w, spaces{}, n&math.MaxInt64)
}

// spaces reads as an endless run of spaces.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
