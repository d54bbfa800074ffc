// Package flinkstest provides a fake Flinks /GenerateAuthorizeToken API for
// tests, shaped like net/http/httptest:
//
//	srv := flinkstest.NewServer()
//	defer srv.Close()
//	c, _ := tokenclient.New(flinkstest.DefaultCustomerID, flinkstest.DefaultSecretKey,
//		tokenclient.WithBaseURL(srv.URL))
//
// The fake is built on the server interface generated from the same
// openapi.yaml as the client, so a spec change it no longer matches fails to
// compile. It validates every request against the spec with kin-openapi's
// openapi3filter (a request the real API would reject gets a 4xx naming the
// problem), answers accepted secret keys with a fresh random GUID token and
// anything else with the spec's 401 body, records what it issued, and can
// inject faults for resilience tests.
package flinkstest
