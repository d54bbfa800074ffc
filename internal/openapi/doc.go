// Package openapi reads the Flinks /GenerateAuthorizeToken spec: it
// extracts it from the documentation page ([Extract]), reduces media types
// to their bare form ([BareMediaTypes]) and validates HTTP traffic against
// it with kin-openapi ([Validator]). The fake (flinkstest), the tests and
// the spec tool (tools/specsync) use it; the client path never imports it.
package openapi
