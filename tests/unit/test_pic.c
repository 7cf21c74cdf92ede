/*
 * test_pic.c - the 8259A pair, driven only through its ports, its IRQ lines
 * and the INTA cycle, with expectations from the Intel 8259A datasheet
 * (231468-003): the initialisation sequence (figure 9), priority, the OCW2
 * commands (table 2 / figure 10), OCW3, the cascade and spurious vectors.
 */
#include <check.h>
#include <stdlib.h>

#include "bus.h"
#include "devices/pic.h"
#include "unit_util.h"

struct rig {
    struct bus bus;  /* the ports */
    struct pic *pic; /* the pair under test */
    int intr;        /* the master's INT output as last driven */
};

static void rig_intr(void *opaque, int n, int level)
{
    struct rig *r = opaque;
    (void)n;
    r->intr = level;
}

static struct rig *rig_new(void)
{
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bus_init(&r->bus, 4096), 0);
    r->pic = pic_create(&r->bus, PIC_MASTER_PORT, PIC_SLAVE_PORT, PIC_ELCR_PORT,
                        (struct irq_line){rig_intr, r, 0});
    ck_assert_ptr_nonnull(r->pic);
    return r;
}

static void rig_free(struct rig *r)
{
    pic_destroy(r->pic);
    bus_free(&r->bus);
    free(r);
}

static void out8(struct rig *r, uint16_t port, uint8_t v)
{
    bus_out(&r->bus, port, v, 1);
}

static uint8_t in8(struct rig *r, uint16_t port)
{
    return (uint8_t)bus_in(&r->bus, port, 1);
}

static void line(struct rig *r, int irq, int level)
{
    struct irq_line l = pic_irq(r->pic, irq);
    irq_set(&l, level);
}

/* Read a published field of "pic.master" (chip 0) or "pic.slave" (1). */
static uint64_t field(struct rig *r, int chip, const char *name)
{
    struct devinfo d[2];
    ck_assert_uint_eq(pic_devinfo(r->pic, d, 2), 2);
    for (size_t k = 0; k < d[chip].n_fields; k++)
        if (strcmp(d[chip].fields[k].name, name) == 0)
            return devfield_get(&d[chip].fields[k], d[chip].state, 0);
    ck_abort_msg("no field %s", name);
    return 0;
}

/* The PC initialisation (Linux's init_8259A): edge, cascade, ICW4; vectors
 * 0x20 and 0x28; the slave on IR2; 8086 mode plus icw4_extra; all unmasked. */
static void init_pc(struct rig *r, uint8_t icw4_extra)
{
    out8(r, 0x20, 0x11);
    out8(r, 0x21, 0x20);
    out8(r, 0x21, 0x04);
    out8(r, 0x21, (uint8_t)(0x01 | icw4_extra));
    out8(r, 0xa0, 0x11);
    out8(r, 0xa1, 0x28);
    out8(r, 0xa1, 0x02);
    out8(r, 0xa1, (uint8_t)(0x01 | icw4_extra));
    out8(r, 0x21, 0x00);
    out8(r, 0xa1, 0x00);
}

static void eoi(struct rig *r)
{
    out8(r, 0x20, 0x20);
}

START_TEST(test_icw_sequence)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(in8(r, 0x21), 0xff); /* reset: all masked */
    out8(r, 0x21, 0x5a);                   /* OCW1 before any ICW1 */
    ck_assert_uint_eq(in8(r, 0x21), 0x5a);
    out8(r, 0x20, 0x11);                   /* ICW1: edge, cascade, IC4 */
    ck_assert_uint_eq(in8(r, 0x21), 0x00); /* ICW1 clears IMR */
    ck_assert_uint_eq(field(r, 0, "init_step"), 1);
    out8(r, 0x21, 0x47); /* ICW2: T7-T3 = 0x40, the low bits are ignored */
    ck_assert_uint_eq(field(r, 0, "vector"), 0x40);
    ck_assert_uint_eq(field(r, 0, "init_step"), 2);
    out8(r, 0x21, 0x04); /* ICW3 */
    ck_assert_uint_eq(field(r, 0, "init_step"), 3);
    out8(r, 0x21, 0x01); /* ICW4 */
    ck_assert_uint_eq(field(r, 0, "init_step"), 0);
    out8(r, 0x21, 0xfe); /* now OCW1 */
    ck_assert_uint_eq(in8(r, 0x21), 0xfe);
    line(r, 0, 1);
    ck_assert_int_eq(r->intr, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x40);
    /* Single mode without ICW4: ICW1, ICW2, then straight to OCW1. */
    out8(r, 0x20, 0x12);
    out8(r, 0x21, 0x80);
    ck_assert_uint_eq(field(r, 0, "init_step"), 0);
    ck_assert_uint_eq(field(r, 0, "icw4"), 0);
    out8(r, 0x21, 0x33);
    ck_assert_uint_eq(in8(r, 0x21), 0x33);
    /* Single mode with ICW4: no ICW3. */
    out8(r, 0x20, 0x13);
    out8(r, 0x21, 0x80);
    ck_assert_uint_eq(field(r, 0, "init_step"), 3);
    out8(r, 0x21, 0x03);
    ck_assert_uint_eq(field(r, 0, "icw4"), 0x03);
    rig_free(r);
}
END_TEST

