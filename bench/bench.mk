# bench.mk -- `make bench`: lab86 against Bochs and QEMU on the same guest (included by the
# top Makefile; see bench/README.md).  Not part of `make check`: it measures, it does not
# test, and it installs the peers (bochs, qemu-system-x86) the first time.
#
#   make bench                        every system, its N calibrated to ~2 s, 5 rounds
#   make bench BENCH_ITER=100         one N for every system (the very same image)
#   make bench BENCH_RUNS=3 BENCH_SECONDS=1   fewer, shorter rounds
#
# Results go to $(BUILD)/bench/results.txt, every run's output to $(BUILD)/bench/runs/.
# Measure an optimised build: with SANITIZE=1 the numbers mean little.

BENCH_ITER ?= auto
BENCH_RUNS ?= 5
BENCH_SECONDS ?= 2

# The same lab86 charging one cycle an instruction (CYCLE_MODEL=0), built beside the real
# one, so that the table can say what the cycle model costs.
BENCH_FLAT := $(BUILD)/bench-flat/lab86
.PHONY: FORCE
FORCE:

$(BENCH_FLAT): FORCE
	$(MAKE) --no-print-directory BUILD=$(BUILD)/bench-flat CYCLE_MODEL=0 $(BENCH_FLAT)

bench: $(DEPS_STAMP) $(LAB86) $(BENCH_FLAT)
	BENCH_ITER=$(BENCH_ITER) BENCH_RUNS=$(BENCH_RUNS) BENCH_SECONDS=$(BENCH_SECONDS) \
		BENCH_FLAT_LAB86=$(BENCH_FLAT) bash bench/run.sh $(LAB86) $(BUILD)/bench
