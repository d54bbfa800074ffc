package tokenclient

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/flinkskit/flinks-token-go/internal/openapi"
	"github.com/getkin/kin-openapi/openapi3"
)

const oddKey = `Sk+/a b=&"<K\ey>` // what URL, JSON and Go quoting escape

var validator = func() *openapi.Validator {
	v, err := openapi.New()
	if err != nil {
		panic(err)
	}
	return v
}()

// The token operation's customer id and secret key examples, its path for
// that id, and its answers' examples with their token, read from
// openapi.yaml so that the tests follow Flinks when the page changes.
var (
	testCustomerID = specPathParam().Default.(string)
	testSecretKey  = specParam("flinks-auth-key").Example.(string)
	tokenPath      = openapi.MustPath("generateAuthorizeToken", testCustomerID)
	okBody         = specExample(200)
	unauthBody     = specExample(401)
	testToken      = specField(okBody, "Token")
)

func specOperation() *openapi3.Operation {
	for _, item := range validator.Doc().Paths.Map() {
		if op := item.Post; op != nil && op.OperationID == "generateAuthorizeToken" {
			return op
		}
	}
	panic("openapi.yaml lacks generateAuthorizeToken")
}

// specPathParam is the schema of the token operation's path parameter
// (the customer id), whatever the spec names it.
func specPathParam() *openapi3.Schema {
	for _, p := range specOperation().Parameters {
		if p.Value.In == openapi3.ParameterInPath {
			return p.Value.Schema.Value
		}
	}
	panic("openapi.yaml's token operation has no path parameter")
}

func specParam(name string) *openapi3.Schema {
	for _, p := range specOperation().Parameters {
		if strings.EqualFold(p.Value.Name, name) {
			return p.Value.Schema.Value
		}
	}
	panic("openapi.yaml lacks parameter " + name)
}

// specExample is the JSON example of the token operation's answer status.
func specExample(status int) string {
	b, _ := json.Marshal(
		specOperation().Responses.Status(status).Value.Content.Get("application/json").Example,
	)
	return string(b)
}

func specField(body, name string) string {
	var m map[string]any
	_ = json.Unmarshal([]byte(body), &m)
	return m[name].(string)
}

// reply is one canned response; status -1 drops the connection.
type reply struct {
	status int
	header map[string]string
	body   string
}

func jsonReply(status int, body string) reply {
	return reply{
		status: status,
		header: map[string]string{"Content-Type": "application/json"},
		body:   body,
	}
}

func statusReply(code int) reply { return reply{status: code, body: http.StatusText(code)} }

var (
	drop   = reply{status: -1}
	ok200  = jsonReply(http.StatusOK, okBody)
	unauth = jsonReply(http.StatusUnauthorized, unauthBody)
)

// fake is a test Flinks server, also under the path /prefix, that checks
// every request against openapi.yaml and answers with queued replies (the last one repeats).
type fake struct {
	t       *testing.T
	server  *httptest.Server
	mu      sync.Mutex
	replies []reply
	hits    atomic.Int64
	// handler, when set, replaces the queued replies.
	handler http.HandlerFunc
}

// setup starts a fake answering with replies and a Client pointed at it.
func setup(t *testing.T, replies ...reply) (*Client, *fake) {
	t.Helper()
	f := &fake{t: t, replies: replies}
	f.server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.server.Close)
	return newTestClient(t, f.server.URL), f
}

func newTestClient(t testing.TB, baseURL string, opts ...Option) *Client {
	t.Helper()
	c, err := New(testCustomerID, testSecretKey, append([]Option{WithBaseURL(baseURL)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	r.URL.Path = strings.TrimPrefix(r.URL.Path, "/prefix") // a base URL's path prefix
	if _, err := validator.Request(r); err != nil {
		f.t.Errorf("request does not match openapi.yaml: %v", err)
	}
	if f.handler != nil {
		f.handler(w, r)
		return
	}
	f.mu.Lock()
	rep := f.replies[0]
	if len(f.replies) > 1 {
		f.replies = f.replies[1:]
	}
	f.mu.Unlock()
	if rep.status == drop.status {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write([]byte(rep.body))
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// respond answers r with status, a JSON label and body.
func respond(r *http.Request, status int, body string) *http.Response {
	return &http.Response{
		StatusCode:    status,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       r,
	}
}

// assertClean fails unless err and every error errors.Unwrap reaches from
// it have one-line text without key in any letter case.
func assertClean(t testing.TB, err error, key string) {
	t.Helper()
	if err == nil {
		t.Fatal("got no error")
	}
	queue := []error{err}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		msg := e.Error()
		if strings.Contains(strings.ToLower(msg), strings.ToLower(key)) {
			t.Errorf("%T holds the key: %q", e, msg)
		}
		if strings.ContainsAny(msg, "\r\n") {
			t.Errorf("%T text is not one line: %q", e, msg)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			if next := u.Unwrap(); next != nil {
				queue = append(queue, next)
			}
		case interface{ Unwrap() []error }:
			queue = append(queue, u.Unwrap()...)
		}
	}
}

var noRetry = WithRetry(RetryPolicy{MaxAttempts: 1})
