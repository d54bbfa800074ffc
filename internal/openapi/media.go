package openapi

import (
	"mime"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// BareMediaTypes rewrites every media-type key of doc's request bodies and
// responses (operations and components) to its bare type, so that
// "application/json; charset=utf-8" becomes "application/json". A key is
// kept as it is when its bare type is also listed, or when it is a list or
// not a media type.
func BareMediaTypes(doc *openapi3.T) {
	for _, content := range contents(doc) {
		for key, mt := range content {
			bare, _, err := mime.ParseMediaType(key)
			if err != nil || bare == key || strings.Contains(key, ",") {
				continue
			}
			if _, taken := content[bare]; taken {
				continue
			}
			delete(content, key)
			content[bare] = mt
		}
	}
}

// contents lists every media-type map of doc.
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
