package tokenclient

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	flinkstoken "github.com/flinkskit/flinks-token-go"
)

func TestServerMatchesSpec(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(flinkstoken.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, s := range doc.Servers {
		urls = append(urls, s.URL)
		if s.URL != serverTemplate {
			continue
		}
		if v := s.Variables["instance"]; v == nil || v.Default != defaultInstance {
			t.Errorf("got instance variable %+v, want default %q", v, defaultInstance)
		}
		return
	}
	t.Errorf("got servers %q in openapi.yaml, want one to be %q; update serverTemplate", urls, serverTemplate)
}
