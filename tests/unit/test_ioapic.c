/*
 * test_ioapic.c - the I/O APIC, driven through its two memory-mapped
 * registers and its pins, delivering to two local APICs, with expectations
 * from Intel's 82093AA datasheet (290566-001): the register map, the
 * redirection entries, edge and level pins with remote IRR and the EOI
 * that clears it.
 */
#include <check.h>

#include "apic_util.h"
#include "unit_util.h"

#define IRR 0x200
#define TMR 0x180
#define EOI 0xb0
#define SVR 0xf0
#define ISR 0x100

struct io_rig {
    struct apic_rig *r; /* the CPUs and their local APICs */
    struct ioapic *io;  /* the I/O APIC under test */
};

static struct io_rig rig(void)
{
    struct io_rig t = {apic_rig_new(), NULL};
    t.io = ioapic_create(&t.r->bus, IOAPIC_BASE, &t.r->ab, 2);
    ck_assert_ptr_nonnull(t.io);
    lwr(t.r, 0, SVR, 0x1ff);
    lwr(t.r, 1, SVR, 0x1ff);
    return t;
}

static void rig_done(struct io_rig *t)
{
    ioapic_destroy(t->io);
    apic_rig_free(t->r);
}

static uint32_t io_read(struct io_rig *t, uint32_t reg)
{
    bus_mem_write(&t->r->bus, IOAPIC_BASE, reg, 4);
    return bus_mem_read(&t->r->bus, IOAPIC_BASE + 0x10, 4);
}

static void io_write(struct io_rig *t, uint32_t reg, uint32_t v)
{
    bus_mem_write(&t->r->bus, IOAPIC_BASE, reg, 4);
    bus_mem_write(&t->r->bus, IOAPIC_BASE + 0x10, v, 4);
}

/* Redirection entry n := lo, with destination dest. */
static void route(struct io_rig *t, int n, uint32_t lo, uint8_t dest)
{
    io_write(t, 0x11 + 2 * (uint32_t)n, (uint32_t)dest << 24);
    io_write(t, 0x10 + 2 * (uint32_t)n, lo);
}

static void pin(struct io_rig *t, int n, int level)
{
    struct irq_line l = ioapic_irq(t->io, n);
    irq_set(&l, level);
}

START_TEST(test_identification)
{
    struct io_rig t = rig();
    ck_assert_uint_eq(io_read(&t, 0), 2u << 24);
    ck_assert_uint_eq(io_read(&t, 1), 0x00170011); /* 24 entries, version 0x11 */
    ck_assert_uint_eq(io_read(&t, 2), 2u << 24);
    io_write(&t, 0, 0x0f000000);
    ck_assert_uint_eq(io_read(&t, 0), 0x0f000000);
    io_write(&t, 1, 0); /* read-only */
    ck_assert_uint_eq(io_read(&t, 1), 0x00170011);
    ck_assert_uint_eq(io_read(&t, 0x40), 0); /* beyond the last entry */
    for (int n = 0; n < IOAPIC_NPINS; n++)
        ck_assert_uint_eq(io_read(&t, 0x10 + 2 * (uint32_t)n), 1u << 16); /* masked */
    struct devinfo d[1];
    ck_assert_uint_eq(ioapic_devinfo(t.io, d, 1), 1);
    ck_assert_str_eq(d[0].name, "ioapic");
    rig_done(&t);
}
END_TEST

START_TEST(test_edge_pin)
{
    struct io_rig t = rig();
    pin(&t, 4, 1);
    pin(&t, 4, 0);
    ck_assert(!lbit(t.r, 1, IRR, 0x44)); /* masked: nothing */
    route(&t, 4, 0x44, 1);
    pin(&t, 4, 1);
    ck_assert(lbit(t.r, 1, IRR, 0x44) && !lbit(t.r, 0, IRR, 0x44));
    ck_assert(!lbit(t.r, 1, TMR, 0x44));
    ck_assert_int_eq(lapic_ack(t.r->apic[1]), 0x44);
    pin(&t, 4, 1); /* no new edge */
    ck_assert(!lbit(t.r, 1, IRR, 0x44));
    pin(&t, 4, 0);
    pin(&t, 4, 1);
    ck_assert(lbit(t.r, 1, IRR, 0x44));
    ck_assert_uint_eq(io_read(&t, 0x18) & ((1u << 12) | (1u << 14)), 0); /* idle, no IRR */
    rig_done(&t);
}
END_TEST

