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
// compile. It answers as Flinks documents: a missing or misnamed secret-key
// header and an unaccepted key get the spec's 401 body; a request without
// Accept or Content-Type is answered in JSON (and logged), or 400 with
// WithStrict; other requests the spec does not allow (checked with
// kin-openapi's openapi3filter) get a 4xx in Flinks' error shape
// (HttpStatusCode, Message, FlinksCode) naming the path segment or
// parameter that was wrong, never a value sent. Header names are compared
// without regard to letter case. It answers accepted secret keys with a
// fresh random GUID token, records what it issued, and can inject faults
// for resilience tests. docs/fake.md lists each behaviour and the Flinks
// page it rests on.
//
// On the same origin it serves a stand-in Flinks Connect page at
// ConnectPath (GET /v2/?authorizeToken=…), so that a test can follow the
// browser's route: loading it spends the token as Flinks does (once, within
// TokenLifetime; otherwise a 401 page), and the page behaves towards the
// embedding page as Flinks Connect is documented to: step events posted to
// window.parent, and on "Connect" a REDIRECT event and navigation to
// redirectUrl with loginId and institution appended.
package flinkstest
