// Command apigen generates api (the client and models) and internal/fakeapi
// (the fake's strict server) from openapi.yaml: it derives
// the generation input with Normalize (so that Go names never depend on
// incidental text of the page) and runs the pinned oapi-codegen once per
// configuration file. go generate runs it from the module root (gen.go).
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// configs are the oapi-codegen configurations, one generated file each.
var configs = []string{"oapi-codegen.yaml", "oapi-codegen-server.yaml"}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "apigen:", err)
		os.Exit(1)
	}
}

func run() error {
	spec, err := os.ReadFile("openapi.yaml")
	if err != nil {
		return fmt.Errorf("%w (run it from the module root, as go generate does)", err)
	}
	input, err := Normalize(spec)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "apigen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "openapi.json")
	if err := os.WriteFile(path, input, 0o600); err != nil {
		return err
	}
	for _, cfg := range configs {
		cmd := exec.Command("go", "tool", "-modfile=tools/go.mod", "oapi-codegen", "-config", cfg, path)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("oapi-codegen -config %s: %w", cfg, err)
		}
	}
	return nil
}
