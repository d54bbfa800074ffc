package flinkstoken_test

import (
	"bytes"
	"os"
	"testing"

	flinkstoken "github.com/flinkskit/flinks-token-go"
	"github.com/flinkskit/flinks-token-go/internal/openapi"
)

// seedPage is the Flinks documentation page openapi.yaml comes from; CI
// checks out ../shared beside the repository.
const seedPage = "../shared/seeds/000_a7b26519c73d0d0e.txt"

func TestOpenAPIIsTheSeedPagesYAMLBlock(t *testing.T) {
	page, err := os.ReadFile(seedPage)
	if os.IsNotExist(err) {
		t.Skipf("%s is not checked out beside the repository", seedPage)
	}
	if err != nil {
		t.Fatal(err)
	}
	want, err := openapi.Extract(page)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(flinkstoken.OpenAPI, want) {
		t.Errorf("openapi.yaml differs from the yaml block of %s; run make update-spec SRC=%s",
			seedPage, seedPage)
	}
}

func TestOpenAPIIsValid(t *testing.T) {
	v, err := openapi.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range v.Doc().Paths.Map() {
		if item.Post != nil && item.Post.OperationID == "generateAuthorizeToken" {
			return
		}
	}
	t.Errorf("spec has no POST operation generateAuthorizeToken")
}
