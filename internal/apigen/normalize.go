package main

import (
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/flinkskit/flinks-token-go/internal/specnorm"
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
	specnorm.BareMediaTypes(doc)
	return json.MarshalIndent(doc, "", "  ")
}
