package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestWorkflowScript runs .github/update-spec.sh, what the scheduled
// workflow runs, against file sources in a copy of the module, and checks
// the exit code it passes through and the step outputs the workflow reads.
func TestWorkflowScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds specsync and regenerates the module; skipped under -short")
	}
	t.Parallel()
	tests := []struct {
		fixture  string
		core     bool // tried by make test too (see allFixtures)
		wantExit int
		outputs  []string
		stdout   string
		api      string // in api/*.gen.go afterwards
	}{
		{fixture: "page-same.md", wantExit: 0, outputs: []string{"changed=false", "exit=0"}, stdout: "no changes"},
		{fixture: "page-operation-renamed.md", core: true, wantExit: 1, outputs: []string{"changed=false", "exit=1"}},
		{fixture: "page-new-response.md", wantExit: 0, outputs: []string{"changed=true", "breaking=false", "bump=minor", "exit=0"}, stdout: "JSON-decodes the body for status 429", api: "JSON429 *"},
		// The one fixture make test applies through a whole trial.
		{fixture: "page-default-response.md", core: true, wantExit: 0, outputs: []string{"changed=true", "breaking=false", "bump=minor", "exit=0"}, stdout: "JSON-decodes the body for every status without a response of its own (the new default response)", api: "JSONDefault *"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.fixture, ".md"), func(t *testing.T) {
			if !tt.core && !*allFixtures {
				t.Skip("not a code path of its own; make spec-fixtures tries it")
			}
			t.Parallel()
			dir := copyModule(t)
			out := filepath.Join(t.TempDir(), "github_output")
			report := filepath.Join(t.TempDir(), "report.md")
			cmd := exec.Command("bash", filepath.Join(dir, ".github", "update-spec.sh"), fixture(t, tt.fixture))
			cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+out, "REPORT="+report)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if exitErr := (*exec.ExitError)(nil); errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantExit {
				t.Fatalf("got exit %d, want %d; stderr:\n%s", code, tt.wantExit, stderr.String())
			}
			got, _ := os.ReadFile(out)
			for _, want := range tt.outputs {
				if !strings.Contains(string(got), want+"\n") {
					t.Errorf("step outputs %q lack %q", got, want)
				}
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, stdout.String())
			}
			if !strings.Contains(generated(t, dir), tt.api) {
				t.Errorf("api/ lacks %q", tt.api)
			}
			log, _ := os.ReadFile(filepath.Join(dir, "CHANGELOG.md"))
			if applied := slices.Contains(tt.outputs, "changed=true"); applied != strings.Contains(string(log), "- Flinks spec update from "+fixture(t, tt.fixture)+" (suggested bump: minor") {
				t.Errorf("applied %v, but CHANGELOG.md:\n%s", applied, log)
			}
			if rep, _ := os.ReadFile(report); !bytes.Equal(rep, stdout.Bytes()) {
				t.Errorf("report file %q differs from what the script printed", rep)
			}
		})
	}
}
