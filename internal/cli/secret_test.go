package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadSecret(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr error
	}{
		{"plain", "key\n", "key\n", nil},
		{"BOM stripped", "\uFEFFkey\r\n", "key\r\n", nil},
		{"only the leading BOM", "\uFEFF\uFEFFkey", "\uFEFFkey", nil},
		{"64 KiB exactly", strings.Repeat("k", MaxSecretSize), "", nil},
		{"one byte more", strings.Repeat("k", MaxSecretSize+1), "", ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadSecret(context.Background(), strings.NewReader(tt.in))
			if tt.want == "" && tt.wantErr == nil {
				tt.want = tt.in // too long to write twice
			}
			if !errors.Is(err, tt.wantErr) || string(got) != tt.want {
				t.Errorf("got %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// An endless file such as /dev/zero is read only up to the limit.
func TestReadSecretFileEndless(t *testing.T) {
	_, err := ReadSecretFile(context.Background(), "/dev/zero")
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "/dev/zero") {
		t.Errorf("got %v, want ErrTooLarge naming /dev/zero", err)
	}
}

func TestReadSecretFileMissing(t *testing.T) {
	_, err := ReadSecretFile(context.Background(), filepath.Join(t.TempDir(), "none"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want os.ErrNotExist", err)
	}
}

// A read that never ends (stdin of a terminal) gives way to ctx.
func TestReadSecretInterrupted(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := ReadSecret(ctx, r)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
