package flinkstoken

import _ "embed"

// OpenAPI is openapi.yaml, the Flinks /GenerateAuthorizeToken spec that the
// api package was generated from. Tests and the fake server validate traffic
// against it; the client itself never loads it.
//
//go:embed openapi.yaml
var OpenAPI []byte
