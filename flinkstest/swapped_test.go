package flinkstest

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSwappedKeyNeverEchoed sends the secret key where the customer id
// belongs (and the customer id as the key), the mistake a caller makes by
// swapping two GUID arguments, and checks that neither the log record nor
// the response body repeats the key, in any letter case.
func TestSwappedKeyNeverEchoed(t *testing.T) {
	const other = "sk_live_Abc123Secret"
	unknownPath, _, _ := strings.Cut(
		tokenPath(other),
		other,
	) // the spec's path up to the customer id
	tests := []struct {
		name   string
		method string
		path   string
	}{
		{"key as customer id", http.MethodPost, tokenPath(DefaultSecretKey)},
		{
			"upper-case key as customer id",
			http.MethodPost,
			tokenPath(strings.ToUpper(DefaultSecretKey)),
		},
		{"key as customer id, wrong method", http.MethodGet, tokenPath(DefaultSecretKey)},
		{
			"upper-case key, wrong method",
			http.MethodGet,
			tokenPath(strings.ToUpper(DefaultSecretKey)),
		},
		{"key in an unknown path", http.MethodPost, tokenPath(DefaultSecretKey) + "/More"},
		{"unconfigured key as customer id, wrong method", http.MethodGet, tokenPath(other)},
		{"unconfigured key in an unknown path", http.MethodPost, unknownPath + other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := NewHandler(WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
			r := conformingRequest(DefaultCustomerID)
			r.Method = tt.method
			r.URL.Path = tt.path
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code < 400 || rec.Code > 499 {
				t.Errorf("status: got %d, want a 4xx", rec.Code)
			}
			for what, out := range map[string]string{"log": logs.String(),
				"body": rec.Body.String()} {
				for _, key := range []string{DefaultSecretKey, other} {
					if strings.Contains(strings.ToLower(out), strings.ToLower(key)) {
						t.Errorf("%s contains the key %q: %s", what, key, out)
					}
				}
			}
			if strings.Contains(logs.String(), `"path"`) {
				t.Errorf("log: got %s, want no path (it holds the customer id)", logs.String())
			}
		})
	}
}
