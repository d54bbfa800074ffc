package main

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/flinkskit/flinks-token-go/internal/specvalidate"
)

// The operation this module exists for; a spec without it is the wrong spec.
const operationID = "generateAuthorizeToken"

// validate loads spec with kin-openapi and checks it is the Flinks
// GenerateAuthorizeToken spec. current is the spec in use, to tell a
// renamed operationId from a wrong document.
func validate(spec, current []byte) error {
	// Check the version before validating, which would only say that an
	// OpenAPI 2 document lacks an openapi field.
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return fmt.Errorf("not a loadable spec: %w", err)
	}
	switch {
	case strings.HasPrefix(doc.OpenAPI, "3.0."):
	case strings.HasPrefix(doc.OpenAPI, "3.1."):
		if feature := unsupported31(spec); feature != "" {
			return fmt.Errorf("OpenAPI %s page uses %s, a 3.1 feature that the Go types oapi-codegen v2.8.2 generates cannot represent; refusing rather than silently dropping it (ask Flinks, or keep the current spec)", doc.OpenAPI, feature)
		}
	default:
		return fmt.Errorf("not an OpenAPI 3.0 or 3.1 spec (openapi: %q); Flinks publishes OpenAPI 3", doc.OpenAPI)
	}
	v, err := specvalidate.Load(spec)
	if err != nil {
		return err
	}
	method, path, ok := findOperation(v.Doc(), operationID)
	if ok {
		if method != http.MethodPost {
			return fmt.Errorf("operation %s is %s %s, want POST", operationID, method, path)
		}
		return nil
	}
	if old, err := openapi3.NewLoader().LoadFromData(current); err == nil {
		if method, path, ok := findOperation(old, operationID); ok {
			if item := v.Doc().Paths.Find(path); item != nil {
				if op := item.GetOperation(method); op != nil {
					return fmt.Errorf("operationId renamed on %s %s: was %s, now %q; every Go name of the api package (GenerateAuthorizeToken, GenerateAuthorizeTokenResponse, …) derives from it, so tokenclient and flinkstest would not compile; if Flinks means it, take the new page by hand (replace openapi.yaml, make generate) and rename the Go uses in the same commit", method, path, operationID, op.OperationID)
				}
			}
		}
	}
	return fmt.Errorf("no %s operation: this is not the Flinks /GenerateAuthorizeToken spec", operationID)
}

func findOperation(doc *openapi3.T, id string) (method, path string, ok bool) {
	if doc.Paths == nil {
		return "", "", false
	}
	for p, item := range doc.Paths.Map() {
		for m, op := range item.Operations() {
			if strings.EqualFold(op.OperationID, id) {
				return m, p, true
			}
		}
	}
	return "", "", false
}

// unsupported31 names the first OpenAPI 3.1 (JSON Schema 2020-12) feature
// in spec that the pinned oapi-codegen does not turn into Go types, with
// its line, or returns "".
func unsupported31(spec []byte) string {
	var root yaml.Node
	if yaml.Unmarshal(spec, &root) != nil {
		return ""
	}
	return findFeature(&root, "")
}

// features31 are schema keywords new in 3.1 whose meaning the generated
// types would silently drop.
var features31 = map[string]string{
	"prefixItems":           "prefixItems (tuple arrays)",
	"if":                    "if/then/else schemas",
	"dependentSchemas":      "dependentSchemas",
	"unevaluatedProperties": "unevaluatedProperties",
	"patternProperties":     "patternProperties",
	"$dynamicRef":           "$dynamicRef",
}

func findFeature(n *yaml.Node, parentKey string) string {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			if f := findFeature(c, ""); f != "" {
				return f
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			// Keys under properties are field names, not keywords.
			if parentKey != "properties" {
				if name, ok := features31[k.Value]; ok {
					return fmt.Sprintf("%s (line %d)", name, k.Line)
				}
				if k.Value == "type" && v.Kind == yaml.SequenceNode && !nullableOnly(v) {
					return fmt.Sprintf("a type array with several non-null types (line %d)", k.Line)
				}
			}
			if f := findFeature(v, k.Value); f != "" {
				return f
			}
		}
	}
	return ""
}

// nullableOnly reports whether a type array is one type plus "null", which
// oapi-codegen maps to a nullable field.
func nullableOnly(types *yaml.Node) bool {
	nonNull := 0
	for _, t := range types.Content {
		if t.Value != "null" {
			nonNull++
		}
	}
	return nonNull <= 1
}

// formChanges lists changes oasdiff does not report because they do not
// change the wire, but that generated code or tests may still see: a
// header parameter whose name changes only its letter case.
func formChanges(current, next []byte) []string {
	loader := openapi3.NewLoader()
	old, err1 := loader.LoadFromData(current)
	doc, err2 := openapi3.NewLoader().LoadFromData(next)
	if err1 != nil || err2 != nil || old.Paths == nil || doc.Paths == nil {
		return nil
	}
	var notes []string
	for path, item := range doc.Paths.Map() {
		oldItem := old.Paths.Find(path)
		if oldItem == nil {
			continue
		}
		for method, op := range item.Operations() {
			oldOp := oldItem.GetOperation(method)
			if oldOp == nil {
				continue
			}
			for _, p := range op.Parameters {
				for _, q := range oldOp.Parameters {
					if p.Value != nil && q.Value != nil && p.Value.In == "header" && q.Value.In == "header" &&
						p.Value.Name != q.Value.Name && strings.EqualFold(p.Value.Name, q.Value.Name) {
						notes = append(notes, fmt.Sprintf("%s %s: header %s is now spelled %s; HTTP header names are case-insensitive, so the wire is the same, but code comparing the name exactly is not", method, path, q.Value.Name, p.Value.Name))
					}
				}
			}
		}
	}
	return notes
}
