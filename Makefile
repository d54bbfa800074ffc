# Run `make help` for the targets.
GO   ?= go
TOOL := $(GO) tool -modfile=tools/go.mod
# Generated code is checked by go vet and by check-generated, not restyled.
LINTED = $$($(GO) list ./... | grep -v -e '/api$$' -e '/internal/fakeapi$$')

.PHONY: help demo test generate check-generated update-spec spec-fixtures
.PHONY: example-test bench image

help:
	@echo "make demo              a token from an in-process fake: no credentials, no network"
	@echo "make test              check-generated, go vet, staticcheck, actionlint, go test -race"
	@echo "make generate          regenerate api/ and internal/fakeapi/ from openapi.yaml"
	@echo "make check-generated   fail if api/ or internal/fakeapi/ differ from make generate's"
	@echo "make update-spec       take the Flinks page (or SRC=page.md|-|https://...) as openapi.yaml:"
	@echo "                       validate, generate, report oasdiff and apidiff, write, then list"
	@echo "                       what fails to build or test (ARGS=-fail-on-breaking; git diff)"
	@echo "make spec-fixtures     the spec tool's tests, a page applied green and one red included"
	@echo "make example-test      vet, staticcheck, test examples/otel (tracing with otelhttp) and"
	@echo "                       examples/connect in headless Chromium (screenshot under"
	@echo "                       ARTIFACTS, default .artifacts)"
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
	cd examples/otel && $(GO) vet ./... && $(EXAMPLE_TOOL) staticcheck ./...
	cd examples/otel && $(GO) test -race -count=1 ./...
	cd examples/connect && $(GO) vet ./... && $(EXAMPLE_TOOL) staticcheck ./...
	mkdir -p $(ARTIFACTS)
	cd examples/connect && $(GO) test -race -count=1 -artifacts -outputdir=$(ARTIFACTS) ./...

generate:
	$(GO) generate ./...

# check-generated generates into a temporary directory and compares each
# file specsync writes there: it never touches the work tree.
check-generated:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) -C tools run ./specsync -generate -dir .. -out "$$tmp" && \
	for f in $$(cd "$$tmp" && find . -type f | sed 's|^\./||'); do \
		cmp -s "$$f" "$$tmp/$$f" || { \
			echo "$$f is not what make generate produces from openapi.yaml: run make generate"; \
			exit 1; }; \
	done

# specsync is built and run from the module root, so that SRC is a path
# from here; make turns its exit codes (tools/specsync/README.md) into its
# own 2, so the workflow runs the binary itself.
update-spec:
	$(GO) build -C tools -o $(CURDIR)/bin/specsync ./specsync
	bin/specsync $(ARGS) $(SRC)

# SA1019 is off: a deprecation Flinks marks in the spec reaches the
# generated names, which tokenclient and the tests must keep using until
# Flinks removes them; specsync's report shows it instead.
# go vet runs every analyzer, so go test's own vet pass (a subset) is off.
test: check-generated
	$(GO) vet ./...
	$(TOOL) staticcheck -checks=inherit,-SA1019 $(LINTED)
	$(TOOL) actionlint
	$(GO) test -race -vet=off ./...
	cd tools && $(GO) vet ./specsync && $(GO) tool staticcheck ./specsync && \
		$(GO) test -race -vet=off ./specsync

# The spec tool lives in the tools module: make test runs its quick
# tests, spec-fixtures also the two that apply a page to a copy of the
# module and build and test it there.
spec-fixtures:
	cd tools && $(GO) test -count=1 -timeout=30m ./specsync -apply

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
