package tokenclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/internal/specvalidate"
)

const (
	testCustomerID = "43387ca6-0391-4c82-857d-70d95f087ecb"
	testSecretKey  = "c4569c54-e167-4d34-8de6-f4113bc82414"
	testToken      = "d65f1adb-8ebc-48dc-be8b-20c773ba1565"
	okBody         = `{"HttpStatusCode":200,"Token":"` + testToken + `"}`
	unauthBody     = `{"HttpStatusCode":401,"Message":"You must provide a valid auth key","FlinksCode":"UNAUTHORIZED"}`
)

var validator = func() *specvalidate.Validator {
	v, err := specvalidate.New()
	if err != nil {
		panic(err)
	}
	return v
}()

// tokenPath is the token operation's path for testCustomerID, read from
// openapi.yaml so that the tests follow Flinks when it moves.
var tokenPath = specvalidate.MustPath("generateAuthorizeToken", map[string]string{"customerId": testCustomerID})

// reply is one canned response.
type reply struct {
	status int
	header map[string]string
	body   string
	// offSpec marks a 200 or 401 reply the spec does not allow; the fake
	// checks that the spec agrees, so each case is what it claims to be.
	offSpec bool
}

// fake is a test Flinks server that validates every request against
// openapi.yaml and answers with queued replies (the last one repeats).
type fake struct {
	t       *testing.T
	server  *httptest.Server
	mu      sync.Mutex
	replies []reply
	hits    atomic.Int64
	// handler, when set, replaces the queued replies.
	handler http.HandlerFunc
}

// setup starts a fake answering with replies and returns a Client pointed
// at it with instant, recorded retry waits.
func setup(t *testing.T, replies ...reply) (*Client, *fake, *[]time.Duration) {
	t.Helper()
	f := &fake{t: t, replies: replies}
	f.server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.server.Close)
	c := newTestClient(t, f.server.URL)
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	c.jitter = func(d time.Duration) time.Duration { return d }
	return c, f, &waits
}

func newTestClient(t *testing.T, baseURL string, opts ...Option) *Client {
	t.Helper()
	c, err := New(testCustomerID, testSecretKey, append([]Option{WithBaseURL(baseURL)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	in, err := validator.Request(r)
	if err != nil {
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
		if err != nil {
			f.t.Errorf("hijack: %v", err)
			return
		}
		_ = conn.Close()
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if in != nil && (rep.status == http.StatusOK || rep.status == http.StatusUnauthorized) {
		err := validator.Response(in, rep.status, w.Header(), []byte(rep.body))
		if err != nil && !rep.offSpec {
			f.t.Errorf("canned %d reply does not match openapi.yaml: %v", rep.status, err)
		}
		if err == nil && rep.offSpec {
			f.t.Errorf("canned %d reply marked off-spec matches openapi.yaml", rep.status)
		}
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write([]byte(rep.body))
}

func jsonReply(status int, body string) reply {
	return reply{status: status, header: map[string]string{"Content-Type": "application/json"}, body: body}
}

func statusReply(code int) reply { return reply{status: code, body: http.StatusText(code)} }

func retryAfterReply(code int, after string) reply {
	return reply{status: code, header: map[string]string{"Retry-After": after}}
}

var (
	// drop closes the connection before any response is written.
	drop   = reply{status: -1}
	ok200  = jsonReply(http.StatusOK, okBody)
	unauth = jsonReply(http.StatusUnauthorized, unauthBody)
)
