package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

// getWithHost sends GET rawURL with host as its Host header ("" for the
// URL's own), as a page that DNS rebinding points at the app would, and
// returns the answer and its body.
func getWithHost(t *testing.T, rawURL, host string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// TestHostCheck serves the Connect page minting straight through a Client
// (no Pool minting ahead), so that the fake's request count is the number
// of tokens the page took.
func TestHostCheck(t *testing.T) {
	fake := flinkstest.NewHandler()
	var mints atomic.Int64
	fakeServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mints.Add(1)
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(fakeServer.Close)
	client, err := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(fakeServer.URL), tokenclient.WithHTTPClient(fakeServer.Client()))
	if err != nil {
		t.Fatal(err)
	}
	hosts, err := parseAllowedHosts("app.internal, 10.0.0.5,[fd00::1]")
	if err != nil {
		t.Fatal(err)
	}
	page := &connectPage{tokens: client, client: client, timeout: tokenTimeout,
		logger: slog.New(slog.NewTextHandler(t.Output(), nil))}
	app := httptest.NewServer(checkHost(hosts, page))
	t.Cleanup(app.Close)

	// Every kind of Host reaches the check, and a refused one costs no token.
	tests := []struct {
		host  string
		allow bool
	}{
		{"localhost:8080", true},
		{"127.0.0.1:8080", true},
		{"[::1]:8080", true},
		{"APP.internal:443", true},
		{"10.0.0.5:8080", true},
		{"[fd00::1]:8080", true},

		{"evil.example", false},
		{"localhost.evil.example:8080", false},
		{"sub.app.internal", false},
		{"0.0.0.0:8080", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			before := mints.Load()
			resp, body := getWithHost(t, app.URL+"/", tt.host)
			minted := mints.Load() - before
			if tt.allow {
				if resp.StatusCode != http.StatusOK || minted != 1 {
					t.Errorf("got %d with %d tokens minted, want 200 and one token:\n%s",
						resp.StatusCode, minted, body)
				}
				return
			}
			if resp.StatusCode != http.StatusMisdirectedRequest {
				t.Errorf("status: got %d, want 421", resp.StatusCode)
			}
			if minted != 0 {
				t.Errorf("%d tokens minted for a refused Host, want none", minted)
			}
			line := strings.TrimSuffix(body, "\n")
			if strings.Contains(line, "\n") || !strings.Contains(line, `"`+tt.host+`"`) ||
				!strings.Contains(line, "-allowed-hosts") {
				t.Errorf("body %q: want one line naming the Host and -allowed-hosts", body)
			}
		})
	}
}

func TestParseAllowedHosts(t *testing.T) {
	tests := []struct {
		list    string
		wantErr bool
	}{
		{"", false},
		{"app.internal", false},
		{"a.example,b.example", false},
		{"::1,fd00::1", false},
		{"a.example,", true},
		{"a.example:8080", true},
		{"[fd00::1]:8080", true},
		{"a.example:", true},
		{"a b.example", true},
		{"http://a.example", true},
	}
	for _, tt := range tests {
		if _, err := parseAllowedHosts(tt.list); (err != nil) != tt.wantErr {
			t.Errorf("parseAllowedHosts(%q): got %v, want error %v", tt.list, err, tt.wantErr)
		}
	}
}

// TestRunChecksHost: run serves the check in front of every route, and
// -allowed-hosts adds names.
func TestRunChecksHost(t *testing.T) {
	base, stop := startRun(t, "-fake", "-allowed-hosts", "app.internal")
	for _, path := range []string{"/", "/healthz", "/static/connect.js", "/nothing"} {
		resp, body := getWithHost(t, base+path, "evil.example")
		if resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("GET %s with Host evil.example: got %d, want 421:\n%s",
				path, resp.StatusCode, body)
		}
	}
	if resp, body := getWithHost(t, base+"/", "app.internal:80"); resp.StatusCode != http.StatusOK {
		t.Errorf("GET / with Host app.internal (in -allowed-hosts): got %d, want 200:\n%s",
			resp.StatusCode, body)
	}
	if _, err := stop(); err != nil {
		t.Errorf("run after cancel: %v", err)
	}
}
