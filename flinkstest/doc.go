// Package flinkstest provides a fake Flinks /GenerateAuthorizeToken API for
// tests, shaped like net/http/httptest:
//
//	srv := flinkstest.NewServer()
//	defer srv.Close()
//	c, _ := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
//		tokenclient.WithBaseURL(srv.URL))
//
// The fake implements the server interface generated from the same
// openapi.yaml as the client and answers as Flinks documents: a fresh
// random GUID token for an accepted key, the spec's 401 body for any other
// key or a missing key header, and for other requests the spec does not
// allow a 4xx in Flinks' error shape naming what was wrong, never a value
// sent. It records what it issued, can inject faults ([Handler.FailNext]),
// and serves a stand-in Flinks Connect page at [ConnectPath] that spends
// the token as loading Flinks Connect does. docs/fake.md lists each
// behaviour and the Flinks page it rests on.
package flinkstest
