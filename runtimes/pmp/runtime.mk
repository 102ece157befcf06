# The pmp runtime (RISC-V PMP, rv32 bare metal) and its targets, pmp-virt
# and pmp-opentitan: firmware under QEMU, built wherever Debian's
# riscv64-unknown-elf toolchain and picolibc are installed (make deps
# installs them).  The targets exist everywhere; without the firmware they
# say why they are unavailable.
TARGETS += pmp_virt pmp_opentitan
RUNTIME_SRCS += runtimes/pmp/target

RVCC := riscv64-unknown-elf-gcc
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
# The firmware's brotli round trips stop at 1 KiB: the 64 KiB one (about
# 40 times as long) would take most of the firmware's run under QEMU, and
# the whole text does not fit opentitan's flash beside the encoder.  So it
# holds only the text it uses.
PMP_BROTLI_MAX := 1024
$(BUILD)/pmp/obj/workloads/brotli/text.o: workloads/brotli/alice29.txt
$(BUILD)/pmp/obj/workloads/brotli/text.o: EXTRA_ASFLAGS = -Iworkloads/brotli \
	-DEF_TEXT_BYTES=$(PMP_BROTLI_MAX)
$(BUILD)/pmp/%/board.o: runtimes/pmp/board.c
	@mkdir -p $(@D)
	$(RVCC) $(RV_CFLAGS) $(PMP_DEF_$*) -MMD -MP -c $< -o $@

# A foreign library for the firmware: its objects with the C library parts
# they use, linked into one relocatable object whose sections move to the
# foreign run (.foreign.*) and whose symbols, but for its own API, become
# local, so the host's copy of the C library stays the host's.  Its TLS
# sections stay TLS (one thread-local layout; the foreign side gets its own
# copy of the block) and its malloc takes the foreign run's libc heap.
# libsodium from Debian's source of the installed version (scripts/
# fetch-sources, run by make deps): the parts the workloads call.
SODIUM := $(BUILD)/src/libsodium/src/libsodium
SODIUM_SRCS := crypto_generichash/crypto_generichash.c \
	crypto_generichash/blake2b/generichash_blake2.c \
	crypto_generichash/blake2b/ref/generichash_blake2b.c \
	crypto_generichash/blake2b/ref/blake2b-ref.c \
	crypto_generichash/blake2b/ref/blake2b-compress-ref.c \
	crypto_auth/hmacsha256/auth_hmacsha256.c crypto_hash/sha256/hash_sha256.c \
	crypto_hash/sha256/cp/hash_sha256_cp.c sodium/utils.c crypto_verify/sodium/verify.c \
	crypto_secretbox/crypto_secretbox_easy.c crypto_secretbox/crypto_secretbox.c \
	crypto_secretbox/xsalsa20poly1305/secretbox_xsalsa20poly1305.c \
	crypto_stream/xsalsa20/stream_xsalsa20.c crypto_stream/salsa20/stream_salsa20.c \
	crypto_stream/salsa20/ref/salsa20_ref.c crypto_core/salsa/ref/core_salsa_ref.c \
	crypto_core/hsalsa20/ref2/core_hsalsa20_ref2.c \
	crypto_onetimeauth/poly1305/onetimeauth_poly1305.c \
	crypto_onetimeauth/poly1305/donna/poly1305_donna.c
SODIUM_OBJS := $(SODIUM_SRCS:%.c=$(BUILD)/pmp/obj/sodium/%.o)
# Bare metal has no entropy source for randombytes: the firmware skips it.
SODIUM_CFLAGS := -DNATIVE_LITTLE_ENDIAN=1 -DCONFIGURED=1 -DEF_NO_SODIUM_INIT \
	-DEF_NO_RANDOMBYTES='"bare metal has no entropy source for libsodium'"'"'s randombytes"' \
	-I$(BUILD)/pmp/sodium-include \
	-I$(SODIUM)/include/sodium -I$(SODIUM)/include
PMP_SODIUM := $(wildcard $(BUILD)/src/libsodium/.ready)