START_TEST(test_priority_and_nesting)
{
    struct rig *r = rig_new();
    init_pc(r, 0);
    ck_assert_int_eq(r->intr, 0);
    line(r, 3, 1);
    line(r, 1, 1);
    ck_assert_uint_eq(in8(r, 0x20), 0x0a); /* IRR after ICW1 */
    ck_assert_int_eq(r->intr, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x21); /* IR1 outranks IR3 */
    out8(r, 0x20, 0x0b);                     /* OCW3: read ISR */
    ck_assert_uint_eq(in8(r, 0x20), 0x02);
    ck_assert_int_eq(r->intr, 0); /* IR3 waits behind IR1 in service */
    line(r, 0, 1);                /* IR0 outranks IR1: nests */
    ck_assert_int_eq(r->intr, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x20);
    ck_assert_uint_eq(in8(r, 0x20), 0x03);
    eoi(r); /* non-specific: the highest in service, IR0 */
    ck_assert_uint_eq(in8(r, 0x20), 0x02);
    ck_assert_int_eq(r->intr, 0);
    eoi(r);
    ck_assert_int_eq(r->intr, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x23);
    out8(r, 0x20, 0x0a); /* OCW3: read IRR */
    ck_assert_uint_eq(in8(r, 0x20), 0x00);
    rig_free(r);
}
END_TEST

START_TEST(test_specific_eoi_and_imr)
{
    struct rig *r = rig_new();
    init_pc(r, 0);
    out8(r, 0x21, 0x20); /* mask IR5 */
    line(r, 5, 1);
    ck_assert_int_eq(r->intr, 0);
    ck_assert_uint_eq(in8(r, 0x20), 0x20); /* requested, masked */
    line(r, 4, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x24);
    line(r, 6, 1);
    out8(r, 0x20, 0x0b);
    out8(r, 0x20, 0x62); /* specific EOI of level 2: not in service, no effect */
    ck_assert_uint_eq(in8(r, 0x20), 0x10);
    out8(r, 0x20, 0x64); /* specific EOI of level 4 */
    ck_assert_uint_eq(in8(r, 0x20), 0x00);
    ck_assert_int_eq(pic_ack(r->pic), 0x26);
    out8(r, 0x20, 0x66);
    out8(r, 0x21, 0x00); /* unmask IR5: its latched request comes through */
    ck_assert_int_eq(r->intr, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x25);
    rig_free(r);
}
END_TEST

START_TEST(test_auto_eoi)
{
    struct rig *r = rig_new();
    init_pc(r, 0x02); /* ICW4.AEOI */
    line(r, 1, 1);
    line(r, 6, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x21);
    out8(r, 0x20, 0x0b);
    ck_assert_uint_eq(in8(r, 0x20), 0x00); /* nothing stays in service */
    ck_assert_int_eq(r->intr, 1);          /* so the lower IR6 is next */
    ck_assert_int_eq(pic_ack(r->pic), 0x26);
    ck_assert_int_eq(r->intr, 0);
    /* Rotate in AEOI mode: each acknowledged level becomes the lowest. */
    out8(r, 0x20, 0x80);
    line(r, 1, 0);
    line(r, 1, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x21);
    ck_assert_uint_eq(field(r, 0, "lowest"), 1);
    line(r, 0, 1);
    line(r, 3, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x23); /* IR2..IR7 now outrank IR0 */
    out8(r, 0x20, 0x00);                     /* rotate in AEOI mode: clear */
    ck_assert_int_eq(pic_ack(r->pic), 0x20);
    ck_assert_uint_eq(field(r, 0, "lowest"), 3);
    rig_free(r);
}
END_TEST

