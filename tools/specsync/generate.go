package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// outputs maps each oapi-codegen configuration in the module root to the
// file, relative to the root, that specsync writes its output to.
var outputs = map[string]string{
	"oapi-codegen.yaml":        "api/api.gen.go",
	"oapi-codegen-server.yaml": "internal/fakeapi/server.gen.go",
}

// generate returns the code the pinned oapi-codegen generates from spec
// with the module's configurations, keyed by path relative to the module
// root. It writes nothing in the module.
func generate(ctx context.Context, dir string, spec []byte) (map[string][]byte, error) {
	input, err := Normalize(spec)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "specsync-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	in := filepath.Join(tmp, "openapi.json")
	if err := os.WriteFile(in, input, 0o600); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for cfg, name := range outputs {
		// A configuration without output: oapi-codegen writes to stdout.
		files[name], err = output(command(ctx, dir, "go", "tool", "-modfile=tools/go.mod",
			"oapi-codegen", "-config", cfg, in))
		if err != nil {
			return nil, fmt.Errorf("oapi-codegen -config %s: %w", cfg, err)
		}
		if len(files[name]) == 0 {
			return nil, fmt.Errorf("oapi-codegen -config %s wrote nothing to stdout: "+
				"the configuration must not name an output (specsync writes %s)", cfg, name)
		}
	}
	return files, nil
}

// writeFiles writes files (from generate) under dir.
func writeFiles(dir string, files map[string][]byte) error {
	for name, b := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// generateModule writes the code generated from dir's openapi.yaml under
// out: go generate's step, and make check-generated's into a temporary
// directory.
func generateModule(ctx context.Context, dir, out string) error {
	spec, err := os.ReadFile(filepath.Join(dir, "openapi.yaml"))
	if err != nil {
		return err
	}
	files, err := generate(ctx, dir, spec)
	if err != nil {
		return err
	}
	return writeFiles(out, files)
}
