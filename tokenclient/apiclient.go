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

// NewAPIClient returns the generated client for server ("https://toolbox-api.private.fin.ag"),
// with SecretKeyEditor and an HTTP client like NewHTTPClient's, which opts may replace (keep its
// CheckRedirect refusing redirects: Go forwards the key). On the token operation only, that client
// reads at most MaxResponseBytes of a body, and answers one labelled JSON that is not JSON (a
// proxy's HTML page) with TokenFromResponse's *APIError. Its errors match ErrInvalidConfig.
func NewAPIClient(server, secretKey string, opts ...api.ClientOption) (*api.ClientWithResponses, error) {
	if err := validateSecretKey(secretKey); err != nil {
		return nil, err
	}
	s := newScrubber(secretKey)
	if _, err := validateBaseURL(server); err != nil {
		return nil, s.configError(invalidConfig("%s (NewAPIClient takes the server URL first, then the secret key)", &prefixless{err}))
	}
	hc := NewHTTPClient()
	hc.Transport = &checkedTransport{next: hc.Transport, scrub: s}
	c, err := api.NewClientWithResponses(server, append([]api.ClientOption{
		api.WithHTTPClient(hc), api.WithRequestEditorFn(SecretKeyEditor(secretKey))}, opts...)...)
	if err != nil {
		return nil, s.configError(invalidConfig("cannot build the generated client: an option failed (%s)", withoutValues(err)))
	}
	return c, nil
}

type checkedTransport struct {
	next  http.RoundTripper
	scrub *scrubber
}

func (t *checkedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !isTokenRequest(req) {
		return t.next.RoundTrip(req)
	}
	r, err := send(t.next.RoundTrip, req, t.scrub)
	if err != nil {
		return nil, err
	}
	if mt, _, _ := mime.ParseMediaType(r.HTTPResponse.Header.Get("Content-Type")); strings.Contains(mt, "json") && !json.Valid(r.Body) {
		_, err := tokenFromResponse(&r, time.Now(), t.scrub)
		return nil, err
	}
	r.HTTPResponse.Body = io.NopCloser(bytes.NewReader(r.Body))
	return r.HTTPResponse, nil
}

// CloseIdleConnections closes the wrapped transport's idle connections.
func (t *checkedTransport) CloseIdleConnections() {
	(&http.Client{Transport: t.next}).CloseIdleConnections()
}

// SecretKeyEditor returns a request editor that sets flinks-auth-key to secretKey, and Content-Type
// and Accept to application/json (so nil params do), on the token operation's requests only (any
// path prefix or customer id). For a key New would refuse, it fails every request.
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

// tokenOperation is the generated builder's method, and escaped path around the customer id.
var tokenOperation = sync.OnceValues(func() (string, [2]string) {
	const id = "00000000-0000-0000-0000-000000000000"
	req, err := api.NewGenerateAuthorizeTokenRequest("https://flinks.invalid/", id, nil)
	if err != nil {
		panic("tokenclient: the generated builder refuses a GUID customer id: " + err.Error())
	}
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
