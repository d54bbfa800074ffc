package localhost

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

func TestAllows(t *testing.T) {
	h := New("flinks-fake", "Fake.Example.:4010", "10.0.0.5", "[fd00::1]", "")
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
		if got := h.Allows(tt.host); got != tt.want {
			t.Errorf("Allows(%q): got %v, want %v", tt.host, got, tt.want)
		}
	}
	if (Hosts{}).Allows("flinks-fake") || !(Hosts{}).Allows("localhost") {
		t.Errorf("the zero Hosts: want loopback only")
	}
	if IsLoopback("flinks-fake") || !IsLoopback("[::1]:1") {
		t.Errorf("IsLoopback: want loopback names and addresses only")
	}
}

func TestGuardRefusesBeforeNext(t *testing.T) {
	var served atomic.Int32
	g := New("allowed.test").Guard(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served.Add(1) }),
		func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusForbidden) })
	srv := httptest.NewServer(g)
	defer srv.Close()
	tests := []struct {
		host       string
		wantStatus int
		wantServed int32
	}{
		{"", http.StatusOK, 1}, // the URL's own 127.0.0.1:port
		{"allowed.test", http.StatusOK, 2},
		{"evil.example", http.StatusForbidden, 2},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tt.host
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus || served.Load() != tt.wantServed {
			t.Errorf("Host %q: got %d with next called %d times, want %d and %d", tt.host, resp.StatusCode, served.Load(), tt.wantStatus, tt.wantServed)
		}
	}
}
