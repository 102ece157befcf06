# The pmp runtime (RISC-V PMP, rv32 bare metal) and its targets, pmp-virt
# and pmp-opentitan: firmware under QEMU, built wherever Debian's
# riscv64-unknown-elf toolchain and picolibc are installed (make deps
# installs them).  The targets exist everywhere; without the firmware they
# say why they are unavailable.
TARGETS += pmp_virt pmp_opentitan
RUNTIME_SRCS += runtimes/pmp/target

# The cross toolchain: gcc, ld, nm, objcopy and objdump by this prefix.
RV_PREFIX := riscv64-unknown-elf-
RVCC := $(RV_PREFIX)gcc
# The Debian source packages of the workloads' firmware libraries, for
# scripts/fetch-sources (make deps): each library's <tree>_SOURCE.
PMP_LIBS := $(call uniq,$(foreach w,$(WORKLOADS),$($w_PMP_LIB)))
SOURCES += $(foreach t,$(PMP_LIBS),$($t_SOURCE))
ifneq ($(shell command -v $(RVCC) 2>/dev/null),)
PMP_BOARDS := virt opentitan
# The benchmark firmware needs megabytes of RAM (1 MiB buffers): virt only.
PMP_FIRMWARE := $(PMP_BOARDS:%=$(BUILD)/pmp/%/test_pmp.elf) \
	$(PMP_BOARDS:%=$(BUILD)/pmp/%/bench.elf)
ALL_EXTRA += $(PMP_FIRMWARE)
# The workloads' builds in the firmware: every mode, pmp the isolating runtime.
PMP_BUILDS := unsafe validate invoke-pmp full-pmp
# rv32imac for both boards (the opentitan board's Ibex has no F or D); the
# zicsr extension for the assembler, the plain name for picolibc's multilib.
# -mno-relax: the gate clears gp, so nothing may address relative to it.
# Host buffers aligned to 64 bytes, not pages: opentitan's host heap is
# 32 KiB (ef_mode.h, EF_HOST_BUFFER_ALIGN).
RV_CFLAGS := -march=rv32imac_zicsr -mabi=ilp32 -mno-relax -mcmodel=medany \
	-O2 -g -std=gnu11 -Wall -Wextra -ffunction-sections -fdata-sections \
	-fno-common --specs=picolibc.specs -DEF_DEFAULT_SIZES_FROM_LINKER \
	-DEF_HOST_BUFFER_ALIGN=64
RV_LDFLAGS := -march=rv32imac -mabi=ilp32 --specs=picolibc.specs -nostartfiles \
	-T runtimes/pmp/fw.ld -Wl,--no-warn-rwx-segments -Wl,--gc-sections
RV_LIBDIR := /usr/lib/picolibc/riscv64-unknown-elf/lib/rv32imac/ilp32
# Boards: where code and data go, the heaps and stacks, where execution
# starts.  virt: code in its first 8 MiB of RAM, data in the next 32 MiB (of
# the 128 MiB QEMU gives it); its 4 MiB host heap holds validate mode's mock
# domain (1.5 MiB) beside a workload's host buffers (1 MiB and more).  opentitan: code
# in its flash after the reset jump (0x20000400), data in 128 KiB of SRAM.
PMP_LD_virt := -Wl,--defsym=CODE_BASE=0x80000000,--defsym=CODE_SIZE=0x800000 \
	-Wl,--defsym=RAM_BASE=0x80800000,--defsym=RAM_SIZE=0x2000000 \
	-Wl,--defsym=HOST_HEAP=0x400000,--defsym=FOREIGN_LIBC_HEAP=0x400000 \
	-Wl,--defsym=HOST_STACK=0x40000,--defsym=FOREIGN_HEAP=0x300000,--defsym=FOREIGN_STACK=0x4000 \
	-Wl,--defsym=__domain_heap_bytes=0x180000,--defsym=__domain_stack_bytes=0x40000
