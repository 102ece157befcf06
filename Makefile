# efbench: `make bench` measures, `make test` checks.  See README.md.
#
# The parts are fragments next to their code: each workload's
# workloads/<w>/workload.mk, each runtime's runtimes/<rt>/runtime.mk (the
# PMP firmware's in runtimes/pmp/), the fuzz target's tests/fuzz/fuzz.mk.
# This file holds the two lists that register them and what the host build
# of efbench and its tools needs; docs/extend.md says what a fragment sets.
MAKEFLAGS += --no-builtin-rules
.DELETE_ON_ERROR:
.SUFFIXES:

# The library workloads, in the order they run: each is workloads/<w>/
# (host.c, compiled once per mode, and workload.mk).
WORKLOADS := ubench hmac sodium brotli
# The runtimes, each runtimes/<rt>/ (runtime.mk; contract.h, the mode
# layer's side of runtimes/runtime.h; target.c, its targets).
RUNTIMES := mock mpk pmp proc sfi

CC      ?= cc
CFLAGS  ?= -O2 -g
EF_CFLAGS := $(CFLAGS) -std=gnu11 -Wall -Wextra -Wshadow -Werror=implicit-function-declaration
BUILD   := build
OBJ     := $(BUILD)/obj
GEN     := $(BUILD)/gen
ARCH    := $(shell uname -m)

# What the fragments add to: host objects of the runtimes (sources without
# .o), the runtimes that give this machine invoke and full modes, the
# targets (ef_target_<name> in a runtime's target.c), the foreign
# libraries, what `make all` and `make test` build beyond efbench and its
# tools, the unit tests, the Debian source packages make deps fetches
# (binary:source:tree, for scripts/fetch-sources), and what `make bench`
# passes efbench before BENCH_FLAGS (whose own --policy wins).
RUNTIME_SRCS := runtimes/common/domain runtimes/common/validate
ISOLATING :=
TARGETS :=
FOREIGN_LIBS := $(patsubst workloads/%/foreign.c,$(BUILD)/lib/libef%.so,\
	$(wildcard $(WORKLOADS:%=workloads/%/foreign.c)))
ALL_EXTRA :=
TEST_EXTRA :=
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
SOURCES :=
BENCH_ARGS :=
# Workloads whose benchmarks run beside a reference in reference mode on
# target host (ef_workload_<w>_reference), and the benchmarks (efbench
# --filter patterns) that would but lack its compiler here (efbench says so).
REFERENCES :=
REFERENCES_MISSING :=

# Each name once, in the order first given.
uniq = $(if $1,$(firstword $1) $(call uniq,$(filter-out $(firstword $1),$1)))

include $(WORKLOADS:%=workloads/%/workload.mk)
# The libraries the workloads isolate, linked into every host program.
LDLIBS := $(call uniq,$(foreach w,$(WORKLOADS),$($w_LDLIBS))) -lm
include $(RUNTIMES:%=runtimes/%/runtime.mk)

# Google Benchmark (Debian: libbenchmark-dev) through a C++ shim, where it
# is installed: then the default runner.  Without it efbench has the native
# runner only, and says so when asked for gbench.
CXX ?= c++
GBENCH_VERSION := $(shell pkg-config --modversion benchmark 2>/dev/null)
ifneq ($(GBENCH_VERSION),)
GBENCH := 1
EF_CFLAGS += -DEF_HAVE_GBENCH
LDLIBS += -lbenchmark -lpthread -lstdc++
endif

HARNESS   := child clock csv digest efbench firmware format meta modes options plan registry runner runners selfbench stats summary
HARNESS_OBJS  := $(HARNESS:%=$(OBJ)/harness/%.o) $(if $(GBENCH),$(OBJ)/harness/gbench.o)
RUNTIME_OBJS  := $(RUNTIME_SRCS:%=$(OBJ)/%.o)
# Every test program links the runtimes' objects, each runtime's own suite
# included (whose rule its runtime.mk wrote before later runtimes added to
# the list).
$(UNIT_TESTS): $(RUNTIME_OBJS)
# unsafe and validate everywhere; invoke and full once per isolating runtime.
HOST_BUILDS   := unsafe validate $(foreach r,$(ISOLATING),invoke-$r full-$r)
WORKLOAD_OBJS := $(foreach w,$(WORKLOADS),$(HOST_BUILDS:%=$(OBJ)/workloads/$w/host.%.o) $($w_OBJS))
EFBENCH       := $(BUILD)/efbench
EFREPORT      := $(BUILD)/efreport
EFSETUP       := $(BUILD)/efsetup
EFCOMPARE     := $(BUILD)/efcompare

ifeq ($(QUICK),1)
BENCH_FLAGS ?= --repetitions 5 --min-time 0.01
endif

.PHONY: all bench test deps clean figures plots tables setup-bench check-regress check-regress-ab baselines fuzz
all: $(EFBENCH) $(EFREPORT) $(EFSETUP) $(EFCOMPARE) $(ALL_EXTRA)

deps:
	@scripts/install-deps
	@scripts/fetch-sources $(SOURCES)

