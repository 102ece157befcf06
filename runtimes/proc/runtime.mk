# The proc runtime (process isolation: a sandbox process per domain, see
# runtimes/proc/proc.h) and the proc target, wherever x86-64 Linux builds
# it: it needs no special hardware.
ifeq ($(ARCH),x86_64)
ISOLATING += proc
TARGETS += proc
RUNTIME_SRCS += runtimes/proc/proc runtimes/proc/target

# The sandbox binary, next to efbench: it dlopens a set's libraries, by
# their names for the linker (-lsodium: libsodium.so), the workloads' sets
# and the test suite's own (tests/proc/foreign.c).
PROC_SERVER := $(BUILD)/efproc-server
PROC_SETS := $(WORKLOADS) proctest procctor
$(foreach w,$(WORKLOADS),$(eval PROC_LIBS_$w := $(patsubst -l%,lib%.so,$($w_LDLIBS))))
PROC_LIBS_proctest := libefproctest.so
PROC_LIBS_procctor := libefprocctor.so
FOREIGN_LIBS += $(BUILD)/lib/libefproctest.so $(BUILD)/lib/libefprocctor.so
ALL_EXTRA += $(PROC_SERVER)
UNIT_TESTS += $(BUILD)/tests/test_proc

PROC_SETS_H = printf '%s\n' '/* ef_proc_sets.h: written by runtimes/proc/runtime.mk; do not edit. */' \
	'\#define EF_PROC_SETS(X) $(foreach s,$(PROC_SETS),X("$s", "$(PROC_LIBS_$s)"))'
$(GEN)/ef_proc_sets.h: FORCE
	@mkdir -p $(@D)
	@$(PROC_SETS_H) | cmp -s - $@ || $(PROC_SETS_H) > $@

$(PROC_SERVER): runtimes/proc/server.c $(GEN)/ef_proc_sets.h
	@mkdir -p $(OBJ)/runtimes/proc
	$(CC) $(EF_CFLAGS) -I$(GEN) -MMD -MP -MF $(OBJ)/runtimes/proc/server.d -MT $@ \
		$< -o $@ -ldl -Wl,-rpath,'$$ORIGIN/lib'

$(BUILD)/lib/libefproctest.so: tests/proc/foreign.c
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -fPIC -shared -MMD -MP $< -o $@

$(BUILD)/lib/libefprocctor.so: tests/proc/ctor.c
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -fPIC -shared -MMD -MP $< -o $@

PROC_SUITE_OBJS := $(RUNTIME_SRCS:%=$(OBJ)/%.o)
$(BUILD)/tests/test_proc: $(OBJ)/tests/proc/test_proc.o $(PROC_SUITE_OBJS) \
		$(OBJ)/tests/unit/check.o $(FOREIGN_LIBS) $(PROC_SERVER)
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -o $@ $< $(OBJ)/tests/unit/check.o $(filter-out %/target.o,$(RUNTIME_OBJS)) \
		-L$(BUILD)/lib -lefproctest -Wl,-rpath,'$$ORIGIN/../lib' $(LDLIBS)
endif
