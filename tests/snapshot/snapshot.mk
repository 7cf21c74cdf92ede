# snapshot.mk -- the snapshot and reverse-execution tests' guest and the `lab86 run
# --loadvm/--savevm-at` tests (included by the top Makefile).
#
# tests/snapshot/guest.asm is a flat multiboot kernel that keeps the timer, paging and
# the serial port busy; it is assembled next to the unit suites that load it
# (test_snapshot, test_reverse find it beside their own binary). run.sh checks the
# command line: a run saved at a cycle and loaded again ends exactly as an
# uninterrupted one (output and cycle count), and a bad or foreign snapshot file
# gives exit status 2 and one line.
#
#   make snapshot-cli-check   the command-line checks (part of make check)

NASM ?= nasm
SNAP_GUEST := $(BUILD)/tests/snap_guest.bin

$(SNAP_GUEST): tests/snapshot/guest.asm
	@mkdir -p $(@D)
	$(NASM) -f bin -w+all -o $@ $<

$(BUILD)/tests/test_snapshot $(BUILD)/tests/test_reverse: $(SNAP_GUEST)

.PHONY: snapshot-cli-check
snapshot-cli-check: $(LAB86) $(SNAP_GUEST)
	sh tests/snapshot/run.sh $(LAB86) $(SNAP_GUEST) $(BUILD)/tests/snapshot

CHECK_TARGETS += snapshot-cli-check
