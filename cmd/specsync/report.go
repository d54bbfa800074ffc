package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// change is one entry of oasdiff's JSON changelog.
type change struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Level     int    `json:"level"` // 3 error (breaking), 2 warning, 1 info
	Operation string `json:"operation"`
	Path      string `json:"path"`
}

type changes []change

func (cs changes) breaking() int {
	n := 0
	for _, c := range cs {
		if c.Level >= 3 {
			n++
		}
	}
	return n
}

// diff runs the pinned oasdiff on the current and the new spec.
func diff(ctx context.Context, dir string, current, next []byte) (changes, error) {
	tmp, err := os.MkdirTemp("", "specsync-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	base, revision := filepath.Join(tmp, "current.yaml"), filepath.Join(tmp, "new.yaml")
	if err := os.WriteFile(base, current, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(revision, next, 0o600); err != nil {
		return nil, err
	}
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "tool", "-modfile=tools/go.mod", "oasdiff", "changelog", base, revision, "--format", "json")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("oasdiff changelog: %w: %s", err, bytes.TrimSpace(errOut.Bytes()))
	}
	var cs changes
	if err := json.Unmarshal(out.Bytes(), &cs); err != nil {
		return nil, fmt.Errorf("oasdiff changelog: unreadable output: %w", err)
	}
	return cs, nil
}

func printReport(w io.Writer, cs changes) {
	if len(cs) == 0 {
		fmt.Fprintln(w, "changes: none to the API (the document differs only in form: descriptions, examples, layout)")
		return
	}
	fmt.Fprintf(w, "changes: %d, of which %d breaking\n", len(cs), cs.breaking())
	for _, c := range cs {
		where := c.Operation + " " + c.Path
		if c.Path == "" {
			where = "spec"
		}
		fmt.Fprintf(w, "  %-8s %s: %s [%s]\n", levelName(c.Level), where, c.Text, c.ID)
	}
}

func levelName(level int) string {
	switch {
	case level >= 3:
		return "BREAKING"
	case level == 2:
		return "warning"
	default:
		return "info"
	}
}
