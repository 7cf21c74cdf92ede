# grade.mk -- `make bench-grade`, and part of `make bench`: the host time `lab86 grade`
# takes per lab solution and in batch mode (bench/grade.sh; issue 5's benchmark).

.PHONY: bench-grade
bench-grade: $(LAB86)
	sh bench/grade.sh $(LAB86) $(BUILD)/bench

bench: bench-grade