# What bench builds first: everything, or (BENCH_BUILD=build/efbench, as
# the campaign's test does, with RUNTIMES=mock) less.
BENCH_BUILD ?= all
bench: deps
	@$(MAKE) --no-print-directory $(BENCH_BUILD)
	$(EFBENCH) $(BENCH_ARGS) $(BENCH_FLAGS)

test: deps
	@$(MAKE) --no-print-directory all $(UNIT_TESTS) $(TEST_EXTRA)
	@scripts/run-tests

# Every figure and table, from the example results committed under
# results/examples (no special hardware needed), the example campaign's
# (two machines: the machines figure) in build/figures/campaign, or yours:
#   make plots RESULTS='results/a.csv results/b.csv' [PLOTS=build/plots]
figures: deps
	@$(MAKE) --no-print-directory $(EFREPORT)
	scripts/plots -o build/figures results/examples/*.csv
	scripts/plots -o build/figures/campaign results/examples/campaign/*/bench.csv

PLOTS ?= build/plots
plots: deps
	@test -n "$(RESULTS)" || { echo "make plots: say which results: make plots RESULTS='results/x.csv ...'" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(EFREPORT)
	scripts/plots -o $(PLOTS) $(RESULTS)

# The paper's tables (efreport --tables): microbenchmarks and library
# overheads, in LaTeX (tables.tex to \input, tables-standalone.tex around
# it) and Markdown (tables.md), from the committed examples or from yours,
# beside the figures:
#   make tables [RESULTS='results/a.csv results/b.csv'] [TABLES=build/figures/tables]
TABLES ?= build/figures/tables
tables: deps
	@$(MAKE) --no-print-directory $(EFREPORT)
	$(EFREPORT) --tables -o $(TABLES) $(or $(RESULTS),results/examples/*.csv)

# Did CANDIDATE get slower than BASELINE?  A Markdown report whose last line
# names the outcome.  make exits 2 on any failed recipe, so it cannot pass
# on efcompare's exit statuses (1 regressed, 2 bad input, 3 incomplete): CI
# calls scripts/check-regress for those (build/efcompare --help).
shell_word = '$(subst ','\'',$(1))'
# The last line of both checks: the outcome of script $(1), whose exit
# status is the last command's.
regress_outcome = rc=$$?; case $$rc in 0) o="passed, nothing regressed" ;; 1) o="REGRESSED" ;; \
	3) o="INCOMPLETE, the candidate lacks baseline series" ;; *) o="NOT CHECKED, bad usage or input" ;; esac; \
	echo "make $@: $$o ($(1) exit status $$rc)"; exit $$rc
check-regress:
	@test -n "$(BASELINE)" && test -n "$(CANDIDATE)" || { echo "make check-regress: say which: make check-regress BASELINE=a.csv CANDIDATE=b.csv" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(EFCOMPARE)
	@scripts/check-regress $(REGRESS_FLAGS) $(call shell_word,$(BASELINE)) $(call shell_word,$(CANDIDATE)); \
	$(call regress_outcome,scripts/check-regress)

# Did revision HEAD (default: the HEAD commit) get slower than BASE?  Both
# built in worktrees under build/ab/ and run in alternating processes here
# (scripts/ab-run --help; AB_FLAGS: its options).  CI calls scripts/ab-run.
check-regress-ab:
	@test -n "$(BASE)" || { echo "make check-regress-ab: say which: make check-regress-ab BASE=<git rev> [HEAD=<git rev>]" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(EFCOMPARE)
	@scripts/ab-run $(AB_FLAGS) $(call shell_word,$(BASE)) $(call shell_word,$(or $(HEAD),HEAD)); \
	$(call regress_outcome,scripts/ab-run)

# The instruction-count baselines make test checks against, written anew
# (when a change is meant to cost more; commit them with it).
baselines: deps
	@$(MAKE) --no-print-directory all $(UNIT_TESTS) $(TEST_EXTRA)
	scripts/refresh-baselines

# Process start-up, set-up and one call per target and mode, timed by
# hyperfine (results/<host>-<UTC time>-setup.csv).
setup-bench: deps
	@$(MAKE) --no-print-directory all
	scripts/setup-bench $(SETUP_FLAGS)

# The commit goes into the sidecar; the stamp changes only when it does.
# A campaign's node gets the checkout without .git (git archive), and the
# revision in .efbench-revision (scripts/campaign).
GIT_COMMIT := $(shell git describe --always --dirty 2>/dev/null || cat .efbench-revision 2>/dev/null || echo unknown)
$(BUILD)/commit.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(GIT_COMMIT) $(EF_CFLAGS)' | cmp -s - $@ || echo '$(GIT_COMMIT) $(EF_CFLAGS)' > $@
FORCE:

$(OBJ)/harness/meta.o: $(BUILD)/commit.stamp
$(OBJ)/harness/meta.o: EXTRA_CFLAGS = -DEF_GIT_COMMIT='"$(GIT_COMMIT)"' -DEF_CFLAGS='"$(EF_CFLAGS)"'

# The two lists for C (harness/registry.c, runtimes/<rt>/target.c),
# rewritten only when they change.
x_list = $(foreach i,$(1),X($(i)))
LISTS_H = printf '%s\n' '/* ef_lists.h: written by the Makefile from its lists; do not edit. */' \
	'\#define EF_WORKLOADS(X) $(call x_list,$(WORKLOADS))' '\#define EF_TARGETS(X) $(call x_list,$(TARGETS))' \
	'\#define EF_REFERENCES(X) $(call x_list,$(REFERENCES))' \
	'\#define EF_REFERENCES_MISSING(X) $(foreach p,$(REFERENCES_MISSING),X("$(p)"))' \
	'\#define EF_RUSTC_VERSION "$(or $(RUSTC_VERSION),none)"'
$(GEN)/ef_lists.h: FORCE
	@mkdir -p $(@D)
	@$(LISTS_H) | cmp -s - $@ || $(LISTS_H) > $@
$(OBJ)/harness/registry.o $(OBJ)/harness/efbench.o $(OBJ)/harness/meta.o \
	$(filter %/target.o,$(RUNTIME_OBJS)): $(GEN)/ef_lists.h

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -I$(GEN) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/harness/gbench.o: harness/gbench.cc harness/gbench.h harness/runner.h harness/runners.h
	@mkdir -p $(@D)
	$(CXX) -O2 -g -std=c++17 -Wall -Wextra -DEF_GBENCH_VERSION='"$(GBENCH_VERSION)"' \
		-MMD -MP -c $< -o $@

$(OBJ)/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) $(EXTRA_ASFLAGS) -MMD -MP -c $< -o $@

# One object per workload and build (mode, and runtime where it isolates),
# from one source.
$(OBJ)/workloads/%/host.unsafe.o: workloads/%/host.c
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -DEF_MODE=EF_MODE_UNSAFE -MMD -MP -c $< -o $@
$(OBJ)/workloads/%/host.validate.o: workloads/%/host.c
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -DEF_MODE=EF_MODE_VALIDATE -MMD -MP -c $< -o $@
define isolating_objects
$(OBJ)/workloads/%/host.invoke-$(1).o: workloads/%/host.c
	@mkdir -p $$(@D)
	$$(CC) $$(EF_CFLAGS) -DEF_MODE=EF_MODE_INVOKE -DEF_RUNTIME=$(1) -MMD -MP -c $$< -o $$@
$(OBJ)/workloads/%/host.full-$(1).o: workloads/%/host.c
	@mkdir -p $$(@D)
	$$(CC) $$(EF_CFLAGS) -DEF_MODE=EF_MODE_FULL -DEF_RUNTIME=$(1) -MMD -MP -c $$< -o $$@
endef
$(foreach r,$(ISOLATING),$(eval $(call isolating_objects,$r)))

# Foreign libraries are ordinary shared objects, as a distribution builds them.
$(BUILD)/lib/libef%.so: workloads/%/foreign.c
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -fPIC -shared -MMD -MP $< -o $@

$(EFBENCH): $(HARNESS_OBJS) $(RUNTIME_OBJS) $(WORKLOAD_OBJS) $(FOREIGN_LIBS)
	$(CC) $(EF_CFLAGS) -o $@ $(HARNESS_OBJS) $(RUNTIME_OBJS) $(WORKLOAD_OBJS) \
		-L$(BUILD)/lib -Wl,-rpath,'$$ORIGIN/lib' $(LDLIBS)

# The summary of result files (scripts/plots, make figures) and the
# regression check (scripts/check-regress, make check-regress): efbench's
# own CSV code and statistics.
READER := results sidecar strmap csv stats modes
$(EFREPORT): $(patsubst %,$(OBJ)/harness/%.o,efreport report tables format $(READER))
	$(CC) $(EF_CFLAGS) -o $@ $^ -lm
$(EFCOMPARE): $(patsubst %,$(OBJ)/harness/%.o,efcompare compare $(READER))
	$(CC) $(EF_CFLAGS) -o $@ $^ -lm

# Unit tests and efsetup link the harness and runtimes (not the driver's main).
TEST_LINK := $(filter-out $(OBJ)/harness/efbench.o,$(HARNESS_OBJS)) $(RUNTIME_OBJS) $(WORKLOAD_OBJS)

# One process's set-up and call, for scripts/setup-bench (hyperfine).
$(EFSETUP): $(OBJ)/harness/setup.o $(TEST_LINK) $(FOREIGN_LIBS)
	$(CC) $(EF_CFLAGS) -o $@ $< $(TEST_LINK) \
		-L$(BUILD)/lib -Wl,-rpath,'$$ORIGIN/lib' $(LDLIBS)
$(BUILD)/tests/test_%: $(OBJ)/tests/unit/test_%.o $(TEST_LINK) $(OBJ)/tests/unit/check.o $(FOREIGN_LIBS)
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -o $@ $< $(OBJ)/tests/unit/check.o $(TEST_LINK) \
		-L$(BUILD)/lib -Wl,-rpath,'$$ORIGIN/../lib' $(LDLIBS)

include tests/fuzz/fuzz.mk

clean:
	rm -rf $(BUILD)

-include $(shell find $(OBJ) $(BUILD)/lib $(BUILD)/pmp -name '*.d' 2>/dev/null)
