# Robustness: random bytes in every CPU mode must never crash the emulator.

$(BUILD)/tests/fuzz_cpu: tests/fuzz/fuzz_cpu.c $(BUILD)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(CORE_LINK) $(LDFLAGS)

fuzz-check: $(BUILD)/tests/fuzz_cpu
	$(BUILD)/tests/fuzz_cpu

CHECK_TARGETS += fuzz-check
