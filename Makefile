# imagebot — the two commands a fresh Debian machine needs are `make demo` and `make test`.
# Every target installs what it needs first (`make deps`), idempotently.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Build: the four C libraries. Tests: git (with git-http-backend), a real OCI registry
# (docker-registry) with htpasswd auth (apache2-utils), openssl for test certificates, python3
# for the fault-injecting registry and the smart-HTTP Git server, sshd and ssh-keygen
# (openssh-server/-client) for Git over SSH and SSH signing, gnupg for GPG signing.
# tinyproxy (HTTP proxy), dante-server (SOCKS5) and stunnel4 (a TLS front requiring client
# certificates) for Git over HTTPS through proxies and with mutual TLS.
# Benchmarks and the demo: hyperfine, GNU time, curl.
# The commit-message template differential test builds tools/template-oracle (Go text/template +
# Sprig, the engine Flux uses) from golang-go and golang-github-masterminds-sprig-dev.
DEBIAN_PACKAGES := pkg-config libgit2-dev libcurl4-openssl-dev libyaml-dev libpcre2-dev git \
	docker-registry apache2-utils openssl python3 python3-pip openssh-server openssh-client gnupg hyperfine time curl \
	tinyproxy dante-server stunnel4 golang-go golang-github-masterminds-sprig-dev
# Python modules for the cloud-identity tests: moto in server mode (AWS STS and ECR, with request
# signatures checked) and PyJWT (the loopback GitHub API verifies the app's RS256 JWT).
PYTHON_MODULES := moto.server flask_cors jwt cryptography
PYTHON_PACKAGES := 'moto[server]==5.2.1' 'pyjwt[crypto]'

.PHONY: deps build lint format test bench demo fuzz reliability test-sanitizers image image-deps test-container check-status-page clean

deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@# Packages start their services on install; the tests start their own on random loopback ports.
	@for service in tinyproxy danted stunnel4; do \
		if pgrep -x $$service >/dev/null; then $(SUDO) systemctl stop $$service 2>/dev/null || $(SUDO) pkill -9 -x $$service || true; fi; \
	done
	@python3 -c "import $$(echo $(PYTHON_MODULES) | tr ' ' ,)" 2>/dev/null || { \
		echo "make deps: installing $(PYTHON_PACKAGES) (pip)"; \
		python3 -m pip install -q $(PYTHON_PACKAGES) 2>/dev/null \
			|| python3 -m pip install -q --break-system-packages $(PYTHON_PACKAGES); }

build: deps
	$(SWIFT) build

# Style: swift-format (in the toolchain) with .swift-format — 4-space indent, 120 columns, the
# default rules; strict, so any finding fails `make test`. `make format` rewrites the files.
lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Package.swift

format:
	$(SWIFT) format format --in-place --recursive --parallel Sources Tests Package.swift

# The end-to-end and cloud-identity tests start real servers (moto, token services, the daemon)
# and wait on them for seconds at a time; on a 2-core machine Swift's cooperative pool has two
# threads, so they run in passes of their own rather than starving the registry tests' timeouts.
test: deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip EndToEndTests --skip CloudIdentityTests
	$(SWIFT) test --skip-build --filter CloudIdentityTests
	$(SWIFT) test --skip-build --filter EndToEndTests

# Release build; prints the benchmark figures (see README "Benchmarks"). The Go toolchain and
# Masterminds/semver build scripts/flux-select, Flux's engine for bench-select.sh.
BENCH_PACKAGES := golang-go golang-github-masterminds-semver-dev
bench: deps
	@missing=$$(for p in $(BENCH_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make bench: installing $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	$(SWIFT) build -c release
	.build/release/ImagebotBench policy
	.build/release/ImagebotBench template
	scripts/bench-select.sh
	scripts/bench-set.sh
	scripts/bench-dry-run.sh
	scripts/bench-scan.sh
	scripts/bench-run.sh
	scripts/bench-daemon.sh

# The main job on a local default: select tags with the policies in policies/ and show the
# exact change to demo/apps (see scripts/demo.sh; nothing is written, no network).
demo: build
	@scripts/demo.sh

# libFuzzer (with ASan) over every parser: scripts/fuzz.sh builds the Fuzz* targets (only
# present with IMAGEBOT_FUZZ=1) into .build-fuzz and runs each for FUZZ_SECONDS (default 60),
# seeded from testdata/fuzz/<target>; crashes, leaks and timeouts land in .build-fuzz/.
# FUZZ_TARGETS picks some (e.g. "semver template"); RELIABILITY.md has the 10-minute figures.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: deps
	SWIFT=$(SWIFT) scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The long variants of the fault tests in Tests/EndToEndTests (CI runs 40 crash-and-restart
# runs and a 20 s registry-chaos soak; this runs CRASH_RUNS, default 100, and CHAOS_SECONDS,
# default 300). See RELIABILITY.md.
CRASH_RUNS ?= 100
CHAOS_SECONDS ?= 300
reliability: deps
	$(SWIFT) build --build-tests
	IMAGEBOT_CRASH_RUNS=$(CRASH_RUNS) IMAGEBOT_CHAOS_SECONDS=$(CHAOS_SECONDS) \
		$(SWIFT) test --skip-build --filter 'ReliabilityTests|ChaosTests'

# The tests under AddressSanitizer (+LeakSanitizer) and ThreadSanitizer, in .build-asan and
# .build-tsan (suppressions with their reasons: testdata/sanitizers/lsan.supp).
test-sanitizers: deps
	SWIFT=$(SWIFT) scripts/test-sanitizers.sh all

# The runtime image without a Docker engine: a release binary built here (-static-stdlib), a
# Debian 12 base from debootstrap, deploy/Dockerfile built by podman (scripts/build-image.sh).
# Needs root. Prints the image size.
IMAGE_PACKAGES := podman buildah runc debootstrap
image-deps: deps
	@missing=$$(for p in $(IMAGE_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make image-deps: installing $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

image: image-deps
	SWIFT=$(SWIFT) scripts/build-image.sh

# The image under a real container runtime: podman kube play on deploy/kubernetes/deployment.yaml
# with a registry and a smart-HTTP Git remote on this host (scripts/test-container.sh). Not part
# of `make test`: the release build and the Debian base take most of half an hour on 2 cores.
test-container: image
	scripts/test-container.sh

# The status page in headless Chromium: a screenshot (.build/status-page/status-page.png) and
# DOM checks (scripts/check-status-page.sh; slow, not part of `make test`).
check-status-page: deps
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }
	$(SWIFT) build --product imagebot
	scripts/check-status-page.sh

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan .build-image