START_TEST(test_rotation)
{
    struct rig *r = rig_new();
    init_pc(r, 0);
    line(r, 1, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x21);
    out8(r, 0x20, 0xa0); /* rotate on non-specific EOI: IR1 becomes the lowest */
    ck_assert_uint_eq(field(r, 0, "lowest"), 1);
    line(r, 0, 1);
    line(r, 3, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x23); /* order is now 2, 3, ..., 7, 0, 1 */
    out8(r, 0x20, 0xe3);                     /* rotate on specific EOI of 3 */
    ck_assert_uint_eq(field(r, 0, "lowest"), 3);
    ck_assert_int_eq(pic_ack(r->pic), 0x20);
    eoi(r);
    out8(r, 0x20, 0xc5); /* set priority: IR5 lowest, IR6 highest */
    line(r, 4, 1);
    line(r, 6, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x26);
    ck_assert_int_eq(r->intr, 0); /* IR4 ranks below IR6 now */
    eoi(r);
    ck_assert_int_eq(pic_ack(r->pic), 0x24);
    out8(r, 0x20, 0x40); /* OCW2 no-op */
    ck_assert_uint_eq(field(r, 0, "lowest"), 5);
    rig_free(r);
}
END_TEST

START_TEST(test_special_mask_mode)
{
    struct rig *r = rig_new();
    init_pc(r, 0);
    line(r, 3, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x23);
    line(r, 5, 1);
    ck_assert_int_eq(r->intr, 0); /* blocked by IR3 in service */
    out8(r, 0x20, 0x68);          /* OCW3: set special mask mode */
    out8(r, 0x21, 0x08);          /* mask IR3: it no longer blocks */
    ck_assert_int_eq(r->intr, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x25);
    eoi(r); /* non-specific in SMM: the highest unmasked level, IR5 */
    out8(r, 0x20, 0x0b);
    ck_assert_uint_eq(in8(r, 0x20), 0x08);
    out8(r, 0x20, 0x48); /* reset special mask mode */
    ck_assert_int_eq(field(r, 0, "special_mask"), 0);
    line(r, 7, 1);
    out8(r, 0x21, 0x00);
    ck_assert_int_eq(r->intr, 0); /* IR3 in service blocks IR7 again */
    rig_free(r);
}
END_TEST

START_TEST(test_poll)
{
    struct rig *r = rig_new();
    init_pc(r, 0);
    out8(r, 0x20, 0x0c);                   /* OCW3: poll */
    ck_assert_uint_eq(in8(r, 0x20), 0x00); /* nothing: I = 0 */
    line(r, 6, 1);
    line(r, 4, 1);
    out8(r, 0x20, 0x0c);
    ck_assert_uint_eq(in8(r, 0x21), 0x84); /* I = 1, level 4; either port */
    out8(r, 0x20, 0x0b);
    ck_assert_uint_eq(in8(r, 0x20), 0x10); /* the poll acknowledged it */
    ck_assert_uint_eq(in8(r, 0x21), 0x00); /* and only the next read polls */
    rig_free(r);
}
END_TEST

START_TEST(test_spurious_irq7)
{
    struct rig *r = rig_new();
    init_pc(r, 0);
    out8(r, 0x4d0, 0x20); /* ELCR1: IRQ 5 level-triggered */
    line(r, 5, 1);
    ck_assert_int_eq(r->intr, 1);
    line(r, 5, 0); /* the request goes away before INTA */
    ck_assert_int_eq(r->intr, 0);
    ck_assert_int_eq(pic_ack(r->pic), 0x27);
    out8(r, 0x20, 0x0b);
    ck_assert_uint_eq(in8(r, 0x20), 0x00); /* a spurious IRQ 7 is not in service */
    /* Masked between INT and INTA: the same. */
    line(r, 3, 1);
    out8(r, 0x21, 0x08);
    ck_assert_int_eq(pic_ack(r->pic), 0x27);
    rig_free(r);
}
END_TEST

