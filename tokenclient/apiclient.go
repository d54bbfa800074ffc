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
// way: an HTTP client like NewHTTPClient's, which never follows a
// redirect with the secret key, and SecretKeyEditor, which adds the
// headers the spec requires to the token operation's requests, so that
// GenerateAuthorizeTokenWithResponse can be called with nil params. opts
// come after those two and may replace them. It fails, matching
// ErrInvalidConfig, for a bad secret key or server URL; nothing is sent.
//
// Its HTTP client reads at most MaxResponseBytes of a body, and answers a
// body labelled JSON that is not JSON (a proxy's HTML error page) with an
// error that errors.As finds as an *APIError, the one TokenFromResponse
// would give: so every non-2xx answer is an *APIError, from the call or
// from TokenFromResponse, whatever the generated parser makes of it.
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
	all := append([]api.ClientOption{
		api.WithHTTPClient(hc),
		api.WithRequestEditorFn(SecretKeyEditor(secretKey)),
	}, opts...)
	c, err := api.NewClientWithResponses(server, all...)
	if err != nil {
		return nil, invalidConfig("cannot build the generated client: an option failed (%s)", withoutValues(err))
	}
	return c, nil
}

// checkedTransport bounds each body it reads and turns a body labelled
// JSON that is not JSON into an *APIError, before the generated parser
// can fail on it without a response.
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
		return nil, t.scrub.scrubError("reading the response from "+origin(req.URL.String())+" failed", err, "check network access to Flinks")
	}
	parsed := &api.GenerateAuthorizeTokenResponse{HTTPResponse: resp}
	if len(body) > MaxResponseBytes {
		return nil, errorFromResponse(parsed, ErrResponseTooLarge, time.Now(), t.scrub)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); strings.Contains(mt, "json") && !json.Valid(body) {
		// The error TokenFromResponse gives for the same answer labelled
		// text: malformed for a 200, the status alone otherwise.
		var cause error
		if resp.StatusCode == http.StatusOK {
			var v struct{}
			cause = notJSON(json.Unmarshal(body, &v))
		}
		return nil, errorFromResponse(parsed, cause, time.Now(), t.scrub)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// CloseIdleConnections lets the generated client's http.Client close the
// wrapped transport's idle connections.
func (t *checkedTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// SecretKeyEditor returns a request editor for the generated api client
// that sets the three headers the spec requires on the token operation's
// requests: flinks-auth-key to secretKey, and Content-Type and Accept to
// application/json. With it the generated client can be called with nil
// params:
//
//	c, _ := api.NewClientWithResponses(server,
//		api.WithHTTPClient(tokenclient.NewHTTPClient()),
//		api.WithRequestEditorFn(tokenclient.SecretKeyEditor(secretKey)))
//	resp, err := c.GenerateAuthorizeTokenWithResponse(ctx, customerID, nil)
//
// It recognises the token operation by the method and path the generated
// request builder produces (under any base URL path prefix, for any
// customer id), so it follows the spec when Flinks moves the path. It
// leaves every other request untouched: the flinks-auth-key of /Authorize
// carries an authorize token, never the secret key. The editor fails,
// before anything is sent, for a secret key New would refuse.
func SecretKeyEditor(secretKey string) api.RequestEditorFn {
	keyErr := validateSecretKey(secretKey)
	return func(_ context.Context, req *http.Request) error {
		if keyErr != nil {
			return keyErr
		}
		if isTokenRequest(req) {
			setTokenHeaders(req, secretKey)
		}
		return nil
	}
}

func setTokenHeaders(req *http.Request, secretKey string) {
	req.Header.Set("flinks-auth-key", secretKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
}

// placeholderID stands for the customer id in the token operation's path.
const placeholderID = "00000000-0000-0000-0000-000000000000"

// anySegment marks the customer id in tokenOperation's segments; an
// escaped path never holds a brace.
const anySegment = "{customerId}"

// tokenOperation is the method and path segments of the generated token
// request, with anySegment for the customer id.
var tokenOperation = sync.OnceValues(func() (string, []string) {
	req, err := api.NewGenerateAuthorizeTokenRequest("https://flinks.invalid/", placeholderID, nil)
	if err != nil {
		panic("tokenclient: the generated builder refuses a GUID customer id: " + err.Error())
	}
	segs := strings.Split(strings.TrimPrefix(req.URL.EscapedPath(), "/"), "/")
	for i, s := range segs {
		if s == placeholderID {
			segs[i] = anySegment
		}
	}
	return req.Method, segs
})

// isTokenRequest reports whether req is the token operation's: its method,
// and its path ending in the operation's segments, any non-empty segment
// standing for the customer id.
func isTokenRequest(req *http.Request) bool {
	method, want := tokenOperation()
	if req.Method != method || req.URL == nil {
		return false
	}
	got := strings.Split(req.URL.EscapedPath(), "/")
	if len(got) < len(want) {
		return false
	}
	got = got[len(got)-len(want):]
	for i, w := range want {
		if w != got[i] && (w != anySegment || got[i] == "") {
			return false
		}
	}
	return true
}
