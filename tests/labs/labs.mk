# labs.mk -- grade the labs' solutions (full marks) and starters (not) with `lab86 grade`
# (included by the top Makefile). The labs build with nasm and gcc -m32.
#
#   make labs-check

.PHONY: labs-check
labs-check: $(LAB86)
	sh tests/labs/run.sh $(LAB86) $(BUILD)

CHECK_TARGETS += labs-check
