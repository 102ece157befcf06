# The sfi runtime (software fault isolation as RLBox: the foreign library
# set compiled to WebAssembly and translated to C by wasm2c) and its target,
# on x86-64 wherever clang's wasm32-wasi target, wasi-libc, wasm-ld and
# wabt's wasm2c are installed (make deps installs them) and make deps has
# unpacked the Debian sources of libsodium and brotli (scripts/fetch-sources,
# for the PMP firmware too).  See runtimes/sfi/sfi.h.
SFI_CLANG := clang
SFI_WASM2C := wasm2c
ifeq ($(ARCH),x86_64)
SFI_READY := $(and $(shell command -v $(SFI_CLANG) 2>/dev/null),\
	$(shell command -v $(SFI_WASM2C) 2>/dev/null),$(shell command -v wasm-ld 2>/dev/null),\
	$(wildcard /usr/lib/wasm32-wasi/libc.a),\
	$(wildcard /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a),\
	$(wildcard $(BUILD)/src/libsodium/.ready),$(wildcard $(BUILD)/src/brotli/.ready))
endif
ifneq ($(SFI_READY),)
ISOLATING += sfi
TARGETS += sfi
# One module per library set, named after it, except that the hmac and
# sodium sets share libsodium's; sfitest is the test suite's library.
SFI_MODULES := ubench sodium brotli sfitest
SFI_GEN := $(GEN)/sfi
RUNTIME_SRCS += runtimes/sfi/sfi runtimes/sfi/wasm_rt runtimes/sfi/watchdog runtimes/sfi/target \
	$(SFI_MODULES:%=$(SFI_GEN)/sfi_%)
# The modules' headers (wasm2c's prototypes of their exports), which the
# runtime, the workloads' sfi builds and the suite include.
EF_CFLAGS += -I$(SFI_GEN)
SFI_HEADERS := $(SFI_MODULES:%=$(SFI_GEN)/sfi_%.h)
$(OBJ)/runtimes/sfi/sfi.o $(OBJ)/runtimes/sfi/wasm_rt.o $(OBJ)/tests/sfi/test_sfi.o \
	$(foreach w,$(WORKLOADS),$(OBJ)/workloads/$w/host.invoke-sfi.o \
	$(OBJ)/workloads/$w/host.full-sfi.o): $(SFI_HEADERS)

# Each module's sources and the functions it exports (those the workloads
# call, and malloc and free).  libsodium: what the workloads call, as the
# firmware builds it (workloads/sodium/workload.mk), and what sodium_init
# and randombytes need beyond that, portable C only.
SFI_ubench_SRCS := workloads/ubench/foreign.c
SFI_ubench_EXPORTS := $(foreach n,0 1 2 3 4 5 6 7 10 25 50 100,efub_args$n) \
	efub_pass efub_fill efub_call_back efub_store
SFI_sodium_SRCS := $(addprefix $(libsodium_PMP_LIB_DIR)/,$(libsodium_PMP_LIB_SRCS) \
	sodium/core.c sodium/runtime.c randombytes/randombytes.c \
	randombytes/sysrandom/randombytes_sysrandom.c \
	crypto_pwhash/argon2/argon2-core.c crypto_pwhash/argon2/argon2-fill-block-ref.c \
	crypto_pwhash/argon2/blake2b-long.c \
	crypto_scalarmult/curve25519/scalarmult_curve25519.c \
	crypto_scalarmult/curve25519/ref10/x25519_ref10.c \
	crypto_core/ed25519/ref10/ed25519_ref10.c \
	crypto_stream/chacha20/stream_chacha20.c crypto_stream/chacha20/ref/chacha20_ref.c)
SFI_sodium_EXPORTS := sodium_init crypto_generichash randombytes_buf \
	crypto_secretbox_easy crypto_secretbox_open_easy crypto_auth_hmacsha256_init \
	crypto_auth_hmacsha256_update crypto_auth_hmacsha256_final
