/*
 * test_lapic.c - the local APIC, driven through its registers, its pins and
 * the APIC bus, with expectations from Intel's SDM vol. 3, chapter 10:
 * reset state (10.4.7.1), priorities, ISR and EOI (10.8), IPIs and their
 * destinations (10.6), INIT and startup (8.4, 10.4.7.3), the timer (10.5.4)
 * and the error register (10.5.3).
 */
#include <check.h>
#include <string.h>

#include "apic_util.h"
#include "unit_util.h"

#define ID         0x20
#define VER        0x30
#define TPR        0x80
#define PPR        0xa0
#define EOI        0xb0
#define LDR        0xd0
#define DFR        0xe0
#define SVR        0xf0
#define ISR        0x100
#define TMR        0x180
#define IRR        0x200
#define ESR        0x280
#define ICR_LO     0x300
#define ICR_HI     0x310
#define LVT_TIMER  0x320
#define LVT_LINT0  0x350
#define LVT_LINT1  0x360
#define LVT_ERROR  0x370
#define TIMER_INIT 0x380
#define TIMER_CUR  0x390
#define TIMER_DIV  0x3e0

#define SELF      (1u << 18)
#define OTHERS    (3u << 18)
#define LOGICAL   (1u << 11)
#define ASSERT    (1u << 14)
#define LEVEL     (1u << 15)
#define DM_NMI    (4u << 8)
#define DM_INIT   (5u << 8)
#define DM_SIPI   (6u << 8)
#define DM_LOWEST (1u << 8)

static void enable(struct apic_rig *r, int k)
{
    lwr(r, k, SVR, 0x1ff);
}

/* Send an IPI from APIC k: destination first, then the command. */
static void ipi(struct apic_rig *r, int k, uint8_t dest, uint32_t lo)
{
    lwr(r, k, ICR_HI, (uint32_t)dest << 24);
    lwr(r, k, ICR_LO, lo);
}

START_TEST(test_reset_state)
{
    struct apic_rig *r = apic_rig_new();
    ck_assert_uint_eq(lrd(r, 0, ID), 0);
    ck_assert_uint_eq(lrd(r, 1, ID), 1u << 24);
    ck_assert_uint_eq(lrd(r, 0, VER) & 0xff, 0x14);
    ck_assert_uint_eq((lrd(r, 0, VER) >> 16) & 0xff, 3); /* four LVT entries */
    ck_assert_uint_eq(lrd(r, 0, SVR), 0xff);
    ck_assert_uint_eq(lrd(r, 0, DFR), 0xffffffffu);
    ck_assert_uint_eq(lrd(r, 0, LVT_TIMER), 0x10000);
    ck_assert_uint_eq(lrd(r, 0, LVT_LINT0), 0x700); /* the BSP in virtual wire */
    ck_assert_uint_eq(lrd(r, 0, LVT_LINT1), 0x400);
    ck_assert_uint_eq(lrd(r, 1, LVT_LINT0), 0x10000);
    ck_assert_uint_eq(r->cpu[0].msr.apic_base, 0xfee00900u);
    ck_assert_uint_eq(r->cpu[1].msr.apic_base, 0xfee00800u);
    ck_assert(!lapic_waiting(r->apic[0]));
    ck_assert(lapic_waiting(r->apic[1]));
    ck_assert(!r->cpu[0].intr_line);
    apic_rig_free(r);
}
END_TEST

