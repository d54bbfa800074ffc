package openapi

import (
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestBareMediaTypes(t *testing.T) {
	tests := []struct {
		keys []string
		want []string
	}{
		{[]string{"application/json; charset=utf-8"}, []string{"application/json"}},
		{
			[]string{"application/json;charset=UTF-8", "text/plain"},
			[]string{"application/json", "text/plain"},
		},
		{
			[]string{"application/json", "application/json; charset=utf-8"},
			[]string{"application/json", "application/json; charset=utf-8"},
		},
		{[]string{"application/json"}, []string{"application/json"}},
		{[]string{"application/json, text/plain"}, []string{"application/json, text/plain"}},
	}
	for _, tt := range tests {
		content := openapi3.Content{}
		for _, k := range tt.keys {
			content[k] = openapi3.NewMediaType()
		}
		op := openapi3.NewOperation()
		op.Responses = openapi3.NewResponses(openapi3.WithStatus(200,
			&openapi3.ResponseRef{Value: openapi3.NewResponse().WithContent(content)}))
		op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithContent(
			openapi3.Content{tt.keys[0]: openapi3.NewMediaType()})}
		doc := &openapi3.T{Paths: openapi3.NewPaths(
			openapi3.WithPath("/x", &openapi3.PathItem{Post: op}))}
		BareMediaTypes(doc)
		var got []string
		for k := range op.Responses.Status(200).Value.Content {
			got = append(got, k)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("keys %q: got response keys %q, want %q", tt.keys, got, tt.want)
		}
		for k := range op.RequestBody.Value.Content {
			if k != tt.want[0] {
				t.Errorf("keys %q: got request body key %q, want %q", tt.keys, k, tt.want[0])
			}
		}
	}
}