START_TEST(test_level_pin_remote_irr)
{
    struct io_rig t = rig();
    route(&t, 9, (1u << 15) | 0x59, 0);
    pin(&t, 9, 1);
    ck_assert(lbit(t.r, 0, IRR, 0x59) && lbit(t.r, 0, TMR, 0x59));
    ck_assert(io_read(&t, 0x22) & (1u << 14)); /* remote IRR */
    ck_assert_int_eq(lapic_ack(t.r->apic[0]), 0x59);
    pin(&t, 9, 0);
    pin(&t, 9, 1); /* still waiting for the EOI: no second message */
    ck_assert(!lbit(t.r, 0, IRR, 0x59));
    lwr(t.r, 0, EOI, 0); /* the EOI reaches the I/O APIC; the pin is high */
    ck_assert(!lbit(t.r, 0, ISR, 0x59));
    ck_assert(lbit(t.r, 0, IRR, 0x59));
    ck_assert_int_eq(lapic_ack(t.r->apic[0]), 0x59);
    pin(&t, 9, 0);
    lwr(t.r, 0, EOI, 0);
    ck_assert(!(io_read(&t, 0x22) & (1u << 14)));
    ck_assert(!lbit(t.r, 0, IRR, 0x59));
    rig_done(&t);
}
END_TEST

START_TEST(test_unmask_asserted_level_pin)
{
    struct io_rig t = rig();
    route(&t, 11, (1u << 16) | (1u << 15) | 0x5b, 1);
    pin(&t, 11, 1);
    ck_assert(!lbit(t.r, 1, IRR, 0x5b));
    io_write(&t, 0x10 + 22, (1u << 15) | 0x5b); /* unmask */
    ck_assert(lbit(t.r, 1, IRR, 0x5b));
    io_write(&t, 0x10 + 22, (1u << 15) | (1u << 14) | 0x5b); /* remote IRR is read-only */
    ck_assert(io_read(&t, 0x10 + 22) & (1u << 14));
    rig_done(&t);
}
END_TEST

START_TEST(test_destinations)
{
    struct io_rig t = rig();
    route(&t, 1, 0x31, 0xff); /* physical broadcast */
    pin(&t, 1, 1);
    ck_assert(lbit(t.r, 0, IRR, 0x31) && lbit(t.r, 1, IRR, 0x31));
    lwr(t.r, 0, 0xd0, 0x01000000);
    lwr(t.r, 1, 0xd0, 0x02000000);
    route(&t, 3, (1u << 11) | 0x33, 0x02); /* logical: APIC 1 */
    pin(&t, 3, 1);
    ck_assert(lbit(t.r, 1, IRR, 0x33) && !lbit(t.r, 0, IRR, 0x33));
    route(&t, 5, (1u << 11) | (1u << 8) | 0x35, 0x03); /* lowest priority of both */
    pin(&t, 5, 1);
    ck_assert(lbit(t.r, 0, IRR, 0x35) && !lbit(t.r, 1, IRR, 0x35));
    route(&t, 6, (4u << 8), 1); /* NMI */
    pin(&t, 6, 1);
    ck_assert(t.r->cpu[1].nmi_pending && !t.r->cpu[0].nmi_pending);
    route(&t, 7, (7u << 8), 0); /* ExtINT: the vector comes from the 8259 */
    pin(&t, 7, 1);
    ck_assert_int_eq(lapic_ack(t.r->apic[0]), RIG_EXTINT_VECTOR);
    rig_done(&t);
}
END_TEST

static Suite *ioapic_suite(void)
{
    Suite *s = suite_create("ioapic");
    TCase *tc = tcase_create("82093AA");
    tcase_add_test(tc, test_identification);
    tcase_add_test(tc, test_edge_pin);
    tcase_add_test(tc, test_level_pin_remote_irr);
    tcase_add_test(tc, test_unmask_asserted_level_pin);
    tcase_add_test(tc, test_destinations);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(ioapic_suite());
}
