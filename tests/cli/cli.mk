# cli.mk -- the tests of the `lab86` command itself (included by the top Makefile).
#
# tests/cli/run.sh feeds lab86 bad host input (missing, empty, truncated and foreign kernel
# files, bad flags and sizes) and checks that each gives exit status 2 and exactly one line
# on stderr naming the problem; then it boots a few tiny kernels (built here with nasm from
# tests/cli/*.asm) and checks their output and exit statuses: the exit device, the cycle
# limit, halt with interrupts off and on, a triple fault, Ctrl-C.
#
#   make cli-check      run them (part of make check)

NASM ?= nasm

.PHONY: cli-check
cli-check: $(LAB86)
	NASM="$(NASM)" sh tests/cli/run.sh $(LAB86) $(BUILD)/tests/cli

CHECK_TARGETS += cli-check
