// Package flinkstoken holds the Flinks /GenerateAuthorizeToken OpenAPI spec
// that the api package is generated from.
package flinkstoken

//go:generate go tool -modfile=tools/go.mod oapi-codegen -config oapi-codegen.yaml openapi.yaml
