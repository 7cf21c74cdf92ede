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

bench: $(DEPS_STAMP) $(LAB86)
	BENCH_ITER=$(BENCH_ITER) BENCH_RUNS=$(BENCH_RUNS) BENCH_SECONDS=$(BENCH_SECONDS) \
		bash bench/run.sh $(LAB86) $(BUILD)/bench
