package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

// TestComposeExampleWiring checks what can be checked of compose.yaml and
// the Dockerfile without starting a container (CI machines cannot):
// every FLINKS_FAKE_* variable they set is a flag of flinks-fake; with
// those variables the fake serves https and answers the shop's
// FLINKS_BASE_URL host, whose client trusts the CA file the shop's
// SSL_CERT_FILE names.
func TestComposeExampleWiring(t *testing.T) {
	var compose struct {
		Services map[string]struct {
			Environment map[string]string
		}
	}
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &compose); err != nil {
		t.Fatal(err)
	}
	env := dockerfileEnv(t, "Dockerfile")
	for k, v := range compose.Services["flinks-fake"].Environment {
		env[k] = v
	}
	shop := compose.Services["shop"].Environment
	if env["FLINKS_FAKE_CA_FILE"] == "" || env["FLINKS_FAKE_CA_FILE"] != shop["SSL_CERT_FILE"] {
		t.Errorf(
			"the fake writes its CA to %q, the shop reads SSL_CERT_FILE %q: want the same file",
			env["FLINKS_FAKE_CA_FILE"],
			shop["SSL_CERT_FILE"],
		)
	}
	for k := range env {
		name := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(k, envPrefix), "_", "-"))
		if strings.HasPrefix(k, envPrefix) && k != "FLINKS_FAKE_SECRET_KEYS" && !isFlag(t, name) {
			t.Errorf("%s sets no flag of flinks-fake (no -%s)", k, name)
		}
	}

	// Run the fake with the compose environment, on a free loopback port
	// and a temporary CA file.
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	env["FLINKS_FAKE_ADDR"], env["FLINKS_FAKE_CA_FILE"] = "127.0.0.1:0", caFile
	addr, _ := startEnv(t, env)
	u, err := url.Parse(shop["FLINKS_BASE_URL"])
	if err != nil || u.Scheme != "https" {
		t.Fatalf("the shop's FLINKS_BASE_URL %q: want an https URL", shop["FLINKS_BASE_URL"])
	}
	// Dial the fake where the shop would dial u.Host.
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}
	tr.TLSClientConfig = trustOnly(t, caFile)
	hc := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	c, err := tokenclient.New(shop["FLINKS_CUSTOMER_ID"], shop["FLINKS_SECRET_KEY"],
		tokenclient.WithBaseURL(u.String()), tokenclient.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GenerateAuthorizeToken(context.Background()); err != nil {
		t.Errorf("the shop's request to %s: got %v, want a token", u, err)
	}
	if shop["FLINKS_CUSTOMER_ID"] != flinkstest.DefaultCustomerID {
		t.Errorf(
			"the shop's customer id: got %q, want the spec's demo id the fake accepts",
			shop["FLINKS_CUSTOMER_ID"],
		)
	}
}

// isFlag reports whether flinks-fake -h lists the flag -name.
func isFlag(t *testing.T, name string) bool {
	t.Helper()
	var usage strings.Builder
	noEnv := func(string) string { return "" }
	if err := run(context.Background(), []string{"-h"}, noEnv, io.Discard, &usage,
		nil); err != nil {
		t.Fatal(err)
	}
	return strings.Contains(usage.String(), "\n  -"+name+" ") ||
		strings.Contains(usage.String(), "\n  -"+name+"\n")
}

// dockerfileEnv returns the ENV settings of the Dockerfile at path (in
// its KEY=value form, continued lines joined).
func dockerfileEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	for line := range strings.Lines(text) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "ENV ")
		if !ok {
			continue
		}
		for _, kv := range strings.Fields(rest) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
	}
	if len(env) == 0 {
		t.Fatalf("%s sets no ENV", path)
	}
	return env
}
