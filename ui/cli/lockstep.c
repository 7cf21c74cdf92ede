/*
 * lockstep.c - `lab86 run --lockstep`: the two interpreter cores side by
 * side, compared as they go.
 *
 * The threaded core must do exactly what the switch core does, instruction
 * for instruction and cycle for cycle (DESIGN.md, "Two cores, one truth").
 * Lock-step mode checks it on a real guest: it builds two complete machines
 * from the same kernel, one per core, and runs them in short slices of the
 * same length. Time is virtual, so two machines that agree stop every slice
 * at the same instruction; after each slice the runner compares
 *
 *   - the whole CPU state (emu_diff(): registers, segment caches, control
 *     and debug registers, MSRs, cycles, instructions, the TLB),
 *   - what each guest wrote to the console and the serial port,
 *   - why each machine stopped (and the exit code), and
 *   - every SLICES_PER_RAM slices, and at the end, all of RAM.
 *
 * The slices are short and of varying length (1 to SLICE_MAX cycles, a
 * fixed sequence, so a run is reproducible): a divergence is caught within
 * a few instructions of where it happens, and the deadline falls at every
 * position inside the threaded core's blocks, which exercises its exits.
 * At the first difference the runner prints one line per register that
 * differs ("name: threaded | switch") and ends with exit status 10;
 * otherwise the run ends as a plain run of the threaded machine would, and
 * stderr says "lab86: lockstep: no divergence" with the counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "emu.h"

#define SLICE_MAX      97u   /* cycles in the longest comparison slice */
#define SLICE_STEP     37u   /* how the slice length moves on (prime to SLICE_MAX) */
#define SLICES_PER_RAM 4096u /* slices between two comparisons of RAM */
#define REPORT_SIZE    8192u /* bytes of the difference report kept */

/* What one machine's guest wrote, since the last comparison. */
struct capture {
    uint8_t *buf;  /* the bytes */
    size_t len;    /* how many */
    size_t cap;    /* allocated */
    bool overflow; /* out of memory: treated as a difference */
};

/* The two machines. Index 0 is the threaded one: it is the machine the
 * run's messages are about and whose output goes to stdout. */
struct lockstep {
    struct emu *m[2];         /* threaded, switch */
    struct capture out[2];    /* their output */
    uint64_t slices;          /* comparisons made */
    char report[REPORT_SIZE]; /* the differences found */
};

static const char *const core_name[2] = {"threaded", "switch"};

static void capture_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct capture *k = opaque;
    if (k->cap - k->len < len) {
        size_t ncap = (k->cap ? k->cap : 256) + len * 2;
        uint8_t *p = realloc(k->buf, ncap);
        if (!p) {
            k->overflow = true;
            return;
        }
        k->buf = p;
        k->cap = ncap;
    }
    memcpy(k->buf + k->len, buf, len);
    k->len += len;
}

/* Print the differences in ls->report (n of them) after a heading. */
static void print_divergence(struct lockstep *ls, int n, const char *what)
{
    struct emu_cpu_view v;
    emu_get_cpu(ls->m[0], &v);
    fprintf(stderr,
            "lab86: lockstep: the cores diverged (%s) at slice %llu, %llu instructions, "
            "cycle %llu, CS:EIP %04x:%08x; %d differences (%s | %s):\n",
            what, (unsigned long long)ls->slices, (unsigned long long)v.instructions,
            (unsigned long long)v.cycles, v.cs, v.eip, n, core_name[0], core_name[1]);
    for (const char *p = ls->report; *p;) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(stderr, "  %.*s\n", len, p);
        p += len + (nl != NULL);
    }
}

/* Compare the machines after a slice that returned why[0] and why[1].
 * Returns false, after printing the differences, when they disagree. */
