package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
)

// childBound is how long a child process (go build, flinks-token) may
// take: generous for a busy two-core machine.
const childBound = 5 * time.Minute

// TestFlinksTokenTrustsTheCAFile runs flinks-token in a child process, as
// a service in another container would run, against flinks-fake -tls: with
// SSL_CERT_FILE naming the CA file it mints a token over its unchanged
// production https path, and without it the certificate is refused.
func TestFlinksTokenTrustsTheCAFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs flinks-token; make test runs it")
	}
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	addr, logs := startEnv(
		t,
		map[string]string{"FLINKS_FAKE_TLS": "true", "FLINKS_FAKE_CA_FILE": caFile},
	)
	base := "https://localhost" + addr[strings.LastIndex(addr, ":"):]
	if !strings.Contains(logs.String(), caFile) {
		t.Errorf("the listening log does not say where the CA file is:\n%s", logs)
	}

	ctx, cancel := context.WithTimeout(context.Background(), childBound)
	defer cancel()
	bin := filepath.Join(dir, "flinks-token")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin,
		"github.com/flinkskit/flinks-token-go/cmd/flinks-token").CombinedOutput(); err != nil {
		t.Fatalf("go build flinks-token: %v\n%s", err, out)
	}
	env := []string{
		"FLINKS_BASE_URL=" + base,
		"FLINKS_CUSTOMER_ID=" + flinkstest.DefaultCustomerID,
		"FLINKS_SECRET_KEY=" + flinkstest.DefaultSecretKey,
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FLINKS_") && !strings.HasPrefix(kv, "SSL_CERT_") {
			env = append(env, kv)
		}
	}
	tests := []struct {
		name    string
		env     []string
		wantErr string // "" for a token
	}{
		{"SSL_CERT_FILE=ca file", []string{"SSL_CERT_FILE=" + caFile, "SSL_CERT_DIR=" + dir}, ""},
		{"system roots", nil, "certificate"},
	}
	for _, tt := range tests {
		cmd := exec.CommandContext(ctx, bin)
		cmd.Env = append(append([]string{}, env...), tt.env...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		tok := strings.TrimSpace(stdout.String())
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: got %v, stderr %s; want a token", tt.name, err, stderr.String())
		case tt.wantErr == "":
			if records := listTokensTLS(t, base, caFile); len(records) != 1 ||
				records[0].Token != tok {
				t.Errorf(
					"%s: printed %q, the fake issued %+v; want the one token",
					tt.name,
					tok,
					records,
				)
			}
		case err == nil || !strings.Contains(stderr.String(), tt.wantErr):
			t.Errorf(
				"%s: got %v, stdout %q, stderr %s; want a failure naming %q",
				tt.name,
				err,
				tok,
				stderr.String(),
				tt.wantErr,
			)
		}
	}
}

// listTokensTLS lists the fake's tokens over https, trusting caFile only.
func listTokensTLS(t *testing.T, base, caFile string) []tokenRecord {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: trustOnly(t, caFile)}}
	defer c.CloseIdleConnections()
	return listTokensWith(t, c, base)
}

// trustOnly returns a TLS configuration trusting the CA in caFile only.
func trustOnly(t *testing.T, caFile string) *tls.Config {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no PEM certificate", caFile)
	}
	return &tls.Config{RootCAs: pool}
}

// TestCertificateCoversTLSHosts checks the -tls certificate for each of
// -tls-hosts, names and addresses, over a real handshake.
func TestCertificateCoversTLSHosts(t *testing.T) {
	hosts := []string{"flinks-fake", "localhost", "127.0.0.1", "::1"}
	cert, caPEM, err := newCertificate(hosts, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("the CA PEM holds no certificate")
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range append(hosts, "other.example", "10.0.0.1") {
		_, err := leaf.Verify(x509.VerifyOptions{DNSName: h, Roots: pool})
		if want := h != "other.example" && h != "10.0.0.1"; (err == nil) != want {
			t.Errorf("certificate for %s: got %v, want valid %v", h, err, want)
		}
	}
}
