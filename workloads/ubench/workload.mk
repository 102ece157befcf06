# ubench: the microbenchmarks of the gate and the checks, over the project's
# own foreign library (foreign.c, built as libefubench.so).
ubench_LDLIBS := -lefubench
# What scripts/mpk-vm runs of it (efbench --filter patterns; none: all of
# it): the figures' rows, the gate by argument count, upgrade and callbacks.
ubench_FIGURES := ubench/invoke_args ubench/upgrade ubench/callback