$(BUILD)/pmp/sodium-include/sodium/version.h: $(SODIUM)/include/sodium/version.h.in
	@mkdir -p $(@D)
	sed -e 's/@VERSION@/1.0.18/' -e 's/@SODIUM_LIBRARY_VERSION_MAJOR@/10/' \
		-e 's/@SODIUM_LIBRARY_VERSION_MINOR@/3/' -e 's/@SODIUM_LIBRARY_MINIMAL_DEF@//' $< > $@
$(BUILD)/pmp/obj/sodium/%.o: $(SODIUM)/%.c $(BUILD)/pmp/sodium-include/sodium/version.h
	@mkdir -p $(@D)
	$(RVCC) $(RV_CFLAGS) -w $(SODIUM_CFLAGS) -c $< -o $@

# brotli from Debian's source of the installed version, likewise.
BROTLI := $(BUILD)/src/brotli/c
BROTLI_SRCS := $(notdir $(wildcard $(BROTLI)/common/*.c)) $(notdir $(wildcard $(BROTLI)/dec/*.c)) \
	$(notdir $(wildcard $(BROTLI)/enc/*.c))
BROTLI_OBJS := $(patsubst $(BROTLI)/%.c,$(BUILD)/pmp/obj/brotli/%.o,\
	$(wildcard $(BROTLI)/common/*.c $(BROTLI)/dec/*.c $(BROTLI)/enc/*.c))
BROTLI_CFLAGS := -I$(BROTLI)/include
PMP_BROTLI := $(wildcard $(BUILD)/src/brotli/.ready)
$(BUILD)/pmp/obj/brotli/%.o: $(BROTLI)/%.c
	@mkdir -p $(@D)
	$(RVCC) $(RV_CFLAGS) -w $(BROTLI_CFLAGS) -c $< -o $@

PMP_SHIM := $(BUILD)/pmp/obj/runtimes/pmp/foreign-shim.o
PMP_FOREIGN_test := $(BUILD)/pmp/obj/tests/pmp/foreign.o $(PMP_SHIM)
PMP_FOREIGN_bench := $(BUILD)/pmp/obj/workloads/ubench/foreign.o $(PMP_SHIM) \
	$(if $(PMP_SODIUM),$(SODIUM_OBJS)) $(if $(PMP_BROTLI),$(BROTLI_OBJS))
.SECONDEXPANSION:
$(BUILD)/pmp/%-foreign.o: $$(PMP_FOREIGN_$$*)
	riscv64-unknown-elf-ld -r -m elf32lriscv -o $@.tmp $(filter %.o,$^) -L$(RV_LIBDIR) -lm -lc \
		$$($(RVCC) -march=rv32imac -mabi=ilp32 -print-libgcc-file-name)
	riscv64-unknown-elf-nm --defined-only -g $(filter-out $(PMP_SHIM),$(filter %.o,$^)) | \
		awk '{ print $$3 }' > $@.api
	riscv64-unknown-elf-objcopy --prefix-alloc-sections=.foreign \
		--keep-global-symbols=$@.api \
		--redefine-sym __heap_start=__foreign_libc_heap_lo \
		--redefine-sym __heap_end=__foreign_libc_heap_hi $@.tmp $@.tmp2
	riscv64-unknown-elf-objcopy $$(riscv64-unknown-elf-objdump -h $@.tmp2 | \
		awk '$$2 ~ /^\.foreign\.t(data|bss)/ { n = $$2; sub(/^\.foreign/, "", n); \
		printf "--rename-section %s=%s ", $$2, n }') $@.tmp2 $@
	@rm -f $@.tmp $@.tmp2

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
PMP_WORKLOADS := ubench $(if $(PMP_SODIUM),hmac sodium) $(if $(PMP_BROTLI),brotli)
PMP_BENCH_OBJS := $(BUILD)/pmp/obj/harness/digest.o \
	$(foreach w,$(PMP_WORKLOADS),$(PMP_BUILDS:%=$(BUILD)/pmp/obj/workloads/$w/host.%.o)) \
	$(if $(PMP_BROTLI),$(BUILD)/pmp/obj/workloads/brotli/text.o) \
	$(BUILD)/pmp/obj/runtimes/common/domain.o $(BUILD)/pmp/obj/runtimes/common/validate.o \
	$(BUILD)/pmp/obj/runtimes/mock/mock.o $(BUILD)/pmp/bench-foreign.o
# The runner, per board.  Without the sources, the firmware says why it
# skips the libsodium workloads.
PMP_SODIUM_DEF = $(if $(PMP_SODIUM),-DEF_PMP_HAVE_SODIUM,\
	-DEF_PMP_NO_SODIUM='"$(shell cat $(BUILD)/src/libsodium.missing 2>/dev/null || echo run scripts/fetch-sources)"') \
	$(if $(PMP_BROTLI),-DEF_PMP_HAVE_BROTLI,\
	-DEF_PMP_NO_BROTLI='"$(shell cat $(BUILD)/src/brotli.missing 2>/dev/null || echo run scripts/fetch-sources)"')
$(BUILD)/pmp/%/fwbench.o: harness/fwbench.c $(BUILD)/pmp/sodium.stamp
	@mkdir -p $(@D)
	$(RVCC) $(RV_CFLAGS) $(PMP_DEF_$*) $(PMP_SODIUM_DEF) -MMD -MP -c $< -o $@
$(BUILD)/pmp/obj/workloads/hmac/%.o $(BUILD)/pmp/obj/workloads/sodium/%.o: RV_EXTRA = $(SODIUM_CFLAGS)
$(BUILD)/pmp/obj/workloads/brotli/%.o: RV_EXTRA = $(BROTLI_CFLAGS) -DEF_TEXT_BYTES=$(PMP_BROTLI_MAX)
# Rebuild what depends on whether the sources are there when that changes.
$(BUILD)/pmp/sodium.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(PMP_SODIUM) $(PMP_BROTLI)' | cmp -s - $@ || echo '$(PMP_SODIUM) $(PMP_BROTLI)' > $@
$(BUILD)/pmp/bench-foreign.o: $(BUILD)/pmp/sodium.stamp
$(BUILD)/pmp/obj/workloads/hmac/host.unsafe.o $(BUILD)/pmp/obj/workloads/sodium/host.unsafe.o: \
	$(BUILD)/pmp/sodium-include/sodium/version.h
$(BUILD)/pmp/%/bench.elf: $(PMP_HOST_OBJS) $(BUILD)/pmp/%/board.o $(BUILD)/pmp/%/fwbench.o \
		$(PMP_BENCH_OBJS) runtimes/pmp/fw.ld
	$(RVCC) $(RV_LDFLAGS) $(PMP_LD_$*) -o $@ $(PMP_HOST_OBJS) $(BUILD)/pmp/$*/board.o \
		$(BUILD)/pmp/$*/fwbench.o $(PMP_BENCH_OBJS)

# A test knob (tests/regress): the virt firmware with PMP_GATE_PAD more
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
.SECONDARY: $(PMP_HOST_OBJS) $(PMP_BENCH_OBJS) $(SODIUM_OBJS) $(BROTLI_OBJS) $(PMP_SHIM) \
	$(BUILD)/pmp/obj/tests/pmp/test_pmp.o $(BUILD)/pmp/obj/tests/pmp/foreign.o \
	$(BUILD)/pmp/obj/workloads/ubench/foreign.o $(BUILD)/pmp/test-foreign.o \
	$(PMP_BOARDS:%=$(BUILD)/pmp/%/board.o) $(PMP_BOARDS:%=$(BUILD)/pmp/%/fwbench.o) \
	$(BUILD)/pmp/sodium-include/sodium/version.h

PMP_TEST_OBJS := $(BUILD)/pmp/obj/tests/pmp/test_pmp.o $(BUILD)/pmp/obj/runtimes/common/domain.o \
	$(BUILD)/pmp/obj/runtimes/common/validate.o $(BUILD)/pmp/test-foreign.o
$(BUILD)/pmp/%/test_pmp.elf: $(PMP_HOST_OBJS) $(BUILD)/pmp/%/board.o $(PMP_TEST_OBJS) runtimes/pmp/fw.ld
	$(RVCC) $(RV_LDFLAGS) $(PMP_LD_$*) -o $@ $(PMP_HOST_OBJS) $(BUILD)/pmp/$*/board.o \
		$(PMP_TEST_OBJS)
endif
