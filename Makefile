# grid110 — the two commands a newcomer needs:
#   make run    install what is missing, start PostgreSQL+PostGIS, migrate,
#               load the demo city when the database is empty, serve :8080
#   make test   the same set-up, then vet, gofmt, every Go test with -race,
#               and the browser tests of the web pages (scripts/browser-test.sh)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
BIN := bin/grid110
ADDR ?= :8080
DEMO_SEED ?= 1

.PHONY: run test build check web browser-test screenshots bench clean

build:
	$(GO) build -o $(BIN) ./cmd/grid110

run: build
	url=$${DATABASE_URL:-$$(bash scripts/db.sh grid110)}; \
	./$(BIN) migrate --database "$$url"; \
	./$(BIN) demo --database "$$url" --seed $(DEMO_SEED) --if-empty; \
	exec ./$(BIN) serve --database "$$url" --addr $(ADDR)

check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test: check
	base=$$(bash scripts/db.sh); \
	export TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$$base/postgres}; \
	$(GO) test -race -count=1 -timeout 40m ./...
	bash scripts/browser-test.sh

# The front end: web/dist is committed (go build embeds it), so rebuild and
# commit it after changing web/; browser-test.sh fails when it is stale.
web:
	cd web && npm ci --no-audit --no-fund && npm run build

browser-test:
	bash scripts/browser-test.sh

# Retakes docs/command-centre.png and docs/resident.png.
screenshots:
	UPDATE_SCREENSHOTS=1 bash scripts/browser-test.sh

bench: build
	bash bench/run.sh

clean:
	rm -rf bin
