package flinkstest

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/flinkskit/flinks-token-go/internal/fakeapi"
	"github.com/flinkskit/flinks-token-go/internal/specvalidate"
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
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		h.writeMethodNotAllowed(w, r)
		return r, false
	case err != nil:
		writeError(w, http.StatusNotFound, notFound, "no operation at this path: "+h.diagnosePath(r.URL.Path))
		return r, false
	}
	op := route.Operation
	if key := specvalidate.HeaderParam(op, keyHeader); key != nil && r.Header.Get(key.Name) == "" {
		msg := "header " + key.Name + " is missing"
		for _, other := range []string{"X-Api-Key", "Authorization"} {
			if r.Header.Get(other) != "" {
				msg += "; the request has " + other + ", which Flinks does not read here"
			}
		}
		note(r.Context(), msg)
		h.writeUnauthorized(w)
		return r, false
	}
	var filled *http.Request
	for _, ref := range op.Parameters {
		p := ref.Value
		if p == nil || p.In != openapi3.ParameterInHeader || !p.Required || r.Header.Get(p.Name) != "" {
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
		note(r.Context(), "header "+p.Name+" is missing, which the spec marks required; answered as Flinks does, as if it were "+def+" (flinks-fake -strict, flinkstest.WithStrict: 400)")
	}
	if filled != nil {
		r = filled
	}
	if _, err := h.validator.Request(r); err != nil {
		writeError(w, http.StatusBadRequest, invalidRequest, describeInvalid(err))
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

// writeMethodNotAllowed answers 405 with the methods the spec gives the
// request's path.
func (h *Handler) writeMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	if item, tmpl := h.pathItem(r.URL.Path); item != nil {
		for m := range item.Operations() {
			allowed = append(allowed, m)
		}
		slices.Sort(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, http.StatusMethodNotAllowed, methodNotAllowed,
			fmt.Sprintf("method not allowed: %s answers %s only", tmpl, strings.Join(allowed, ", ")))
		return
	}
	writeError(w, http.StatusMethodNotAllowed, methodNotAllowed, "method not allowed at this path")
}

// pathItem returns the spec's path that p matches, and its template.
func (h *Handler) pathItem(p string) (*openapi3.PathItem, string) {
	segs := strings.Split(p, "/")
	for _, tmpl := range h.validator.Doc().Paths.InMatchingOrder() {
		t := strings.Split(tmpl, "/")
		if len(t) == len(segs) && mismatch(t, segs) < 0 {
			return h.validator.Doc().Paths.Value(tmpl), tmpl
		}
	}
	return nil, ""
}

// mismatch returns the index of the first segment of segs that template
// t does not allow (a different literal, or an empty parameter), or -1.
func mismatch(t, segs []string) int {
	for i := range min(len(t), len(segs)) {
		if isParam(t[i]) {
			if segs[i] == "" {
				return i
			}
		} else if t[i] != segs[i] {
			return i
		}
	}
	return -1
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

// diagnosePath says which segment of p keeps it from the spec's nearest
// path (the one it agrees with longest), naming segments by position and
// the spec's spelling, never repeating what p holds: a caller who swapped
// the customer id and the secret key sends the key in the path.
func (h *Handler) diagnosePath(p string) string {
	segs := strings.Split(p, "/")
	best, bestAt := "", -2
	paths := h.validator.Doc().Paths.InMatchingOrder()
	for _, tmpl := range paths {
		at := mismatch(strings.Split(tmpl, "/"), segs)
		if at < 0 {
			at = len(segs)
		}
		if at > bestAt {
			best, bestAt = tmpl, at
		}
	}
	if best == "" {
		return "the spec has no paths"
	}
	t := strings.Split(best, "/")
	if len(t) != len(segs) {
		return fmt.Sprintf("the path has %d segments where the spec's %s has %d", len(segs)-1, best, len(t)-1)
	}
	i := mismatch(t, segs)
	// Positions count from 1 after the leading slash, as a reader counts
	// the segments of /v3/{customerId}/….
	switch {
	case i >= 0 && isParam(t[i]):
		return fmt.Sprintf("segment %d, %s, is empty (the spec's path is %s)", i, t[i], best)
	case i >= 0 && strings.EqualFold(t[i], segs[i]):
		return fmt.Sprintf("segment %d differs from %q in letter case (the spec's path is %s)", i, t[i], best)
	case i >= 0:
		return fmt.Sprintf("segment %d is not %q (the spec's path is %s)", i, t[i], best)
	}
	return "it does not match the spec's " + best
}

// describeInvalid names, in the spec's spelling, what made a request fail
// validation, without kin-openapi's wording or the values sent (a header
// may hold a secret).
func describeInvalid(err error) string {
	var errs []error
	if me, ok := errors.AsType[openapi3.MultiError](err); ok {
		errs = me
	} else {
		errs = []error{err}
	}
	var parts []string
	for _, e := range errs {
		re, ok := errors.AsType[*openapi3filter.RequestError](e)
		switch {
		case ok && re.Parameter != nil:
			what := re.Parameter.In + " parameter " + re.Parameter.Name
			if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) || errors.Is(re, openapi3filter.ErrInvalidRequired) {
				parts = append(parts, what+" is required by the spec")
			} else {
				parts = append(parts, what+" does not match the spec's schema"+schemaHint(re.Parameter))
			}
		case ok && re.RequestBody != nil:
			parts = append(parts, "the request body does not match the spec")
		default:
			parts = append(parts, "the request does not match the spec")
		}
	}
	return strings.Join(slices.Compact(parts), "; ")
}

func schemaHint(p *openapi3.Parameter) string {
	if p.Schema == nil || p.Schema.Value == nil {
		return ""
	}
	s := p.Schema.Value
	var hint []string
	if s.Type != nil && len(*s.Type) > 0 {
		hint = append(hint, "type "+strings.Join(*s.Type, "|"))
	}
	if s.Format != "" {
		hint = append(hint, "format "+s.Format)
	}
	if len(hint) == 0 {
		return ""
	}
	return " (" + strings.Join(hint, ", ") + ")"
}

// generatedRefusal names, without the generated code's wording or the
// value sent, the parameter the generated server refused.
func generatedRefusal(err error) string {
	if e, ok := errors.AsType[*fakeapi.TooManyValuesForParamError](err); ok {
		return fmt.Sprintf("parameter %s was sent %d times; send it once", e.ParamName, e.Count)
	}
	var name string
	if e, ok := errors.AsType[*fakeapi.InvalidParamFormatError](err); ok {
		name = e.ParamName
	} else if e, ok := errors.AsType[*fakeapi.RequiredHeaderError](err); ok {
		name = e.ParamName
	} else if e, ok := errors.AsType[*fakeapi.RequiredParamError](err); ok {
		name = e.ParamName
	}
	if name == "" {
		return "the request does not match the spec"
	}
	return "parameter " + name + " is missing or malformed"
}
