package flinkstoken_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The client path must not drag kin-openapi, the generator or anything
// else into a consumer's build: only the standard library, the runtime
// oapi-codegen's output needs, and this module's own client packages.
func TestClientPathImports(t *testing.T) {
	allowed := map[string]bool{
		"github.com/oapi-codegen/runtime":          true,
		"github.com/flinkskit/flinks-token-go/api": true,
	}
	for _, dir := range []string{"api", "tokenclient"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				isStd := !strings.Contains(strings.Split(path, "/")[0], ".")
				if !isStd && !allowed[path] {
					t.Errorf("%s imports %s; the client path may import only the standard library and %v", file, path, allowed)
				}
			}
		}
	}
}
