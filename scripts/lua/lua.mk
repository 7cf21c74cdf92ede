# lua.mk -- the Lua module's generated source (included by the top Makefile).
#
# gradelib.lua is embedded in the binary: od turns it into decimal byte values and awk
# into a C initializer list, $(BUILD)/gen/gradelib.inc, which gradelib_embed.c includes.
# (No xxd: it is not a dependency.) The object names the generated file as an explicit
# prerequisite, so it is made before the first compile and the object is rebuilt
# whenever gradelib.lua changes.

LUA_GEN := $(BUILD)/gen

$(LUA_GEN)/gradelib.inc: scripts/lua/gradelib.lua scripts/lua/lua.mk
	@mkdir -p $(@D)
	od -An -v -tu1 $< | awk '{ for (i = 1; i <= NF; i++) printf "%s,", $$i; printf "\n" }' >$@.tmp
	mv $@.tmp $@

$(BUILD)/obj/scripts/lua/gradelib_embed.o: $(LUA_GEN)/gradelib.inc
$(BUILD)/obj/scripts/lua/gradelib_embed.o: UI_CFLAGS += -I$(LUA_GEN)
