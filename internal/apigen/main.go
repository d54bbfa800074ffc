// Command apigen generates the api package from openapi.yaml: it derives
// the generation input with Normalize (so that Go names never depend on
// incidental text of the page) and runs the pinned oapi-codegen once per
// configuration file. go generate runs it from the module root (gen.go).
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
		var stderr bytes.Buffer
		cmd := exec.Command("go", "tool", "-modfile=tools/go.mod", "oapi-codegen", "-config", cfg, path)
		cmd.Stdout, cmd.Stderr = os.Stdout, &stderr
		err := cmd.Run()
		os.Stderr.WriteString(dropExpectedWarning(stderr.String()))
		if err != nil {
			return fmt.Errorf("oapi-codegen -config %s: %w", cfg, err)
		}
	}
	return nil
}

// dropExpectedWarning removes oapi-codegen's warning that the server
// configuration names body types it does not declare: by design, the
// models configuration declares them in the same package.
func dropExpectedWarning(stderr string) string {
	var kept []string
	for line := range strings.Lines(stderr) {
		if strings.HasPrefix(line, "WARNING: A number of cross-field configuration warning") ||
			strings.HasPrefix(line, "- generate-types-for-anonymous-schemas: the flag is set with `generate.models: false`") {
			continue
		}
		kept = append(kept, line)
	}
	return strings.Join(kept, "")
}
