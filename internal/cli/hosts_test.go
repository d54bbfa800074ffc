package cli

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestAllowHosts(t *testing.T) {
	served := 0
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served++ })
	refuse := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusForbidden) }
	h := AllowHosts([]string{"flinks-fake", "Fake.Example.:4010", "10.0.0.5", "[fd00::1]", ""},
		next, refuse)
	tests := []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"localhost:4010", true},
		{"LOCALHOST.", true},
		{"LocalHost.:8080", true},
		{"app.localhost:8080", true},
		{"App.Localhost.:8080", true},
		{"127.0.0.1:4010", true},
		{"127.9.8.7", true},
		{"127.255.255.254", true},
		{"[::1]:4010", true},
		{"::1", true},
		{"[0:0:0:0:0:0:0:1]:4010", true},
		{"[::ffff:127.0.0.1]:1", true},
		{"flinks-fake:4010", true},
		{"FLINKS-FAKE", true},
		{"fake.example", true},
		{"10.0.0.5:99", true},
		{"[FD00::1]:8080", true},
		{"fd00::1", true},
		{"", false},
		{":4010", false},
		{"evil.example", false},
		{"localhost.evil.example", false},
		{"127.0.0.1.evil.example", false},
		{"evil-localhost", false},
		{"evillocalhost", false},
		{"128.0.0.1", false},
		{"126.255.255.255", false},
		{"sub.flinks-fake", false},
		{"fd00::2", false},
		{"10.0.0.6", false},
		{"0.0.0.0", false},
		{"[::]:4010", false},
		{"flinks-fake.evil.example", false},
	}
	for _, tt := range tests {
		served = 0
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Host = tt.host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Code == http.StatusOK && served == 1; got != tt.want {
			t.Errorf("Host %q: got %d, next called %d times; want allowed: %v",
				tt.host, rec.Code, served, tt.want)
		}
		if !tt.want && served != 0 {
			t.Errorf("Host %q: refused, but next ran", tt.host)
		}
	}
}

func TestAllowHostsWithoutNamesAllowsLoopbackOnly(t *testing.T) {
	h := AllowHosts(nil, http.NotFoundHandler(), func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	})
	for host, want := range map[string]int{"localhost": 404, "flinks-fake": 403} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %q: got %d, want %d", host, rec.Code, want)
		}
	}
}
