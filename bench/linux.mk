# linux.mk -- `make bench-linux`, and part of `make bench`: Debian's i386 Linux booted to
# its busybox prompt on lab86 and on qemu-system-i386, same kernel and initramfs (issue 7's
# benchmark; bench/linux.py). The packages come through tests/linux/fetch.sh into
# ~/.cache/lab86; without them the benchmark says why and skips.

LINUX_CACHE = $${LAB86_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/lab86}/debian

.PHONY: bench-linux
bench-linux: $(LAB86)
	@mkdir -p $(BUILD)/bench
	@if sh tests/linux/fetch.sh "$(LINUX_CACHE)" >$(BUILD)/bench/fetch.txt; then \
	    root="$(LINUX_CACHE)/root"; \
	    sh tests/linux/mkinitrd.sh "$$root/bin/busybox" $(BUILD)/bench/initrd.gz && \
	    python3 bench/linux.py $(LAB86) "$$(ls $$root/boot/vmlinuz-*-686 | head -n 1)" \
	        $(BUILD)/bench/initrd.gz $(BUILD)/bench; \
	else echo "bench-linux: skipped: $$(cat $(BUILD)/bench/fetch.txt)"; fi

bench: bench-linux
