# The fuzz targets, libFuzzer with AddressSanitizer and UBSan, where clang
# and its runtime are installed (make deps installs them): the code that
# reads results (tests/fuzz/fuzz_results.c) and the UTF-8 validators
# (tests/fuzz/fuzz_utf8.c).  `make fuzz [FUZZ_TIME=seconds]` runs the first,
# `make fuzz-utf8` the second (new inputs kept in build/fuzz/corpus and
# build/fuzz/corpus_utf8, a crash's input in build/fuzz/); make test runs
# both briefly (tests/cli/test_fuzz.sh).
FUZZ_CC ?= clang
FUZZ_TIME ?= 300
FUZZ_FLAGS := -g -O1 -std=gnu11 -Wall -Wextra -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all
FUZZ := $(BUILD)/fuzz/fuzz_results
FUZZ_SRCS := tests/fuzz/fuzz_results.c $(patsubst %,harness/%.c,$(READER) report tables format compare)
FUZZ_UTF8 := $(BUILD)/fuzz/fuzz_utf8
# validate.c's ef_upgrade_* call into domain.c.
FUZZ_UTF8_SRCS := tests/fuzz/fuzz_utf8.c runtimes/common/validate.c runtimes/common/domain.c
FUZZ_RT := $(wildcard $(shell $(FUZZ_CC) -print-file-name=libclang_rt.fuzzer-$(ARCH).a 2>/dev/null))
TEST_EXTRA += $(if $(FUZZ_RT),$(FUZZ) $(FUZZ_UTF8))
$(FUZZ): $(FUZZ_SRCS) $(patsubst %,harness/%.h,$(READER) report tables format compare bench)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_SRCS) -o $@ -lm
$(FUZZ_UTF8): $(FUZZ_UTF8_SRCS) runtimes/common/validate_utf8.h runtimes/common/utf8_lookup.h runtimes/ef.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_UTF8_SRCS) -o $@
# make fuzz and make fuzz-utf8: which program, its corpus, its options.
FUZZ_BIN_fuzz := $(FUZZ)
FUZZ_CORPUS_fuzz := corpus
FUZZ_ARGS_fuzz := -dict=tests/fuzz/results.dict
FUZZ_BIN_fuzz-utf8 := $(FUZZ_UTF8)
FUZZ_CORPUS_fuzz-utf8 := corpus_utf8
.PHONY: fuzz-utf8
fuzz fuzz-utf8: deps
	@test -n "$(FUZZ_RT)" || { echo "make $@: $(FUZZ_CC) with libFuzzer is not installed (make deps installs it)" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(FUZZ_BIN_$@)
	@mkdir -p $(BUILD)/fuzz/$(FUZZ_CORPUS_$@)
	$(FUZZ_BIN_$@) -max_total_time=$(FUZZ_TIME) $(FUZZ_ARGS_$@) -artifact_prefix=$(BUILD)/fuzz/ \
		$(BUILD)/fuzz/$(FUZZ_CORPUS_$@) tests/fuzz/$(FUZZ_CORPUS_$@)
