package flinkstest

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFaultAnswers checks what each fault writes, byte for byte, through
// the Handler served with a recorder (which cannot be hijacked, so Drop
// says so with a 500).
func TestFaultAnswers(t *testing.T) {
	tests := []struct {
		name       string
		fault      Fault
		wantStatus int
		wantBody   string
		wantHeader map[string]string
	}{
		{"status", Fault{Status: 503, RetryAfter: "7"}, 503,
			`{"FlinksCode":"INJECTED_FAULT","HttpStatusCode":503,` +
				`"Message":"fault injected by flinkstest: 503 Service Unavailable"}` + "\n",
			map[string]string{"Retry-After": "7", "Content-Type": "application/json"}},
		{"status without Retry-After", Fault{Status: 429}, 429, "",
			map[string]string{"Retry-After": ""}},
		{"malformed", Fault{Malformed: true}, 200,
			`<html><body>502 Bad Gateway</body></html>`,
			map[string]string{"Content-Type": "application/json"}},
		{"oversized", Fault{Oversized: 100 << 10}, 200, strings.Repeat(" ", 100<<10),
			map[string]string{"Content-Type": "application/json"}},
		{"drop, not hijackable", Fault{Drop: true}, 500, "", nil},
		{"latency only", Fault{Latency: 1}, 200, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHandler()
			if err := h.FailNext(1, tt.fault); err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, conformingRequest(DefaultSecretKey))
			if rec.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d (%s)", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantBody != "" && rec.Body.String() != tt.wantBody {
				t.Errorf("body: got %.200q (%d bytes), want %.200q (%d bytes)",
					rec.Body, rec.Body.Len(), tt.wantBody, len(tt.wantBody))
			}
			for name, want := range tt.wantHeader {
				if got, ok := rec.Header()[name]; (want == "") == ok || ok && got[0] != want {
					t.Errorf("%s: got %q, want %q (\"\": no header)", name, got, want)
				}
			}
			if tt.fault.Latency > 0 && decode(t, rec).Token == "" {
				t.Errorf("after a latency fault: got %s, want a token", rec.Body)
			}
			if n := len(h.faults); n != 0 {
				t.Errorf("%d fault runs left, want none", n)
			}
		})
	}
}
