# Saldo developer tasks. `make` lists them.
#
# PostgreSQL and Redis: the targets that need them start private servers in .data/
# (scripts/services.sh) unless DATABASE_URL / REDIS_URL are set. They keep running
# between targets; `make services-stop` stops them.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

GO ?= go
BIN := .bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

SERVICES := $(CURDIR)/scripts/services.sh
# Prefix for a recipe line that needs the services: starts them and exports
# DATABASE_URL and REDIS_URL for the rest of that line.
WITH_SERVICES = $(SERVICES) start && services_env=$$($(SERVICES) env) && eval "$$services_env" &&

# ---------------------------------------------------------------- pinned tools

SWAG_VERSION          := v1.16.6
MOCKERY_VERSION       := v2.53.7
GOLANGCI_LINT_VERSION := v2.15.0
GOTESTSUM_VERSION     := v1.13.0
STRIPE_MOCK_VERSION   := v0.203.0

SWAG          := $(BIN)/swag
MOCKERY       := $(BIN)/mockery
GOLANGCI_LINT := $(BIN)/golangci-lint
GOTESTSUM     := $(BIN)/gotestsum
STRIPE_MOCK   := $(BIN)/stripe-mock

# go-tool NAME PACKAGE VERSION: .bin/NAME is installed when missing, and again when
# its pinned VERSION changes (a stamp file per version in .bin/.versions).
define go-tool
$(BIN)/$(1): $(BIN)/.versions/$(1)@$(3)
	@echo "installing $(1) $(3)"
	GOBIN=$(CURDIR)/$(BIN) $(GO) install $(2)@$(3)
	@touch $$@
endef
$(eval $(call go-tool,swag,github.com/swaggo/swag/cmd/swag,$(SWAG_VERSION)))
$(eval $(call go-tool,mockery,github.com/vektra/mockery/v2,$(MOCKERY_VERSION)))
$(eval $(call go-tool,golangci-lint,github.com/golangci/golangci-lint/v2/cmd/golangci-lint,$(GOLANGCI_LINT_VERSION)))
$(eval $(call go-tool,gotestsum,gotest.tools/gotestsum,$(GOTESTSUM_VERSION)))
$(eval $(call go-tool,stripe-mock,github.com/stripe/stripe-mock,$(STRIPE_MOCK_VERSION)))

$(BIN)/.versions/%:
	@mkdir -p $(@D)
	@rm -f $(@D)/$(firstword $(subst @, ,$*))@*
	@touch $@

# ---------------------------------------------------------------- settings

SWAG_FLAGS     ?= --generalInfo api/router.go --dir ./ --output docs --outputTypes go,json,yaml --parseInternal --templateDelims "[[,]]"
DOCS_DIR       := docs
MOCKS_DIR      := ports/mocks
MIGRATIONS_DIR := migrations
GOTEST_FLAGS   ?= -count=1 -p 2
BENCH_FLAGS    ?=

# Go files to format: tracked and untracked-but-not-ignored, that exist.
GO_FILES = { git ls-files -co --exclude-standard -- '*.go' 2>/dev/null || find . -name '*.go' -not -path './.*'; } \
	| while IFS= read -r f; do if [ -f "$$f" ]; then echo "$$f"; fi; done

# -race needs cgo, hence a C compiler: installed with apt-get when root and missing,
# otherwise the tests run without -race and say so.
RACE = race=-race; \
	if ! command -v "$$($(GO) env CC | cut -d' ' -f1)" >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing gcc (needed by -race) ..."; \
			{ DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev; } >/dev/null; \
		else \
			echo "warning: no C compiler, running tests WITHOUT -race (install gcc to enable it)" >&2; race=; \
		fi; \
	fi

