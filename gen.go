// Package flinkstoken holds the Flinks /GenerateAuthorizeToken OpenAPI spec
// that the api package (and the fake's internal/fakeapi) is generated from.
package flinkstoken

// specsync (in the tools module) normalises openapi.yaml's media types and
// $refs and runs the pinned oapi-codegen with oapi-codegen.yaml and
// oapi-codegen-server.yaml.
//go:generate go -C tools run ./specsync -generate -dir ..
