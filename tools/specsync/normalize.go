package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/flinkskit/flinks-token-go/internal/openapi"
)

// Normalize returns the document oapi-codegen generates from. openapi.yaml
// itself stays the page's YAML byte for byte; only the generator's input
// changes, so that the Go names hand-written code uses never depend on
// incidental form of the page:
//   - every media type key is reduced to its bare type (application/json;
//     charset=utf-8 becomes application/json) unless the bare type is also
//     listed: oapi-codegen names JSON200, JSON401 and the body types after
//     the exact key;
//   - the token operation's responses and their schemas are inlined when
//     the page $refs them from components (the style of Flinks' other
//     pages), so that its body types keep their names
//     (GenerateAuthorizeToken200JSONResponseBody, …); a component left
//     unreferenced by that is dropped.
func Normalize(spec []byte) ([]byte, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	openapi.BareMediaTypes(doc)
	inlined := inlineTokenResponses(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	if doc.Components != nil {
		for _, ref := range inlined {
			section, name, _ := strings.Cut(strings.TrimPrefix(ref, "#/components/"), "/")
			if bytes.Contains(out, []byte(`"`+ref+`"`)) {
				continue
			}
			switch section {
			case "schemas":
				delete(doc.Components.Schemas, name)
			case "responses":
				delete(doc.Components.Responses, name)
			}
		}
		if out, err = json.Marshal(doc); err != nil {
			return nil, err
		}
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, out, "", "  "); err != nil {
		return nil, err
	}
	return indented.Bytes(), nil
}

// inlineTokenResponses replaces the token operation's response and
// response schema $refs by their targets and returns the refs it replaced.
func inlineTokenResponses(doc *openapi3.T) []string {
	var refs []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID != tokenOperation || op.Responses == nil {
				continue
			}
			for status, r := range op.Responses.Map() {
				if r.Ref != "" {
					refs = append(refs, r.Ref)
					// A copy, so that the component itself keeps its
					// refs for any other operation using it.
					resp := *r.Value
					resp.Content = openapi3.Content{}
					for k, mt := range r.Value.Content {
						c := *mt
						resp.Content[k] = &c
					}
					r = &openapi3.ResponseRef{Value: &resp}
					op.Responses.Set(status, r)
				}
				for _, mt := range r.Value.Content {
					if mt.Schema != nil && mt.Schema.Ref != "" {
						refs = append(refs, mt.Schema.Ref)
						mt.Schema = &openapi3.SchemaRef{Value: mt.Schema.Value}
					}
				}
			}
		}
	}
	return refs
}
