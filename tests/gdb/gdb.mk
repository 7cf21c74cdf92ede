# gdb.mk -- the GDB stub's tests (included by the top Makefile).
#
# tests/gdb/run.sh drives `lab86 run --gdb 0 -S` with the real gdb from Debian
# (gdb -batch with session.gdb) on tests/gdb/target.asm, a multiboot kernel
# with ELF symbols: registers, a hardware breakpoint on a symbol, stepi,
# memory, a watchpoint, a software breakpoint, register and memory writes, and
# continue to the guest's exit, compared with session.expected; the hello
# boot sector in real mode from 0x7C00 (realmode.gdb, through the legacy BIOS); then
# tests/gdb/client.py speaks the protocol by hand on spin.asm (a guest that
# never ends): bad checksums, an oversized packet, garbage, unknown commands,
# a client that leaves mid-packet and the clients after it, Ctrl-C and kill.
# Both under each interpreter core. Every run has a cycle limit.
#
#   make gdb-check      run them (part of make check)

GDB_TEST_OUT := $(BUILD)/tests/gdb
GDB_TEST_ELF := $(GDB_TEST_OUT)/target.elf $(GDB_TEST_OUT)/spin.elf

$(GDB_TEST_OUT)/%.o: tests/gdb/%.asm
	@mkdir -p $(@D)
	$(NASM) -f elf32 -w+all -o $@ $<

$(GDB_TEST_OUT)/%.elf: $(GDB_TEST_OUT)/%.o tests/guest/link.ld
	$(GUEST_LD) -T tests/guest/link.ld -o $@ $<

.PHONY: gdb-check
gdb-check: $(LAB86) $(GDB_TEST_ELF) $(BUILD)/guests/hello.img
	sh tests/gdb/run.sh $(LAB86) $(GDB_TEST_OUT) $(BUILD)/guests/hello.img

CHECK_TARGETS += gdb-check
