# Osprey. `make run` and `make test` are all a new user needs (see README.md).
SHELL := /bin/bash
JOBS ?= $(shell nproc)

.PHONY: all run build test deps debug asan check-deps check-format format clean

all: build

deps:
	@tools/install-deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

run: build
	@mkdir -p data
	./build/osprey --config.file=osprey.yml --storage.tsdb.path=./data

debug: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug -j $(JOBS)

asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

check-deps:
	@python3 tools/check_deps.py

check-format:
	@tools/check-format.sh

format:
	@{ git ls-files 'src/*.cc' 'src/*.h'; git ls-files --others --exclude-standard 'src/*.cc' 'src/*.h'; } | sort -u | xargs clang-format -i

# Everything CI runs: static checks, the release build's tests (unit, end-to-end, benchmark
# smoke runs), then the ASan+UBSan build's tests (including libFuzzer smoke runs).
test: deps check-deps check-format build asan
	@tools/run-tests.sh

clean:
	rm -rf build build-debug build-asan build-tsan