START_TEST(test_priority_isr_eoi)
{
    struct apic_rig *r = apic_rig_new();
    enable(r, 0);
    ipi(r, 0, 0, SELF | 0x31);
    ipi(r, 0, 0, SELF | 0x50);
    ck_assert(lbit(r, 0, IRR, 0x31) && lbit(r, 0, IRR, 0x50));
    ck_assert(r->cpu[0].intr_line);
    ck_assert_int_eq(lapic_ack(r->apic[0]), 0x50); /* the highest first */
    ck_assert(lbit(r, 0, ISR, 0x50) && !lbit(r, 0, IRR, 0x50));
    ck_assert_uint_eq(lrd(r, 0, PPR), 0x50);
    ck_assert(!r->cpu[0].intr_line); /* class 3 does not beat class 5 */
    ipi(r, 0, 0, SELF | 0x5f);
    ck_assert(!r->cpu[0].intr_line); /* nor does the same class */
    ipi(r, 0, 0, SELF | 0x60);
    ck_assert(r->cpu[0].intr_line); /* a higher class nests */
    ck_assert_int_eq(lapic_ack(r->apic[0]), 0x60);
    lwr(r, 0, EOI, 0);
    ck_assert(!lbit(r, 0, ISR, 0x60) && lbit(r, 0, ISR, 0x50));
    lwr(r, 0, EOI, 0);
    ck_assert_int_eq(lapic_ack(r->apic[0]), 0x5f);
    lwr(r, 0, EOI, 0);
    lwr(r, 0, TPR, 0x40); /* blocks class 3 and 4 */
    ck_assert_uint_eq(lrd(r, 0, PPR), 0x40);
    ck_assert(!r->cpu[0].intr_line);
    lwr(r, 0, TPR, 0);
    ck_assert(r->cpu[0].intr_line);
    ck_assert_int_eq(lapic_ack(r->apic[0]), 0x31);
    lwr(r, 0, EOI, 0);
    ck_assert(!r->cpu[0].intr_line);
    ck_assert_int_eq(lapic_ack(r->apic[0]), 0xff); /* nothing: the spurious vector */
    ck_assert(!lbit(r, 0, ISR, 0xff));
    apic_rig_free(r);
}
END_TEST

START_TEST(test_ipi_destinations)
{
    struct apic_rig *r = apic_rig_new();
    enable(r, 0);
    enable(r, 1);
    ipi(r, 0, 1, 0x61); /* physical ID 1 */
    ck_assert(lbit(r, 1, IRR, 0x61) && !lbit(r, 0, IRR, 0x61));
    ck_assert(r->cpu[1].intr_line && !r->cpu[0].intr_line);
    ipi(r, 0, 0xff, 0x62); /* physical broadcast */
    ck_assert(lbit(r, 0, IRR, 0x62) && lbit(r, 1, IRR, 0x62));
    ipi(r, 1, 0, OTHERS | 0x63);
    ck_assert(lbit(r, 0, IRR, 0x63) && !lbit(r, 1, IRR, 0x63));
    /* Logical, flat model: LDR bits. */
    lwr(r, 0, LDR, 0x01000000);
    lwr(r, 1, LDR, 0x02000000);
    ipi(r, 0, 0x02, LOGICAL | 0x64);
    ck_assert(lbit(r, 1, IRR, 0x64) && !lbit(r, 0, IRR, 0x64));
    ipi(r, 1, 0x03, LOGICAL | 0x65);
    ck_assert(lbit(r, 0, IRR, 0x65) && lbit(r, 1, IRR, 0x65));
    /* Lowest priority: one of them, here the lowest ID. */
    ipi(r, 1, 0x03, LOGICAL | DM_LOWEST | 0x66);
    ck_assert(lbit(r, 0, IRR, 0x66) && !lbit(r, 1, IRR, 0x66));
    /* Cluster model: cluster 1, members 1 and 2. */
    lwr(r, 0, DFR, 0);
    lwr(r, 1, DFR, 0);
    lwr(r, 0, LDR, 0x11000000);
    lwr(r, 1, LDR, 0x22000000);
    ipi(r, 0, 0x13, LOGICAL | 0x67);
    ck_assert(lbit(r, 0, IRR, 0x67) && !lbit(r, 1, IRR, 0x67));
    ipi(r, 0, 0xf2, LOGICAL | 0x68); /* every cluster, member 2 */
    ck_assert(lbit(r, 1, IRR, 0x68) && !lbit(r, 0, IRR, 0x68));
    /* A level-triggered fixed IPI sets the TMR bit. */
    ipi(r, 0, 1, LEVEL | ASSERT | 0x69);
    ck_assert(lbit(r, 1, TMR, 0x69) && !lbit(r, 1, TMR, 0x68));
    apic_rig_free(r);
}
END_TEST

