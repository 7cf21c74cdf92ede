# lua.mk -- the tests of the Lua module and `lab86 grade` (included by the top Makefile).
#
# tests/lua/run.sh runs the Lua scripts here against guests/demo, tests/guest/paging and
# keys.asm (a kernel that echoes keyboard and COM1 input), under both cores, then grades
# the sample lab (tests/lua/lab-sample) for full and partial marks, twice for identical
# output, and as a batch with broken submissions.
#
#   make lua-check      run them (part of make check)

LUA_TEST_OUT := $(BUILD)/tests/lua

$(BUILD)/guests/keys.o: tests/lua/keys.asm
	@mkdir -p $(@D)
	$(NASM) -f elf32 -w+all -o $@ $<

$(BUILD)/guests/keys.elf: $(BUILD)/guests/keys.o tests/guest/link.ld
	ld -m elf_i386 -T tests/guest/link.ld -o $@ $<

.PHONY: lua-check
lua-check: $(LAB86) $(BUILD)/guests/demo.elf $(BUILD)/guests/paging.elf $(BUILD)/guests/pic_pit.elf \
           $(BUILD)/guests/keys.elf $(BUILD)/guests/pae.elf
	sh tests/lua/run.sh $(LAB86) $(BUILD)

CHECK_TARGETS += lua-check