SFI_brotli_SRCS := $(addprefix $(brotli_PMP_LIB_DIR)/,$(brotli_PMP_LIB_SRCS))
SFI_brotli_EXPORTS := BrotliEncoderCompress BrotliDecoderDecompress
SFI_sfitest_SRCS := tests/sfi/foreign.c
SFI_sfitest_EXPORTS := efst_pass efst_outside efst_read efst_abort efst_deep \
	efst_call_back efst_call_wrong efst_wait efst_grow efst_spin

SFI_WASM_CFLAGS := --target=wasm32-wasi -O2 -g0 -Wall -Wno-unused-function
SFI_OBJ := $(BUILD)/sfi/obj
$(SFI_OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(SFI_CLANG) $(SFI_WASM_CFLAGS) $(SFI_EXTRA) -MMD -MP -c $< -o $@
# libsodium's configure-made definitions: version.h (the firmware's), and
# <signal.h>, which sodium/utils.c includes but does not use.
$(SFI_OBJ)/$(libsodium_PMP_LIB_DIR)/%.o: SFI_EXTRA = -DNATIVE_LITTLE_ENDIAN=1 \
	-DCONFIGURED=1 -D_WASI_EMULATED_SIGNAL -I$(BUILD)/pmp/sodium-include \
	-I$(libsodium_PMP_LIB_DIR)/include/sodium -I$(libsodium_PMP_LIB_DIR)/include -w
$(SFI_OBJ)/$(libsodium_PMP_LIB_DIR)/%.o: | $(libsodium_PMP_LIB_DEPS)
$(SFI_OBJ)/$(brotli_PMP_LIB_DIR)/%.o: SFI_EXTRA = $(brotli_PMP_LIB_CFLAGS) -w

# A reactor (no main; _initialize runs the constructors), exporting its
# functions and its function table, which callbacks grow.
sfi_objs = $(patsubst %.c,$(SFI_OBJ)/%.o,$(SFI_$1_SRCS))
define sfi_module
$(BUILD)/sfi/$(1).wasm: $(call sfi_objs,$(1))
	$$(SFI_CLANG) --target=wasm32-wasi -mexec-model=reactor -o $$@ $$^ \
		-Wl,--export-table,--growable-table \
		$$(foreach f,$$(SFI_$(1)_EXPORTS) malloc free,-Wl,--export=$$f)
endef
$(foreach m,$(SFI_MODULES),$(eval $(call sfi_module,$m)))
-include $(shell find $(SFI_OBJ) -name '*.d' 2>/dev/null)

$(SFI_GEN)/sfi_%.c $(SFI_GEN)/sfi_%.h: $(BUILD)/sfi/%.wasm
	@mkdir -p $(@D)
	$(SFI_WASM2C) $< -n $* -o $(SFI_GEN)/sfi_$*.c

# wasm2c's C, with the host's compiler; its warnings are the generator's.
$(OBJ)/$(SFI_GEN)/%.o: $(SFI_GEN)/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -std=gnu11 -w -fno-strict-aliasing -c $< -o $@

# The versions the sidecar records.
sfi_version = $(shell dpkg-query -W -f='$${Version}' $1 2>/dev/null || echo unknown)
$(OBJ)/runtimes/sfi/target.o: EXTRA_CFLAGS = -DEF_SFI_CLANG='"$(call sfi_version,clang)"' \
	-DEF_SFI_WASI_LIBC='"$(call sfi_version,wasi-libc)"' \
	-DEF_SFI_WABT='"$(call sfi_version,wabt)"'

SFI_SUITE_OBJS := $(RUNTIME_SRCS:%=$(OBJ)/%.o)

# The runtime's own suite (make test).
UNIT_TESTS += $(BUILD)/tests/test_sfi
$(BUILD)/tests/test_sfi: $(OBJ)/tests/sfi/test_sfi.o $(SFI_SUITE_OBJS) \
		$(OBJ)/tests/unit/check.o $(FOREIGN_LIBS)
	@mkdir -p $(@D)
	$(CC) $(EF_CFLAGS) -o $@ $< $(OBJ)/tests/unit/check.o \
		$(filter-out %/target.o,$(RUNTIME_OBJS)) \
		-L$(BUILD)/lib -Wl,-rpath,'$$ORIGIN/../lib' $(LDLIBS)
endif
