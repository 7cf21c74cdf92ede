# boot.mk -- boots through real firmware (included by the top Makefile).
#
# tests/boot/run.sh boots disk images through the Bochs legacy BIOS and the LGPL VGA BIOS
# (Debian's bochsbios and vgabios packages, installed by scripts/install-deps.sh when
# missing): guests/hello (boot sector, INT 13h second stage, A20, protected mode) under
# both interpreter cores, and tests/boot/reboot.asm (every reset path, then the APM
# power-off). Each run is bounded by --max-cycles.
#
#   make boot-check     run them (part of make check)

NASM ?= nasm

BOOT_OUT := $(BUILD)/tests/boot

$(BOOT_OUT)/hello-floppy.img: guests/hello/hello.asm
	@mkdir -p $(@D)
	$(NASM) -f bin -w+all -DIMAGE_SECTORS=2880 -o $@ $<

$(BOOT_OUT)/reboot.img: tests/boot/reboot.asm
	@mkdir -p $(@D)
	$(NASM) -f bin -w+all -o $@ $<

.PHONY: boot-check
boot-check: $(LAB86) $(HELLO_IMG) $(BOOT_OUT)/hello-floppy.img $(BOOT_OUT)/reboot.img
	sh tests/boot/run.sh $(LAB86) $(HELLO_IMG) $(BOOT_OUT)

CHECK_TARGETS += boot-check
