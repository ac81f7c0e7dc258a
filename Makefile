# keel's front door. Each target only calls apt, cmake, ctest or a script; the build logic lives
# in CMakeLists.txt. `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := build

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
GENERATOR ?= Ninja
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
# The sanitizer build uses clang, so that the tree also keeps compiling with clang 14 (the
# compiler behind clang-tidy); `make asan ASAN_CXX=g++` works as well.
ASAN_CXX ?= clang++
CTEST_FLAGS ?= --output-on-failure --no-tests=error -j $(JOBS)
# `make test` keeps its cluster's state file in the build dir, apart from the default one that
# a developer's manual `tests/pg_cluster.sh start` uses.
PG_STATE := $(CURDIR)/$(BUILD_DIR)/pg-cluster.state

# libclang-rt-14-dev holds clang's sanitizer runtimes; apt pulls it only as a Recommends, which
# many CI images turn off.
DEB_PACKAGES := build-essential cmake ninja-build pkg-config libpqxx-dev libsqlite3-dev sqlite3 \
	libtomlplusplus-dev libdtl-dev libfmt-dev catch2 nlohmann-json3-dev libcli11-dev libssl-dev \
	libmimalloc-dev \
	postgresql-15 clang libclang-rt-14-dev clang-format

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# C++ sources checked by `make check` / rewritten by `make format` (build dirs excluded).
SOURCES = $(shell find . \( -path ./.git -o -path './build*' \) -prune -o -type f \
	\( -name '*.h' -o -name '*.cc' \) -print | sort)

.PHONY: help deps build asan test demo format check tidy bench clean

help:
	@echo 'make deps    install the Debian packages keel needs (skips apt when all are present)'
	@echo 'make build   RelWithDebInfo build in $(BUILD_DIR)/ (default target)'
	@echo 'make asan    Debug + ASan/UBSan build with $(ASAN_CXX) in $(ASAN_DIR)/'
	@echo 'make test    deps, both builds, a throwaway PostgreSQL 15, every ctest label in both'
	@echo 'make demo    deps, build, then scripts/demo.sh'
	@echo 'make check   clang-format --dry-run --Werror and the layering rules'
	@echo 'make format  clang-format -i over the tree'
	@echo 'make tidy    run-clang-tidy with .clang-tidy over the build/ compile database (slow)'
	@echo 'make bench   Release build in build-bench/, then bench/run.sh: keel vs pg_dump, Alembic, migra'
	@echo 'make bench-online  Release build in build-bench/, then bench/online/run.sh: pgbench writers during an online apply'
	@echo 'make clean   remove the build directories'

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD_DIR) -G $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD_DIR) -j $(JOBS)

asan: deps
	cmake -S . -B $(ASAN_DIR) -G $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_CXX_COMPILER=$(ASAN_CXX) -DKEEL_SANITIZE=ON
	cmake --build $(ASAN_DIR) -j $(JOBS)

# One cluster serves both test runs; the trap stops it however ctest ends, and the recipe exits
# with ctest's status (the first failure wins, but both runs always happen).
test: deps build asan
	@export KEEL_PG_STATE_FILE='$(PG_STATE)'; \
	trap 'bash tests/pg_cluster.sh stop' EXIT; trap 'exit 130' INT TERM; \
	KEEL_TEST_PG_URL=$$(bash tests/pg_cluster.sh start) || exit 1; \
	export KEEL_TEST_PG_URL; \
	status=0; \
	echo "== ctest: $(BUILD_DIR) (RelWithDebInfo)"; \
	ctest --test-dir $(BUILD_DIR) $(CTEST_FLAGS) || status=$$?; \
	echo "== ctest: $(ASAN_DIR) (Debug, ASan+UBSan)"; \
	ctest --test-dir $(ASAN_DIR) $(CTEST_FLAGS) || { s=$$?; [ $$status -ne 0 ] || status=$$s; }; \
	exit $$status

demo: deps build
	@if [ -f scripts/demo.sh ]; then \
	  KEEL='$(CURDIR)/$(BUILD_DIR)/keel' bash scripts/demo.sh; \
	else \
	  echo 'make demo: built $(BUILD_DIR)/keel; scripts/demo.sh does not exist yet'; \
	fi

format:
	@files='$(SOURCES)'; [ -z "$$files" ] || clang-format -i $$files

# Formatting: one line per file that needs `make format`. Layering (STYLE.md 6.1): state <-
# planner <- dialects <- src, and <pqxx/...> / <sqlite3.h> only in the engine folders' .cc files
# (tests may use them to prepare fixtures). Both parts always run; either failing fails the target.
check:
	@fail=0; files='$(SOURCES)'; \
	if [ -n "$$files" ] && ! clang-format --dry-run --Werror --ferror-limit=1 $$files; then \
	  echo 'make check: the files above need `make format`'; fail=1; \
	fi; \
	rule() { [ -n "$${3// }" ] || return 0; hits=$$(grep -HnE "$$2" $$3 || true); \
	  if [ -n "$$hits" ]; then echo "layering: $$1:"; echo "$$hits"; fail=1; fi; }; \
	lib() { find $$1 -maxdepth $${2:-1} -type f \( -name '*.h' -o -name '*.cc' \) \
	  ! -name '*_test.cc' 2>/dev/null; }; \
	rule 'state/ includes a higher layer' '#include "(planner|dialects|src)/' "$$(lib state)"; \
	rule 'planner/ includes a higher layer' '#include "(dialects|src)/' "$$(lib planner)"; \
	rule 'dialects/ includes src/' '#include "src/' "$$(lib dialects 3)"; \
	rule 'a database library outside dialects/<engine>/*.cc' '#include <(pqxx/|sqlite3\.h)' \
	  "$$(lib state) $$(lib planner) $$(lib src) $$(find dialects -name '*.h' 2>/dev/null) \
	     $$(find dialects -maxdepth 1 -name '*.cc' 2>/dev/null)"; \
	rule 'pqxx outside dialects/postgres/' '#include <pqxx/' "$$(find dialects/sqlite -name '*.cc' 2>/dev/null)"; \
	rule 'sqlite3.h outside dialects/sqlite/' '#include <sqlite3\.h>' "$$(find dialects/postgres -name '*.cc' 2>/dev/null)"; \
	[ $$fail -eq 0 ] && echo 'make check: format and layering OK'; exit $$fail

# Slow (minutes), so not part of `make test`; uses build/compile_commands.json.
tidy: build
	run-clang-tidy -p $(BUILD_DIR) -quiet -j $(JOBS) '^$(CURDIR)/(src|state|planner|dialects|tests)/'

# Release build of its own (KEEL_WERROR off: gcc 12 at -O3 raises false -Wrestrict warnings),
# the comparison tools (bench/setup.sh), then the whole suite; writes bench/results.md.
bench: deps
	cmake -S . -B build-bench -G $(GENERATOR) -DCMAKE_BUILD_TYPE=Release -DKEEL_WERROR=OFF
	cmake --build build-bench -j $(JOBS) --target keel
	bash bench/setup.sh
	KEEL='$(CURDIR)/build-bench/keel' bash bench/run.sh

# pgbench writers on a 1,000,000-row table while keel adds a backfilled NOT NULL column and
# builds an index concurrently (a few minutes); run.sh builds keel Release in build-bench/ itself
# and writes bench/online/results.md. ONLINE_ROWS=10000000 for the big variant.
.PHONY: bench-online
bench-online: deps
	JOBS=$(JOBS) bash bench/online/run.sh

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
