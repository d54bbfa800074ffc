package tokenclient

import (
	"context"
	"net/http"

	"github.com/flinkskit/flinks-token-go/api"
)

// SecretKeyEditor returns a request editor for the generated api client
// that sets the three headers the spec requires: flinks-auth-key to
// secretKey, and Content-Type and Accept to application/json. With it the
// generated client can be called with nil params:
//
//	c, _ := api.NewClientWithResponses(server,
//		api.WithHTTPClient(tokenclient.NewHTTPClient()),
//		api.WithRequestEditorFn(tokenclient.SecretKeyEditor(secretKey)))
//	resp, err := c.GenerateAuthorizeTokenWithResponse(ctx, customerID, nil)
//
// The editor fails, before anything is sent, if secretKey is empty or
// cannot travel in a header unchanged.
func SecretKeyEditor(secretKey string) api.RequestEditorFn {
	keyErr := validateSecretKey(secretKey)
	return func(_ context.Context, req *http.Request) error {
		if keyErr != nil {
			return keyErr
		}
		req.Header.Set("flinks-auth-key", secretKey)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		return nil
	}
}
