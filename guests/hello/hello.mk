# hello.mk -- the boot-sector guest (included by the top Makefile).
#
# guests/hello/hello.asm assembles straight into a disk image: the boot sector, the second
# stage, and zeros up to one cylinder (504 KiB). `lab86 run --hda $(BUILD)/guests/hello.img`
# boots it through the BIOS; tests/boot/ checks that it does.
#
#   make hello-img      build $(BUILD)/guests/hello.img

NASM ?= nasm

HELLO_IMG := $(BUILD)/guests/hello.img

$(HELLO_IMG): guests/hello/hello.asm
	@mkdir -p $(@D)
	$(NASM) -f bin -w+all -o $@ $<

.PHONY: hello-img
hello-img: $(HELLO_IMG)
