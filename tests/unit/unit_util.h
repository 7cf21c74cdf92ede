/*
 * unit_util.h - shared helpers for the Check unit suites: a CPU on a small
 * flat RAM, loading bytes and running them.
 */
#ifndef LAB86_UNIT_UTIL_H
#define LAB86_UNIT_UTIL_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "interp/cpu.h"
#include "interp/exec.h"
#include "interp/insn.h"

/* A CPU and 1 MiB (or more) of RAM, in real mode at 0000:0000 unless moved. */
struct unit_machine {
    struct bus bus; /* RAM and ports */
    struct cpu cpu; /* the CPU under test */
};

static inline struct unit_machine *um_new(uint64_t ram)
{
    struct unit_machine *m = calloc(1, sizeof *m);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(bus_init(&m->bus, ram), 0);
    cpu_init(&m->cpu, &m->bus);
    cpu_load_real_seg(&m->cpu, SEG_CS, 0);
    m->cpu.eip = 0;
    return m;
}

static inline void um_free(struct unit_machine *m)
{
    bus_free(&m->bus);
    free(m);
}

/* Copy bytes into RAM at a physical address. */
static inline void um_load(struct unit_machine *m, uint64_t pa, const void *p, size_t n)
{
    ck_assert_uint_le(pa + n, m->bus.ram_size);
    memcpy(m->bus.ram + pa, p, n);
}

/* Run n instructions (or fewer if the CPU halts or shuts down). */
static inline void um_step(struct unit_machine *m, int n)
{
    for (int k = 0; k < n && m->cpu.stop == CPU_RUNNING; k++)
        cpu_step(&m->cpu);
}

/* Decode b in the CPU's current mode and run handler h on it directly, as
 * the execution loop would (EIP advanced first, prev_eip at the start);
 * returns the handler's 0 or CPU_FAULT. For checking a fault's exception
 * and error code without going through exception delivery. */
static inline int um_run_handler(struct unit_machine *m,
                                 int (*h)(struct cpu *, const struct insn *), const uint8_t *b,
                                 int n)
{
    struct cpu *c = &m->cpu;
    struct insn i;
    ck_assert_int_eq(x86_decode(&i, b, n, c->code32 ? 4 : 2), DECODE_OK);
    c->prev_eip = c->eip;
    c->eip = (c->eip + i.len) & cpu_ip_mask(c);
    return h(c, &i);
}

/* Run one suite and return the process exit status. */
static inline int um_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
