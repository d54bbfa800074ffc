package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// replacement is one path of the module that an update replaces: a
// directory with a copy of from, or a file with data.
type replacement struct {
	path string // in the module; a symlinked file is written through
	from string // for a directory: the directory to copy
	data []byte // for a file
}

// staged is a replacement ready to be renamed into place.
type staged struct {
	dst, tmp, backup string
	moved            bool // dst was renamed to backup
	placed           bool // tmp was renamed to dst
}

// switchTree replaces every path in rs or none of them. It first writes
// every new version beside its path (the same file system), then renames
// each old version to a backup and the new one into place; on any failure
// it renames the backups back, so the old tree is whole again. rename is
// os.Rename; tests pass one that fails.
func switchTree(rs []replacement, rename func(oldpath, newpath string) error) (err error) {
	var st []*staged
	defer func() {
		for _, s := range st {
			os.RemoveAll(s.tmp)
			if err == nil {
				os.RemoveAll(s.backup)
			}
		}
	}()
	for _, r := range rs {
		s, err := stage(r)
		if s != nil {
			st = append(st, s)
		}
		if err != nil {
			return fmt.Errorf("write %s: %w; nothing replaced", filepath.Base(r.path), err)
		}
	}
	for _, s := range st {
		if _, statErr := os.Lstat(s.dst); statErr == nil {
			if err := rename(s.dst, s.backup); err != nil {
				return rollback(st, fmt.Errorf("replace %s: %w", filepath.Base(s.dst), err))
			}
			s.moved = true
		}
		if err := rename(s.tmp, s.dst); err != nil {
			return rollback(st, fmt.Errorf("replace %s: %w", filepath.Base(s.dst), err))
		}
		s.placed = true
	}
	return nil
}

// rollback undoes the renames done so far, newest first.
func rollback(st []*staged, cause error) error {
	var failed []string
	for i := len(st) - 1; i >= 0; i-- {
		s := st[i]
		if s.placed {
			if err := os.Rename(s.dst, s.tmp); err != nil {
				failed = append(failed, err.Error())
				continue
			}
		}
		if s.moved {
			if err := os.Rename(s.backup, s.dst); err != nil {
				failed = append(failed, fmt.Sprintf("%v (the old version is in %s)", err, s.backup))
				s.backup = "" // keep it for the user
			}
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w; rolling back also failed, restore by hand with git checkout: %s", cause, strings.Join(failed, "; "))
	}
	return fmt.Errorf("%w; rolled back, nothing replaced", cause)
}

// stage writes r's new version beside its path.
func stage(r replacement) (*staged, error) {
	dst := r.path
	if r.from == "" {
		if target, err := filepath.EvalSymlinks(dst); err == nil {
			dst = target
		}
	}
	parent, name := filepath.Dir(dst), filepath.Base(dst)
	if r.from != "" {
		tmp, err := os.MkdirTemp(parent, "."+name+"-new-")
		if err != nil {
			return nil, err
		}
		s := &staged{dst: dst, tmp: tmp, backup: tmp + ".old"}
		if err := copyTree(r.from, tmp); err != nil {
			return s, err
		}
		return s, os.Chmod(tmp, 0o755)
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(dst); err == nil {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(parent, "."+name+"-new-")
	if err != nil {
		return nil, err
	}
	s := &staged{dst: dst, tmp: f.Name(), backup: f.Name() + ".old"}
	_, err = f.Write(r.data)
	err = errors.Join(err, f.Chmod(mode), f.Close())
	return s, err
}
