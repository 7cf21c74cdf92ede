# boot.mk -- boots through real firmware (included by the top Makefile).
#
# tests/boot/run.sh boots disk images through the Bochs legacy BIOS and the LGPL VGA BIOS
# (Debian's bochsbios and vgabios packages, installed by scripts/install-deps.sh when
# missing): guests/hello (boot sector, INT 13h second stage, A20, protected mode) under
# both interpreter cores, and tests/boot/reboot.asm (every reset path, then the APM
# power-off), and a GRUB rescue CD (grub-mkrescue, packages grub-pc-bin, xorriso and
# mtools) from the ATAPI CD-ROM and, the same hybrid image, from the hard disk. Each run
# is bounded by --max-cycles.
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

# The GRUB rescue image: GRUB's i386-pc El Torito boot image, an MBR for the same file as a
# disk, its modules, and tests/boot/grub.cfg as /boot/grub/grub.cfg.
GRUB_ISO := $(BUILD)/guests/grub.iso

$(GRUB_ISO): tests/boot/grub.cfg
	@command -v grub-mkrescue >/dev/null || sh scripts/install-deps.sh
	@rm -rf $(BOOT_OUT)/grub-root
	@mkdir -p $(BOOT_OUT)/grub-root/boot/grub $(@D)
	cp $< $(BOOT_OUT)/grub-root/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BOOT_OUT)/grub-root 2>$(BOOT_OUT)/grub-mkrescue.log || \
		{ cat $(BOOT_OUT)/grub-mkrescue.log; rm -f $@; exit 1; }

.PHONY: boot-check
boot-check: $(LAB86) $(HELLO_IMG) $(BOOT_OUT)/hello-floppy.img $(BOOT_OUT)/reboot.img \
		$(GRUB_ISO)
	sh tests/boot/run.sh $(LAB86) $(HELLO_IMG) $(BOOT_OUT) $(GRUB_ISO)

CHECK_TARGETS += boot-check