# The browser tests drive Debian's Chromium: installed with apt-get when root and missing.
CHROMIUM = if ! command -v chromium >/dev/null 2>&1 && [ -z "$${SALDO_CHROMIUM:-}" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing chromium (browser tests) ..."; \
			{ DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null; \
		else \
			echo "the browser tests need Chromium: apt-get install chromium (or set SALDO_CHROMIUM)" >&2; exit 1; \
		fi; \
	fi

# ---------------------------------------------------------------- targets

.PHONY: help
help: ## Show this help
	@if [ -t 1 ]; then c='\033[36m' r='\033[0m'; else c= r=; fi; \
	awk -v c="$$c" -v r="$$r" 'BEGIN { FS = ":.*## "; printf "Usage: make <target>\n\n" } \
		/^[a-zA-Z0-9_-]+:.*## / { printf "  %s%-16s%s %s\n", c, $$1, r, $$2 }' $(MAKEFILE_LIST)

.PHONY: tools
tools: $(SWAG) $(MOCKERY) $(GOTESTSUM) ## Install the pinned tools into .bin (golangci-lint is built by `make lint`)

.PHONY: build
build: ## Build .bin/saldo
	$(GO) build -o $(BIN)/saldo ./cmd/saldo

.PHONY: run
run: build ## Start PostgreSQL + Redis, migrate, seed demo data, serve on HTTP_ADDR (default :8080)
	@$(CURDIR)/scripts/run.sh

.PHONY: test
test test-short: export STRIPE_MOCK_BIN := $(CURDIR)/$(STRIPE_MOCK)
test: $(GOTESTSUM) $(STRIPE_MOCK) ## Run all tests with -race, browser tests included (starts PostgreSQL + Redis; `make services-stop` stops them)
	@$(CHROMIUM)
	@$(RACE); $(WITH_SERVICES) export SALDO_TEST_DATABASE_URL="$${SALDO_TEST_DATABASE_URL:-$$DATABASE_URL}" && \
		gotestsum --format pkgname-and-test-fails -- $$race $(GOTEST_FLAGS) ./...

.PHONY: test-short
test-short: $(GOTESTSUM) $(STRIPE_MOCK) ## Run the tests with -short
	@$(RACE); $(WITH_SERVICES) export SALDO_TEST_DATABASE_URL="$${SALDO_TEST_DATABASE_URL:-$$DATABASE_URL}" && \
		gotestsum --format pkgname-and-test-fails -- $$race $(GOTEST_FLAGS) -short ./...

.PHONY: screenshots
screenshots: ## Regenerate docs/screenshots (the console in Chromium, desktop and phone)
	@$(CHROMIUM)
	@$(WITH_SERVICES) export SALDO_TEST_DATABASE_URL="$${SALDO_TEST_DATABASE_URL:-$$DATABASE_URL}" SALDO_SCREENSHOTS=$(CURDIR)/docs/screenshots && \
		$(GO) test -count=1 -run 'TestConsoleInTheBrowser|TestCampaignInTheBrowser' ./cmd/saldo/

.PHONY: bench
bench: build ## Run cmd/saldo-bench against local services and print its figures (BENCH_FLAGS=...)
	@if [ ! -d cmd/saldo-bench ]; then echo "cmd/saldo-bench does not exist yet" >&2; exit 1; fi
	$(GO) build -o $(BIN)/saldo-bench ./cmd/saldo-bench
	@$(WITH_SERVICES) $(BIN)/saldo-bench $(BENCH_FLAGS)

.PHONY: lint
lint: $(GOLANGCI_LINT) ## Run golangci-lint (.golangci.yml); first run builds it (~90 s)
	golangci-lint run ./...

.PHONY: lint-fmt
lint-fmt: $(GOLANGCI_LINT) ## Apply the linter's formatters (gofumpt, goimports)
	golangci-lint fmt ./...

.PHONY: vet
vet: ## Run go vet
	$(GO) vet ./...

.PHONY: fmt
fmt: ## gofmt -w every Go file (tracked or new)
	@$(GO_FILES) | xargs -r gofmt -l -w

.PHONY: fmt-check
fmt-check: ## Fail if gofmt would change a Go file
	@files=$$($(GO_FILES) | xargs -r gofmt -l); \
	if [ -n "$$files" ]; then echo "gofmt would change these files (run make fmt):" >&2; echo "$$files" >&2; exit 1; fi

.PHONY: docs
docs: $(SWAG) ## Regenerate the Swagger docs in docs/ with swag
	swag init --quiet $(SWAG_FLAGS)

.PHONY: docs-check
docs-check: docs ## Fail if docs/ is not what `make docs` generates (CI)
	@if [ -n "$$(git status --porcelain -- $(DOCS_DIR)/)" ]; then \
		git --no-pager diff --stat -- $(DOCS_DIR)/; git status --short -- $(DOCS_DIR)/; \
		echo "swagger docs are stale: run make docs and commit" >&2; exit 1; fi

.PHONY: mocks
mocks: $(MOCKERY) ## Regenerate ports/mocks with mockery (.mockery.yaml)
	rm -rf $(MOCKS_DIR)
	mockery --log-level warn

.PHONY: mocks-check
mocks-check: mocks ## Fail if ports/mocks is not what `make mocks` generates (CI)
	@if [ -n "$$(git status --porcelain -- $(MOCKS_DIR)/)" ]; then \
		git --no-pager diff --stat -- $(MOCKS_DIR)/; git status --short -- $(MOCKS_DIR)/; \
		echo "mocks are stale: run make mocks and commit" >&2; exit 1; fi

.PHONY: migrate-new
migrate-new: ## Create migrations/NNNNN_NAME.sql (make migrate-new NAME=add_disputes)
	@if [ -z "$(NAME)" ]; then echo "usage: make migrate-new NAME=add_disputes" >&2; exit 1; fi
	@mkdir -p $(MIGRATIONS_DIR)
	@name=$$(printf '%s' '$(NAME)' | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_' '_'); \
	last=$$(ls $(MIGRATIONS_DIR) | sed -n 's/^\([0-9]\{5\}\)_.*\.sql$$/\1/p' | sort | tail -n 1); \
	file=$(MIGRATIONS_DIR)/$$(printf '%05d' $$((10#$${last:-0} + 1)))_$$name.sql; \
	printf -- '-- +goose Up\n\n\n-- +goose Down\n\n' >"$$file"; \
	echo "created $$file"

.PHONY: services-start
services-start: ## Start the private PostgreSQL and Redis (data in .data/) and print their URLs
	@$(SERVICES) start
	@$(SERVICES) env

.PHONY: services-stop
services-stop: ## Stop the private PostgreSQL and Redis
	@$(SERVICES) stop

.PHONY: services-status
services-status: ## Show whether the private PostgreSQL and Redis run
	@$(SERVICES) status

.PHONY: clean
clean: ## Remove .bin (binaries and tools); keeps .data
	rm -rf $(BIN)

.PHONY: clean-data
clean-data: ## Stop the services and delete .data (local databases)
	@$(SERVICES) clean
