package tokenclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/flinkskit/flinks-token-go/api"
)

// MaxResponseBytes bounds how much of a response body is read.
const MaxResponseBytes = 1 << 20

// defaultTimeout bounds a call whose context has no deadline.
const defaultTimeout = time.Minute

// NewHTTPClient returns an *http.Client, with a transport of its own, like the one New and
// NewAPIClient use by default:
//   - redirects are not followed: Go forwards flinks-auth-key to their target;
//   - no Timeout: a call's context bounds it;
//   - 10s dial and TLS handshake timeouts;
//   - TLS 1.2 or later; HTTP/2 pings a connection silent for 10s, closing it after 5s unanswered;
//   - 100 idle connections per host (net/http keeps 2).
func NewHTTPClient() *http.Client {
	return &http.Client{CheckRedirect: refuseRedirect, Transport: &http.Transport{
		Proxy:             http.ProxyFromEnvironment,
		DialContext:       (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		ForceAttemptHTTP2: true,
		HTTP2: &http.HTTP2Config{SendPingTimeout: 10 * time.Second,
			PingTimeout: 5 * time.Second},
		TLSClientConfig:     &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConns:        100,
		MaxIdleConnsPerHost: 100,
		IdleConnTimeout:     90 * time.Second,
	}}
}

// defaultHTTPClient is shared by every Client and API client without an HTTP client of its own.
var defaultHTTPClient = sync.OnceValue(NewHTTPClient)

func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// sender sends the token operation's requests, for a Client and for NewAPIClient's client.
type sender struct {
	hc     *http.Client // a copy that refuses redirects
	key    string
	origin string // the scheme://host the key goes to
	scrub  *scrubber
}

func newSender(hc *http.Client, key string, server *url.URL) *sender {
	copied := *hc
	copied.CheckRedirect = refuseRedirect
	return &sender{hc: &copied, key: key, origin: server.Scheme + "://" + server.Host,
		scrub: newScrubber(key)}
}

// mint sends attempt n, req, reads at most MaxResponseBytes of the body and maps the answer. Its
// errors name the host alone: the path holds the customer id, which is the secret key when the
// two are swapped.
func (s *sender) mint(
	req *http.Request,
	n int,
) (Token, *api.GenerateAuthorizeTokenResponse, error) {
	resp, err := s.hc.Do(req)
	if err != nil {
		return Token{}, nil, s.scrub.scrubError("request to "+s.origin+" failed", err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	_ = resp.Body.Close()
	if err != nil {
		return Token{}, nil, s.scrub.scrubError(
			"reading the response from "+s.origin+" failed",
			err,
		)
	}
	r := &api.GenerateAuthorizeTokenResponse{Body: body, HTTPResponse: resp}
	var tok Token
	if len(body) > MaxResponseBytes {
		err = errorFromResponse(r, ErrResponseTooLarge, time.Now(), s.scrub)
	} else {
		tok, err = tokenFromResponse(r, time.Now(), s.key, s.scrub)
	}
	if e, ok := err.(*APIError); ok {
		e.Attempts = n
	}
	return tok, r, err
}

// Do sends req, adding the key if it is for the token operation on the configured host. For
// such a request, it returns the error GenerateAuthorizeToken would return for one attempt, else
// the response with its body read; other requests go out as they are.
func (s *sender) Do(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme+"://"+req.URL.Host != s.origin || !isTokenRequest(req) {
		return s.hc.Do(req)
	}
	if _, ok := req.Context().Deadline(); !ok {
		ctx, cancel := context.WithTimeout(req.Context(), defaultTimeout)
		defer cancel()
		req = req.WithContext(ctx)
	}
	setTokenHeaders(req, s.key)
	_, r, err := s.mint(req, 1)
	if err != nil {
		return nil, err
	}
	r.HTTPResponse.Body = io.NopCloser(bytes.NewReader(r.Body))
	return r.HTTPResponse, nil
}
