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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "emu.h"

/* The whole file: 0, or -1 with errno set. */
static int read_all(const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n == cap) {
            uint8_t *p = realloc(buf, cap = cap ? 2 * cap : 1u << 20);
            if (!p) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return -1;
            }
            buf = p;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

int cli_loadvm(const struct run_args *a, struct emu *m)
{
    uint8_t *buf;
    size_t len;
    char err[256];
    if (!a->loadvm)
        return 0;
    if (read_all(a->loadvm, &buf, &len) != 0) {
        cli_error(a->loadvm, "%s", strerror(errno));
        return -1;
    }
    int rc = emu_load(m, buf, len, err, sizeof err);
    free(buf);
    if (rc != 0)
        cli_error(a->loadvm, "%s", err);
    return rc;
}

/* Write m to path: 0, or -1 after one error line. */
static int save(struct emu *m, const char *path)
{
    uint8_t *buf;
    size_t len;
    char err[256];
    if (emu_save(m, &buf, &len, err, sizeof err) != 0) {
        cli_error(path, "%s", err);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(buf, 1, len, f) == len;
    int saved = errno;
    if (f && fclose(f) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    free(buf);
    if (!ok)
        cli_error(path, "cannot write: %s", strerror(saved));
    return ok ? 0 : -1;
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
