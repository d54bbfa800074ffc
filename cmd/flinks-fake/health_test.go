package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	plain, _ := startEnv(t, nil)
	secure, _ := startEnv(t, nil, "-tls", "-ca-file", caFile)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name   string
		args   []string
		wantOK bool
	}{
		{"http", []string{"-addr", plain}, true},
		{
			"https, trusting the CA file",
			[]string{"-addr", secure, "-tls", "-ca-file", caFile},
			true,
		},
		{"https without -tls", []string{"-addr", secure}, false},
		{"nothing listening", []string{"-addr", strings.TrimPrefix(closed.URL, "http://")}, false},
		{"not the fake", []string{"-addr", strings.TrimPrefix(notFake(t), "http://")}, false},
	}
	for _, tt := range tests {
		err := run(
			context.Background(),
			append(tt.args, "-healthcheck"),
			func(string) string { return "" },
			io.Discard,
			io.Discard,
			nil,
		)
		if (err == nil) != tt.wantOK || (err != nil && exitCode(err) != 1) {
			t.Errorf(
				"%s: got %v (exit %d), want ok %v (else exit 1)",
				tt.name,
				err,
				exitCode(err),
				tt.wantOK,
			)
		}
	}
}

// notFake returns the URL of a server that answers /healthz 503.
func notFake(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
