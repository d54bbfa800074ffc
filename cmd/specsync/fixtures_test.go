package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

// allFixtures makes TestFixtures and TestWorkflowScript try every
// fixture (make spec-fixtures); without it they try one per code path of
// specsync (marked core), which keeps make test fast.
var allFixtures = flag.Bool("all-fixtures", false, "try every spec fixture, not only one per code path")

// TestFixtures takes plausible next versions of the Flinks page in testdata
// through specsync in its own copy of the module: regenerate, diff, vet,
// staticcheck, go test -race -short. It skips under -short, which is also
// how the trial runs the tests, so it never recurses.
func TestFixtures(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerates the module for every fixture; skipped under -short")
	}
	tests := []struct {
		fixture        string
		core           bool // tried by make test too
		failOnBreaking bool
		wantExit       int
		applied        bool
		report         []string // in the report on stdout
		errText        []string // in the error
		api            string   // in api/*.gen.go when applied
	}{
		// Issue 14's cases, modelled on Flinks' real pages.
		{fixture: "page-uuid-header.md", applied: true, report: []string{"x-request-id", "bump: minor"}, api: "openapi_types.UUID"},
		{fixture: "page-ref-refactor.md", applied: true, report: []string{"No changes to the API", "api: no changes to the exported API", "tokenclient: no changes", "bump: patch"}, api: "JSON200 *GenerateAuthorizeToken200JSONResponseBody"},
		{fixture: "page-header-case.md", applied: true, report: []string{"form only: POST /v3/{customerId}/BankingServices/GenerateAuthorizeToken: header flinks-auth-key is now spelled Flinks-Auth-Key"}},
		{fixture: "page-deprecated.md", applied: true, report: []string{"Deprecation:", "bump: minor", "staticcheck"}, api: "// Deprecated:"},
		// page-default-response.md goes through TestWorkflowScript.
		{fixture: "page-authorize.md", applied: true, report: []string{"compatible api.AuthorizeResponse", "bump: minor"}, api: "func (c *Client) Authorize("},
		// Additive: regenerate, build and pass.
		{fixture: "page-second-operation.md", applied: true, report: []string{"bump: minor", "compatible api.AuthorizeResponse", "compatible api.ClientInterface.Authorize: added (breaks only your own implementations"}, api: "func (c *Client) Authorize("},
		{fixture: "page-instance-enum.md", applied: true, report: []string{"api: no changes to the exported API", "tokenclient: no changes"}},
		{fixture: "page-charset.md", applied: true, report: []string{"`charset` was added", "api: no changes to the exported API"}, api: "JSON200 *GenerateAuthorizeToken200JSONResponseBody"},
		{fixture: "page-server-description.md", applied: true, report: []string{"api: no changes to the exported API", "bump: "}},
		{fixture: "page-optional-params.md", applied: true, report: []string{"bump: minor"}, api: "FlinksRequestId *string"},
		// page-new-response.md goes through TestWorkflowScript.
		{fixture: "page-second-server.md", applied: true, report: []string{"api: no changes to the exported API"}},
		{fixture: "page-optional-field.md", applied: true, report: []string{"0 breaking", "added the optional property `ExpiresIn`", "bump: minor"}, api: "ExpiresIn"},
		{fixture: "page-json-fence.md", applied: true, report: []string{"No changes to the API", "bump: patch"}},
		{fixture: "page-openapi31.md", applied: true, report: []string{"Regenerated api/"}},
		// Breaking: refused under -fail-on-breaking, nothing written...
		{fixture: "page-token-integer.md", failOnBreaking: true, wantExit: 3, report: []string{"BREAKING", "Token", "bump: major"}, errText: []string{"Go: api."}},
		{fixture: "page-v4.md", core: true, failOnBreaking: true, wantExit: 3, report: []string{"BREAKING", "API path removed", "bump: major"}, errText: []string{"wire: POST /v3/{customerId}/BankingServices/GenerateAuthorizeToken"}},
		{fixture: "page-401-to-403-429.md", failOnBreaking: true, wantExit: 3, report: []string{"BREAKING api.GenerateAuthorizeTokenResponse.JSON401: removed", "bump: major"}, errText: []string{"GenerateAuthorizeToken401JSON"}},
		{fixture: "page-no-401.md", failOnBreaking: true, wantExit: 3, report: []string{"BREAKING api.GenerateAuthorizeTokenResponse.JSON401: removed"}},
		{fixture: "page-required-header.md", failOnBreaking: true, wantExit: 3, report: []string{"BREAKING", "flinks-request-id"}},
		// ...and without it applied only when the module builds and passes.
		{fixture: "page-token-integer.md", core: true, wantExit: 1, report: []string{"FAILED at the build", "Most likely cause: Go-level change api.", "bump: none"}, errText: []string{"Token"}},
		{fixture: "page-401-to-403-429.md", wantExit: 1, report: []string{"FAILED at the build", "JSON401"}, errText: []string{"GenerateAuthorizeToken401JSON"}},
		// The path moves: applied, because the tests read it from
		// openapi.yaml; a test that spelled out /v3 would fail the trial.
		{fixture: "page-v4.md", applied: true, report: []string{"bump: major", "API path removed"}, api: "/v4/%s/BankingServices/GenerateAuthorizeToken"},
	}
	for _, tt := range tests {
		name := strings.TrimSuffix(tt.fixture, ".md")
		if tt.failOnBreaking {
			name += "/fail-on-breaking"
		}
		t.Run(name, func(t *testing.T) {
			if !tt.core && !*allFixtures {
				t.Skip("not a code path of its own; make spec-fixtures tries it")
			}
			t.Parallel()
			dir := copyModule(t)
			before := snapshot(t, dir)
			args := []string{fixture(t, tt.fixture)}
			if tt.failOnBreaking {
				args = append([]string{"-fail-on-breaking"}, args...)
			}
			r := syncSpec(t, dir, "", args...)
			if got := exitCode(r.err); got != tt.wantExit {
				t.Fatalf("got %v (exit %d), want exit %d; report:\n%s", r.err, got, tt.wantExit, r.stdout)
			}
			for _, want := range tt.report {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("report lacks %q:\n%s", want, r.stdout)
				}
			}
			for _, want := range tt.errText {
				if r.err == nil || !strings.Contains(r.err.Error(), want) {
					t.Errorf("got error %v, want it to contain %q", r.err, want)
				}
			}
			if !tt.applied {
				if diff := snapshotDiff(before, snapshot(t, dir)); diff != "" {
					t.Errorf("the tree changed although the update failed: %s", diff)
				}
				return
			}
			if log := string(readFile(t, dir, "CHANGELOG.md")); !strings.Contains(log, "- Flinks spec update from "+fixture(t, tt.fixture)) {
				t.Errorf("CHANGELOG.md lacks the update's entry:\n%s", log)
			}
			if !bytes.Equal(r.spec, specOf(t, fixture(t, tt.fixture))) {
				t.Errorf("openapi.yaml is not the page's spec")
			}
			if !strings.Contains(r.api, tt.api) {
				t.Errorf("api/ lacks %q", tt.api)
			}
		})
	}
}
