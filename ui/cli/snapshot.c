/*
 * snapshot.c - `lab86 run --loadvm FILE` and `--savevm-at N:FILE`: the
 * machine started from a snapshot file, or saved to one at a cycle
 * (core/snapshot.h has the format; emu_load()/emu_save() do the work).
 *
 * --loadvm comes after the machine is built and its guest loaded as the
 * options say, so that a snapshot taken of a different machine is refused
 * with the difference named ("snapshot is of a machine with 64 MiB of RAM;
 * this one has 32"). --savevm-at runs the machine in the usual slices up to
 * cycle N (the first instruction boundary at or after it), writes the file
 * and runs on: a run saved at N and another started from that file with
 * --loadvm end with the same output and the same cycle count as one run
 * that never stopped (tests/snapshot/run.sh).
 */
#include "cli.h"
#include "debug/debug.h"
#include "emu.h"

int cli_loadvm(const struct run_args *a, struct emu *m)
{
    char err[256];
    if (!a->loadvm)
        return 0;
    if (emu_load_file(m, a->loadvm, err, sizeof err) != 0) {
        cli_error(a->loadvm, "%s", err);
        return -1;
    }
    return 0;
}

/* Write m to path: 0, or -1 after one error line. */
static int save(struct emu *m, const char *path)
{
    char err[256];
    if (emu_save_file(m, path, err, sizeof err) != 0) {
        cli_error(path, "%s", err);
        return -1;
    }
    return 0;
}

int cli_run_savevm(const struct run_args *a, struct emu *m, run_slice_fn *slice, void *ctx)
{
    if (a->savevm && emu_cycles(m) < a->savevm_at) {
        /* Run to the cycle as run_slices() would, stopping there. */
        uint64_t stop = a->max_cycles && a->max_cycles < a->savevm_at ? a->max_cycles
                                                                       : a->savevm_at;
        while (emu_cycles(m) < stop) {
            uint64_t left = stop - emu_cycles(m);
            int why = slice(ctx, left < 1000000 ? left : 1000000);
            fflush(stdout);
            if (why != EMU_STOP_BUDGET && why != EMU_STOP_IDLE)
                return run_slices(m, a->max_cycles, slice, ctx); /* it ended: report it */
        }
    }
    if (a->savevm && emu_cycles(m) >= a->savevm_at && save(m, a->savevm) != 0)
        return EXIT_HOST_ERROR;
    return run_slices(m, a->max_cycles, slice, ctx);
}
