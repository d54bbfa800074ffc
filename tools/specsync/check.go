package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// tokenOperation is the operation this module exists for; a spec without
// it is the wrong spec, since every Go name tokenclient uses derives from it.
const tokenOperation = "generateAuthorizeToken"

// check refuses a spec the module cannot take as it is, naming the cause:
// one that does not load (external $refs included) or validate, that is not
// OpenAPI 3.0 or 3.1, that lacks POST generateAuthorizeToken, whose
// servers would send the client to a URL other than the one it calls, or
// that uses a schema feature the generated Go types would silently drop.
func check(spec []byte) error {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return fmt.Errorf("not a loadable OpenAPI document: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") && !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		return fmt.Errorf("openapi: %q, want OpenAPI 3.0 or 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return fmt.Errorf("not a valid OpenAPI document: %v", err)
	}
	if err := checkServers(doc); err != nil {
		return err
	}
	if feature := unsupportedFeature(spec); feature != "" {
		return fmt.Errorf("the spec uses %s", feature)
	}
	return nil
}

// checkServers finds the token operation and refuses servers the client
// does not follow: it joins servers[0]'s host with the operation's path,
// so a path in that URL, or servers of the path or operation, would go
// unheard.
func checkServers(doc *openapi3.T) error {
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID != tokenOperation {
				continue
			}
			if method != http.MethodPost {
				return fmt.Errorf("%s is %s %s, want POST", tokenOperation, method, path)
			}
			if len(item.Servers) > 0 || (op.Servers != nil && len(*op.Servers) > 0) {
				return fmt.Errorf("%s %s has servers of its own; the client calls servers[0]",
					method, path)
			}
			if len(doc.Servers) == 0 {
				return fmt.Errorf("no servers: the client needs servers[0]'s host")
			}
			u, err := url.Parse(strings.NewReplacer("{", "", "}", "").Replace(doc.Servers[0].URL))
			if err != nil || u.Host == "" {
				return fmt.Errorf("servers[0].url %q is not an absolute URL", doc.Servers[0].URL)
			}
			if strings.Trim(u.Path, "/") != "" {
				return fmt.Errorf("servers[0].url %q has a path, which the client does not send",
					doc.Servers[0].URL)
			}
			return nil
		}
	}
	return fmt.Errorf("no %s operation: not the Flinks /GenerateAuthorizeToken spec, "+
		"or its operationId changed", tokenOperation)
}

// goDrops are schema keywords (new in OpenAPI 3.1) whose meaning the
// types oapi-codegen generates would silently drop. (A type list it cannot
// carry, oapi-codegen refuses itself.)
var goDrops = map[string]bool{
	"prefixItems": true, "if": true, "dependentSchemas": true,
	"unevaluatedProperties": true, "patternProperties": true, "$dynamicRef": true,
}

// goExtensions are the oapi-codegen extensions that do not start with
// x-go- or x-oapi-codegen-. A page setting any of them would choose Go
// names, types and imports (x-go-type puts its text into the generated
// code, which make update-spec then builds and runs): those come from the
// module's configurations only.
var goExtensions = map[string]bool{
	"x-enum-varnames": true, "x-enumNames": true, "x-omitempty": true, "x-omitzero": true,
	"x-order": true, "x-deprecated-reason": true,
}

// unsupportedFeature names the first keyword of goDrops, oapi-codegen
// extension or YAML alias in spec with its line, or returns "".
func unsupportedFeature(spec []byte) string {
	var root yaml.Node
	if err := yaml.Unmarshal(spec, &root); err != nil {
		return fmt.Sprintf("YAML that specsync cannot read to check (%v)", err)
	}
	return findFeature(&root, false)
}

// findFeature searches n; fieldNames says n's keys are property names,
// not keywords. An alias or a merge key could give a mapping keys its text
// does not show (an extension under an anchor's name), so it is refused.
func findFeature(n *yaml.Node, fieldNames bool) string {
	if n.Kind == yaml.AliasNode {
		return aliasAt(n.Line)
	}
	if n.Kind != yaml.MappingNode {
		for _, c := range n.Content {
			if f := findFeature(c, false); f != "" {
				return f
			}
		}
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		switch {
		case k.Kind == yaml.AliasNode || k.Tag == "!!merge":
			return aliasAt(k.Line)
		case fieldNames:
		case goDrops[k.Value]:
			return fmt.Sprintf("%s (line %d), which the generated Go types would drop",
				k.Value, k.Line)
		case goExtensions[k.Value] || strings.HasPrefix(k.Value, "x-go-") ||
			strings.HasPrefix(k.Value, "x-oapi-codegen-"):
			return fmt.Sprintf("the oapi-codegen extension %s (line %d): Go names and types "+
				"come from the module's configurations", k.Value, k.Line)
		}
		if f := findFeature(n.Content[i+1], !fieldNames && k.Value == "properties"); f != "" {
			return f
		}
	}
	return ""
}

func aliasAt(line int) string {
	return fmt.Sprintf("a YAML alias or merge key (line %d), which specsync does not follow", line)
}
