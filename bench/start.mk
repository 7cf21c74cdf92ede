# start.mk -- `make bench-start`, and part of `make bench`: how long lab86 and
# qemu-system-i386 take from starting to the first byte on COM1, booting a kernel directly
# (bench/first_byte.asm) and booting guests/hello's disk through SeaBIOS (bench/start.py
# explains the method; targets: 20 ms and 0.3 s). Not part of `make check`: it measures, it
# does not test. The table goes to $(BUILD)/bench/start.txt.
#
#   make bench-start                  7 rounds
#   make bench-start START_ROUNDS=3   fewer

START_ROUNDS ?= 7
FIRST_BYTE := $(BUILD)/bench/first_byte.bin

$(FIRST_BYTE): bench/first_byte.asm tests/cli/mb.inc
	@mkdir -p $(@D)
	$(NASM) -f bin -w+all -I tests/cli/ -o $@ $<

.PHONY: bench-start
bench-start: $(LAB86) $(FIRST_BYTE) $(BUILD)/guests/hello.img
	START_ROUNDS=$(START_ROUNDS) python3 bench/start.py $(LAB86) $(FIRST_BYTE) \
		$(BUILD)/guests/hello.img $(BUILD)/bench

bench: bench-start
