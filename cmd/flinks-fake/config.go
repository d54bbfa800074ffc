package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/flinkskit/flinks-token-go/internal/cli"
)

// secretKeys reads accepted keys from path (through a 64 KiB limit, a
// UTF-8 BOM dropped), else FLINKS_FAKE_SECRET_KEYS; none means the spec's
// demo key.
func secretKeys(ctx context.Context, path string, getenv func(string) string) ([]string, error) {
	if path == "" {
		return splitList(getenv("FLINKS_FAKE_SECRET_KEYS")), nil
	}
	b, err := cli.ReadSecretFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("read secret keys: %w", err)
	}
	var keys []string
	for line := range strings.Lines(string(b)) {
		if k := strings.TrimSpace(line); k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no secret keys", path)
	}
	return keys, nil
}

func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}
