package flinkstest

import (
	"errors"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/flinkskit/flinks-token-go/internal/fakeapi"
	"github.com/flinkskit/flinks-token-go/internal/openapi"
)

// FlinksCode values of the fake's own errors. INVALID_REQUEST is Flinks'
// documented code for a request with missing or malformed input; Flinks
// documents none for an unknown path or method, so the fake says what it
// is in the same shape.
const (
	invalidRequest   = "INVALID_REQUEST"
	notFound         = "NOT_FOUND"
	methodNotAllowed = "METHOD_NOT_ALLOWED"
)

// check does, before any other work, what Flinks does to a request
// before it mints: it answers an unknown path 404 and an unknown method
// 405 naming what was wrong, a request without the secret-key header the
// spec's 401, and one that breaks the spec otherwise 400 naming the
// parameter. A required header other than the key that is missing is
// filled in from the spec's default, as Flinks answers such requests (in
// JSON), unless WithStrict. It returns the request to serve, and false if
// it has answered.
func (h *Handler) check(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	route, _, err := h.validator.FindRoute(r)
	if errors.Is(err, routers.ErrMethodNotAllowed) {
		// The fake serves one operation: its method is the one allowed.
		_, allowed, _, _ := h.validator.Operation(tokenOperation)
		w.Header().Set("Allow", allowed)
		writeError(w, http.StatusMethodNotAllowed, methodNotAllowed,
			"method not allowed: this path answers "+allowed+" only")
		return r, false
	}
	if err != nil {
		// The path is not repeated: a caller who swapped the customer id
		// and the secret key sends the key in it.
		writeError(w, http.StatusNotFound, notFound,
			"no operation at this path; the spec's paths are "+
				strings.Join(h.validator.Doc().Paths.InMatchingOrder(), ", "))
		return r, false
	}
	op := route.Operation
	if key := openapi.HeaderParam(op, keyHeader); key != nil && r.Header.Get(key.Name) == "" {
		msg := "header " + key.Name + " is missing"
		for _, other := range []string{"X-Api-Key", "Authorization"} {
			if r.Header.Get(other) != "" {
				msg += "; the request has " + other + ", which Flinks does not read here"
			}
		}
		note(w, msg)
		h.writeUnauthorized(w)
		return r, false
	}
	var filled *http.Request
	for _, ref := range op.Parameters {
		p := ref.Value
		if p == nil || p.In != openapi3.ParameterInHeader || !p.Required ||
			r.Header.Get(p.Name) != "" {
			continue
		}
		def, _ := schemaDefault(p).(string)
		if h.strict || def == "" {
			msg := "header " + p.Name + " is required by the spec"
			if def != "" {
				msg += "; send " + p.Name + ": " + def
			}
			writeError(w, http.StatusBadRequest, invalidRequest, msg)
			return r, false
		}
		if filled == nil {
			filled = r.Clone(r.Context())
		}
		filled.Header.Set(p.Name, def)
		note(w, "header "+p.Name+" is missing, which the spec marks required; answered as "+
			"Flinks does, as if it were "+def+" (flinks-fake -strict, WithStrict: 400)")
	}
	if filled != nil {
		r = filled
	}
	if _, err := h.validator.Request(r); err != nil {
		writeError(w, http.StatusBadRequest, invalidRequest, refusal(err))
		return r, false
	}
	return r, true
}

func (h *Handler) writeUnauthorized(w http.ResponseWriter) {
	writeJSON(w, http.StatusUnauthorized, h.unauthorized)
}

func schemaDefault(p *openapi3.Parameter) any {
	if p.Schema == nil || p.Schema.Value == nil {
		return nil
	}
	return p.Schema.Value.Default
}

// refusal states which parameter made a request fail, never the value
// sent (a header may hold a secret).
func refusal(err error) string {
	if re, ok := errors.AsType[*openapi3filter.RequestError](err); ok && re.Parameter != nil {
		return re.Parameter.In + " parameter " + re.Parameter.Name + " does not match the spec"
	}
	if e, ok := errors.AsType[*fakeapi.TooManyValuesForParamError](err); ok {
		return e.Error() // "Expected one value for <name>, got <n>": no value
	}
	return "the request does not match the spec"
}
