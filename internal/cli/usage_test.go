package cli

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		args      []string
		wantErr   string // "" for none
		wantUsage bool
	}{
		{[]string{"-n", "3"}, "", false},
		{[]string{"-nope"}, "flag provided but not defined: -nope; see -h", false},
		{[]string{"-n", "x"}, `invalid value "x" for flag -n: parse error; see -h`, false},
		{[]string{"-h"}, flag.ErrHelp.Error(), true},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		fs := flag.NewFlagSet("cmd", flag.ExitOnError) // Parse must not exit
		fs.Int("n", 0, "a number")
		fs.Usage = func() { out.WriteString("Usage: cmd\n") }
		err := Parse(fs, tt.args, &out)
		switch {
		case tt.wantErr == "" && err != nil,
			tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
			t.Errorf("Parse(%q): got error %v, want %q", tt.args, err, tt.wantErr)
		case tt.wantErr != "" && !tt.wantUsage && !IsUsage(err):
			t.Errorf("Parse(%q): got %T, want a *UsageError", tt.args, err)
		}
		if got := out.String(); (got != "") != tt.wantUsage {
			t.Errorf("Parse(%q) printed %q; want usage printed: %v", tt.args, got, tt.wantUsage)
		}
	}
}

func TestUsageErrorEndsOnceWithSeeH(t *testing.T) {
	for in, want := range map[string]string{
		"bad thing":               "bad thing; see -h",
		"bad thing, see -h":       "bad thing, see -h",
		"no key: set KEY; see -h": "no key: set KEY; see -h",
	} {
		err := Wrap(errors.New(in))
		if err.Error() != want || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: got %q, want %q", in, err, want)
		}
	}
	if Wrap(nil) != nil {
		t.Errorf("Wrap(nil) is not nil")
	}
}
