# lab86 - top-level Makefile.
#
#   make            build build/lab86
#   make check      build and run every test (unit, conformance, guest, robustness, host input)
#   make SANITIZE=1 check   the same under AddressSanitizer and UndefinedBehaviorSanitizer
#   make THREADED_GOTO=0    the threaded core without computed goto (portable C; use its own BUILD)
#   make conformance        the sst286 real-mode vectors alone
#   make run        build and boot the default demo guest: in the TUI on a terminal, else headless
#   make deps       install the Debian packages the build and the tests need
#
# Each directory with tests or guests contributes a .mk fragment included below.

CC ?= cc
ifeq ($(CC),cc)
CC := gcc
endif

ifeq ($(SANITIZE),1)
BUILD ?= build-san
# LAB86_CHECK_DERIVED: assertions that state the core derives (struct cpu's
# seg_flat, a segment's fast_end) is current where the data fast path uses it,
# too costly for the normal build (core/mmu/mmu_fast.h).
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
            -DLAB86_CHECK_DERIVED
else
BUILD ?= build
SANFLAGS :=
endif

OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS) $(SANFLAGS) -Icore -MMD -MP
ifeq ($(THREADED_GOTO),0)
ALL_CFLAGS += -DLAB86_NO_COMPUTED_GOTO
endif
ifeq ($(CYCLE_MODEL),0)
ALL_CFLAGS += -DLAB86_FLAT_CYCLES
endif
LDFLAGS += $(SANFLAGS)

LAB86 := $(BUILD)/lab86

CORE_SRC := $(sort $(wildcard core/*.c core/*/*.c))
# The front ends: the headless runner and argument parsing (ui/cli), the
# command interpreter and the ncurses TUI (ui/tui), the GDB stub (ui/gdb), the
# Lua binding and grader (scripts/lua). All are linked into the one binary.
CLI_SRC := $(sort $(wildcard ui/cli/*.c ui/tui/*.c ui/gdb/*.c scripts/lua/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)

.PHONY: all check conformance run deps unit-check clean format bench
all: $(LAB86)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/obj/ui/%.o: ui/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(UI_CFLAGS) -c $< -o $@

$(BUILD)/obj/scripts/%.o: scripts/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(UI_CFLAGS) -c $< -o $@

$(BUILD)/libcore.a: $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The whole archive: every object of the core is part of the machine, and a
# weak default must never win over a strong definition that sits in a member
# nothing else happens to pull in.
# Capstone spells instructions for the debugger's disassembly (core/debug/disasm.c).
# libdw/libelf read a guest kernel's symbols and DWARF line table (core/debug).
CAPSTONE_LIBS := $(shell pkg-config --libs capstone 2>/dev/null || echo -lcapstone)
DW_LIBS := $(shell pkg-config --libs libdw libelf 2>/dev/null || echo -ldw -lelf)
CORE_LINK = -Wl,--whole-archive $(BUILD)/libcore.a -Wl,--no-whole-archive $(CAPSTONE_LIBS) $(DW_LIBS)
# The front ends' libraries: ncurses and readline (TUI), Lua 5.4 (scripts).
UI_CFLAGS := $(shell pkg-config --cflags ncursesw lua5.4 2>/dev/null) -Iui -Iscripts/lua
UI_LIBS := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo) -lreadline \
           $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4) -lm

# Every front-end object but main() also forms libui.a, so that a unit test
# can link the command interpreter, the GDB stub or the Lua binding:
#     $(CC) ... test.c $(UI_LINK) $(CORE_LINK) ...
UI_OBJ := $(filter-out $(BUILD)/obj/ui/cli/main.o,$(CLI_OBJ))
UI_LINK = $(BUILD)/libui.a $(UI_LIBS)

$(BUILD)/libui.a: $(UI_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LAB86): $(CLI_OBJ) $(BUILD)/libcore.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(CORE_LINK) $(UI_LIBS)

# Install missing Debian packages first when a tool or library is absent.
DEPS_STAMP := $(BUILD)/.deps-ok
$(DEPS_STAMP): scripts/install-deps.sh
	@scripts/install-deps.sh --if-missing
	@mkdir -p $(BUILD) && touch $@

deps:
	scripts/install-deps.sh

-include tests/unit/unit.mk
-include tests/conformance/conformance.mk
-include tests/guest/guest.mk
-include tests/fuzz/fuzz.mk
-include tests/cli/cli.mk
-include tests/snapshot/snapshot.mk
-include tests/cli/smp.mk
-include tests/cli/host.mk
-include tests/tui/tui.mk
-include tests/gdb/gdb.mk
-include scripts/lua/lua.mk
-include tests/lua/lua.mk
-include guests/hello/hello.mk
-include tests/boot/boot.mk
-include bench/bench.mk
-include bench/start.mk
-include bench/linux.mk
-include bench/grade.mk
-include tests/debugcli/debugcli.mk
-include tests/labs/labs.mk
-include tests/linux/linux.mk

check: $(DEPS_STAMP)
	$(MAKE) all
	$(MAKE) $(CHECK_TARGETS)
	@echo "make check: all test groups passed"

# The demo ends by writing 0x10 to the exit device, which lab86 reports as
# status 33 ((0x10 << 1) | 1): that is the demo's success, not make's error.
# On a terminal, `make run` opens the debugger's TUI on the demo, stopped at
# its first instruction (quitting before the end is status 0); without one
# (CI, a pipe) it runs headless.
DEMO_ARGS = --kernel $(BUILD)/guests/demo.elf -m 32 --append "from make run"
run: $(DEPS_STAMP) $(LAB86) $(BUILD)/guests/demo.elf
	@if [ -t 0 ] && [ -t 1 ]; then \
	    $(LAB86) debug $(DEMO_ARGS); status=$$?; \
	    if [ $$status -ne 0 ] && [ $$status -ne 33 ]; then \
	        echo "make run: lab86 exited with $$status" >&2; exit 1; fi; \
	else \
	    $(LAB86) run $(DEMO_ARGS); status=$$?; \
	    if [ $$status -ne 33 ]; then echo "make run: lab86 exited with $$status" >&2; exit 1; fi; \
	fi

format:
	clang-format -i $(CORE_SRC) $(CLI_SRC) $(wildcard core/*.h core/*/*.h ui/*/*.h)

clean:
	rm -rf build build-san

-include $(CORE_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
