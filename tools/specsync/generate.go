package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v4"
)

// configs are the oapi-codegen configurations in the module root; each
// names the file it generates (output), relative to the root.
var configs = []string{"oapi-codegen.yaml", "oapi-codegen-server.yaml"}

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
	for _, cfg := range configs {
		// The configuration as it is, but for where it writes.
		c := map[string]any{}
		if err := readYAML(filepath.Join(dir, cfg), &c); err != nil {
			return nil, err
		}
		name, _ := c["output"].(string)
		if !filepath.IsLocal(name) {
			return nil, fmt.Errorf("%s: output %q is not a path inside the module", cfg, name)
		}
		out := filepath.Join(tmp, "out.go")
		c["output"] = out
		b, err := yaml.Marshal(c)
		if err != nil {
			return nil, err
		}
		tmpCfg := filepath.Join(tmp, cfg)
		if err := os.WriteFile(tmpCfg, b, 0o600); err != nil {
			return nil, err
		}
		cmd := command(ctx, dir, "go", "tool", "-modfile=tools/go.mod", "oapi-codegen",
			"-config", tmpCfg, in)
		if msg, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("oapi-codegen -config %s: %v: %s",
				cfg, err, bytes.TrimSpace(msg))
		}
		if files[name], err = os.ReadFile(out); err != nil {
			return nil, err
		}
	}
	return files, nil
}

func readYAML(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
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
