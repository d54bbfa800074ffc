# Run `make help` for the targets.
GO   ?= go
TOOL := $(GO) tool -modfile=tools/go.mod
# Generated code is checked by go vet and by check-generated, not restyled.
LINTED = $$($(GO) list ./... | grep -v -e '/api$$' -e '/internal/fakeapi$$')

.PHONY: help demo example example-test example-otel-test generate check-generated update-spec lint vet staticcheck test spec-fixtures bench fuzz image

help:
	@echo "make demo             mint a token from an in-process fake Flinks (no credentials, no network)"
	@echo "make generate         regenerate api/ from openapi.yaml and oapi-codegen.yaml"
	@echo "make check-generated  regenerate from scratch; fail if api/ differs from what is committed"
	@echo "make update-spec      take the Flinks page (or SRC=page.md|-|https://…): validate, report, regenerate,"
	@echo "                       test in a temporary copy, then replace openapi.yaml and api/ (ARGS=-fail-on-breaking)"
	@echo "make lint             actionlint on .github/workflows"
	@echo "make test             check-generated, go vet, staticcheck, actionlint, go test -race ./..."
	@echo "make spec-fixtures    take every spec fixture in cmd/specsync/testdata through specsync (slow; CI runs it)"
	@echo "make example          serve examples/connect on EXAMPLE_ADDR (default 127.0.0.1:8080): a page embedding"
	@echo "                       Flinks Connect, offline on the fake"
	@echo "make example-test     vet, staticcheck and test examples/connect, in headless Chromium (screenshot under ARTIFACTS)"
	@echo "make example-otel-test vet, staticcheck and test examples/otel (OpenTelemetry tracing, docs/observability.md)"
	@echo "make bench            client benchmarks (raw net/http vs generated vs tokenclient) and the Pool"
	@echo "make fuzz             fuzz tokenclient's response handling for FUZZTIME (default 30s)"
	@echo "make image            build the flinks-fake image with podman, offline, from host-built binaries"

demo:
	$(GO) run ./cmd/flinks-token -fake

# examples/connect is its own module (it needs chromedp), so make test
# does not reach it.
EXAMPLE_ADDR ?= 127.0.0.1:8080
ARTIFACTS    ?= $(CURDIR)/.artifacts
example:
	cd examples/connect && $(GO) run . -fake -addr $(EXAMPLE_ADDR)

example-test:
	cd examples/connect && $(GO) vet ./... && $(GO) tool -modfile=../../tools/go.mod staticcheck ./...
	mkdir -p $(ARTIFACTS)
	cd examples/connect && $(GO) test -race -count=1 -artifacts -outputdir=$(ARTIFACTS) ./...

# examples/otel is its own module too, so that the library's go.mod does
# not grow by OpenTelemetry.
example-otel-test:
	cd examples/otel && $(GO) vet ./... && $(GO) tool -modfile=../../tools/go.mod staticcheck ./...
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

lint:
	$(TOOL) actionlint

vet:
	$(GO) vet ./...

# SA1019 is off: a deprecation Flinks marks in the spec reaches the
# generated names, which tokenclient and the tests must keep using until
# Flinks removes them; specsync reports it instead. specsync's trial runs
# these same checks (cmd/specsync/trial.go).
staticcheck:
	$(TOOL) staticcheck -checks=inherit,-SA1019 $(LINTED)

test: check-generated vet staticcheck lint
	$(GO) test -race ./...

# make test tries one spec fixture per code path of specsync; this tries
# every fixture in cmd/specsync/testdata (CI runs both).
spec-fixtures:
	$(GO) test -count=1 -timeout=30m -run='^(TestFixtures|TestWorkflowScript)$$' ./cmd/specsync -all-fixtures

# Each round runs the clients side by side, so that a busy machine slows
# them alike; benchstat (pinned in tools/go.mod) then prints raw,
# generated and tokenclient in columns with each one's ratio to raw. The
# Pool benchmark waits for refills between Gets, so it runs a fixed count.
BENCHCOUNT ?= 6
BENCHOUT   ?= $(or $(TMPDIR),/tmp)/flinks-token-bench.txt
bench:
	rm -f $(BENCHOUT)
	for i in $$(seq $(BENCHCOUNT)); do \
		$(GO) test -run='^$$' -bench='Loopback|ClientOnly' -benchmem ./tokenclient >> $(BENCHOUT) || exit 1; \
	done
	$(TOOL) benchstat -col /client $(BENCHOUT)
	$(GO) test -run='^$$' -bench='Pool' -benchtime=100x -benchmem ./tokenclient

FUZZTIME ?= 30s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzResponse -fuzztime=$(FUZZTIME) ./tokenclient

# cmd/flinks-fake/README.md: the Dockerfile's prebuilt stage packages
# these binaries FROM scratch; --format docker keeps the HEALTHCHECK.
image:
	mkdir -p bin/certs
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/ ./cmd/flinks-fake ./cmd/flinks-token
	podman build --format docker -f cmd/flinks-fake/Dockerfile --build-arg BINARIES=prebuilt \
		--target flinks-fake -t flinks-fake .