static bool agree(struct lockstep *ls, const enum emu_stop why[2], bool memory)
{
    int n = emu_diff(ls->m[0], ls->m[1], memory, ls->report, sizeof ls->report);
    size_t used = strlen(ls->report);
    const char *what = "CPU state";
    if (why[0] != why[1] ||
        (why[0] == EMU_STOP_EXIT && emu_exit_code(ls->m[0]) != emu_exit_code(ls->m[1]))) {
        snprintf(ls->report + used, sizeof ls->report - used, "stop reason: %d | %d\n", why[0],
                 why[1]);
        n++;
        what = "stop reason";
    }
    const struct capture *o = ls->out;
    if (o[0].overflow || o[1].overflow || o[0].len != o[1].len ||
        (o[0].len && memcmp(o[0].buf, o[1].buf, o[0].len) != 0)) {
        used = strlen(ls->report);
        snprintf(ls->report + used, sizeof ls->report - used, "output: %zu bytes | %zu bytes\n",
                 o[0].len, o[1].len);
        n++;
        what = "guest output";
    }
    if (n == 0)
        return true;
    print_divergence(ls, n, what);
    return false;
}

/* Pass on the output both guests agree on. */
static void flush_output(struct lockstep *ls)
{
    if (ls->out[0].len)
        fwrite(ls->out[0].buf, 1, ls->out[0].len, stdout);
    ls->out[0].len = ls->out[1].len = 0;
}

/* The lock-step slice: the runner's budget cut into comparison slices. */
static int lockstep_slice(void *ctx, uint64_t budget)
{
    struct lockstep *ls = ctx;
    uint64_t start = emu_cycles(ls->m[0]);
    while (emu_cycles(ls->m[0]) - start < budget) {
        uint64_t left = budget - (emu_cycles(ls->m[0]) - start);
        uint64_t n = 1 + (ls->slices * SLICE_STEP) % SLICE_MAX;
        enum emu_stop why[2];
        for (int k = 0; k < 2; k++)
            why[k] = emu_run(ls->m[k], n < left ? n : left);
        ls->slices++;
        bool end = why[0] != EMU_STOP_BUDGET;
        if (!agree(ls, why, end || ls->slices % SLICES_PER_RAM == 0))
            return RUN_DIVERGED;
        flush_output(ls);
        if (end)
            return why[0];
    }
    return EMU_STOP_BUDGET;
}

/* After the run: RAM once more (a cycle limit or a signal ends it between
 * slices), then the verdict. */
static int finish(struct lockstep *ls, int status)
{
    if (status == EXIT_DIVERGED)
        return status;
    int n = emu_diff(ls->m[0], ls->m[1], true, ls->report, sizeof ls->report);
    if (n) {
        print_divergence(ls, n, "at the end");
        return EXIT_DIVERGED;
    }
    struct emu_cpu_view v;
    emu_get_cpu(ls->m[0], &v);
    fprintf(stderr,
            "lab86: lockstep: no divergence (%llu instructions, %llu cycles, %llu "
            "comparisons)\n",
            (unsigned long long)v.instructions, (unsigned long long)v.cycles,
            (unsigned long long)ls->slices);
    return status;
}

int lockstep_main(const struct run_args *a)
{
    static const enum emu_core cores[2] = {EMU_CORE_THREADED, EMU_CORE_SWITCH};
    struct lockstep *ls = calloc(1, sizeof *ls);
    struct chardev dev[2];
    int status = EXIT_HOST_ERROR;

    if (!ls) {
        cli_error("--lockstep", "out of memory");
        return EXIT_HOST_ERROR;
    }
    for (int k = 0; k < 2; k++) {
        dev[k] = (struct chardev){.write = capture_write, .opaque = &ls->out[k]};
        ls->m[k] = run_boot(a, cores[k], &dev[k]);
    }
    if (ls->m[0] && ls->m[1]) {
        status = finish(ls, run_slices(ls->m[0], a->max_cycles, lockstep_slice, ls));
        fflush(stdout);
        if (a->report_cycles)
            run_report_cycles(ls->m[0]);
    }
    for (int k = 0; k < 2; k++) {
        emu_destroy(ls->m[k]);
        free(ls->out[k].buf);
    }
    free(ls);
    return status;
}
