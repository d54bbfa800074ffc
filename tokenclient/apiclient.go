package tokenclient

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
)

// NewAPIClient returns the generated client for server (such as
// "https://toolbox-api.private.fin.ag", or a fake's URL), wired the safe
// way: an HTTP client like NewHTTPClient's, and SecretKeyEditor, so that
// GenerateAuthorizeTokenWithResponse can be called with nil params. opts
// come after those two and may replace them. It fails, matching
// ErrInvalidConfig, for a bad secret key or server URL.
//
// Its HTTP client reads at most MaxResponseBytes of a body, and answers a
// body labelled JSON that is not JSON (a proxy's HTML page) with the
// *APIError TokenFromResponse would give, as the call's error (errors.As
// finds it), before the generated parser fails on it. So every non-2xx
// answer is an *APIError, from the call or from TokenFromResponse.
func NewAPIClient(server, secretKey string, opts ...api.ClientOption) (*api.ClientWithResponses, error) {
	if err := validateSecretKey(secretKey); err != nil {
		return nil, err
	}
	s := newScrubber(secretKey)
	if _, err := validateBaseURL(server); err != nil {
		return nil, s.configError(invalidConfig("%s (NewAPIClient takes the server URL first, then the secret key)", trimPrefix(err)))
	}
	hc := NewHTTPClient()
	hc.Transport = &checkedTransport{next: hc.Transport, scrub: s}
	c, err := api.NewClientWithResponses(server, append([]api.ClientOption{
		api.WithHTTPClient(hc), api.WithRequestEditorFn(SecretKeyEditor(secretKey))}, opts...)...)
	if err != nil {
		return nil, invalidConfig("cannot build the generated client: an option failed (%s)", withoutValues(err))
	}
	return c, nil
}

// checkedTransport bounds each body and turns a body labelled JSON that
// is not JSON into an *APIError.
type checkedTransport struct {
	next  http.RoundTripper
	scrub *scrubber
}

func (t *checkedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	_ = resp.Body.Close()
	if err != nil {
		return nil, t.scrub.scrubError("reading the response from "+req.URL.Scheme+"://"+req.URL.Host+" failed", err, "check network access to Flinks")
	}
	parsed := &api.GenerateAuthorizeTokenResponse{HTTPResponse: resp}
	if len(body) > MaxResponseBytes {
		return nil, errorFromResponse(parsed, ErrResponseTooLarge, time.Now(), t.scrub)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); strings.Contains(mt, "json") && !json.Valid(body) {
		parsed.Body = body
		if resp.StatusCode == http.StatusOK {
			_, err := tokenFromResponse(parsed, time.Now(), t.scrub)
			return nil, err
		}
		return nil, errorFromResponse(parsed, nil, time.Now(), t.scrub)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// CloseIdleConnections closes the wrapped transport's idle connections.
func (t *checkedTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// SecretKeyEditor returns a request editor for the generated api client
// that sets flinks-auth-key to secretKey, and Content-Type and Accept to
// application/json, on the token operation's requests, so that the
// generated client can be called with nil params. It recognises them by
// the method and path of the generated request builder (under any path
// prefix, for any customer id), and leaves every other request untouched:
// the flinks-auth-key of /Authorize carries an authorize token, never the
// secret key. For a key New would refuse, the editor fails every request.
func SecretKeyEditor(secretKey string) api.RequestEditorFn {
	keyErr := validateSecretKey(secretKey)
	return func(_ context.Context, req *http.Request) error {
		if keyErr == nil && isTokenRequest(req) {
			setTokenHeaders(req, secretKey)
		}
		return keyErr
	}
}

func setTokenHeaders(req *http.Request, secretKey string) {
	req.Header.Set("flinks-auth-key", secretKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
}

// tokenOperation is the token request's method, and its escaped path
// before and after the customer id, as the generated builder makes them.
var tokenOperation = sync.OnceValues(func() (string, [2]string) {
	const id = "00000000-0000-0000-0000-000000000000"
	req, err := api.NewGenerateAuthorizeTokenRequest("https://flinks.invalid/", id, nil)
	if err != nil {
		panic("tokenclient: the generated builder refuses a GUID customer id: " + err.Error())
	}
	before, after, _ := strings.Cut(req.URL.EscapedPath(), id)
	return req.Method, [2]string{before, after}
})

// isTokenRequest reports whether req has the token operation's method and
// path, after any prefix, with any non-empty customer id segment.
func isTokenRequest(req *http.Request) bool {
	method, path := tokenOperation()
	rest, ok := strings.CutSuffix(req.URL.EscapedPath(), path[1])
	i := strings.LastIndexByte(rest, '/')
	return ok && req.Method == method && i < len(rest)-1 && strings.HasSuffix(rest[:i+1], path[0])
}
