# dialtone: a keyboard-driven call-center console for Twilio, its daemon and its emulator.
#
#   make            install missing Debian packages, build build/dialtone and the core library
#   make test       build everything and run every test under ASan and UBSan
#   make demo       build, then run `dialtone demo`: the emulator, the daemon and the console
#                   together (DEMO_ARGS passes options, e.g. DEMO_ARGS="--speed 2")
#   make fuzz       build the libFuzzer targets with clang and run each for FUZZ_TIME seconds
#   make bench      measure the emulator: concurrent calls, set-ups per second, memory per call
#                   and the daemon: webhooks stored per second, push latency, memory per client
#                   and the console on 1,000,000 calls: history pages, start-up, memory
#   make check-deps check that src/core includes no curses, libwebsockets or libcurl header
#   make deps       install the Debian packages the project needs (only those missing)
#   make clean      remove the build tree
#
# BUILD=dir puts the build somewhere else; V=1 shows the commands.

BUILD ?= build
CC ?= cc
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
BENCH_CALLS ?= 1000
BENCH_HISTORY_CALLS ?= 1000000
PKG_CONFIG ?= pkg-config
NPROC := $(shell nproc 2>/dev/null || echo 2)

Q := $(if $(V),,@)

# pkg-config modules the project links, and the Debian packages that provide them. The core
# uses PC_MODULES only; the network layer (src/net) adds NET_PC_MODULES.
PC_MODULES := sqlite3 libcrypto inih libcjson expat
NET_PC_MODULES := libwebsockets libcurl
# The console (src/console) adds the wide-character curses library.
CONSOLE_PC_MODULES := ncursesw
DEB_PACKAGES := build-essential pkg-config libsqlite3-dev libssl-dev libinih-dev libcjson-dev \
	libexpat1-dev libcurl4-openssl-dev libwebsockets-dev libncurses-dev
# Commands the tests use, and the package of each.
DEB_TOOLS := sqlite3:sqlite3 tmux:tmux
FUZZ_TOOLS := clang:clang
FUZZ_PACKAGES := clang libclang-rt-14-dev

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla -Wpointer-arith -Wcast-qual -Wundef
BASE_CFLAGS := -std=c11 -Isrc -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Iinclude -MMD -MP
CFLAGS ?= -O2 -g
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

# Evaluated when a recipe runs, after `make deps` has installed what pkg-config needs.
PC_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PC_MODULES) $(NET_PC_MODULES))
PC_LIBS = $(shell $(PKG_CONFIG) --libs $(PC_MODULES) $(NET_PC_MODULES) $(CONSOLE_PC_MODULES)) \
	-lpthread -lm
# Wide-character curses for the console's files only; the rest of the tree never sees it.
CURSES_CFLAGS := -DNCURSES_WIDECHAR=1

