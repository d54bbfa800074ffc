package tokenclient

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
)

// NewAPIClient returns the generated client for server ("https://toolbox-api.private.fin.ag") and
// secretKey, with an HTTP client like NewHTTPClient's that opts may replace. Whatever the options,
// it checks the server they leave as New checks a base URL, copies the *http.Client (another
// api.HttpRequestDoer is refused) to refuse redirects, and sends the key only on the token
// operation's requests to that server. There it reads at most MaxResponseBytes of a body and
// returns the error GenerateAuthorizeToken returns for one attempt, under its default
// deadline, or the response. Its errors match ErrInvalidConfig.
func NewAPIClient(server, secretKey string,
	opts ...api.ClientOption) (_ *api.ClientWithResponses, err error) {
	if err := validateSecretKey(secretKey); err != nil {
		return nil, err
	}
	s := newScrubber(secretKey)
	defer func() { err = s.configError(err) }()
	c, err := api.NewClientWithResponses(server,
		append([]api.ClientOption{api.WithHTTPClient(defaultHTTPClient())}, opts...)...)
	if err != nil {
		return nil, invalidConfig("an option of the generated client failed (%s)",
			withoutValues(err))
	}
	gen := c.ClientInterface.(*api.Client)
	u, err := validateBaseURL(gen.Server)
	if err != nil {
		return nil, err
	}
	hc, ok := gen.Client.(*http.Client)
	if !ok {
		return nil, invalidConfig("the HTTP client is a %T, want an *http.Client", gen.Client)
	}
	gen.Client = newSender(hc, secretKey, u)
	return c, nil
}

func setTokenHeaders(req *http.Request, secretKey string) {
	req.Header.Set("flinks-auth-key", secretKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
}

// tokenOperation is the generated builder's method, and escaped path around the customer id.
var tokenOperation = sync.OnceValues(func() (string, [2]string) {
	const id = "00000000-0000-0000-0000-000000000000"
	req, _ := api.NewGenerateAuthorizeTokenRequest("https://flinks.invalid/", id, nil)
	before, after, _ := strings.Cut(req.URL.EscapedPath(), id)
	return req.Method, [2]string{before, after}
})

// isTokenRequest reports whether req is for the token operation.
func isTokenRequest(req *http.Request) bool {
	method, path := tokenOperation()
	rest, ok := strings.CutSuffix(req.URL.EscapedPath(), path[1])
	i := strings.LastIndexByte(rest, '/')
	return ok && req.Method == method && i < len(rest)-1 && strings.HasSuffix(rest[:i+1], path[0])
}

// TokenFromResponse maps a GenerateAuthorizeTokenWithResponse result, reading its body whatever
// the parser decoded, to a Token expiring TokenLifetime from now, or to an *APIError scrubbed of
// the key its request carried.
func TokenFromResponse(resp *api.GenerateAuthorizeTokenResponse) (Token, error) {
	if resp == nil || resp.HTTPResponse == nil {
		return Token{}, errors.New("tokenclient: TokenFromResponse got no response")
	}
	var key string
	if req := resp.HTTPResponse.Request; req != nil {
		if k := req.Header.Get("flinks-auth-key"); validateSecretKey(k) == nil {
			key = k
		}
	}
	return tokenFromResponse(resp, time.Now(), key, nil)
}
