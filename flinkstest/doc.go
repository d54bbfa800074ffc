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
//
// On the same origin it serves a stand-in Flinks Connect page at
// ConnectPath (GET /v2/?authorizeToken=…), so that a test can follow the
// browser's route: loading it spends the token as Flinks does (once, within
// TokenLifetime; otherwise a 401 page), and the page behaves towards the
// embedding page as Flinks Connect is documented to: step events posted to
// window.parent, and on "Connect" a REDIRECT event and navigation to
// redirectUrl with loginId and institution appended.
package flinkstest