# Generated sources: the error dictionary table and the embedded schema migrations.
GEN_SRC := $(BUILD)/gen/errors_table.c $(BUILD)/gen/migrations.c
CORE_SRC := $(sort $(wildcard src/core/*.c)) $(GEN_SRC)
NET_SRC := $(sort $(wildcard src/net/*.c))
SIM_SRC := $(sort $(wildcard src/sim/*.c))
SERVER_SRC := $(sort $(wildcard src/server/*.c))
CONSOLE_SRC := $(sort $(wildcard src/console/*.c))
APP_SRC := src/main.c $(sort $(wildcard src/cmd/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
MIGRATIONS := $(sort $(wildcard data/migrations/*.sql))

TEST_NAMES := $(patsubst tests/%.c,%,$(TEST_SRC))
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(FUZZ_SRC))

.PHONY: all build test build-test fuzz build-fuzz bench check-deps deps deps-fuzz clean demo
.DEFAULT_GOAL := all

all: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) build

test: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) build build-test
	$(Q)tests/run-tests.sh $(BUILD)/san $(TEST_NAMES) -- $(FUZZ_NAMES)

# Interactive: the console opens in this terminal; quitting it stops everything.
demo: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) build
	$(Q)$(BUILD)/dialtone demo $(DEMO_ARGS)

fuzz: deps deps-fuzz
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) build-fuzz
	$(Q)tests/fuzz/run-fuzz.sh $(BUILD)/fuzz $(FUZZ_TIME) $(FUZZ_NAMES)

# ---- dependencies --------------------------------------------------------------------------

# Installs the Debian packages when pkg-config, a library or a tool is missing; as root
# directly, otherwise through sudo. Does nothing on a machine that has everything.
define apt_install
	if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	echo "make deps: installing $(1)"; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(1) >/dev/null
endef

deps:
	$(Q)missing=0; \
	command -v $(PKG_CONFIG) >/dev/null 2>&1 || missing=1; \
	[ $$missing = 1 ] || $(PKG_CONFIG) --exists $(PC_MODULES) $(NET_PC_MODULES) \
		$(CONSOLE_PC_MODULES) \
		|| missing=1; \
	for t in $(DEB_TOOLS); do command -v $${t%%:*} >/dev/null 2>&1 || missing=1; done; \
	if [ $$missing = 1 ]; then \
		$(call apt_install,$(DEB_PACKAGES) $(foreach t,$(DEB_TOOLS),$(lastword $(subst :, ,$(t))))); \
	fi

deps-fuzz:
	$(Q)if ! command -v $(FUZZ_CC) >/dev/null 2>&1 || \
	     ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then \
		$(call apt_install,$(FUZZ_PACKAGES)); \
	fi

# ---- code generation -----------------------------------------------------------------------

$(BUILD)/tools/%: src/tools/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -O1 -g -o $@ $<

# gen_errors shares the dictionary's line parser (and util) with the core library.
GEN_ERRORS_SRC := src/tools/gen_errors.c src/core/errors_tsv.c src/core/util.c
$(BUILD)/tools/gen_errors: $(GEN_ERRORS_SRC) include/dialtone/errors.h include/dialtone/util.h
	@mkdir -p $(@D)
	$(Q)$(CC) -std=c11 -Iinclude -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -O1 -g \
		-o $@ $(GEN_ERRORS_SRC)

$(BUILD)/gen/errors_table.c: data/twilio-errors.tsv $(BUILD)/tools/gen_errors
	@mkdir -p $(@D)
	$(Q)$(BUILD)/tools/gen_errors data/twilio-errors.tsv > $@.tmp && mv $@.tmp $@

# The list of migration files, rewritten only when it changes, so that renaming or removing
# one regenerates the table (a renamed file keeps its old time and would not).
MIGRATIONS_LIST := $(BUILD)/gen/migrations.list
$(shell mkdir -p $(BUILD)/gen && { echo '$(MIGRATIONS)' | cmp -s - $(MIGRATIONS_LIST) || \
	echo '$(MIGRATIONS)' > $(MIGRATIONS_LIST); })

$(BUILD)/gen/migrations.c: $(MIGRATIONS) $(MIGRATIONS_LIST) $(BUILD)/tools/embed_migrations
	@mkdir -p $(@D)
	$(Q)$(BUILD)/tools/embed_migrations $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

# ---- one build variant: objects, core library, binary ----------------------------------------
# $(1) directory, $(2) compiler, $(3) extra flags
define variant
$(1)/obj/%.o: %.c
	@mkdir -p $$(@D)
	@echo "  CC    $$<"
	$(Q)$(2) $(BASE_CFLAGS) $(3) $$(PC_CFLAGS) $$(EXTRA_CFLAGS) -c -o $$@ $$<

$(1)/obj/src/console/%.o $(1)/obj/tests/test_console%.o $(1)/obj/tests/fuzz/fuzz_console%.o: \
	EXTRA_CFLAGS := $(CURSES_CFLAGS)

$(1)/libdialtone-console.a: $(patsubst %.c,$(1)/obj/%.o,$(CONSOLE_SRC))
	@echo "  AR    $$@"
	$(Q)rm -f $$@ && ar rcs $$@ $$^

$(1)/libdialtone-core.a: $(patsubst %.c,$(1)/obj/%.o,$(CORE_SRC))
	@echo "  AR    $$@"
	$(Q)rm -f $$@ && ar rcs $$@ $$^

$(1)/libdialtone-sim.a: $(patsubst %.c,$(1)/obj/%.o,$(SIM_SRC))
	@echo "  AR    $$@"
	$(Q)rm -f $$@ && ar rcs $$@ $$^

$(1)/libdialtone-net.a: $(patsubst %.c,$(1)/obj/%.o,$(NET_SRC))
	@echo "  AR    $$@"
	$(Q)rm -f $$@ && ar rcs $$@ $$^

$(1)/libdialtone-server.a: $(patsubst %.c,$(1)/obj/%.o,$(SERVER_SRC))
	@echo "  AR    $$@"
	$(Q)rm -f $$@ && ar rcs $$@ $$^

$(1)/dialtone: $(patsubst %.c,$(1)/obj/%.o,$(APP_SRC)) $(1)/libdialtone-console.a \
		$(1)/libdialtone-server.a $(1)/libdialtone-sim.a $(1)/libdialtone-net.a $(1)/libdialtone-core.a
	@echo "  LINK  $$@"
	$(Q)$(2) $(3) -o $$@ $$^ $$(PC_LIBS)

-include $(shell find $(1)/obj -name '*.d' 2>/dev/null)
endef

$(eval $(call variant,$(BUILD),$(CC),$(CFLAGS)))
$(eval $(call variant,$(BUILD)/san,$(CC),$(SAN_FLAGS)))
$(eval $(call variant,$(BUILD)/fuzz,$(FUZZ_CC),-O1 -g -fsanitize=fuzzer-no-link,address,undefined))

build: $(BUILD)/dialtone $(BUILD)/libdialtone-net.a $(BUILD)/libdialtone-core.a

# Unit tests, linked against the sanitized libraries; fuzz targets linked with a replay
# driver so that `make test` runs each over its seed corpus without clang.
$(BUILD)/san/tests/%: $(BUILD)/san/obj/tests/%.o $(BUILD)/san/libdialtone-console.a \
		$(BUILD)/san/libdialtone-server.a \
		$(BUILD)/san/libdialtone-sim.a \
		$(BUILD)/san/libdialtone-net.a $(BUILD)/san/libdialtone-core.a
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	$(Q)$(CC) $(SAN_FLAGS) -o $@ $^ $(PC_LIBS)

$(BUILD)/san/fuzz/%: $(BUILD)/san/obj/tests/fuzz/%.o $(BUILD)/san/obj/tests/fuzz/replay.o \
		$(BUILD)/san/libdialtone-console.a $(BUILD)/san/libdialtone-server.a $(BUILD)/san/libdialtone-sim.a \
		$(BUILD)/san/libdialtone-net.a $(BUILD)/san/libdialtone-core.a
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	$(Q)$(CC) $(SAN_FLAGS) -o $@ $^ $(PC_LIBS)

$(BUILD)/fuzz/bin/%: $(BUILD)/fuzz/obj/tests/fuzz/%.o $(BUILD)/fuzz/libdialtone-console.a \
		$(BUILD)/fuzz/libdialtone-server.a \
		$(BUILD)/fuzz/libdialtone-sim.a \
		$(BUILD)/fuzz/libdialtone-net.a $(BUILD)/fuzz/libdialtone-core.a
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(PC_LIBS)

build-test: $(BUILD)/san/dialtone $(addprefix $(BUILD)/san/tests/,$(TEST_NAMES)) \
	$(addprefix $(BUILD)/san/fuzz/,$(FUZZ_NAMES))

build-fuzz: $(addprefix $(BUILD)/fuzz/bin/,$(FUZZ_NAMES))

# ---- benchmark (not part of `make test`): the optimised binary, figures only ----------------

bench: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) build $(BUILD)/bench/sim_bench \
		$(BUILD)/bench/serve_bench $(BUILD)/bench/console_bench
	$(Q)$(BUILD)/bench/sim_bench $(BUILD)/dialtone $(BENCH_CALLS)
	$(Q)$(BUILD)/bench/serve_bench $(BUILD)/dialtone
	$(Q)$(BUILD)/bench/console_bench $(BUILD)/dialtone $(BENCH_HISTORY_CALLS)

$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(BUILD)/libdialtone-net.a \
		$(BUILD)/libdialtone-core.a
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PC_LIBS)

$(BUILD)/bench/serve_bench $(BUILD)/bench/sim_bench $(BUILD)/bench/console_bench: \
	$(BUILD)/obj/tests/bench/bench_util.o

# ---- checks --------------------------------------------------------------------------------

check-deps:
	$(Q)tests/check-deps.sh

clean:
	rm -rf $(BUILD)

.SECONDARY:
