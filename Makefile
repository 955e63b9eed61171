# Conductor Reports. The contract: `make run` and `make test` work from a
# fresh clone (see README.md).
SHELL := /bin/bash
GO ?= go
export PATH := $(PATH):/usr/local/go/bin
BIN := bin/reportsd
COVER_MIN ?= 80
CHDB_LIB ?= $(or $(REPORTS_CHDB_DIR),$(HOME)/.cache/reports-chdb)/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so

.PHONY: run build test test-deps lint bench cover clean web-build web-test web-e2e

# The web UI (web/): npm packages from the lockfile, a Vite build into
# web/dist/app that the binary embeds. Both are redone only when their
# inputs changed.
WEB_DEPS := web/node_modules/.package-lock.json
WEB_BUILD := web/dist/app/index.html
WEB_SRC := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json

## run: build and serve the embedded default with demo data on http://127.0.0.1:8080
##      (LIVE=N: demo events per second, default 5)
run: build
	./$(BIN) serve --demo --live $(or $(LIVE),5)

## build: build the web UI (when its sources changed) and compile the
##        server, with the UI embedded, into bin/reportsd
build: web-build
	$(GO) build -o $(BIN) ./cmd/reportsd

$(WEB_DEPS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB_BUILD): $(WEB_DEPS) $(WEB_SRC)
	cd web && npm run build

## web-build: build the web UI into web/dist/app (npm ci + tsc + vite build)
web-build: $(WEB_BUILD)

## web-test: type-check the web UI and run its unit tests (Vitest)
web-test: $(WEB_DEPS)
	cd web && npm run typecheck && npx vitest run

## web-e2e: the UI end to end on a real `reportsd serve --demo` in headless
##          Debian chromium with axe-core (screenshots in web/e2e/artifacts/)
web-e2e: build
	cd web && REPORTSD=$(CURDIR)/$(BIN) npm run e2e

## test-deps: install what the tests need when missing (PostgreSQL and
##            ClickHouse binaries, chromium for the UI's end-to-end test)
test-deps:
	@scripts/test-deps.sh

## test: lint, every Go test with the race detector, then the end-to-end
## tests (internal/e2e, race-free: see its files) and the ClickHouse DDL/SQL
## on a modern engine (chDB); the web UI's type check and unit tests
## (web-test) and its end-to-end test in chromium (web-e2e); total
## coverage >= COVER_MIN %
test: test-deps lint web-test web-e2e
	$(GO) test -race -count=1 -timeout 20m -covermode=atomic -coverpkg=./... -coverprofile=coverage-race.out ./...
	$(GO) test -count=1 -timeout 20m -covermode=atomic -coverpkg=./... -coverprofile=coverage-e2e.out ./internal/e2e/
	CHDB_LIB_PATH=$(CHDB_LIB) $(GO) test -count=1 -tags chdb -run TestModernEngine ./store/clickhouse/
	@scripts/coverage.sh coverage.out $(COVER_MIN) coverage-race.out coverage-e2e.out

## lint: gofmt, go vet and the dependency rule
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -count=1 ./internal/archtest/

## bench: run the Go benchmarks (figures go to docs/benchmarks.md)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## cover: HTML coverage report of the last `make test`
cover:
	$(GO) tool cover -html=coverage.out -o coverage.html

clean:
	rm -rf bin coverage.out coverage.html web/dist/app
