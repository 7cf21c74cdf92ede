# Unit tests: every tests/unit/test_<module>.c is one Check suite program,
# linked against the core library. Discovered by wildcard: add a file, it runs.

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
# Capstone serves the decoder tests as an independent oracle of lengths.
CHECK_LIBS += $(shell pkg-config --libs capstone 2>/dev/null || echo -lcapstone)

# Suites link the front ends' library too (the command interpreter, the GDB
# stub and the Lua binding have suites of their own).
$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/libcore.a $(BUILD)/libui.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(UI_CFLAGS) $(CHECK_CFLAGS) -Itests/unit -o $@ $< $(UI_LINK) $(CORE_LINK) $(CHECK_LIBS) $(LDFLAGS) -lm

# Each suite prints Check's own summary line; the group fails on any failure.
unit-check: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do CK_FORK=yes $$t || fail=1; done; \
	if [ $$fail -ne 0 ]; then echo "unit: FAILED"; exit 1; fi; echo "unit: all suites passed"

CHECK_TARGETS += unit-check
