# lab.mk - the build rules every lab shares (given). A lab's Makefile sets
#
#   LAB_GIVEN    the lab's given C and asm files (paths relative to the lab)
#   LAB_STUDENT  the names of the files a student writes, found in $(SUB)
#   LAB_CFLAGS   more compiler flags (include directories), optional
#
# and includes this file. Then, in the lab's directory,
#
#   make SUB=solution            builds solution/build/kernel.elf
#   make SUB=starter             builds starter/build/kernel.elf
#
# and `lab86 grade` builds a submission the same way from inside it:
#
#   make -C SUBMISSION -f LAB/Makefile LAB_DIR=LAB   builds SUBMISSION/build/kernel.elf
#
# SUB holds the student's files (the current directory when make runs from
# a submission); OUT is where objects and the kernel go.

# The lab's own directory, from the Makefile's path (LAB_DIR, which lab86
# grade passes, is not needed: the Makefile knows where it is).
L := $(dir $(firstword $(MAKEFILE_LIST)))
include $(L)../lib/tools.mk
CFLAGS += -I$(L) -I$(SUB) $(LAB_CFLAGS)

SRCS := $(LIB)/entry.asm $(LIB)/serial.c $(addprefix $(L),$(LAB_GIVEN)) \
        $(addprefix $(SUB)/,$(LAB_STUDENT))
OBJS := $(foreach s,$(SRCS),$(OUT)/$(subst /,_,$(basename $(notdir $(s)))).o)

.PHONY: all clean
all: $(OUT)/kernel.elf

$(OUT)/kernel.elf: $(OBJS) $(LIB)/link.ld
	$(LD) -T $(LIB)/link.ld -o $@ $(OBJS)

define compile
$(OUT)/$(subst /,_,$(basename $(notdir $(1)))).o: $(1) $(wildcard $(LIB)/*.h $(L)*.h $(SUB)/*.h)
	@mkdir -p $(OUT)
	$(if $(filter %.asm,$(1)),$(NASM) -f elf32 -I$(LIB)/ -o $$@ $$<,$(CC) $(CFLAGS) -c -o $$@ $$<)
endef
$(foreach s,$(SRCS),$(eval $(call compile,$(s))))

clean:
	rm -rf $(OUT)
