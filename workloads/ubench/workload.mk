# ubench: the microbenchmarks of the gate and the checks, over the project's
# own foreign library (foreign.c, built as libefubench.so).
ubench_LDLIBS := -lefubench
