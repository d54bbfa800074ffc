// Package fakeapi is the std-http server interface and the models that
// oapi-codegen generates from openapi.yaml for the fake Flinks in
// flinkstest; it is internal so that importers of api see only the client
// and the models. It is generated with api by go generate in the module
// root (gen.go); never edit server.gen.go by hand.
package fakeapi
