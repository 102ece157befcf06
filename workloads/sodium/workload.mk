# sodium: libsodium's generichash, secretbox and randombytes (the system's
# library; the firmware's from Debian's source of the installed version).
sodium_LDLIBS := -lsodium
