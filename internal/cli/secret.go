package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxSecretSize is the most ReadSecret accepts: 64 KiB. A key is a few
// dozen bytes, so a path pointing at the wrong thing (/dev/zero, a log)
// fails fast instead of filling memory.
const MaxSecretSize = 64 << 10

// ErrTooLarge is returned for input larger than MaxSecretSize.
var ErrTooLarge = errors.New("larger than 64 KiB, so not a key file")

// ReadSecret reads r to its end through the MaxSecretSize limit and strips
// a leading UTF-8 byte order mark (some Windows editors write one; sent
// along, it makes a right key fail with a 401). It returns ctx's error
// when ctx ends first (SIGINT while waiting on a terminal's stdin),
// abandoning the read, which is fine for a process about to exit.
func ReadSecret(ctx context.Context, r io.Reader) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(r, MaxSecretSize+1))
		done <- result{b, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-done:
		if res.err == nil && len(res.b) > MaxSecretSize {
			res.err = ErrTooLarge
		}
		if res.err != nil {
			return nil, res.err
		}
		return bytes.TrimPrefix(res.b, []byte("\uFEFF")), nil
	}
}

// ReadSecretFile is ReadSecret of the file at path; errors name the path.
func ReadSecretFile(ctx context.Context, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := ReadSecret(ctx, f)
	if err != nil && ctx.Err() == nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, err
}
