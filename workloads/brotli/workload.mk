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
