# Run `make help` for the targets.
GO   ?= go
TOOL := $(GO) tool -modfile=tools/go.mod
# Generated code is checked by go vet and by check-generated, not restyled.
LINTED = $$($(GO) list ./... | grep -v -e '/api$$' -e '/internal/fakeapi$$')

.PHONY: help demo test generate check-generated update-spec spec-fixtures
.PHONY: example-test example-otel-test bench image

help:
	@echo "make demo              a token from an in-process fake: no credentials, no network"
	@echo "make test              check-generated, go vet, staticcheck, actionlint, go test -race"
	@echo "make generate          regenerate api/ and internal/fakeapi/ from openapi.yaml"
	@echo "make check-generated   fail if api/ or internal/fakeapi/ differ from make generate's"
	@echo "make update-spec       take the Flinks page (or SRC=page.md|-|https://...): validate,"
	@echo "                       report, regenerate and test in a temporary copy, then replace"
	@echo "                       openapi.yaml, api/, internal/fakeapi/, add a CHANGELOG entry"
	@echo "                       (ARGS=-fail-on-breaking)"
	@echo "make spec-fixtures     every spec fixture in cmd/specsync/testdata through specsync"
	@echo "make example-test      vet, staticcheck, test examples/connect in headless Chromium"
	@echo "                       (screenshot under ARTIFACTS, default .artifacts)"
	@echo "make example-otel-test vet, staticcheck, test examples/otel (tracing with otelhttp)"
	@echo "make bench             benchmarks: net/http, the generated client, tokenclient, Pool"
	@echo "make image             the flinks-fake image with podman, offline, from host-built binaries"

demo:
	$(GO) run ./cmd/flinks-token -fake

# examples/connect and examples/otel are modules of their own (chromedp,
# OpenTelemetry), so that the library's go.mod does not grow by them and
# make test does not reach them.
EXAMPLE_TOOL := $(GO) tool -modfile=../../tools/go.mod
ARTIFACTS    ?= $(CURDIR)/.artifacts
example-test:
	cd examples/connect && $(GO) vet ./... && $(EXAMPLE_TOOL) staticcheck ./...
	mkdir -p $(ARTIFACTS)
	cd examples/connect && $(GO) test -race -count=1 -artifacts -outputdir=$(ARTIFACTS) ./...

example-otel-test:
	cd examples/otel && $(GO) vet ./... && $(EXAMPLE_TOOL) staticcheck ./...
	cd examples/otel && $(GO) test -race -count=1 ./...

generate:
	$(GO) generate ./...

# GENERATED are the directories go generate writes (api for importers,
# internal/fakeapi for the fake); specsync replaces them together.
GENERATED = api internal/fakeapi
check-generated:
	rm -f $(addsuffix /*.gen.go,$(GENERATED))
	$(GO) generate ./...
	@if [ -n "$$(git status --porcelain -- $(GENERATED) openapi.yaml)" ]; then \
		git status --short -- $(GENERATED) openapi.yaml; git diff --stat -- $(GENERATED) openapi.yaml; \
		echo "$(GENERATED) are not what make generate produces: run make generate and commit the result (never edit generated code by hand)"; \
		exit 1; \
	fi

# Without SRC, specsync fetches the canonical page it records. make turns
# any failure into its own exit 2; CI uses .github/update-spec.sh, which
# passes specsync's exit code (0, 1, 2, 3) through.
update-spec:
	$(GO) run ./cmd/specsync $(ARGS) $(SRC)

# SA1019 is off: a deprecation Flinks marks in the spec reaches the
# generated names, which tokenclient and the tests must keep using until
# Flinks removes them; specsync reports it instead. specsync's trial runs
# these same checks (cmd/specsync/trial.go).
test: check-generated
	$(GO) vet ./...
	$(TOOL) staticcheck -checks=inherit,-SA1019 $(LINTED)
	$(TOOL) actionlint
	$(GO) test -race ./...

# make test tries one spec fixture per code path of specsync; this tries
# every fixture in cmd/specsync/testdata (CI runs both).
spec-fixtures:
	$(GO) test -count=1 -timeout=30m -run='^(TestFixtures|TestWorkflowScript)$$' ./cmd/specsync -all-fixtures

# Each round runs the clients side by side, so that a busy machine slows
# them alike; benchstat (pinned in tools/go.mod) then prints raw,
# generated and tokenclient in columns with each one's ratio to raw. The
# rounds go to a new temporary file, named at the end. The Pool benchmark
# waits for refills between Gets, so it runs a fixed count.
BENCHCOUNT ?= 6
bench:
	out=$$(mktemp) && for i in $$(seq $(BENCHCOUNT)); do \
		$(GO) test -run='^$$' -bench='Loopback|ClientOnly' -benchmem ./tokenclient >>$$out \
		|| exit 1; \
	done && $(TOOL) benchstat -col /client $$out && echo "rounds in $$out"
	$(GO) test -run='^$$' -bench='Pool' -benchtime=100x -benchmem ./tokenclient

# cmd/flinks-fake/README.md: the Dockerfile's prebuilt stage packages
# these binaries FROM scratch; --format docker keeps the HEALTHCHECK.
image:
	mkdir -p bin/certs
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/ ./cmd/flinks-fake ./cmd/flinks-token
	podman build --format docker -f cmd/flinks-fake/Dockerfile --build-arg BINARIES=prebuilt \
		--target flinks-fake -t flinks-fake .
