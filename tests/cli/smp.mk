# smp.mk -- the command line of --smp and --board (included by the top Makefile).
#
# tests/cli/smp.sh checks that every bad combination of --smp N, --board and --firmware
# ends with one clear line and exit status 2, and that `run --help` documents them.
#
#   make cli-smp-check      run them (part of make check)

.PHONY: cli-smp-check
cli-smp-check: $(LAB86)
	sh tests/cli/smp.sh $(LAB86) $(BUILD)/tests/cli

CHECK_TARGETS += cli-smp-check
