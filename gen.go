// Package flinkstoken holds the Flinks /GenerateAuthorizeToken OpenAPI spec
// that the api package (and the fake's internal/fakeapi) is generated from.
package flinkstoken

//go:generate go run ./internal/apigen
