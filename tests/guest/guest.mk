# guest.mk -- build and run the self-checking guest tests (included by the top Makefile).
#
# Inputs from the top Makefile: BUILD (build directory, default build) and LAB86 (the
# emulator binary, $(BUILD)/lab86).  Each test is a multiboot kernel built with nasm:
# ELF32 linked at 1 MiB by link.ld, except pm_entry, which is a flat binary carrying the
# multiboot a.out-kludge address fields so that both of the loader's paths are exercised,
# and linuxboot, a flat fake Linux bzImage for the Linux loader (with linuxboot.initrd).
#
#   make guests             build every guest image into $(BUILD)/guests/
#   make guest-check        run them under lab86 (tests/guest/run.sh)
#   make guest-check-qemu   run them under qemu-system-i386, the reference (developers)

BUILD ?= build
LAB86 ?= $(BUILD)/lab86
NASM ?= nasm
GUEST_LD ?= ld -m elf_i386

GUEST_SRC := tests/guest
GUEST_OUT := $(BUILD)/guests

GUEST_TESTS := pm_entry exceptions paging privilege v86 task double_fault triple_fault alu \
               pic_pit smc linuxboot uart ata kbd apic_timer smp fdc fpu pae tsc_sync
GUEST_TESTS += string lazyflags
GUEST_FLAT := pm_entry linuxboot

guest_image = $(GUEST_OUT)/$(1)$(if $(filter $(GUEST_FLAT),$(1)),.bin,.elf)
GUEST_IMAGES := $(foreach t,$(GUEST_TESTS),$(call guest_image,$(t))) $(GUEST_OUT)/demo.elf \
                $(GUEST_OUT)/linuxboot.initrd $(GUEST_OUT)/ata.img \
                $(GUEST_OUT)/fdc.img

GUEST_NASMFLAGS := -w+all -w-unknown-warning -I $(GUEST_SRC)/

$(GUEST_OUT)/%.o: $(GUEST_SRC)/%.asm $(GUEST_SRC)/lib.inc $(GUEST_SRC)/ap.inc
	@mkdir -p $(@D)
	$(NASM) -f elf32 $(GUEST_NASMFLAGS) -o $@ $<

$(GUEST_OUT)/%.elf: $(GUEST_OUT)/%.o $(GUEST_SRC)/link.ld
	$(GUEST_LD) -T $(GUEST_SRC)/link.ld -o $@ $<

$(GUEST_OUT)/%.bin: $(GUEST_SRC)/%.asm $(GUEST_SRC)/lib.inc $(GUEST_SRC)/ap.inc
	@mkdir -p $(@D)
	$(NASM) -f bin $(GUEST_NASMFLAGS) -o $@ $<

# ata's disk: 64 sectors of known words (ata_disk.asm). run.sh copies it for each run,
# because the test writes to it.
$(GUEST_OUT)/ata.img: $(GUEST_SRC)/ata_disk.asm
	@mkdir -p $(@D)
	$(NASM) -f bin -o $@ $<

# fdc's diskette: 1.44 MB, known words in its first 40 sectors (fdc_disk.asm); read only.
$(GUEST_OUT)/fdc.img: $(GUEST_SRC)/fdc_disk.asm
	@mkdir -p $(@D)
	$(NASM) -f bin -o $@ $<

# linuxboot's initial ramdisk: 4 KiB, "INIT" first and "RDND" last, zeroes between.
$(GUEST_OUT)/linuxboot.initrd:
	@mkdir -p $(@D)
	{ printf INIT; head -c 4088 /dev/zero; printf RDND; } >$@

$(GUEST_OUT)/demo.o: guests/demo/demo.asm
	@mkdir -p $(@D)
	$(NASM) -f elf32 -w+all -w-unknown-warning -o $@ $<

$(GUEST_OUT)/demo.elf: $(GUEST_OUT)/demo.o guests/demo/link.ld
	$(GUEST_LD) -T guests/demo/link.ld -o $@ $<

.PRECIOUS: $(GUEST_OUT)/%.o
.PHONY: guests guest-check guest-check-qemu
guests: $(GUEST_IMAGES)

guest-check: $(LAB86) $(GUEST_IMAGES)
	sh $(GUEST_SRC)/run.sh $(LAB86) $(BUILD)

guest-check-qemu: $(GUEST_IMAGES)
	sh $(GUEST_SRC)/run-qemu.sh $(BUILD)
CHECK_TARGETS += guest-check
