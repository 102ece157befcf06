# sodium: libsodium's generichash, secretbox and randombytes (the system's
# library; the firmware's from Debian's source of the installed version).
sodium_LDLIBS := -lsodium
# Debian packages its host build needs (scripts/install-deps).
sodium_DEBS := libsodium-dev
# What scripts/mpk-vm runs of it (efbench --filter patterns; none: all of
# it): its short run, whose counts are the baseline, and the figures' rows
# at the sizes the PMP boards also run.
sodium_SMOKE := sodium/generichash/4096 sodium/randombytes sodium/secretbox/4096
sodium_FIGURES := sodium/generichash/64 sodium/generichash/512 sodium/generichash/4096 sodium/secretbox/64 sodium/secretbox/4096
# In the PMP firmware: libsodium from its Debian source, below.
sodium_PMP_LIB := libsodium
# The library libsodium, which hmac shares: its Debian package
# (binary:source:tree) and, for the firmware, the parts the workloads
# call.  Bare metal has no entropy source for randombytes: the firmware
# skips it (EF_NO_RANDOMBYTES).
libsodium_SOURCE := libsodium23:libsodium:libsodium
libsodium_PMP_LIB_DIR := $(BUILD)/src/libsodium/src/libsodium
libsodium_PMP_LIB_SRCS := crypto_generichash/crypto_generichash.c \
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
libsodium_PMP_LIB_CFLAGS := -DNATIVE_LITTLE_ENDIAN=1 -DCONFIGURED=1 -DEF_NO_SODIUM_INIT \
	-DEF_NO_RANDOMBYTES='"bare metal has no entropy source for libsodium'"'"'s randombytes"' \
	-I$(BUILD)/pmp/sodium-include \
	-I$(libsodium_PMP_LIB_DIR)/include/sodium -I$(libsodium_PMP_LIB_DIR)/include
# version.h, which the source package leaves to configure.
libsodium_PMP_LIB_DEPS := $(BUILD)/pmp/sodium-include/sodium/version.h
$(BUILD)/pmp/sodium-include/sodium/version.h: $(libsodium_PMP_LIB_DIR)/include/sodium/version.h.in
	@mkdir -p $(@D)
	sed -e 's/@VERSION@/1.0.18/' -e 's/@SODIUM_LIBRARY_VERSION_MAJOR@/10/' \
		-e 's/@SODIUM_LIBRARY_VERSION_MINOR@/3/' -e 's/@SODIUM_LIBRARY_MINIMAL_DEF@//' $< > $@
