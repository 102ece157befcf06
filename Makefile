# efbench: `make bench` measures, `make test` checks.  See README.md.
MAKEFLAGS += --no-builtin-rules
.DELETE_ON_ERROR:
.SUFFIXES:

CC      ?= cc
CFLAGS  ?= -O2 -g
EF_CFLAGS := $(CFLAGS) -std=gnu11 -Wall -Wextra -Wshadow -Werror=implicit-function-declaration
LDLIBS  := -lm
BUILD   := build
OBJ     := $(BUILD)/obj

# Modes this machine can build: the isolating runtimes (invoke, full) come
# with the mpk and pmp targets.
HOST_MODES := unsafe validate

HARNESS   := clock csv efbench meta options plan registry runner selfbench stats summary
RUNTIME   := targets/common/domain targets/common/validate targets/mock/mock
WORKLOADS := ubench

HARNESS_OBJS  := $(HARNESS:%=$(OBJ)/harness/%.o)
RUNTIME_OBJS  := $(RUNTIME:%=$(OBJ)/%.o)
WORKLOAD_OBJS := $(foreach w,$(WORKLOADS),$(foreach m,$(HOST_MODES),$(OBJ)/workloads/$w/host.$m.o))
FOREIGN_LIBS  := $(BUILD)/lib/libefubench.so
EFBENCH       := $(BUILD)/efbench

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

ifeq ($(QUICK),1)
BENCH_FLAGS ?= --repetitions 5 --min-time 0.01
endif

.PHONY: all bench test deps clean
all: $(EFBENCH)

deps:
	@scripts/install-deps

bench: deps
	@$(MAKE) --no-print-directory all
	$(EFBENCH) $(BENCH_FLAGS)

test: deps
	@$(MAKE) --no-print-directory all $(UNIT_TESTS)
	@scripts/run-tests

# The commit goes into the sidecar; the stamp changes only when it does.
GIT_COMMIT := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(BUILD)/commit.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(GIT_COMMIT) $(EF_CFLAGS)' | cmp -s - $@ || echo '$(GIT_COMMIT) $(EF_CFLAGS)' > $@
FORCE:

$(OBJ)/harness/meta.o: $(BUILD)/commit.stamp
$(OBJ)/harness/meta.o: EXTRA_CFLAGS = -DEF_GIT_COMMIT='"$(GIT_COMMIT)"' -DEF_CFLAGS='"$(EF_CFLAGS)"'

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@

# One object per workload and mode, from one source.
define mode_object
$(OBJ)/workloads/%/host.$(1).o: workloads/%/host.c
	@mkdir -p $$(@D)
	$$(CC) $$(EF_CFLAGS) -DEF_MODE=EF_MODE_$(shell echo $(1) | tr a-z A-Z) -MMD -MP -c $$< -o $$@
endef
$(foreach m,$(HOST_MODES),$(eval $(call mode_object,$m)))

# Foreign libraries are ordinary shared objects, as a distribution builds them.
$(BUILD)/lib/libef%.so: workloads/%/foreign.c
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -fPIC -shared -MMD -MP $< -o $@

$(EFBENCH): $(HARNESS_OBJS) $(RUNTIME_OBJS) $(WORKLOAD_OBJS) $(FOREIGN_LIBS)
	$(CC) $(EF_CFLAGS) -o $@ $(HARNESS_OBJS) $(RUNTIME_OBJS) $(WORKLOAD_OBJS) \
		-L$(BUILD)/lib -lefubench -Wl,-rpath,'$$ORIGIN/lib' $(LDLIBS)

# Unit tests link the harness and runtimes (not the driver's main).
TEST_LINK := $(filter-out $(OBJ)/harness/efbench.o,$(HARNESS_OBJS)) $(RUNTIME_OBJS) $(WORKLOAD_OBJS)
$(BUILD)/tests/%: $(OBJ)/tests/unit/%.o $(TEST_LINK) $(OBJ)/tests/unit/check.o $(FOREIGN_LIBS)
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -o $@ $< $(OBJ)/tests/unit/check.o $(TEST_LINK) \
		-L$(BUILD)/lib -lefubench -Wl,-rpath,'$$ORIGIN/../lib' $(LDLIBS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(OBJ) $(BUILD)/lib -name '*.d' 2>/dev/null)
