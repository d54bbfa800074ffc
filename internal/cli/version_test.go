package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionFromBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"module version", debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
		{"no vcs", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "(devel)"},
		{"clean checkout", debug.BuildInfo{Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef"}}}, "devel-0123456789ab"},
		{"dirty checkout", debug.BuildInfo{Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}},
			"devel-abc+dirty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := version(&tc.bi); got != tc.want {
				t.Errorf("version = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestVersionNamesProgramAndGo(t *testing.T) {
	got := Version("flinks-x")
	if !strings.HasPrefix(got, "flinks-x ") || !strings.Contains(got, "go1.") {
		t.Errorf("Version = %q, want the program name, a version and the Go version", got)
	}
}
