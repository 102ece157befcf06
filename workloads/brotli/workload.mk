# brotli: compression round trips through the system's brotli (the
# firmware's from Debian's source of the installed version), over a text
# assembled in (text.S: .incbin of alice29.txt, which -MMD does not see).
brotli_LDLIBS := -lbrotlienc -lbrotlidec
brotli_OBJS := $(OBJ)/workloads/brotli/text.o
$(OBJ)/workloads/brotli/text.o: workloads/brotli/alice29.txt
$(OBJ)/workloads/brotli/text.o: EXTRA_ASFLAGS = -Iworkloads/brotli
# Debian packages its host build needs (scripts/install-deps).
brotli_DEBS := libbrotli-dev
# What scripts/mpk-vm runs of it (efbench --filter patterns; none: all of
# it): its short run, whose counts are the baseline, and the figures' rows
# at the sizes the PMP boards also run.
brotli_SMOKE := brotli/round_trip/64
brotli_FIGURES := brotli/round_trip/64 brotli/round_trip/1024
# In the PMP firmware (runtimes/pmp): brotli built from its Debian source.
# Its round trips stop at PMP_BROTLI_MAX bytes: the 64 KiB one (about 40
# times as long as 1 KiB) would take most of the firmware's run under QEMU,
# and the whole text does not fit opentitan's flash beside the encoder, so
# the firmware holds only the text it uses (text.S) and its host.c leaves
# larger ones out (EF_TEXT_BYTES).
brotli_PMP_LIB := brotli
PMP_BROTLI_MAX := 1024
brotli_PMP_CFLAGS := -DEF_TEXT_BYTES=$(PMP_BROTLI_MAX)
brotli_PMP_OBJS := $(BUILD)/pmp/obj/workloads/brotli/text.o
$(BUILD)/pmp/obj/workloads/brotli/text.o: workloads/brotli/alice29.txt
$(BUILD)/pmp/obj/workloads/brotli/text.o: EXTRA_ASFLAGS = -Iworkloads/brotli \
	-DEF_TEXT_BYTES=$(PMP_BROTLI_MAX)
# The library brotli: its Debian package (binary:source:tree) and, for the
# firmware, all of its C sources.
brotli_SOURCE := libbrotli1:brotli:brotli
brotli_PMP_LIB_DIR := $(BUILD)/src/brotli/c
brotli_PMP_LIB_SRCS := $(patsubst $(brotli_PMP_LIB_DIR)/%,%,$(wildcard \
	$(brotli_PMP_LIB_DIR)/common/*.c $(brotli_PMP_LIB_DIR)/dec/*.c $(brotli_PMP_LIB_DIR)/enc/*.c))
brotli_PMP_LIB_CFLAGS := -I$(brotli_PMP_LIB_DIR)/include
