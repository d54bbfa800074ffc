package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// snapshot maps every file under dir (but .git) to its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.Name() == ".git" {
				return filepath.SkipDir
			}
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// snapshotDiff names the files that differ between two snapshots.
func snapshotDiff(before, after map[string]string) string {
	var diff []string
	for name, b := range before {
		if a, ok := after[name]; !ok {
			diff = append(diff, "removed "+name)
		} else if a != b {
			diff = append(diff, "changed "+name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			diff = append(diff, "added "+name)
		}
	}
	slices.Sort(diff)
	return strings.Join(diff, ", ")
}

// fakeModule returns a module root holding what apply replaces, and a
// trial whose copy holds new generated directories.
func fakeModule(t *testing.T) (string, *trial) {
	t.Helper()
	dir, tr := t.TempDir(), &trial{dir: t.TempDir()}
	write := func(root, name, content string) {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(dir, "openapi.yaml", "old spec")
	write(dir, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- MIT license.\n")
	write(dir, "go.mod", "module example.com/m\n")
	for _, d := range generatedDirs {
		write(dir, filepath.Join(d, "x.gen.go"), "old "+d)
		write(tr.dir, filepath.Join(d, "x.gen.go"), "new "+d)
	}
	return dir, tr
}

// TestApplyAllOrNothing fails each rename of the switch in turn (the
// second write failing included) and checks the tree is byte for byte what
// it was; without a fault, everything is replaced.
func TestApplyAllOrNothing(t *testing.T) {
	t.Parallel()
	rep := &report{src: "page.md", wire: changes{{Text: "added the optional property `ExpiresIn`", Level: 1}}}
	renames := 2 * (2 + len(generatedDirs)) // a backup and a new version per path
	for fail := 1; fail <= renames; fail++ {
		t.Run(fmt.Sprintf("rename %d fails", fail), func(t *testing.T) {
			dir, tr := fakeModule(t)
			before := snapshot(t, dir)
			n := 0
			_, err := apply(dir, tr, []byte("new spec"), rep, func(oldpath, newpath string) error {
				if n++; n == fail {
					return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EROFS}
				}
				return os.Rename(oldpath, newpath)
			})
			if !errors.Is(err, syscall.EROFS) || !strings.Contains(err.Error(), "rolled back") {
				t.Errorf("got %v, want the EROFS and \"rolled back\"", err)
			}
			if diff := snapshotDiff(before, snapshot(t, dir)); diff != "" {
				t.Errorf("the tree changed: %s", diff)
			}
		})
	}
	t.Run("no fault", func(t *testing.T) {
		dir, tr := fakeModule(t)
		replaced, err := apply(dir, tr, []byte("new spec"), rep, os.Rename)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"openapi.yaml", "api/", "internal/fakeapi/", "CHANGELOG.md"}; !slices.Equal(replaced, want) {
			t.Errorf("got replaced %q, want %q", replaced, want)
		}
		after := snapshot(t, dir)
		for _, d := range generatedDirs {
			if got := after[filepath.Join(d, "x.gen.go")]; got != "new "+d {
				t.Errorf("%s: got %q, want the new version", d, got)
			}
		}
		if after["openapi.yaml"] != "new spec" || !strings.Contains(after["CHANGELOG.md"], "### Changed\n\n- Flinks spec update from page.md (suggested bump: minor") {
			t.Errorf("got openapi.yaml %q and CHANGELOG.md:\n%s", after["openapi.yaml"], after["CHANGELOG.md"])
		}
		if len(after) != 5 {
			t.Errorf("got files %v, want no staging or backup left", slices.Sorted(func(yield func(string) bool) {
				for k := range after {
					if !yield(k) {
						return
					}
				}
			}))
		}
	})
}

func TestAddToChangelog(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Changed exists", "## [Unreleased]\n\n### Changed\n\n- old.\n", "## [Unreleased]\n\n### Changed\n\n- new.\n- old.\n"},
		{"Changed first", "## [Unreleased]\n\n### Added\n\n- MIT license.\n\n## [0.1.0]\n\n### Changed\n\n- older.\n",
			"## [Unreleased]\n\n### Changed\n\n- new.\n\n### Added\n\n- MIT license.\n\n## [0.1.0]\n\n### Changed\n\n- older.\n"},
		{"empty Unreleased", "## [Unreleased]\n\n## [0.1.0]\n", "## [Unreleased]\n\n### Changed\n\n- new.\n\n## [0.1.0]\n"},
	}
	for _, tt := range tests {
		got, err := addToChangelog(tt.in, "new.")
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v, want %q", tt.name, got, err, tt.want)
		}
	}
	if _, err := addToChangelog("# Changelog\n", "new."); err == nil || !strings.Contains(err.Error(), "[Unreleased]") {
		t.Errorf("no Unreleased: got %v, want an error naming the section", err)
	}
}

