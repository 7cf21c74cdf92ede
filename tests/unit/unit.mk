# Unit tests: every tests/unit/test_<module>.c is one Check suite program,
# linked against the core library. Discovered by wildcard: add a file, it runs.

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
# Capstone serves the decoder tests as an independent oracle of lengths.
CHECK_LIBS += $(shell pkg-config --libs capstone 2>/dev/null || echo -lcapstone)

# Suites link the front ends' library too (the command interpreter, the GDB
# stub and the Lua binding have suites of their own).
$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/libcore.a $(BUILD)/libui.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(UI_CFLAGS) $(CHECK_CFLAGS) -Itests/unit -o $@ $< $(UI_LINK) $(CORE_LINK) $(CHECK_LIBS) $(LDFLAGS) -lm

# Each suite prints Check's own summary line; the group fails on any failure.
unit-check: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do CK_FORK=yes $$t || fail=1; done; \
	if [ $$fail -ne 0 ]; then echo "unit: FAILED"; exit 1; fi; echo "unit: all suites passed"

CHECK_TARGETS += unit-check

# The debugger suites' guest kernel (test_dbgio, test_events, test_symbols):
# nasm for the kernel, the C compiler with -m32 -g for a DWARF line table,
# linked at 1 MiB by the guest tests' script. The suites find it beside them.
DBGKERN := $(BUILD)/tests/dbgkern.elf
DBGKERN_CFLAGS := -m32 -g -O0 -ffreestanding -fno-pic -fno-stack-protector \
                  -fno-asynchronous-unwind-tables -fcf-protection=none
$(DBGKERN): tests/unit/dbgkern.asm tests/unit/dbgkern_c.c tests/guest/link.ld
	@mkdir -p $(@D)
	nasm -f elf32 -o $(BUILD)/tests/dbgkern_asm.o tests/unit/dbgkern.asm
	$(CC) $(DBGKERN_CFLAGS) -c -o $(BUILD)/tests/dbgkern_c.o tests/unit/dbgkern_c.c
	ld -m elf_i386 -T tests/guest/link.ld -o $@ $(BUILD)/tests/dbgkern_asm.o $(BUILD)/tests/dbgkern_c.o
$(BUILD)/tests/test_dbgio $(BUILD)/tests/test_dbgview $(BUILD)/tests/test_events \
$(BUILD)/tests/test_symbols: $(DBGKERN)
