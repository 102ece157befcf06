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
