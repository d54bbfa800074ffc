package tokenclient

import (
	"github.com/flinkskit/flinks-token-go/api"
)

// NewAPIClient returns the generated client for server (such as
// "https://toolbox-api.private.fin.ag", or a fake's URL), wired the safe
// way: NewHTTPClient, which never follows a redirect with the secret key,
// and SecretKeyEditor, which adds the headers the spec requires, so that
// GenerateAuthorizeTokenWithResponse can be called with nil params. opts
// come after those two and may replace them. It fails, matching
// ErrInvalidConfig, for a bad secret key or server URL; nothing is sent.
func NewAPIClient(server, secretKey string, opts ...api.ClientOption) (*api.ClientWithResponses, error) {
	c, err := newAPIClient(server, secretKey, opts)
	if err != nil {
		return nil, scrubConfigError(err, secretKey)
	}
	return c, nil
}

func newAPIClient(server, secretKey string, opts []api.ClientOption) (*api.ClientWithResponses, error) {
	if err := validateSecretKey(secretKey); err != nil {
		return nil, err
	}
	if _, err := validateBaseURL(server); err != nil {
		return nil, invalidConfig("%s (NewAPIClient takes the server URL first, then the secret key)", trimPrefix(err))
	}
	all := append([]api.ClientOption{
		api.WithHTTPClient(NewHTTPClient()),
		api.WithRequestEditorFn(SecretKeyEditor(secretKey)),
	}, opts...)
	c, err := api.NewClientWithResponses(server, all...)
	if err != nil {
		return nil, invalidConfig("cannot build the generated client: an option failed (%s)", withoutValues(err))
	}
	return c, nil
}
