# The mpk runtime (x86-64 protection keys) and the mpk target, wherever
# x86-64 Linux builds it; it builds without protection keys and reports
# itself unavailable at run time.
ifeq ($(ARCH),x86_64)
ISOLATING += mpk
TARGETS += mpk
# make bench measures what sealing costs: strict beside sealed, in one run.
BENCH_ARGS += --policy sealed,strict
RUNTIME_SRCS += $(addprefix runtimes/mpk/,state cpu elf keys syscalls thread scan signals \
	sealed watchdog callbacks loader gate target)

# Each library set a domain loads: libefstub-<set>.so needs libefheap.so
# first, then the set's libraries (see runtimes/mpk/stub.c): a workload's
# set is its libraries (<w>_LDLIBS); the test suite's holds every one,
# mpkgadget a library the sealed policy must refuse, and the attack
# suite's its hostile library alone.
MPK_SETS := $(WORKLOADS) mpktest mpkgadget hostile
$(foreach w,$(WORKLOADS),$(eval MPK_NEEDED_$w := $($w_LDLIBS)))
MPK_NEEDED_mpktest := -lefmpktest $(call uniq,$(foreach w,$(WORKLOADS),$($w_LDLIBS)))
MPK_NEEDED_mpkgadget := -lefmpkgadget
MPK_NEEDED_hostile := -lefhostile
MPK_WORKLOAD_LIBS := $(FOREIGN_LIBS)
FOREIGN_LIBS += $(BUILD)/lib/libefheap.so $(BUILD)/lib/libefmpktest.so \
	$(BUILD)/lib/libefmpkgadget.so $(BUILD)/lib/libefhostile.so \
	$(MPK_SETS:%=$(BUILD)/lib/libefstub-%.so)
# The mpk suite is part of every build: efbench runs it before writing mpk
# rows, and scripts/mpk-vm boots it (with test_modes and the attack suite)
# in the test VM.
MPK_SUITE := $(BUILD)/tests/test_mpk $(BUILD)/tests/test_modes $(BUILD)/tests/test_attacks
ALL_EXTRA += $(MPK_SUITE)
UNIT_TESTS += $(BUILD)/tests/test_mpk $(BUILD)/tests/test_attacks

$(BUILD)/lib/libefheap.so: runtimes/mpk/heap.c
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -fPIC -shared -MMD -MP $< -o $@

# The test suite's foreign library reads the canary in every function, as
# distribution libraries built with the stack protector do.
$(BUILD)/lib/libefmpktest.so: tests/mpk/foreign.c
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -fstack-protector-all -fPIC -shared -MMD -MP $< -o $@

$(BUILD)/lib/libefmpkgadget.so: tests/mpk/gadget.c
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -fPIC -shared -MMD -MP $< -o $@

# The attack suite's hostile library: some attacks change the thread
# pointer before they return, so no stack protector.
$(BUILD)/lib/libefhostile.so: tests/mpk/hostile.c
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -fno-stack-protector -fPIC -shared -MMD -MP $< -o $@

$(BUILD)/lib/libefstub-%.so: runtimes/mpk/stub.c $(BUILD)/lib/libefheap.so \
		$(MPK_WORKLOAD_LIBS) $(BUILD)/lib/libefmpktest.so \
		$(BUILD)/lib/libefmpkgadget.so $(BUILD)/lib/libefhostile.so
	$(CC) $(EF_CFLAGS) -fPIC -shared $< -o $@ -Wl,--no-as-needed \
		-L$(BUILD)/lib -lefheap $(MPK_NEEDED_$*) -Wl,-rpath,'$$ORIGIN'

# The runtime's objects so far, by name, so that the suites relink when the
# runtime changes (RUNTIME_OBJS is set after the runtimes' files are read).
MPK_SUITE_OBJS := $(RUNTIME_SRCS:%=$(OBJ)/%.o)
$(BUILD)/tests/test_mpk: $(OBJ)/tests/mpk/test_mpk.o $(MPK_SUITE_OBJS) \
		$(OBJ)/tests/unit/check.o $(FOREIGN_LIBS)
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -o $@ $< $(OBJ)/tests/unit/check.o $(filter-out %/target.o,$(RUNTIME_OBJS)) \
		-L$(BUILD)/lib -lefmpktest -Wl,-rpath,'$$ORIGIN/../lib' $(LDLIBS)

$(BUILD)/tests/test_attacks: $(OBJ)/tests/mpk/test_attacks.o $(MPK_SUITE_OBJS) \
		$(OBJ)/tests/unit/check.o $(FOREIGN_LIBS)
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -o $@ $< $(OBJ)/tests/unit/check.o $(filter-out %/target.o,$(RUNTIME_OBJS)) \
		-L$(BUILD)/lib -lefhostile -Wl,-rpath,'$$ORIGIN/../lib' $(LDLIBS)
endif