START_TEST(test_software_disabled_refuses_fixed)
{
    struct apic_rig *r = apic_rig_new();
    ipi(r, 0, 1, 0x61); /* APIC 1 still has SVR bit 8 clear */
    ck_assert(!lbit(r, 1, IRR, 0x61));
    ipi(r, 0, 1, DM_NMI);
    ck_assert(r->cpu[1].nmi_pending); /* NMI still gets through */
    apic_rig_free(r);
}
END_TEST

START_TEST(test_errors)
{
    struct apic_rig *r = apic_rig_new();
    enable(r, 0);
    enable(r, 1);
    lwr(r, 0, LVT_ERROR, 0xe0);
    ipi(r, 0, 1, 0x05); /* vectors 0-15 are illegal */
    ck_assert(!lbit(r, 1, IRR, 0x05));
    ck_assert_uint_eq(lrd(r, 0, ESR), 0); /* not latched yet */
    lwr(r, 0, ESR, 0);
    ck_assert_uint_eq(lrd(r, 0, ESR), 1u << 5); /* send illegal vector */
    ck_assert(lbit(r, 0, IRR, 0xe0));           /* the LVT error interrupt */
    lwr(r, 0, ESR, 0);
    ck_assert_uint_eq(lrd(r, 0, ESR), 0);
    (void)lrd(r, 0, 0x400); /* a reserved register */
    lwr(r, 0, ESR, 0);
    ck_assert_uint_eq(lrd(r, 0, ESR), 1u << 7);
    apic_rig_free(r);
}
END_TEST

START_TEST(test_init_and_startup)
{
    struct apic_rig *r = apic_rig_new();
    struct cpu *ap = &r->cpu[1];
    enable(r, 0);
    r->ab.running = &r->cpu[0];
    ap->gpr[R_EAX] = 0x1234;
    ipi(r, 0, 1, DM_SIPI | 0x12);
    ck_assert(!lapic_waiting(r->apic[1]));
    ck_assert_uint_eq(ap->seg[SEG_CS].sel, 0x1200);
    ck_assert_uint_eq(ap->seg[SEG_CS].base, 0x12000);
    ck_assert_uint_eq(ap->eip, 0);
    ipi(r, 0, 1, DM_SIPI | 0x34); /* a second SIPI finds it running: ignored */
    ck_assert_uint_eq(ap->seg[SEG_CS].sel, 0x1200);
    ipi(r, 0, 1, DM_INIT | LEVEL); /* level de-assert: no reset */
    ck_assert(!lapic_waiting(r->apic[1]));
    ipi(r, 0, 1, DM_INIT | LEVEL | ASSERT);
    ck_assert(lapic_waiting(r->apic[1]));
    ck_assert_uint_eq(ap->seg[SEG_CS].sel, 0xf000);
    ck_assert_uint_eq(ap->gpr[R_EAX], 0);
    ck_assert_uint_eq(lrd(r, 1, ID), 1u << 24); /* the ID survives INIT */
    ipi(r, 0, 0, OTHERS | DM_SIPI | 0x9a);
    ck_assert_uint_eq(ap->seg[SEG_CS].base, 0x9a000);
    apic_rig_free(r);
}
END_TEST

START_TEST(test_self_init_waits_for_the_boundary)
{
    struct apic_rig *r = apic_rig_new();
    struct cpu *bsp = &r->cpu[0];
    r->ab.running = bsp;
    bsp->gpr[R_EBX] = 7;
    ipi(r, 0, 0, SELF | DM_INIT | ASSERT);
    ck_assert(bsp->stop_request);
    ck_assert_uint_eq(bsp->gpr[R_EBX], 7); /* not in the middle of the instruction */
    ck_assert(lapic_serve_init(r->apic[0]));
    ck_assert_uint_eq(bsp->gpr[R_EBX], 0);
    ck_assert_uint_eq(bsp->eip, 0xfff0);
    ck_assert(!lapic_waiting(r->apic[0])); /* the BSP restarts at the reset vector */
    ck_assert(!lapic_serve_init(r->apic[0]));
    apic_rig_free(r);
}
END_TEST

