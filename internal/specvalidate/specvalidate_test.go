package specvalidate

import "testing"

func TestPath(t *testing.T) {
	v, err := Load([]byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v9/{customerId}/Things/{kind}:
    post:
      operationId: makeThing
      parameters:
        - {name: customerId, in: path, required: true, schema: {type: string}}
        - {name: kind, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: ok}
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		op      string
		params  map[string]string
		want    string
		wantErr bool
	}{
		{"makeThing", nil, "/v9/{customerId}/Things/{kind}", false},
		{"makeThing", map[string]string{"customerId": "c1"}, "/v9/c1/Things/{kind}", false},
		{"makeThing", map[string]string{"customerId": "c1", "kind": "k"}, "/v9/c1/Things/k", false},
		{"noSuchOperation", nil, "", true},
	}
	for _, tt := range tests {
		got, err := v.Path(tt.op, tt.params)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("Path(%q, %v): got %q, %v; want %q, error %v", tt.op, tt.params, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestMustPathReadsTheEmbeddedSpec(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	want, err := v.Path("generateAuthorizeToken", map[string]string{"customerId": "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := MustPath("generateAuthorizeToken", map[string]string{"customerId": "c1"}); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("MustPath of a missing operation: got no panic, want one")
		}
	}()
	MustPath("noSuchOperation", nil)
}
