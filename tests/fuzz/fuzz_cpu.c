/*
 * fuzz_cpu.c - robustness: random bytes executed in every CPU mode.
 *
 * A guest can do anything, and whatever it does must end in an
 * architectural answer (an exception delivered, a triple fault reported),
 * never an emulator crash, an assertion or a sanitizer report. This program
 * builds a small machine with descriptor tables, a TSS and page tables, fills
 * a code area with random bytes, points the CPU at it in one of six modes and
 * runs a bounded number of instructions; then again with other bytes, many
 * thousands of times. Exception handlers are random bytes too, so faults
 * inside delivery and double and triple faults are exercised as well.
 *
 * Every trial runs twice, on two machines with the same RAM and CPU state:
 * once under the switch core (cpu_run) and once under the threaded core
 * (cpu_run_threaded), in the same slices of virtual time, and the two CPUs
 * must agree after every slice (cpu_diff: registers, segment caches, control
 * registers, cycles, the TLB...), their low memory every LOW_EVERY trials
 * and all of it at the end of each mode: random
 * bytes reach corners of the threaded core (faults inside blocks, blocks cut
 * by a deadline, mode switches, stores into the code) that no written test
 * thinks of.
 *
 * It passes if it finishes with the cores in agreement; under `make
 * SANITIZE=1 check` it also proves the absence of out-of-bounds accesses and
 * undefined behaviour on these paths.
 * The generator has a fixed seed, so a failure reproduces exactly
 * (--seed N and --trials N change them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "interp/cpu.h"
#include "interp/exec.h"
#include "interp/tcache.h"

#define RAM_SIZE (2u << 20)
#define GDT_BASE 0x1000u
#define IDT_BASE 0x2000u
#define TSS_BASE 0x3000u
#define PD_BASE 0x4000u
#define PT_BASE 0x5000u
#define CODE_BASE 0x10000u
#define CODE_SIZE 0x1000u
#define LOW_SIZE  0x12000u /* tables, stacks, code and handlers: compared now and then */
#define LOW_EVERY 16       /* trials between two comparisons of LOW_SIZE bytes */
#define SLICES    6        /* slices of virtual time a trial runs */
#define SLICE_MAX 64u      /* cycles in a slice at most */

enum mode { M_REAL, M_PM16, M_PM32, M_RING3, M_V86, M_PAGING, M_COUNT };
static const char *const mode_name[M_COUNT] = {"real", "pm16", "pm32", "ring3", "v86", "paging"};

static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static void put32(struct bus *b, uint32_t pa, uint32_t v)
{
    st_le(b->ram + pa, v, 4);
}

/* A flat descriptor: base 0, limit 4 GiB, the given access byte and D bit. */
static void put_desc(struct bus *b, int index, uint32_t base, uint32_t limit, uint8_t access,
                     bool big)
{
    uint32_t lo = (limit & 0xffff) | (base << 16);
    uint32_t hi = ((base >> 16) & 0xff) | ((uint32_t)access << 8) | (limit & 0xf0000) |
                  (big ? 0x00c00000u : 0x00800000u) | (base & 0xff000000u);
    put32(b, GDT_BASE + (uint32_t)index * 8, lo);
    put32(b, GDT_BASE + (uint32_t)index * 8 + 4, hi);
}

/* GDT: 1 code32 2 data32 3 code16 4 data16 5 code32 DPL3 6 data32 DPL3 7 TSS.
 * IDT: 256 interrupt gates to random-byte handlers at CODE_BASE + 0x800. */
static void build_tables(struct bus *b)
{
    put_desc(b, 1, 0, 0xfffff, 0x9a, true);
    put_desc(b, 2, 0, 0xfffff, 0x92, true);
    put_desc(b, 3, 0, 0xfffff, 0x9a, false);
    put_desc(b, 4, 0, 0xfffff, 0x92, false);
    put_desc(b, 5, 0, 0xfffff, 0xfa, true);
    put_desc(b, 6, 0, 0xfffff, 0xf2, true);
    put32(b, GDT_BASE + 7 * 8, (0x67 + 0x2000) | (TSS_BASE << 16));
    put32(b, GDT_BASE + 7 * 8 + 4, 0x00008900u | (TSS_BASE >> 16));
    for (uint32_t v = 0; v < 256; v++) {
        uint32_t h = CODE_BASE + 0x800 + v * 4;
        put32(b, IDT_BASE + v * 8, (h & 0xffff) | (0x08u << 16));
        put32(b, IDT_BASE + v * 8 + 4, (h & 0xffff0000u) | 0xee00u);
    }
    put32(b, TSS_BASE + 4, 0x9000);  /* ESP0 */
    put32(b, TSS_BASE + 8, 0x10);    /* SS0 */
    put32(b, TSS_BASE + 0x64, 0x68u << 16);
    for (uint32_t k = 0; k < 1024; k++)
        put32(b, PT_BASE + k * 4, (k << 12) | 0x7);
    put32(b, PD_BASE, PT_BASE | 0x7);
}

