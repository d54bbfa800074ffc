package main

import (
	"encoding/json"
	"fmt"
	"mime"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Normalize returns the document oapi-codegen generates from: spec with
// every media type key reduced to its bare type (application/json;
// charset=utf-8 becomes application/json) unless the bare type is also
// listed. oapi-codegen names JSON200, JSON401 and the response types
// after the exact key, so a charset parameter Flinks adds would otherwise
// rename the Go identifiers hand-written code uses. openapi.yaml itself
// stays the page's YAML byte for byte.
func Normalize(spec []byte) ([]byte, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	for _, content := range contents(doc) {
		bareMediaTypes(content)
	}
	return json.MarshalIndent(doc, "", "  ")
}

// contents lists every media-type map of doc: request bodies and responses
// of operations and components.
func contents(doc *openapi3.T) []openapi3.Content {
	var out []openapi3.Content
	addBody := func(rb *openapi3.RequestBodyRef) {
		if rb != nil && rb.Value != nil {
			out = append(out, rb.Value.Content)
		}
	}
	addResponse := func(r *openapi3.ResponseRef) {
		if r != nil && r.Value != nil {
			out = append(out, r.Value.Content)
		}
	}
	if doc.Paths != nil {
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				addBody(op.RequestBody)
				if op.Responses != nil {
					for _, r := range op.Responses.Map() {
						addResponse(r)
					}
				}
			}
		}
	}
	if doc.Components != nil {
		for _, rb := range doc.Components.RequestBodies {
			addBody(rb)
		}
		for _, r := range doc.Components.Responses {
			addResponse(r)
		}
	}
	return out
}

func bareMediaTypes(content openapi3.Content) {
	for key, mt := range content {
		bare, _, err := mime.ParseMediaType(key)
		if err != nil || bare == key {
			continue
		}
		if _, taken := content[bare]; taken || strings.Contains(key, ",") {
			continue
		}
		delete(content, key)
		content[bare] = mt
	}
}
