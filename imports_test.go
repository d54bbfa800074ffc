package flinkstoken_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// clientModules are the modules whose packages the client path (api and
// tokenclient) may pull into an importer's build, besides the standard
// library and this module: the runtime oapi-codegen's output needs and the
// modules that runtime's own packages import. Any package of these modules
// passes (a format: uuid in the spec adds runtime/types, which is fine);
// the runtime's go.mod also lists testify and YAML, for its tests only, and
// those stay out like the generator, kin-openapi, routers and test helpers.
var clientModules = []string{
	"github.com/oapi-codegen/runtime",
	"github.com/oapi-codegen/nullable",
	"github.com/google/uuid",
	"github.com/apapsch/go-jsonmerge/v2",
}

// TestClientPathImports checks every package api and tokenclient build
// with (go list -deps, without tests) against clientModules.
func TestClientPathImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps",
		"-f", "{{if not .Standard}}{{.ImportPath}} "+
			"{{with .Module}}{{.Path}} {{.Main}}{{end}}{{end}}",
		"./api", "./tokenclient").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		pkg, module, main := f[0], "", false
		if len(f) == 3 {
			module, main = f[1], f[2] == "true"
		}
		if !main && !slices.Contains(clientModules, module) {
			t.Errorf("the client path builds %s (module %q); only the standard library, "+
				"this module and %v may be in an importer's build: keep generators, "+
				"kin-openapi, YAML, routers and test libraries out of api and tokenclient",
				pkg, module, clientModules)
		}
	}
}
