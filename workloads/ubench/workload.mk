# ubench: the microbenchmarks of the gate and the checks, over the project's
# own foreign library (foreign.c, built as libefubench.so).
ubench_LDLIBS := -lefubench
# What scripts/mpk-vm runs of it (efbench --filter patterns; none: all of
# it): the figures' rows, the gate by argument count, upgrade and callbacks.
ubench_FIGURES := ubench/invoke_args ubench/upgrade ubench/callback
# validate_utf8_prose's text (prose.c), which the host writes: alice29.txt
# assembled in (alice.S: .incbin, which -MMD does not see).  The PMP
# firmware has no room for it.
ubench_OBJS := $(OBJ)/workloads/ubench/prose.o $(OBJ)/workloads/ubench/alice.o
$(OBJ)/workloads/ubench/alice.o: workloads/brotli/alice29.txt
$(OBJ)/workloads/ubench/alice.o: EXTRA_ASFLAGS = -Iworkloads/brotli
ubench_PMP_CFLAGS := -DEF_NO_PROSE='"the firmware holds no copy of its text"'
# The reference the validate_utf8 benchmarks are measured beside
# (reference.c, reference mode on target host): Rust's std::str::from_utf8
# (utf8_reference.rs), built by Debian's rustc (make deps installs it; not
# cargo's, whose version differs from machine to machine) into a static
# library that efbench links.  Without it efbench has no reference rows,
# and says so.
RUSTC ?= /usr/bin/rustc
RUSTC_VERSION := $(shell $(RUSTC) --version 2>/dev/null)
ubench_REFERENCE_LIB := $(OBJ)/workloads/ubench/libutf8_reference.a
ifneq ($(RUSTC_VERSION),)
REFERENCES += ubench
ubench_OBJS += $(OBJ)/workloads/ubench/reference.o $(ubench_REFERENCE_LIB)
$(ubench_REFERENCE_LIB): workloads/ubench/utf8_reference.rs
	@mkdir -p $(@D)
	$(RUSTC) --edition 2021 --crate-type staticlib -C opt-level=3 -o $@ $<
else
REFERENCES_MISSING += ubench/validate_utf8_*
ALL_EXTRA += ubench-reference-missing
.PHONY: ubench-reference-missing
ubench-reference-missing:
	@echo "make: no $(RUSTC) (Debian's rustc; make deps installs it): efbench is built without the reference rows of ubench/validate_utf8_*" >&2
endif
