package main

import (
	"slices"
	"strings"
	"testing"
)

func TestParseAPIDiff(t *testing.T) {
	out := `Incompatible changes:
- GenerateAuthorizeTokenResponse.JSON401: removed
- ClientInterface.Authorize: added
Compatible changes:
- AuthorizeResponse: added
`
	got := parseAPIDiff("api", out)
	if want := []string{"GenerateAuthorizeTokenResponse.JSON401: removed"}; !slices.Equal(got.incompatible, want) {
		t.Errorf("got incompatible %q, want %q", got.incompatible, want)
	}
	if len(got.compatible) != 2 || !strings.HasPrefix(got.compatible[0], "ClientInterface.Authorize: added (breaks only") || got.compatible[1] != "AuthorizeResponse: added" {
		t.Errorf("got compatible %q, want the interface method then AuthorizeResponse", got.compatible)
	}
}

func TestBump(t *testing.T) {
	breakingWire := changes{{Level: 3, Text: "api path removed"}}
	infoWire := changes{{Level: 1, Text: "added a response"}}
	removed := []goChanges{{pkg: "api", incompatible: []string{"X: removed"}}}
	added := []goChanges{{pkg: "api", compatible: []string{"Y: added"}}}
	tests := []struct {
		name    string
		r       report
		want    string
		wantWhy string
	}{
		{"wire breaking", report{wire: breakingWire}, "major", "wire-level"},
		{"Go breaking only, as a removed 401", report{wire: infoWire, golevel: removed}, "major", "Go importers"},
		{"both", report{wire: breakingWire, golevel: removed}, "major", "and Go importers"},
		{"additions", report{wire: infoWire, golevel: added}, "minor", "additions"},
		{"Go additions only", report{golevel: added}, "minor", "additions"},
		{"prose only", report{golevel: []goChanges{{pkg: "api"}}}, "patch", "prose"},
	}
	for _, tt := range tests {
		got, why := tt.r.bump()
		if got != tt.want || !strings.Contains(why, tt.wantWhy) {
			t.Errorf("%s: got %s (%s), want %s (…%s…)", tt.name, got, why, tt.want, tt.wantWhy)
		}
		if wantBreaking := tt.want == "major"; tt.r.breaking() != wantBreaking {
			t.Errorf("%s: got breaking() %v, want %v", tt.name, tt.r.breaking(), wantBreaking)
		}
	}
}

func TestFailingPackages(t *testing.T) {
	tests := []struct{ out, want string }{
		{"--- FAIL: TestX (0.00s)\nFAIL\nFAIL\texample.com/m/flinkstest\t0.388s\nok  \texample.com/m/api\nFAIL\texample.com/m/tokenclient [build failed]\n", "example.com/m/flinkstest, example.com/m/tokenclient"},
		{"# example.com/m/flinkstest\nhandler.go:1:2: cannot use\n# example.com/m/tokenclient\nx\n# example.com/m/flinkstest [example.com/m/flinkstest.test]\n", "example.com/m/flinkstest, example.com/m/tokenclient"},
		{"ok  \texample.com/m/api\n", "none named"},
	}
	for _, tt := range tests {
		if got := failingPackages(tt.out); got != tt.want {
			t.Errorf("failingPackages(%q): got %q, want %q", tt.out, got, tt.want)
		}
	}
}

// TestSpecTextInErrorsIsPrintable gives oasdiff's text a property name
// with terminal escape sequences (YAML's "\e" makes one) and 64 KiB: the
// errors specsync prints to stderr carry neither, as the report does not.
func TestSpecTextInErrorsIsPrintable(t *testing.T) {
	hostile := "added the optional property `\x1b]0;owned\x07" + strings.Repeat("A", 64<<10) + "`"
	r := &report{wire: changes{{Level: 3, Operation: "POST", Path: "/v3/{customerId}/x\x1b[2J", Text: hostile}}}
	toolOutput := "# example.com/m/api\n\tapi/x.gen.go:1:1: undefined: \x1b[2J" + strings.Repeat("B", 64<<10) + "\n"
	tests := []struct {
		name, got string
		max       int
	}{
		{"breakingSummary", r.breakingSummary(), 2*maxCauseText + len("…")},
		{"likelyCause", r.likelyCause(""), maxCauseText + len("…")},
		{"firstLines", firstLines(toolOutput+hostile, 5), 3 * 520}, // three lines of at most 500 bytes, indented
	}
	for _, tt := range tests {
		if strings.ContainsAny(tt.got, "\x1b\x07") || len(tt.got) > tt.max || !strings.Contains(tt.got, "]0;owned") {
			t.Errorf("%s: got a %d-byte %.80q, want the change without control characters, cut to %d bytes", tt.name, len(tt.got), tt.got, tt.max)
		}
	}
}
