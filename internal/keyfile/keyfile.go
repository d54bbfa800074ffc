// Package keyfile reads secret keys for the commands from files and stdin,
// bounded: a key is a few dozen bytes, so a path pointing at the wrong
// thing (/dev/zero, a log, a disk image) fails fast instead of filling
// memory.
package keyfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxSize is the most Read accepts: 64 KiB.
const MaxSize = 64 << 10

// ErrTooLarge is returned for input larger than MaxSize.
var ErrTooLarge = errors.New("larger than 64 KiB, so not a key file; point at the file holding only the key")

// utf8BOM is what some Windows editors put at the start of a text file;
// sent along, it makes a right key fail with a 401.
var utf8BOM = []byte("\uFEFF")

// Read reads r to its end through the MaxSize limit and strips a leading
// UTF-8 byte order mark. It returns early with ctx's error when ctx ends
// first (SIGINT while waiting on a terminal's stdin); the read itself is
// then abandoned, which is fine for a process about to exit.
func Read(ctx context.Context, r io.Reader) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
		done <- result{b, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-done:
		if res.err != nil {
			return nil, res.err
		}
		if len(res.b) > MaxSize {
			return nil, ErrTooLarge
		}
		return bytes.TrimPrefix(res.b, utf8BOM), nil
	}
}

// ReadFile is Read of the file at path; errors name the path.
func ReadFile(ctx context.Context, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := Read(ctx, f)
	if err != nil && ctx.Err() == nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, err
}
