# Every target installs what it needs: a fresh clone needs only Node 20+ and npm.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED := true

NODE_MODULES := node_modules/.package-lock.json

# `npm install` rather than `npm ci`: it installs the lockfile's versions too, but
# tolerates optional platform binaries (biome, jest's resolver) that the registry
# mirror of our machines lacks for other platforms, which `npm ci` refuses as
# "lock file out of sync".
$(NODE_MODULES): package.json package-lock.json $(wildcard packages/*/package.json)
	npm install --no-audit --no-fund
	@touch $@

.PHONY: help install build package lint format typecheck unit test ci clean dev demo bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(NODE_MODULES) ## Install dependencies (the lockfile's versions) when missing or stale

build: install ## Bundle every Lambda with esbuild and zip to dist/<package>.zip
	npm run build

package: build ## Same as build: the zips are the deployable packages

lint: install ## Biome lint and format check
	npm run lint

format: install ## Rewrite files with Biome's formatter
	npm run format

typecheck: install ## TypeScript strict type check of every package
	npm run typecheck

unit: install ## Run the jest suites only
	npm test

test: install ## The whole check: lint, typecheck, package, all tests
	npm run lint
	npm run typecheck
	npm run build
	npm test

ci: test ## What CI runs

dev: install ## Run the whole system locally on 127.0.0.1:3000, PORT=n to change (embedded DynamoDB, sandbox APIs)
	node scripts/local.mjs dev

demo: install ## Drive one Jira ticket end to end on the local stack and print its timeline
	node scripts/local.mjs demo

bench: install ## Cold-start benchmark of the Slack handler variants (ratios against an empty baseline)
	npm run bench

clean: ## Remove build outputs
	rm -rf dist coverage
