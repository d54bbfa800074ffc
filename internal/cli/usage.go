// Package cli holds what flinks-token and flinks-fake share: one-line
// usage errors, the -version text, bounded secret-key reads and the Host
// check against DNS rebinding.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// UsageError marks an error in how a command was called; the commands
// exit with status 2 for it.
type UsageError struct{ Err error }

// Error returns the message, ending "see -h".
func (e *UsageError) Error() string {
	msg := e.Err.Error()
	if !strings.HasSuffix(msg, "see -h") {
		msg += "; see -h"
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *UsageError) Unwrap() error { return e.Err }

// Errorf returns a *UsageError formatted as fmt.Errorf does.
func Errorf(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// Wrap returns err as a *UsageError, or nil for nil.
func Wrap(err error) error {
	if err == nil {
		return nil
	}
	return &UsageError{err}
}

// IsUsage reports whether err is a *UsageError.
func IsUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}

// Parse parses args into fs. -h and -help print fs.Usage to w and return
// flag.ErrHelp; any other mistake returns a one-line *UsageError and
// prints nothing, leaving the one line to main.
func Parse(fs *flag.FlagSet, args []string, w io.Writer) error {
	usage := fs.Usage
	fs.Init(fs.Name(), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // flag calls it on every mistake
	err := fs.Parse(args)
	fs.Usage = usage
	fs.SetOutput(w)
	switch {
	case errors.Is(err, flag.ErrHelp):
		if usage != nil {
			usage()
		} else {
			fs.PrintDefaults()
		}
		return err
	case err != nil:
		return &UsageError{err}
	}
	return nil
}