func TestParserChanges(t *testing.T) {
	before := map[string][]string{"GenerateAuthorizeToken": {"rsp.StatusCode == 200", "rsp.StatusCode == 401"}}
	tests := []struct {
		name  string
		after map[string][]string
		want  []string // in the notes, one each
	}{
		{"default", map[string][]string{"GenerateAuthorizeToken": {"rsp.StatusCode == 200", "rsp.StatusCode == 401", "true"}}, []string{"every status without a response of its own"}},
		{"new code", map[string][]string{"GenerateAuthorizeToken": {"rsp.StatusCode == 200", "rsp.StatusCode == 401", "rsp.StatusCode == 429"}}, []string{"for status 429"}},
		{"new operation only", map[string][]string{"GenerateAuthorizeToken": before["GenerateAuthorizeToken"], "Authorize": {"true"}}, nil},
	}
	for _, tt := range tests {
		got := parserChanges(before, tt.after)
		if len(got) != len(tt.want) {
			t.Errorf("%s: got %q, want %d notes", tt.name, got, len(tt.want))
			continue
		}
		for i, want := range tt.want {
			if !strings.Contains(got[i], want) || !strings.Contains(got[i], "decode error") {
				t.Errorf("%s: got %q, want %q and the decode error for existing callers", tt.name, got[i], want)
			}
		}
	}
}

// TestHostTextIsPrintable has a page host answer with a reason phrase
// carrying terminal escape sequences and 64 KiB: the error shows neither
// the ESC bytes nor more than the bound.
func TestHostTextIsPrintable(t *testing.T) {
	t.Parallel()
	reason := "\x1b]0;owned\x07\x1b[2J" + strings.Repeat("A", 64<<10)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 500 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", reason)
		buf.Flush()
	}))
	defer srv.Close()
	err := run(context.Background(), []string{"-dir", t.TempDir(), srv.URL + "/page.md"}, nil, &bytes.Buffer{}, &bytes.Buffer{}, srv.Client())
	if err == nil {
		t.Fatal("got no error for a 500")
	}
	if msg := err.Error(); strings.ContainsAny(msg, "\x1b\x07") || len(msg) > 2*maxHostText+len(srv.URL)+100 || !strings.Contains(msg, "500 ]0;owned[2JAAA") {
		t.Errorf("got a %d-byte error %q, want the 500 without control characters and cut", len(msg), msg[:min(len(msg), 300)])
	}
}

// TestInterrupt sends SIGTERM to a specsync child while its trial runs the
// tests: it must say "interrupted", exit 1, blame nothing, leave the tree
// as it was, remove its temporary copy and go's work directories, and
// leave no process of the trial running.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds specsync and starts a trial; skipped under -short")
	}
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("needs /proc to find the trial's processes")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "specsync")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir, tmp := copyModule(t), t.TempDir()
	before := snapshot(t, dir)
	marker := "SPECSYNC_TEST_MARKER=" + rand.Text()
	cmd := exec.Command(bin, "-dir", dir, fixture(t, "page-ref-refactor.md"))
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, marker)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var errText strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		errText.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "trial: go test") {
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
		}
	}
	err = cmd.Wait()
	if exitErr := (*exec.ExitError)(nil); !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Errorf("got %v, want exit 1", err)
	}
	if got := errText.String(); !strings.Contains(got, "trial: go test") || !strings.Contains(got, "specsync: interrupted") || strings.Contains(got+stdout.String(), "failed its trial") {
		t.Errorf("want \"interrupted\" after the tests started and no blame; stderr:\n%s\nstdout:\n%s", got, stdout.String())
	}
	if diff := snapshotDiff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("the tree changed: %s", diff)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/environ")
	for _, p := range procs {
		if env, err := os.ReadFile(p); err == nil && bytes.Contains(env, []byte(marker)) {
			cmdline, _ := os.ReadFile(filepath.Join(filepath.Dir(p), "cmdline"))
			t.Errorf("process %s survived: %q", filepath.Base(filepath.Dir(p)), bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))
		}
	}
}
