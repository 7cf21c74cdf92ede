# debugcli.mk -- the debugger's command line, `lab86 debug --no-tui`, driven by scripts
# (included by the top Makefile, after the guests' fragments).
#
# tests/debugcli/run.sh runs each tests/debugcli/*.cmds (debugger commands) on the machine
# its "# args:" line describes -- the hello boot sector through a BIOS, the demo
# multiboot kernel, a small kernel in C with a DWARF line table (ckern.asm, ckern_c.c,
# built here), or a guest test's kernel (tests/guest/paging.asm: page faults for the
# scripts' exception callbacks) -- under both interpreter cores, and compares standard
# output with the matching *.expected file and the exit status with its "# status:" line.
#
#   make debugcli-check     run them (part of make check)

# The scripts' C kernel: ckern.asm and ckern_c.c (-g: a DWARF line table), linked at 1 MiB.
# The compiler and its flags are fixed here (not the build's CC and CFLAGS), so that its
# addresses, which the expected output shows, are the same in every build directory.
CKERN_CC := gcc
DEBUGCLI_OUT := $(BUILD)/tests/debugcli
CKERN := $(DEBUGCLI_OUT)/ckern.elf
CKERN_CFLAGS := -m32 -g -O0 -ffreestanding -fno-pic -fno-stack-protector \
                -fno-asynchronous-unwind-tables -fcf-protection=none
$(CKERN): tests/debugcli/ckern.asm tests/debugcli/ckern_c.c tests/guest/link.ld
	@mkdir -p $(@D)
	nasm -f elf32 -o $(DEBUGCLI_OUT)/ckern_asm.o tests/debugcli/ckern.asm
	$(CKERN_CC) $(CKERN_CFLAGS) -c -o $(DEBUGCLI_OUT)/ckern_c.o tests/debugcli/ckern_c.c
	ld -m elf_i386 -T tests/guest/link.ld -o $@ $(DEBUGCLI_OUT)/ckern_asm.o $(DEBUGCLI_OUT)/ckern_c.o

.PHONY: debugcli-check
debugcli-check: $(LAB86) $(HELLO_IMG) $(GUEST_OUT)/demo.elf $(CKERN) $(GUEST_OUT)/paging.elf
	sh tests/debugcli/run.sh $(LAB86) $(HELLO_IMG) $(GUEST_OUT)/demo.elf $(CKERN) $(DEBUGCLI_OUT) \
	    $(GUEST_OUT)

CHECK_TARGETS += debugcli-check

# tests/unit/test_dbgowner.c (the switch stops' owners, which these scripts' Lua callbacks
# rely on) runs on unit.mk's dbgkern.elf, beside the suites: it needs it built first, as
# unit.mk says for the other debugger suites.
$(BUILD)/tests/test_dbgowner: $(DBGKERN)
