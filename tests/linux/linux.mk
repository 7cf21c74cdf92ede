# linux.mk -- boot Debian's i386 Linux and memtest86+ (included by the top Makefile).
# The packages are downloaded once into ~/.cache/lab86 (LAB86_CACHE overrides); see
# tests/linux/run.sh.
#
#   make linux-check

.PHONY: linux-check
linux-check: $(LAB86)
	sh tests/linux/run.sh $(LAB86) $(BUILD)

CHECK_TARGETS += linux-check
