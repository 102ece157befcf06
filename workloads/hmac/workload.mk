# hmac: HMAC-SHA256 through libsodium (the system's; the firmware's from
# Debian's source of the installed version).
hmac_LDLIBS := -lsodium
# Debian packages its host build needs (scripts/install-deps).
hmac_DEBS := libsodium-dev
# In the PMP firmware: libsodium from its Debian source (workloads/sodium).
hmac_PMP_LIB := libsodium
