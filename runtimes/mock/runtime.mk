# The mock runtime (validate mode: every check, no isolation) and the host
# target, on every machine.
RUNTIME_SRCS += runtimes/mock/mock runtimes/mock/target
TARGETS += host