START_TEST(test_cascade_and_spurious_irq15)
{
    struct rig *r = rig_new();
    init_pc(r, 0);
    line(r, 10, 1);
    ck_assert_int_eq(r->intr, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x2a);
    out8(r, 0x20, 0x0b);
    out8(r, 0xa0, 0x0b);
    ck_assert_uint_eq(in8(r, 0x20), 0x04); /* master: IR2 in service */
    ck_assert_uint_eq(in8(r, 0xa0), 0x04); /* slave: IR2 (IRQ 10) */
    line(r, 8, 1);                         /* IRQ 8 outranks 10 but not master IR2 */
    ck_assert_int_eq(r->intr, 0);
    out8(r, 0xa0, 0x20);
    eoi(r);
    ck_assert_int_eq(r->intr, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x28);
    out8(r, 0xa0, 0x20);
    eoi(r);
    /* ISA IRQ 2 is the AT's IRQ 9. */
    line(r, 2, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x29);
    out8(r, 0xa0, 0x20);
    eoi(r);
    /* A level slave request that goes away leaves the master's IR2 latched:
     * the slave answers with its IR7, the master's IR2 stays in service. */
    out8(r, 0x4d1, 0x08); /* ELCR2: IRQ 11 level */
    line(r, 11, 1);
    line(r, 11, 0);
    ck_assert_int_eq(r->intr, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x2f);
    ck_assert_uint_eq(in8(r, 0xa0), 0x00);
    ck_assert_uint_eq(in8(r, 0x20), 0x04);
    rig_free(r);
}
END_TEST

START_TEST(test_edge_and_level)
{
    struct rig *r = rig_new();
    init_pc(r, 0);
    /* ELCR: IRQ 0, 1, 2, 8 and 13 are edge-only on the PIIX. */
    out8(r, 0x4d0, 0xff);
    out8(r, 0x4d1, 0xff);
    ck_assert_uint_eq(in8(r, 0x4d0), 0xf8);
    ck_assert_uint_eq(in8(r, 0x4d1), 0xde);
    out8(r, 0x4d0, 0x08); /* IRQ 3 level, the rest edge */
    out8(r, 0x4d1, 0x00);
    /* Edge: one request per rising edge, latched even if the line falls. */
    line(r, 4, 1);
    line(r, 4, 0);
    ck_assert_int_eq(pic_ack(r->pic), 0x24);
    eoi(r);
    ck_assert_int_eq(r->intr, 0);
    line(r, 4, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x24);
    eoi(r);
    ck_assert_int_eq(r->intr, 0); /* still high, but no new edge */
    line(r, 4, 0);
    /* Level: requests again after EOI while the line stays high. */
    line(r, 3, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x23);
    eoi(r);
    ck_assert_int_eq(r->intr, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x23);
    line(r, 3, 0);
    eoi(r);
    ck_assert_int_eq(r->intr, 0);
    /* ICW1.LTIM makes every input level-triggered. */
    out8(r, 0x20, 0x19);
    out8(r, 0x21, 0x20);
    out8(r, 0x21, 0x04);
    out8(r, 0x21, 0x01);
    line(r, 6, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x26);
    eoi(r);
    ck_assert_int_eq(r->intr, 1);
    line(r, 6, 0);
    ck_assert_int_eq(r->intr, 0);
    rig_free(r);
}
END_TEST

START_TEST(test_icw1_resets_edge_sense)
{
    struct rig *r = rig_new();
    init_pc(r, 0);
    out8(r, 0x21, 0xff);
    line(r, 1, 1); /* latched while masked */
    init_pc(r, 0);
    ck_assert_int_eq(r->intr, 0); /* ICW1 forgot it: the line must rise again */
    line(r, 1, 0);
    line(r, 1, 1);
    ck_assert_int_eq(pic_ack(r->pic), 0x21);
    /* 16-bit access: a byte to each port, base first. */
    bus_out(&r->bus, 0x20, 0xfb0b, 2); /* OCW3 read ISR, then IMR = 0xFB */
    ck_assert_uint_eq(bus_in(&r->bus, 0x20, 2), 0xfb02);
    rig_free(r);
}
END_TEST

static Suite *pic_suite(void)
{
    Suite *s = suite_create("pic");
    TCase *tc = tcase_create("8259a");
    tcase_add_test(tc, test_icw_sequence);
    tcase_add_test(tc, test_priority_and_nesting);
    tcase_add_test(tc, test_specific_eoi_and_imr);
    tcase_add_test(tc, test_auto_eoi);
    tcase_add_test(tc, test_rotation);
    tcase_add_test(tc, test_special_mask_mode);
    tcase_add_test(tc, test_poll);
    tcase_add_test(tc, test_spurious_irq7);
    tcase_add_test(tc, test_cascade_and_spurious_irq15);
    tcase_add_test(tc, test_edge_and_level);
    tcase_add_test(tc, test_icw1_resets_edge_sense);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(pic_suite());
}
