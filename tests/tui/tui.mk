# tui.mk -- the TUI of `lab86 debug`, driven in tmux (included by the top Makefile).
#
# tests/tui/run.sh runs `lab86 debug` on the paging guest inside a private tmux server,
# at 80x24 and at 200x60: it steps (F7 and `si`), sets a breakpoint (typed, then F9),
# continues, opens the Page tables pane and reads the screen at every step. Skipped,
# and said so, when tmux is missing.
#
#   make tui-check      run it (part of make check)

.PHONY: tui-check
tui-check: $(LAB86) $(BUILD)/guests/paging.elf
	sh tests/tui/run.sh $(LAB86) $(BUILD)

CHECK_TARGETS += tui-check