START_TEST(test_timer_one_shot)
{
    struct apic_rig *r = apic_rig_new();
    enable(r, 0);
    lwr(r, 0, TIMER_DIV, 0xb); /* divide by 1 */
    lwr(r, 0, LVT_TIMER, 0x40);
    r->now = 100;
    lwr(r, 0, TIMER_INIT, 1000);
    apic_rig_advance(r, 400);
    ck_assert_uint_eq(lrd(r, 0, TIMER_CUR), 700);
    ck_assert(!lbit(r, 0, IRR, 0x40));
    apic_rig_advance(r, 1099);
    ck_assert(!lbit(r, 0, IRR, 0x40));
    apic_rig_advance(r, 1100);
    ck_assert(lbit(r, 0, IRR, 0x40));
    ck_assert_uint_eq(lrd(r, 0, TIMER_CUR), 0);
    apic_rig_advance(r, 100000);
    ck_assert_uint_eq(lrd(r, 0, TIMER_CUR), 0);
    ck_assert_uint_eq(clock_next(&r->clock), CLOCK_NEVER);
    apic_rig_free(r);
}
END_TEST

/* Periodic, divide by 4, count 50: one interrupt every 200 cycles. */
START_TEST(test_timer_periodic)
{
    struct apic_rig *r = apic_rig_new();
    enable(r, 0);
    lwr(r, 0, TIMER_DIV, 0x1); /* divide by 4 */
    lwr(r, 0, LVT_TIMER, (1u << 17) | 0x41);
    lwr(r, 0, TIMER_INIT, 50);
    int ticks = 0;
    for (uint64_t t = 1; t <= 2000; t++) {
        apic_rig_advance(r, t);
        if (r->cpu[0].intr_line) {
            ck_assert_uint_eq(t % 200, 0);
            ck_assert_int_eq(lapic_ack(r->apic[0]), 0x41);
            lwr(r, 0, EOI, 0);
            ticks++;
        }
    }
    ck_assert_int_eq(ticks, 10);
    r->now = 2050; /* 512 ticks: 12 into the eleventh period */
    ck_assert_uint_eq(lrd(r, 0, TIMER_CUR), 38);
    /* Masked, it still counts but raises nothing. */
    lwr(r, 0, LVT_TIMER, (1u << 17) | (1u << 16) | 0x41);
    apic_rig_advance(r, 3000);
    ck_assert(!r->cpu[0].intr_line);
    ck_assert_uint_eq(lrd(r, 0, TIMER_CUR), 50);
    /* A count of 0 stops it. */
    lwr(r, 0, TIMER_INIT, 0);
    ck_assert_uint_eq(lrd(r, 0, TIMER_CUR), 0);
    ck_assert_uint_eq(clock_next(&r->clock), CLOCK_NEVER);
    apic_rig_free(r);
}
END_TEST

START_TEST(test_divide_values)
{
    static const uint32_t cfg[8] = {0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa, 0xb};
    static const uint32_t div[8] = {2, 4, 8, 16, 32, 64, 128, 1};
    for (int k = 0; k < 8; k++) {
        struct apic_rig *r = apic_rig_new();
        enable(r, 0);
        lwr(r, 0, TIMER_DIV, cfg[k]);
        lwr(r, 0, TIMER_INIT, 100000);
        r->now = 1280;
        ck_assert_uint_eq(lrd(r, 0, TIMER_CUR), 100000 - 1280 / div[k]);
        apic_rig_free(r);
    }
}
END_TEST

