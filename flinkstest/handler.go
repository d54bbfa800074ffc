package flinkstest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/routers"

	"github.com/flinkskit/flinks-token-go/internal/fakeapi"
	"github.com/flinkskit/flinks-token-go/internal/specvalidate"
)

// The spec's own example values (the Flinks toolbox demo credentials),
// which the fake accepts unless told otherwise.
const (
	DefaultCustomerID = "43387ca6-0391-4c82-857d-70d95f087ecb"
	DefaultSecretKey  = "c4569c54-e167-4d34-8de6-f4113bc82414"
)

// The spec's 401 body.
const (
	unauthorizedMessage = "You must provide a valid auth key"
	unauthorizedCode    = "UNAUTHORIZED"
)

// Option configures a Handler or Server.
type Option func(*Handler)

// WithSecretKeys replaces the accepted secret keys (by default
// DefaultSecretKey).
func WithSecretKeys(keys ...string) Option {
	return func(h *Handler) { h.secretKeys = setOf(keys) }
}

// WithCustomerIDs replaces the accepted customer ids (by default
// DefaultCustomerID). A request for another customer id gets the 401.
func WithCustomerIDs(ids ...string) Option {
	return func(h *Handler) { h.customerIDs = setOf(ids) }
}

// WithLatency delays every API response by d (or until the request is
// cancelled); the Connect page is served at once.
func WithLatency(d time.Duration) Option {
	return func(h *Handler) { h.latency = d }
}

// WithMaxIssued keeps at most n issued-token records (DefaultMaxIssued
// unless set), dropping the oldest: Issued lists, and Lookup and Redeem
// know, only the newest n tokens. n must be at least 1.
func WithMaxIssued(n int) Option {
	return func(h *Handler) { h.issued.max = n }
}

// WithClock sets the clock used to stamp issued tokens.
func WithClock(now func() time.Time) Option {
	return func(h *Handler) { h.now = now }
}

// WithLogger logs one record per request to l. Records never contain a
// secret key or a token: the path is logged with every segment the spec
// does not spell out (the customer id, or a key sent in its place)
// masked.
func WithLogger(l *slog.Logger) Option {
	return func(h *Handler) { h.logger = l }
}

func setOf(values []string) map[string]bool {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[v] = true
	}
	return set
}

// Handler is the fake Flinks API as an http.Handler, for serving on an
// address of your choosing; NewServer runs one on loopback. It is safe for
// concurrent use.
type Handler struct {
	secretKeys  map[string]bool
	customerIDs map[string]bool
	latency     time.Duration
	now         func() time.Time
	logger      *slog.Logger

	validator *specvalidate.Validator
	literal   map[string]bool // path segments the spec spells out
	routes    http.Handler

	mu     sync.Mutex
	issued issuedLog
	faults []faultRun
}

// NewHandler returns a fake Flinks API handler.
func NewHandler(opts ...Option) *Handler {
	validator, err := specvalidate.New()
	if err != nil {
		// The spec is embedded and checked by tests; this cannot happen
		// in a build that passed them.
		panic(err)
	}
	h := &Handler{
		secretKeys:  setOf([]string{DefaultSecretKey}),
		customerIDs: setOf([]string{DefaultCustomerID}),
		now:         time.Now,
		validator:   validator,
		issued:      issuedLog{max: DefaultMaxIssued},
	}
	for _, opt := range opts {
		opt(h)
	}
	if h.issued.max < 1 {
		// Options cannot return errors; a cap under one is a programming
		// error, like a non-positive interval for time.NewTicker.
		panic(fmt.Sprintf("flinkstest: WithMaxIssued(%d): want at least 1", h.issued.max))
	}
	h.literal = h.literalSegments()
	h.routes = fakeapi.HandlerWithOptions(fakeapi.NewStrictHandler(strictFlinks{h}, nil), fakeapi.StdHTTPServerOptions{
		ErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeError(w, http.StatusBadRequest, "INVALID_REQUEST", h.scrub(err.Error(), r))
		},
	})
	return h
}

// ServeHTTP answers as Flinks would. Requests to the API are validated
// against the spec and may meet a pending fault; GET ConnectPath serves a
// stand-in Flinks Connect page that spends its authorizeToken.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := h.now()
	rec := &statusRecorder{ResponseWriter: w}
	switch {
	case !readBody(rec, r): // answered 413 or 408
	case r.URL.Path == ConnectPath:
		h.serveConnect(rec, r)
	default:
		h.serve(rec, r)
	}
	if h.logger != nil {
		h.logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", h.maskPath(r.URL.Path)),
			slog.Int("status", rec.status), slog.Float64("took_ms", float64(h.now().Sub(start))/float64(time.Millisecond)))
	}
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	if _, err := h.validator.Request(r); err != nil {
		status, code := http.StatusBadRequest, "INVALID_REQUEST"
		switch {
		case errors.Is(err, routers.ErrMethodNotAllowed):
			status, code = http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED"
			w.Header().Set("Allow", http.MethodPost)
		case errors.Is(err, routers.ErrPathNotFound):
			status, code = http.StatusNotFound, "NOT_FOUND"
		}
		writeError(w, status, code, h.scrub(err.Error(), r))
		return
	}
	if !sleep(r.Context(), h.latency) {
		return
	}
	if f, ok := h.nextFault(); ok {
		f.serve(w, r, h.routes)
		return
	}
	h.routes.ServeHTTP(w, r)
}

// strictFlinks implements the generated strict server interface.
type strictFlinks struct{ h *Handler }

func (s strictFlinks) GenerateAuthorizeToken(_ context.Context, req fakeapi.GenerateAuthorizeTokenRequestObject) (fakeapi.GenerateAuthorizeTokenResponseObject, error) {
	h := s.h
	if !h.secretKeys[req.Params.FlinksAuthKey] || !h.customerIDs[req.CustomerId] {
		return fakeapi.GenerateAuthorizeToken401JSONResponse{
			HttpStatusCode: ptr(http.StatusUnauthorized),
			Message:        ptr(unauthorizedMessage),
			FlinksCode:     ptr(unauthorizedCode),
		}, nil
	}
	token := h.issue(req.CustomerId)
	return fakeapi.GenerateAuthorizeToken200JSONResponse{HttpStatusCode: ptr(http.StatusOK), Token: &token}, nil
}

func ptr[T any](v T) *T { return &v }

func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(fakeapi.GenerateAuthorizeToken401JSONResponseBody{
		HttpStatusCode: &status, FlinksCode: &code, Message: &message,
	})
}

// newGUID returns a random (version 4) GUID.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// sleep waits d, reporting false if the request went away first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
