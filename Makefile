# leptonsim: `make demo` and `make test` work on a fresh Debian 12 machine.
# The deps step installs the Debian packages the build needs (as root), or
# prints the exact command to run and stops.

BUILD_DIR      ?= build
SANITIZE_DIR   ?= build-sanitize
JOBS           ?= $(shell nproc)
CMAKE_FLAGS    ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
CTEST_FLAGS    ?= --output-on-failure

DEBIAN_PACKAGES := cmake make g++ pkg-config \
  libsimgrid-dev libyaml-cpp-dev libcli11-dev libfmt-dev nlohmann-json3-dev \
  libboost-dev libboost-graph-dev libsqlite3-dev sqlite3 catch2 time \
  qt6-base-dev libqcustomplot-dev xvfb xauth fonts-dejavu-core \
  slurm-wlm munge

.PHONY: all deps build demo gui test test-sanitize bench clean

all: build

deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing || exit 1; \
	  else \
	    echo "Missing Debian packages. Run:"; \
	    echo "  sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@mkdir -p out
	$(BUILD_DIR)/bin/leptonsim run scenarios/quickstart.yaml -o out/quickstart.db
	@echo
	@echo "Report written to out/quickstart.db. Try:"
	@echo "  sqlite3 out/quickstart.db 'select metric, value, unit from summary'"
	@echo "  $(BUILD_DIR)/bin/leptonsim-gui out/quickstart.db        (the dashboard; make gui opens the editor)"

gui: build
	$(BUILD_DIR)/bin/leptonsim-gui scenarios/quickstart.yaml

test: build
	cd $(BUILD_DIR) && ctest -j $(JOBS) $(CTEST_FLAGS)

test-sanitize: deps
	cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=Debug -DLEPTONSIM_SANITIZE=ON
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 LEPTONSIM_TEST_SCALE=0.1 \
	  ctest -j $(JOBS) $(CTEST_FLAGS)

bench: build
	bench/run_benchmarks.sh $(BUILD_DIR)/bin/leptonsim
	bench/gui_open_report.sh $(BUILD_DIR)
	bench/sweep_speedup.sh $(BUILD_DIR)/bin/leptonsim

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) out
