# host.mk -- the tests of `lab86 run`'s host-facing options (included by the top Makefile).
#
# tests/cli/host.sh checks --snapshot (the ata guest's writes stay in memory, the image file
# is unchanged), --rtc (a tiny kernel reads the date from ports 0x70/0x71; bad dates are one
# error line and status 2), --realtime (the same output and cycles as without it), two runs
# of one image being byte-identical, --keys-from-stdin, COM1 on a pty and on a Unix socket
# (python3 is the peer), raw mode and Ctrl-A x on a terminal (inside tmux), and that
# doc/lab86.1 renders without a groff warning.
#
#   make host-check      run them (part of make check)

HOST_GUESTS := $(BUILD)/guests/ata.elf $(BUILD)/guests/ata.img $(BUILD)/guests/pic_pit.elf

.PHONY: host-check
host-check: $(LAB86) $(HOST_GUESTS)
	NASM="$(NASM)" sh tests/cli/host.sh $(LAB86) $(BUILD)/tests/host $(BUILD)/guests

CHECK_TARGETS += host-check
