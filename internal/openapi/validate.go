package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	flinkstoken "github.com/flinkskit/flinks-token-go"
)

// Validator validates requests and responses against one loaded spec.
// It is safe for concurrent use.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
}

// New loads and validates the embedded openapi.yaml.
func New() (*Validator, error) {
	return Load(flinkstoken.OpenAPI)
}

// Load loads and validates spec (YAML or JSON). Media types are compared
// without parameters (BareMediaTypes). The spec's servers are
// dropped from routing so that traffic to a loopback fake matches the same
// operations as traffic to https://{instance}-api.private.fin.ag.
func Load(spec []byte) (*Validator, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("openapi: load spec: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi: invalid spec: %w", err)
	}
	// Compare media types without parameters, as the generated code does:
	// the fake answers application/json where the page may say
	// application/json; charset=utf-8.
	BareMediaTypes(doc)
	routed := *doc
	routed.Servers = nil
	router, err := gorillamux.NewRouter(&routed)
	if err != nil {
		return nil, fmt.Errorf("openapi: build router: %w", err)
	}
	return &Validator{doc: doc, router: router}, nil
}

// Doc returns the loaded spec.
func (v *Validator) Doc() *openapi3.T { return v.doc }

// FindRoute returns the spec's operation for req's method and path, and
// the path parameters; the error wraps routers.ErrPathNotFound or
// routers.ErrMethodNotAllowed.
func (v *Validator) FindRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	return v.router.FindRoute(req)
}

// Operation returns the operation with the given operationId, its method
// and its path template.
func (v *Validator) Operation(operationID string) (
	op *openapi3.Operation, method, path string, err error,
) {
	return operation(v.doc, operationID)
}

func operation(doc *openapi3.T, operationID string) (
	op *openapi3.Operation, method, path string, err error,
) {
	for tmpl, item := range doc.Paths.Map() {
		for m, op := range item.Operations() {
			if op.OperationID == operationID {
				return op, m, tmpl, nil
			}
		}
	}
	return nil, "", "", fmt.Errorf("openapi: no operation %q in the spec", operationID)
}

// EditOperation returns a copy of spec (YAML or JSON) in which edit has
// changed the operation with the given operationId, serialised as JSON,
// which Load reads as it reads YAML. Tests derive variants of the spec
// with it (a header renamed, a parameter added) by editing the parsed
// document, so that they hold whatever the page's layout.
func EditOperation(spec []byte, operationID string,
	edit func(*openapi3.Operation)) ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("openapi: load spec: %w", err)
	}
	op, _, _, err := operation(doc, operationID)
	if err != nil {
		return nil, err
	}
	edit(op)
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi: serialise the edited spec: %w", err)
	}
	return out, nil
}

// HeaderParam returns op's header parameter name, compared as HTTP
// compares header names (without regard to letter case), or nil. The
// returned parameter carries the spec's own spelling.
func HeaderParam(op *openapi3.Operation, name string) *openapi3.Parameter {
	for _, ref := range op.Parameters {
		if p := ref.Value; p != nil && p.In == openapi3.ParameterInHeader &&
			strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

// Example returns, as JSON, the example of op's response with the given
// status and media type.
func Example(op *openapi3.Operation, status int, mediaType string) ([]byte, error) {
	resp := op.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		return nil, fmt.Errorf("openapi: operation %q has no %d response", op.OperationID, status)
	}
	mt := resp.Value.Content.Get(mediaType)
	if mt == nil || mt.Example == nil {
		return nil, fmt.Errorf("openapi: the %d response of %q has no %s example",
			status, op.OperationID, mediaType)
	}
	return json.Marshal(mt.Example)
}

// Request validates req (method, path, parameters, body) and returns the
// input needed to validate the matching response. req's body, if any, is
// restored so it can still be read afterwards.
func (v *Validator) Request(req *http.Request) (*openapi3filter.RequestValidationInput, error) {
	route, pathParams, err := v.router.FindRoute(req)
	if err != nil {
		return nil, fmt.Errorf("no operation in the spec for %s %s: %w",
			req.Method, req.URL.Path, err)
	}
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, fmt.Errorf("read request body: %w", err)
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		defer func() { req.Body = io.NopCloser(bytes.NewReader(body)) }()
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: pathParams,
		Route:      route,
		Options:    &openapi3filter.Options{MultiError: true},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return in, err
	}
	return in, nil
}

// Response validates a response to the request described by in.
func (v *Validator) Response(in *openapi3filter.RequestValidationInput, status int,
	header http.Header, body []byte) error {
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			MultiError:            true,
			IncludeResponseStatus: true,
		},
	}
	return openapi3filter.ValidateResponse(context.Background(), out)
}

// Path returns the path of the operation with the given operationId, its
// {…} segments filled from values in order (left as templates when values
// run out), so that tests follow the spec when Flinks moves the operation
// or renames a path parameter.
func (v *Validator) Path(operationID string, values ...string) (string, error) {
	_, _, tmpl, err := v.Operation(operationID)
	if err != nil {
		return "", err
	}
	segs := strings.Split(tmpl, "/")
	for i, seg := range segs {
		if len(values) == 0 {
			break
		}
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			segs[i], values = values[0], values[1:]
		}
	}
	return strings.Join(segs, "/"), nil
}

// MustPath is Path on the embedded openapi.yaml for tests' package-level
// variables; it panics if the spec does not load or lacks the operation.
func MustPath(operationID string, values ...string) string {
	v, err := New()
	if err != nil {
		panic(err)
	}
	p, err := v.Path(operationID, values...)
	if err != nil {
		panic(err)
	}
	return p
}
