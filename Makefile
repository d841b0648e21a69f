# Petrel developer targets. Nothing here listens on port 6379: tests use
# random loopback ports, and `make run` defaults to PORT=7379.

GO            ?= go
PORT          ?= 7379
ARGS          ?=
RUN           ?=
VALKEY_SERVER ?=
FUZZTIME      ?= 10s
BENCH         ?= .
BENCHPKGS     ?= ./...
BIN           ?= bin/petrel-server

# Packages whose code runs on many goroutines at once: also tested under
# the race detector.
RACE_PKGS = ./internal/server/... ./internal/keyspace/... ./internal/commands/... ./test/diff/...

.PHONY: all test vet fmt-check golden golden-check run build bench fuzz-smoke clean

all: build test

## test: go vet, gofmt check, all tests, and -race on the concurrent packages.
test: vet fmt-check
	$(GO) test ./...
	$(GO) test -race $(RACE_PKGS)
	$(GO) test -race -run TestNodeMemConcurrent ./internal/types/list

vet:
	$(GO) vet ./...

fmt-check:
	@out="$$(gofmt -l .)"; \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## golden: re-record test/diff goldens from a real Valkey 9:
##   make golden VALKEY_SERVER=/path/to/valkey-server [RUN=family[/case]]
## (-tags diffrecord leaves Petrel out: recording works while it does not build)
golden:
	@if [ -z "$(VALKEY_SERVER)" ]; then echo "usage: make golden VALKEY_SERVER=/path/to/valkey-server [RUN=family/case]"; exit 2; fi
	DIFF_RECORD=1 VALKEY_SERVER="$(abspath $(VALKEY_SERVER))" \
		$(GO) test -tags diffrecord ./test/diff -count=1 -run 'TestDiff/$(RUN)'

## golden-check: check every golden against live Valkey, without Petrel.
golden-check:
	@if [ -z "$(VALKEY_SERVER)" ]; then echo "usage: make golden-check VALKEY_SERVER=/path/to/valkey-server [RUN=family/case]"; exit 2; fi
	VALKEY_SERVER="$(abspath $(VALKEY_SERVER))" \
		$(GO) test -tags diffrecord ./test/diff -count=1 -run 'TestDiff/$(RUN)'

## run: run the server in the foreground (make run PORT=7379 ARGS='--loglevel debug').
run:
	$(GO) run ./cmd/petrel-server --port $(PORT) $(ARGS)

## build: build the server binary into bin/.
build:
	$(GO) build -o $(BIN) ./cmd/petrel-server

## bench: Go benchmarks with allocation counts (BENCH=regexp BENCHPKGS=./internal/...).
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem $(BENCHPKGS)

## fuzz-smoke: run every fuzz target for FUZZTIME each.
fuzz-smoke:
	@set -e; \
	for f in $$(grep -rl --include='*_test.go' '^func Fuzz' . ); do \
		dir=$$(dirname $$f); \
		for fn in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "== $$dir $$fn"; \
			$(GO) test $$dir -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME); \
		done; \
	done

clean:
	rm -rf bin
