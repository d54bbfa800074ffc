package flinkstest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/flinkskit/flinks-token-go/internal/fakeapi"
	"github.com/flinkskit/flinks-token-go/internal/openapi"
)

// The spec's own example values (the Flinks toolbox demo credentials),
// which the fake accepts unless told otherwise.
const (
	DefaultCustomerID = "43387ca6-0391-4c82-857d-70d95f087ecb"
	DefaultSecretKey  = "c4569c54-e167-4d34-8de6-f4113bc82414"
)

// tokenOperation is the operationId of GenerateAuthorizeToken, and
// keyHeader the header it takes the secret key in (the generated
// FlinksAuthKey parameter); the fake reads their spelling from the spec.
const (
	tokenOperation = "generateAuthorizeToken"
	keyHeader      = "flinks-auth-key"
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

// WithClock sets the clock used to stamp issued tokens.
func WithClock(now func() time.Time) Option {
	return func(h *Handler) { h.now = now }
}

// WithLogger logs one record per request to l, with notes saying what was
// wrong with a request the fake refused or filled in (a missing header,
// a key it does not accept). Records never contain a secret key or a
// token: they hold no path, as the customer id (or a key sent in its
// place) is part of it.
func WithLogger(l *slog.Logger) Option {
	return func(h *Handler) { h.logger = l }
}

// WithStrict answers a request that lacks a header the spec marks
// required (Accept, Content-Type) 400 INVALID_REQUEST naming the header, as
// a validator of the spec would. Without it the fake answers such a
// request as Flinks does, in JSON, and logs the missing header (with
// WithLogger). A missing secret-key header gets the spec's 401 either way.
func WithStrict() Option {
	return func(h *Handler) { h.strict = true }
}

// withSpec serves the spec given instead of the embedded openapi.yaml, for
// tests of a spec that differs only in what the generated code ignores
// (the letter case of header names).
func withSpec(spec []byte) Option {
	return func(h *Handler) { h.spec = spec }
}

// body401 is the generated model of the 401 body, Flinks' error shape.
type body401 = fakeapi.GenerateAuthorizeToken401JSONResponseBody

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
	strict      bool
	spec        []byte // nil: the embedded openapi.yaml

	validator    *openapi.Validator
	unauthorized body401
	routes       http.Handler

	mu     sync.Mutex
	issued issuedLog
	faults []faultRun
}

// NewHandler returns a fake Flinks API handler.
func NewHandler(opts ...Option) *Handler {
	h := &Handler{
		secretKeys:  setOf([]string{DefaultSecretKey}),
		customerIDs: setOf([]string{DefaultCustomerID}),
		now:         time.Now,
		issued:      issuedLog{max: maxIssued},
	}
	for _, opt := range opts {
		opt(h)
	}
	if err := h.loadSpec(); err != nil {
		// The spec is embedded and checked by tests; this cannot happen
		// in a build that passed them.
		panic(err)
	}
	h.routes = fakeapi.HandlerWithOptions(flinks{h}, fakeapi.StdHTTPServerOptions{
		// Reached only by what the spec validation let through and the
		// generated code still refuses (a header sent twice).
		ErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeError(w, http.StatusBadRequest, invalidRequest, refusal(err))
		},
	})
	return h
}

// loadSpec loads the spec and reads from it the 401 body.
func (h *Handler) loadSpec() error {
	var err error
	if h.spec == nil {
		h.validator, err = openapi.New()
	} else {
		h.validator, err = openapi.Load(h.spec)
	}
	if err == nil {
		h.unauthorized, err = unauthorizedBody(h.validator)
	}
	return err
}

// unauthorizedBody returns the example of the spec's 401 response, which
// the fake answers to a key it does not accept.
func unauthorizedBody(v *openapi.Validator) (body401, error) {
	var body body401
	op, _, _, err := v.Operation(tokenOperation)
	if err != nil {
		return body, err
	}
	b, err := openapi.Example(op, http.StatusUnauthorized, "application/json")
	if err != nil {
		return body, err
	}
	return body, json.Unmarshal(b, &body)
}

// ServeHTTP answers as Flinks would. Requests to the API are validated
// against the spec and may meet a pending fault; GET ConnectPath serves a
// stand-in Flinks Connect page that spends its authorizeToken.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := h.now()
	rec := &statusRecorder{ResponseWriter: w}
	// No answer reads the body (see limits.go); the spec validation would
	// read all of it.
	r = r.WithContext(r.Context())
	r.Body = http.NoBody
	if r.URL.Path == ConnectPath {
		h.serveConnect(rec, r)
	} else {
		h.serve(rec, r)
	}
	if h.logger != nil {
		took := float64(h.now().Sub(start)) / float64(time.Millisecond)
		attrs := []slog.Attr{slog.String("method", r.Method),
			slog.Int("status", rec.status), slog.Float64("took_ms", took)}
		if len(rec.notes) > 0 {
			attrs = append(attrs, slog.Any("notes", rec.notes))
		}
		h.logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	}
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	r, ok := h.check(w, r)
	if !ok {
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

// flinks implements the generated server interface, writing the
// generated models.
type flinks struct{ h *Handler }

func (s flinks) GenerateAuthorizeToken(w http.ResponseWriter, r *http.Request, customerID string,
	params fakeapi.GenerateAuthorizeTokenParams) {
	h := s.h
	if !h.secretKeys[params.FlinksAuthKey] {
		note(w, "the secret key is not one the fake accepts (WithSecretKeys)")
		h.writeUnauthorized(w)
		return
	}
	if !h.customerIDs[customerID] {
		note(w, "the customer id is not one the fake accepts (WithCustomerIDs)")
		h.writeUnauthorized(w)
		return
	}
	token := h.issue(customerID)
	writeJSON(w, http.StatusOK, fakeapi.GenerateAuthorizeToken200JSONResponseBody{
		HttpStatusCode: ptr(http.StatusOK), Token: &token,
	})
}

func ptr[T any](v T) *T { return &v }

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, body401{HttpStatusCode: &status, FlinksCode: &code, Message: &message})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
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
	notes  []string // what the log record should say was wrong
}

// note adds msg to the log record of the request ServeHTTP answers with
// w. msg must never hold a value from the request: it names what was
// wrong.
func note(w http.ResponseWriter, msg string) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.notes = append(rec.notes, msg)
	}
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
