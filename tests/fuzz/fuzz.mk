# The fuzz target of the code that reads results (tests/fuzz/fuzz_results.c):
# libFuzzer with AddressSanitizer and UBSan, where clang and its runtime are
# installed (make deps installs them).  `make fuzz [FUZZ_TIME=seconds]` runs
# it (new inputs kept in build/fuzz/corpus, a crash's input in build/fuzz/);
# make test runs it briefly (tests/cli/test_fuzz.sh).
FUZZ_CC ?= clang
FUZZ_TIME ?= 300
FUZZ := $(BUILD)/fuzz/fuzz_results
FUZZ_SRCS := tests/fuzz/fuzz_results.c $(patsubst %,harness/%.c,$(READER) report tables format compare)
FUZZ_RT := $(wildcard $(shell $(FUZZ_CC) -print-file-name=libclang_rt.fuzzer-$(ARCH).a 2>/dev/null))
TEST_EXTRA += $(if $(FUZZ_RT),$(FUZZ))
$(FUZZ): $(FUZZ_SRCS) $(patsubst %,harness/%.h,$(READER) report tables format compare bench)
	@mkdir -p $(@D)
	$(FUZZ_CC) -g -O1 -std=gnu11 -Wall -Wextra -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(FUZZ_SRCS) -o $@ -lm
fuzz: deps
	@test -n "$(FUZZ_RT)" || { echo "make fuzz: $(FUZZ_CC) with libFuzzer is not installed (make deps installs it)" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(FUZZ)
	@mkdir -p $(BUILD)/fuzz/corpus
	$(FUZZ) -max_total_time=$(FUZZ_TIME) -dict=tests/fuzz/results.dict \
		-artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus tests/fuzz/corpus
