package main

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	flinkstoken "github.com/flinkskit/flinks-token-go"
)

func TestNormalizeDropsMediaTypeParameters(t *testing.T) {
	spec := strings.ReplaceAll(string(flinkstoken.OpenAPI), "application/json:", "application/json; charset=utf-8:")
	out, err := Normalize([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(out)
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for status, resp := range item.Post.Responses.Map() {
			if content := resp.Value.Content; len(content) != 1 || content["application/json"] == nil {
				t.Errorf("%s %s: got media types %v, want only application/json", path, status, content)
			}
		}
	}
}

func TestDropExpectedWarning(t *testing.T) {
	in := "WARNING: A number of cross-field configuration warning(s) were returned:\n" +
		"- generate-types-for-anonymous-schemas: the flag is set with `generate.models: false` and a client/server generator.\n" +
		"error: something else\n"
	if got, want := dropExpectedWarning(in), "error: something else\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