static void set_seg(struct cpu *c, int s, uint16_t sel, uint32_t limit, uint16_t attr)
{
    c->seg[s] = seg_make(sel, 0, limit, attr);
}

#define A_CODE32 (SEG_ATTR_P | SEG_ATTR_S | 0xb | SEG_ATTR_DB | SEG_ATTR_G)
#define A_DATA32 (SEG_ATTR_P | SEG_ATTR_S | 0x3 | SEG_ATTR_DB | SEG_ATTR_G)
#define A_CODE16 (SEG_ATTR_P | SEG_ATTR_S | 0xb)
#define A_DATA16 (SEG_ATTR_P | SEG_ATTR_S | 0x3)
#define A_DPL3 (3u << SEG_ATTR_DPL_SHIFT)

/* Put the CPU in mode m with EIP at the start of the code area. */
static void enter_mode(struct cpu *c, enum mode m)
{
    cpu_reset(c);
    for (int r = 0; r < 8; r++)
        c->gpr[r] = rnd();
    c->gpr[R_ESP] = 0x8000;
    c->gdtr = (struct dtr){GDT_BASE, 0x3f};
    c->idtr = (struct dtr){IDT_BASE, 0x7ff};
    c->seg[SEG_TR] = seg_make(0x38, TSS_BASE, 0x2067, SEG_ATTR_P | 11);
    c->eip = CODE_BASE;
    if (m == M_REAL) {
        c->idtr = (struct dtr){0, 0x3ff};
        for (int s = SEG_ES; s <= SEG_GS; s++)
            cpu_load_real_seg(c, s, 0);
        c->eip = CODE_BASE;
        cpu_load_real_seg(c, SEG_CS, CODE_BASE >> 4);
        c->eip = 0;
        return;
    }
    c->cr0 |= CR0_PE;
    uint32_t lim = 0xffffffffu;
    switch (m) {
    case M_PM16:
        set_seg(c, SEG_CS, 0x18, lim, A_CODE16);
        for (int s = SEG_ES; s <= SEG_GS; s++)
            if (s != SEG_CS)
                set_seg(c, s, 0x20, lim, A_DATA16);
        break;
    case M_RING3:
        set_seg(c, SEG_CS, 0x2b, lim, A_CODE32 | A_DPL3);
        for (int s = SEG_ES; s <= SEG_GS; s++)
            if (s != SEG_CS)
                set_seg(c, s, 0x33, lim, A_DATA32 | A_DPL3);
        break;
    case M_V86:
        for (int s = SEG_ES; s <= SEG_GS; s++)
            set_seg(c, s, 0, 0xffff, A_DATA16 | A_DPL3);
        c->seg[SEG_CS].sel = CODE_BASE >> 4;
        c->seg[SEG_CS].base = CODE_BASE;
        c->eip = 0;
        c->eflags |= FL_VM | (rnd() & FL_IOPL);
        break;
    default:
        set_seg(c, SEG_CS, 0x08, lim, A_CODE32);
        for (int s = SEG_ES; s <= SEG_GS; s++)
            if (s != SEG_CS)
                set_seg(c, s, 0x10, lim, A_DATA32);
        if (m == M_PAGING) {
            c->cr3 = PD_BASE;
            c->cr4 = CR4_PSE | CR4_PGE;
            c->cr0 |= CR0_PG | CR0_WP;
        }
        break;
    }
    cpu_update_mode(c);
}

/* One machine of the pair. */
struct rig {
    struct bus bus; /* its RAM */
    struct cpu cpu; /* its CPU */
};

/* Start the threaded machine th where the switch machine sw is: the same
 * tables and code (the rest of RAM is the same already, unless the cores
 * disagreed), the same CPU state, but its own bus and block cache
 * (flushed: the code was written behind its back). */