PMP_LD_opentitan := -Wl,-e,ef_reset -Wl,--section-start=.reset=0x20000400 \
	-Wl,--defsym=CODE_BASE=0x20001000,--defsym=CODE_SIZE=0xff000 \
	-Wl,--defsym=RAM_BASE=0x10000000,--defsym=RAM_SIZE=0x20000 \
	-Wl,--defsym=HOST_HEAP=0x8000,--defsym=FOREIGN_LIBC_HEAP=0x2000 \
	-Wl,--defsym=HOST_STACK=0x2000,--defsym=FOREIGN_HEAP=0x6000,--defsym=FOREIGN_STACK=0x2000 \
	-Wl,--defsym=__domain_heap_bytes=0x2000,--defsym=__domain_stack_bytes=0x1000
PMP_DEF_virt := -DEF_BOARD_VIRT
# opentitan's SRAM holds no domain buffer over 4 KiB (HMAC's 4096 fit).
PMP_DEF_opentitan := -DEF_BOARD_OPENTITAN -DEF_PMP_MAX_BYTES=4096

$(BUILD)/pmp/obj/%.o: %.c
	@mkdir -p $(@D)
	$(RVCC) $(RV_CFLAGS) $(RV_EXTRA) -MMD -MP -c $< -o $@
$(BUILD)/pmp/obj/%.o: %.S
	@mkdir -p $(@D)
	$(RVCC) $(RV_CFLAGS) $(EXTRA_ASFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/pmp/%/board.o: runtimes/pmp/board.c
	@mkdir -p $(@D)
	$(RVCC) $(RV_CFLAGS) $(PMP_DEF_$*) -MMD -MP -c $< -o $@

# A workload's library for the firmware, from Debian's source of the
# installed version (scripts/fetch-sources, run by make deps, unpacks it in
# $(BUILD)/src/<tree>, marked .ready): a workload's workload.mk names its
# tree (<w>_PMP_LIB); the tree's own facts (<tree>_SOURCE, the firmware's
# <tree>_PMP_LIB_DIR, _SRCS relative to it, _CFLAGS and _DEPS, what its
# objects need built first) sit in the workload.mk of the workload named
# after it.  A workload whose tree is missing is left out of the firmware,
# which says why (the tree's .missing, from fetch-sources); so is one whose
# library has no firmware build at all, which says why in <w>_PMP_NONE.
pmp_ready = $(wildcard $(BUILD)/src/$1/.ready)
pmp_lib_objs = $(patsubst %.c,$(BUILD)/pmp/obj/$1/%.o,$($1_PMP_LIB_SRCS))
PMP_WORKLOADS := $(foreach w,$(WORKLOADS),$(if $($w_PMP_NONE),,\
	$(if $($w_PMP_LIB),$(if $(call pmp_ready,$($w_PMP_LIB)),$w),$w)))
PMP_SKIPPED := $(filter-out $(PMP_WORKLOADS),$(WORKLOADS))
PMP_LIB_OBJS := $(foreach t,$(PMP_LIBS),$(if $(call pmp_ready,$t),$(call pmp_lib_objs,$t)))
define pmp_library
$(if $($(1)_PMP_LIB_DIR),,$(error $(1), a firmware library of WORKLOADS, has no $(1)_PMP_LIB_DIR: \
	is the workload that defines it in WORKLOADS?))
$(BUILD)/pmp/obj/$(1)/%.o: $$($(1)_PMP_LIB_DIR)/%.c $$($(1)_PMP_LIB_DEPS)
	@mkdir -p $$(@D)
	$$(RVCC) $$(RV_CFLAGS) -w $$($(1)_PMP_LIB_CFLAGS) -c $$< -o $$@
endef
$(foreach t,$(PMP_LIBS),$(eval $(call pmp_library,$t)))

# The firmware's lists for harness/fwbench.c: the workloads it holds, and
# for the others why not; rewritten only when they change.  The reason goes
# into a C string inside a shell word.
c_in_sh = $(subst ','\'',$(subst ",\",$(subst \,\\,$1)))
pmp_missing = $(shell cat $(BUILD)/src/$1.missing 2>/dev/null || echo run scripts/fetch-sources)
pmp_why = $(or $($1_PMP_NONE),$($1_PMP_LIB)'s source is missing: $(call pmp_missing,$($1_PMP_LIB)))
PMP_LISTS_H = printf '%s\n' '/* ef_fw_lists.h: written by runtimes/pmp/runtime.mk from WORKLOADS; do not edit. */' \
	'\#define EF_FW_WORKLOADS(X) $(call x_list,$(PMP_WORKLOADS))' \
	'\#define EF_FW_SKIPPED(X) $(foreach w,$(PMP_SKIPPED),X($w, "$(call c_in_sh,$(call pmp_why,$w))"))'
$(BUILD)/pmp/ef_fw_lists.h: FORCE
	@mkdir -p $(@D)
	@$(PMP_LISTS_H) | cmp -s - $@ || $(PMP_LISTS_H) > $@

# The foreign side of a firmware: its objects and the libraries', linked
# into one relocatable object (runtimes/pmp/foreign-link says how).
PMP_SHIM := $(BUILD)/pmp/obj/runtimes/pmp/foreign-shim.o
PMP_FOREIGN_test := $(BUILD)/pmp/obj/tests/pmp/foreign.o
PMP_FOREIGN_bench := $(patsubst %.c,$(BUILD)/pmp/obj/%.o,\
	$(wildcard $(PMP_WORKLOADS:%=workloads/%/foreign.c))) $(PMP_LIB_OBJS)
.SECONDEXPANSION:
$(BUILD)/pmp/%-foreign.o: $$(PMP_FOREIGN_$$*) $(PMP_SHIM) runtimes/pmp/foreign-link
	RV_PREFIX=$(RV_PREFIX) runtimes/pmp/foreign-link -o $@ -L $(RV_LIBDIR) \
		-g $$($(RVCC) -march=rv32imac -mabi=ilp32 -print-libgcc-file-name) \
		-x $(PMP_SHIM) $(PMP_FOREIGN_$*)

# The workloads, once per build, with the shared runtime code.
PMP_MODE_unsafe := -DEF_MODE=EF_MODE_UNSAFE
PMP_MODE_validate := -DEF_MODE=EF_MODE_VALIDATE
PMP_MODE_invoke-pmp := -DEF_MODE=EF_MODE_INVOKE -DEF_RUNTIME=pmp
PMP_MODE_full-pmp := -DEF_MODE=EF_MODE_FULL -DEF_RUNTIME=pmp
define pmp_build_object
$(BUILD)/pmp/obj/workloads/%/host.$(1).o: workloads/%/host.c
	@mkdir -p $$(@D)
	$$(RVCC) $$(RV_CFLAGS) $$(RV_EXTRA) $$(PMP_MODE_$(1)) -MMD -MP -c $$< -o $$@
endef
$(foreach m,$(PMP_BUILDS),$(eval $(call pmp_build_object,$m)))

PMP_HOST_OBJS := $(BUILD)/pmp/obj/runtimes/pmp/start.o $(BUILD)/pmp/obj/runtimes/pmp/pmp.o
PMP_BENCH_OBJS := $(BUILD)/pmp/obj/harness/digest.o \
	$(foreach w,$(PMP_WORKLOADS),$(PMP_BUILDS:%=$(BUILD)/pmp/obj/workloads/$w/host.%.o) $($w_PMP_OBJS)) \
	$(BUILD)/pmp/obj/runtimes/common/domain.o $(BUILD)/pmp/obj/runtimes/common/validate.o \
	$(BUILD)/pmp/obj/runtimes/mock/mock.o $(BUILD)/pmp/bench-foreign.o
# A workload's host side sees its library's headers and flags and its own
# firmware flags (<w>_PMP_CFLAGS).
$(foreach w,$(WORKLOADS),$(eval $(BUILD)/pmp/obj/workloads/$w/%.o: \
	RV_EXTRA = $$($$($w_PMP_LIB)_PMP_LIB_CFLAGS) $$($w_PMP_CFLAGS)))
$(foreach w,$(WORKLOADS),$(eval $(PMP_BUILDS:%=$(BUILD)/pmp/obj/workloads/$w/host.%.o): \
	$$($$($w_PMP_LIB)_PMP_LIB_DEPS)))
# The runner, per board; what it holds changes with the lists.
$(BUILD)/pmp/%/fwbench.o: harness/fwbench.c $(BUILD)/pmp/ef_fw_lists.h
	@mkdir -p $(@D)
	$(RVCC) $(RV_CFLAGS) $(PMP_DEF_$*) -I$(BUILD)/pmp -MMD -MP -c $< -o $@
$(BUILD)/pmp/bench-foreign.o: $(BUILD)/pmp/ef_fw_lists.h
$(BUILD)/pmp/%/bench.elf: $(PMP_HOST_OBJS) $(BUILD)/pmp/%/board.o $(BUILD)/pmp/%/fwbench.o \
		$(PMP_BENCH_OBJS) runtimes/pmp/fw.ld
	$(RVCC) $(RV_LDFLAGS) $(PMP_LD_$*) -o $@ $(PMP_HOST_OBJS) $(BUILD)/pmp/$*/board.o \
		$(BUILD)/pmp/$*/fwbench.o $(PMP_BENCH_OBJS)

# A test knob (tests/pmp/test_pmp.sh): the virt firmware with PMP_GATE_PAD more
# instructions in every gate call, which the regression check must flag.
PMP_GATE_PAD ?= 8
PMP_KNOB := $(BUILD)/pmp/virt/bench-gatepad.elf
TEST_EXTRA += $(PMP_KNOB)
$(BUILD)/pmp/obj/runtimes/pmp/start-gatepad.o: runtimes/pmp/start.S
	@mkdir -p $(@D)
	$(RVCC) $(RV_CFLAGS) -DEF_GATE_PAD=$(PMP_GATE_PAD) -c $< -o $@
$(PMP_KNOB): $(BUILD)/pmp/obj/runtimes/pmp/start-gatepad.o $(BUILD)/pmp/obj/runtimes/pmp/pmp.o \
		$(BUILD)/pmp/virt/board.o $(BUILD)/pmp/virt/fwbench.o $(PMP_BENCH_OBJS) runtimes/pmp/fw.ld
	$(RVCC) $(RV_LDFLAGS) $(PMP_LD_virt) -o $@ $(filter %.o,$^)

# The firmware's objects are prerequisites of pattern rules only: keep them.
.SECONDARY: $(PMP_HOST_OBJS) $(PMP_BENCH_OBJS) $(PMP_LIB_OBJS) $(PMP_SHIM) \
	$(BUILD)/pmp/obj/tests/pmp/test_pmp.o $(PMP_FOREIGN_test) $(PMP_FOREIGN_bench) \
	$(BUILD)/pmp/test-foreign.o \
	$(PMP_BOARDS:%=$(BUILD)/pmp/%/board.o) $(PMP_BOARDS:%=$(BUILD)/pmp/%/fwbench.o) \
	$(foreach t,$(PMP_LIBS),$($t_PMP_LIB_DEPS))

PMP_TEST_OBJS := $(BUILD)/pmp/obj/tests/pmp/test_pmp.o $(BUILD)/pmp/obj/runtimes/common/domain.o \
	$(BUILD)/pmp/obj/runtimes/common/validate.o $(BUILD)/pmp/test-foreign.o
$(BUILD)/pmp/%/test_pmp.elf: $(PMP_HOST_OBJS) $(BUILD)/pmp/%/board.o $(PMP_TEST_OBJS) runtimes/pmp/fw.ld
	$(RVCC) $(RV_LDFLAGS) $(PMP_LD_$*) -o $@ $(PMP_HOST_OBJS) $(BUILD)/pmp/$*/board.o \
		$(PMP_TEST_OBJS)
endif
