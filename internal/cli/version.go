package cli

import "runtime/debug"

// Version returns "program version (go version)" from the running
// binary's build information: the module version for go install, the VCS
// revision (with "+dirty" for uncommitted changes) for a build in a
// checkout, or "(devel)" when neither is known.
func Version(program string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return program + " (devel)"
	}
	return program + " " + version(bi) + " (" + bi.GoVersion + ")"
}

func version(bi *debug.BuildInfo) string {
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return "(devel)"
	}
	return "devel-" + rev[:min(12, len(rev))] + dirty
}