static void mirror(struct rig *th, const struct rig *sw)
{
    struct tcache *tc = th->cpu.tcache;
    memset(th->bus.ram, 0, 0x10000);
    build_tables(&th->bus);
    memcpy(th->bus.ram + CODE_BASE, sw->bus.ram + CODE_BASE, CODE_SIZE);
    th->cpu = sw->cpu; /* cpu_reset emptied the TLB: no host pointers to share */
    th->cpu.bus = &th->bus;
    th->cpu.tcache = tc;
    tcache_flush(tc);
}

/* Do the machines' first size bytes of RAM agree? */
static bool same_ram(const struct rig *sw, const struct rig *th, size_t size, int mode, long trial)
{
    if (memcmp(sw->bus.ram, th->bus.ram, size) == 0)
        return true;
    printf("fuzz: FAILED: mode %s trial %ld: the cores left different memory\n", mode_name[mode],
           trial);
    return false;
}

/* Run both machines a trial's slices; false (after printing why) when they
 * disagree. */
static bool run_pair(struct rig *sw, struct rig *th, int mode, long trial)
{
    char diff[2048];
    for (int s = 0; s < SLICES && sw->cpu.stop == CPU_RUNNING; s++) {
        uint64_t until = sw->cpu.cycles + 1 + rnd() % SLICE_MAX;
        cpu_run(&sw->cpu, until);
        cpu_run_threaded(&th->cpu, until);
        int n = cpu_diff(&sw->cpu, &th->cpu, diff, sizeof diff);
        if (n == 0)
            continue;
        printf("fuzz: FAILED: mode %s trial %ld slice %d: the cores differ "
               "(switch | threaded):\n%s",
               mode_name[mode], trial, s, diff);
        return false;
    }
    return trial % LOW_EVERY != 0 || same_ram(sw, th, LOW_SIZE, mode, trial);
}

int main(int argc, char **argv)
{
    long trials = 20000;
    rng_state = 0x2545f4914f6cdd1dull;
    for (int k = 1; k + 1 < argc; k += 2) {
        if (!strcmp(argv[k], "--seed"))
            rng_state = strtoull(argv[k + 1], NULL, 0) | 1;
        else if (!strcmp(argv[k], "--trials"))
            trials = strtol(argv[k + 1], NULL, 0);
    }
    static struct rig sw, th;
    if (bus_init(&sw.bus, RAM_SIZE) || bus_init(&th.bus, RAM_SIZE)) {
        fprintf(stderr, "fuzz: out of memory\n");
        return 2;
    }
    cpu_init(&sw.cpu, &sw.bus);
    cpu_init(&th.cpu, &th.bus);
    th.cpu.tcache = tcache_create(&th.bus);
    if (!th.cpu.tcache) {
        fprintf(stderr, "fuzz: out of memory\n");
        return 2;
    }
    struct bus *bus = &sw.bus;
    struct cpu *cpu = &sw.cpu;
    uint64_t insns = 0, shutdowns = 0, halts = 0;
    for (int m = 0; m < M_COUNT; m++) {
        for (long t = 0; t < trials; t++) {
            memset(bus->ram, 0, 0x10000);
            build_tables(bus);
            for (uint32_t k = 0; k < CODE_SIZE; k++)
                bus->ram[CODE_BASE + k] = (uint8_t)rnd();
            enter_mode(cpu, (enum mode)m);
            mirror(&th, &sw);
            uint64_t before = cpu->instructions;
            if (!run_pair(&sw, &th, m, t))
                return 1;
            insns += cpu->instructions - before;
            shutdowns += cpu->stop == CPU_SHUTDOWN;
            halts += cpu->stop == CPU_HALTED;
        }
        if (!same_ram(&sw, &th, RAM_SIZE, m, trials))
            return 1;
        printf("fuzz: mode %-6s done\n", mode_name[m]);
    }
    printf("fuzz: %llu instructions retired, %llu triple faults, %llu halts\n",
           (unsigned long long)insns, (unsigned long long)shutdowns, (unsigned long long)halts);
    tcache_destroy(th.cpu.tcache);
    bus_free(&th.bus);
    bus_free(&sw.bus);
    /* The guarantee is "no crash"; a run that retired nothing tested nothing. */
    if (insns < (uint64_t)trials) {
        printf("fuzz: FAILED: too few instructions retired\n");
        return 1;
    }
    printf("fuzz: 1 passed, 0 failed\n");
    return 0;
}
