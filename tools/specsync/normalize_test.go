package main

import (
	"context"
	"encoding/json"
	"maps"
	"mime"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	flinkstoken "github.com/flinkskit/flinks-token-go"
)

func TestNormalizeDropsMediaTypeParameters(t *testing.T) {
	// The variant is derived from the parsed spec, not by editing its
	// text, so that it holds for whatever layout Flinks gives openapi.yaml.
	doc, err := openapi3.NewLoader().LoadFromData(flinkstoken.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	const withCharset = "application/json; charset=utf-8"
	retyped := 0
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, resp := range op.Responses.Map() {
				for key, mt := range resp.Value.Content {
					if bare, _, _ := mime.ParseMediaType(key); bare == "application/json" {
						// A spec already labelled with a charset keeps it.
						delete(resp.Value.Content, key)
						resp.Value.Content[withCharset] = mt
						retyped++
					}
				}
			}
		}
	}
	if retyped == 0 {
		t.Fatal("openapi.yaml has no application/json response to give a charset")
	}
	spec, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Normalize(spec)
	if err != nil {
		t.Fatal(err)
	}
	if doc, err = openapi3.NewLoader().LoadFromData(out); err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status, resp := range op.Responses.Map() {
				if content := resp.Value.Content; content[withCharset] != nil ||
					(len(content) > 0 && content["application/json"] == nil) {
					t.Errorf("%s %s %s: got media types %v, "+
						"want application/json without its charset",
						method, path, status, slices.Sorted(maps.Keys(content)))
				}
			}
		}
	}
}

// refSpec is a token operation whose 200 body is a component named like
// the generated client wrapper, as Flinks' other pages do; when other is
// set, a second operation uses the component too. It is written out here,
// not derived from openapi.yaml, whose layout is Flinks'.
func refSpec(other bool) []byte {
	s := `openapi: 3.0.3
info: {title: t, version: "1"}
components:
  schemas:
    GenerateAuthorizeTokenResponse:
      type: object
      properties:
        Token: {type: string}
paths:
  /v3/{customerId}/BankingServices/GenerateAuthorizeToken:
    post:
      operationId: generateAuthorizeToken
      parameters:
        - {name: customerId, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/GenerateAuthorizeTokenResponse'
`
	if other {
		s += `  /other:
    get:
      operationId: other
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/GenerateAuthorizeTokenResponse'
`
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
		{name: "token responses inlined, component dropped", spec: refSpec(false)},
		{
			name:       "component used elsewhere kept",
			spec:       refSpec(true),
			components: []string{"GenerateAuthorizeTokenResponse"},
			otherRef:   "#/components/schemas/GenerateAuthorizeTokenResponse",
		},
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
						t.Errorf("%s: got 200 schema ref %q (value %v), "+
							"want ref %q and the Token property",
							path, s.Ref, s.Value, want)
					}
				}
			}
		})
	}
}

// TestGenerateNameCollision generates a page whose component schema is
// named like the client's response wrapper and used by a second
// operation: the configurations' resolve-type-name-collisions keeps the
// component's name and renames the wrapper, where oapi-codegen would
// otherwise declare the type twice.
func TestGenerateNameCollision(t *testing.T) {
	if !*applyPages {
		t.Skip("runs oapi-codegen: make spec-fixtures runs it (-apply)")
	}
	files, err := generate(context.Background(), root, refSpec(true))
	if err != nil {
		t.Fatal(err)
	}
	code := string(files[outputs["oapi-codegen.yaml"]])
	if !strings.Contains(code, "\ntype GenerateAuthorizeTokenResponse struct {\n\tToken ") {
		t.Error("the component schema lost its name GenerateAuthorizeTokenResponse")
	}
	declared := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^type (\w+) `).FindAllStringSubmatch(code, -1) {
		if declared[m[1]] {
			t.Errorf("type %s is declared twice", m[1])
		}
		declared[m[1]] = true
	}
}

// TestGenerateRefusesTypeLists relies on oapi-codegen to refuse a type
// list it cannot carry, as check.go says, naming the property.
func TestGenerateRefusesTypeLists(t *testing.T) {
	if !*applyPages {
		t.Skip("runs oapi-codegen: make spec-fixtures runs it (-apply)")
	}
	spec := page(t, edit{"openapi: 3.0.3", "openapi: 3.1.0"},
		edit{tokenString, at(18, "Token:", "  type: [string, integer]")})
	_, err := generate(context.Background(), root, spec)
	if err == nil || !strings.Contains(err.Error(), "'Token'") {
		t.Errorf("got %v, want a refusal naming the property Token", err)
	}
}
