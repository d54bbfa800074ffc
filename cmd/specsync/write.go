package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// writeAtomic replaces path with data so that readers see the old or the
// new file, never a partial one. A symlinked path is written through to
// its target, keeping the link and the target's mode.
func writeAtomic(path string, data []byte) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	name := filepath.Base(path)
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+name+"-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// replaceDir swaps the directory dst for a copy of src with two renames on
// dst's file system, so that dst is never half written.
func replaceDir(src, dst string) error {
	parent, name := filepath.Dir(dst), filepath.Base(dst)
	staged, err := os.MkdirTemp(parent, "."+name+"-new-")
	if err != nil {
		return fmt.Errorf("replace %s/: %w", name, err)
	}
	defer os.RemoveAll(staged)
	if err := copyTree(src, staged); err != nil {
		return fmt.Errorf("replace %s/: %w", name, err)
	}
	if err := os.Chmod(staged, 0o755); err != nil {
		return fmt.Errorf("replace %s/: %w", name, err)
	}
	old := staged + ".old"
	if err := os.Rename(dst, old); err != nil {
		return fmt.Errorf("replace %s/: %w", name, err)
	}
	if err := os.Rename(staged, dst); err != nil {
		_ = os.Rename(old, dst)
		return fmt.Errorf("replace %s/: %w", name, err)
	}
	return os.RemoveAll(old)
}