START_TEST(test_lint0_extint_and_disable)
{
    struct apic_rig *r = apic_rig_new();
    lapic_set_lint(r->apic[0], 0, true); /* the 8259's INT */
    ck_assert(r->cpu[0].intr_line);
    ck_assert_int_eq(lapic_ack(r->apic[0]), RIG_EXTINT_VECTOR);
    ck_assert_int_eq(r->extint_acks, 1);
    lapic_set_lint(r->apic[0], 0, false);
    ck_assert(!r->cpu[0].intr_line);
    lapic_set_lint(r->apic[1], 0, true); /* the AP's LINT0 is masked */
    ck_assert(!r->cpu[1].intr_line);
    /* LINT1 as NMI, on the rising edge. */
    lapic_set_lint(r->apic[0], 1, true);
    ck_assert(r->cpu[0].nmi_pending);
    /* Software disable masks LINT0. */
    lwr(r, 0, SVR, 0xff);
    ck_assert_uint_eq(lrd(r, 0, LVT_LINT0), 0x10700);
    lapic_set_lint(r->apic[0], 0, true);
    ck_assert(!r->cpu[0].intr_line);
    /* Global disable through the MSR: LINT0 is INTR, the page floats. */
    r->cpu[0].msr.apic_base &= ~(uint64_t)APIC_BASE_ENABLE;
    lapic_base_written(r->apic[0]);
    ck_assert(r->cpu[0].intr_line);
    ck_assert_uint_eq(lrd(r, 0, SVR), 0xffffffffu);
    ck_assert(!lapic_enabled(r->apic[0]));
    /* The BSP flag cannot be cleared. */
    r->cpu[0].msr.apic_base = 0xfee00800u;
    lapic_base_written(r->apic[0]);
    ck_assert_uint_eq(r->cpu[0].msr.apic_base, 0xfee00900u);
    ck_assert(lapic_enabled(r->apic[0]));
    apic_rig_free(r);
}
END_TEST

START_TEST(test_register_access)
{
    struct apic_rig *r = apic_rig_new();
    lwr(r, 0, TPR, 0x1234);
    ck_assert_uint_eq(lrd(r, 0, TPR), 0x34);
    lapic_mmio_write(r->apic[0], TPR, 0x56, 1); /* not a dword: dropped */
    ck_assert_uint_eq(lrd(r, 0, TPR), 0x34);
    ck_assert_uint_eq(lapic_mmio_read(r->apic[1], ID + 3, 1), 1); /* a byte of ID */
    ck_assert_uint_eq(lapic_mmio_read(r->apic[1], ID + 4, 4), 0);
    lwr(r, 1, ID, 0x05000000);
    ck_assert_uint_eq(lapic_id(r->apic[1]), 5);
    lwr(r, 0, ICR_LO, 0xffffffffu & ~(7u << 8) & ~0xffu); /* fixed, vector 0: an error */
    ck_assert_uint_eq(lrd(r, 0, ICR_LO) & (1u << 12), 0); /* delivery status: idle */
    struct devinfo d[2];
    ck_assert_uint_eq(lapic_devinfo(r->apic[1], d, 2), 1);
    ck_assert_str_eq(d[0].name, "lapic5");
    ck_assert_uint_eq(devfield_get(&d[0].fields[0], d[0].state, 0), 0x05000000);
    apic_rig_free(r);
}
END_TEST

static Suite *lapic_suite(void)
{
    Suite *s = suite_create("lapic");
    TCase *tc = tcase_create("xapic");
    tcase_add_test(tc, test_reset_state);
    tcase_add_test(tc, test_priority_isr_eoi);
    tcase_add_test(tc, test_ipi_destinations);
    tcase_add_test(tc, test_software_disabled_refuses_fixed);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_init_and_startup);
    tcase_add_test(tc, test_self_init_waits_for_the_boundary);
    tcase_add_test(tc, test_timer_one_shot);
    tcase_add_test(tc, test_timer_periodic);
    tcase_add_test(tc, test_divide_values);
    tcase_add_test(tc, test_lint0_extint_and_disable);
    tcase_add_test(tc, test_register_access);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(lapic_suite());
}
