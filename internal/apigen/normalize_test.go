package main

import (
	"slices"
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

// refSpec is openapi.yaml with the token operation's 200 body moved to a
// component named like the generated client wrapper, as Flinks' other
// pages do; also, when other is set, a second operation using it.
func refSpec(t *testing.T, other bool) []byte {
	t.Helper()
	s := string(flinkstoken.OpenAPI)
	body := "              schema:\n                type: object\n                properties:\n                  HttpStatusCode:\n                    type: integer\n                  Token:\n                    type: string\n"
	if !strings.Contains(s, body) {
		t.Fatal("openapi.yaml no longer has the inline 200 body this test moves")
	}
	s = strings.Replace(s, body, "              schema:\n                $ref: '#/components/schemas/GenerateAuthorizeTokenResponse'\n", 1)
	s = strings.Replace(s, "paths:\n", "components:\n  schemas:\n    GenerateAuthorizeTokenResponse:\n"+
		"      type: object\n      properties:\n        Token:\n          type: string\npaths:\n", 1)
	if other {
		s += "  /other:\n    get:\n      operationId: other\n      responses:\n        '200':\n          description: ok\n" +
			"          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/GenerateAuthorizeTokenResponse'\n"
	}
	return []byte(s)
}

func TestNormalizeRefs(t *testing.T) {
	tests := []struct {
		name       string
		spec       []byte
		components []string // component schemas left
		otherRef   string   // the second operation's 200 schema ref
	}{
		{name: "token responses inlined, component dropped", spec: refSpec(t, false)},
		{name: "component used elsewhere renamed", spec: refSpec(t, true), components: []string{"GenerateAuthorizeTokenResponseSchema"}, otherRef: "#/components/schemas/GenerateAuthorizeTokenResponseSchema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Normalize(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := openapi3.NewLoader().LoadFromData(out)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			if doc.Components != nil {
				for name := range doc.Components.Schemas {
					names = append(names, name)
				}
			}
			if !slices.Equal(names, tt.components) {
				t.Errorf("got component schemas %q, want %q", names, tt.components)
			}
			for path, item := range doc.Paths.Map() {
				for _, op := range item.Operations() {
					s := op.Responses.Value("200").Value.Content["application/json"].Schema
					want := ""
					if op.OperationID == "other" {
						want = tt.otherRef
					}
					if s.Ref != want || s.Value == nil || s.Value.Properties["Token"] == nil {
						t.Errorf("%s: got 200 schema ref %q (value %v), want ref %q and the Token property", path, s.Ref, s.Value, want)
					}
				}
			}
		})
	}
}
