# snapshot.mk -- the snapshot and reverse-execution tests' guest and the `lab86 run
# --loadvm/--savevm-at` tests (included by the top Makefile).
#
# tests/snapshot/guest.asm is a flat multiboot kernel that keeps the timer, paging and
# the serial port busy; smp_guest.asm one for --smp N whose output records how the
# CPUs interleaved. Both are assembled next to the unit suites that load them
# (test_snapshot, test_reverse and test_snapshot_smp find them beside their own
# binary). run.sh checks the command line: a run saved at a cycle and loaded again ends
# exactly as an uninterrupted one (output and cycle count), with one CPU and with
# --smp 2 and 4, and a bad or foreign snapshot file gives exit status 2 and one line.
#
#   make snapshot-cli-check   the command-line checks (part of make check)

NASM ?= nasm
SNAP_GUEST := $(BUILD)/tests/snap_guest.bin
SNAP_SMP_GUEST := $(BUILD)/tests/snap_smp_guest.bin

$(SNAP_GUEST): tests/snapshot/guest.asm tests/snapshot/print_hex.inc
	@mkdir -p $(@D)
	$(NASM) -f bin -w+all -I tests/snapshot/ -o $@ $<

$(SNAP_SMP_GUEST): tests/snapshot/smp_guest.asm tests/snapshot/print_hex.inc
	@mkdir -p $(@D)
	$(NASM) -f bin -w+all -I tests/snapshot/ -o $@ $<

$(BUILD)/tests/test_snapshot $(BUILD)/tests/test_reverse: $(SNAP_GUEST)
$(BUILD)/tests/test_snapshot_smp: $(SNAP_SMP_GUEST)

.PHONY: snapshot-cli-check
snapshot-cli-check: $(LAB86) $(SNAP_GUEST) $(SNAP_SMP_GUEST)
	sh tests/snapshot/run.sh $(LAB86) $(SNAP_GUEST) $(BUILD)/tests/snapshot $(SNAP_SMP_GUEST)

CHECK_TARGETS += snapshot-cli-check
