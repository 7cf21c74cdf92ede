/*
 * test_dma.c - the 8237A pair and the page registers (devices/dma.c),
 * programmed through their ports as a driver does, with transfers asked
 * for through dma_transfer() as a device does.
 *
 * The programming sequences are those of the 8237A data sheet (Intel) and
 * of Linux's <asm/dma.h> helpers: mask, clear flip-flop, mode, address low
 * and high, page, count low and high, unmask.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "unit_util.h"

#include "bus.h"
#include "devices/dma.h"

#define RAM_SIZE (1u << 20)

/* Mode register bytes (channel select in bits 1-0 added by the helpers). */
#define MODE_VERIFY   0x00
#define MODE_WRITE    0x04 /* device to memory */
#define MODE_READ     0x08 /* memory to device */
#define MODE_AUTOINIT 0x10
#define MODE_DEC      0x20
#define MODE_SINGLE   0x40
#define MODE_CASCADE  0xc0

struct rig {
    struct bus bus; /* 1 MiB of RAM and the ports */
    struct dma *dma;
};

static struct rig *rig_new(void)
{
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bus_init(&r->bus, RAM_SIZE), 0);
    r->dma = dma_create(&r->bus);
    ck_assert_ptr_nonnull(r->dma);
    return r;
}

static void rig_free(struct rig *r)
{
    dma_destroy(r->dma);
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

/* The ports of channel n's registers. */
static const uint16_t page_port[8] = {0x87, 0x83, 0x81, 0x82, 0x8f, 0x8b, 0x89, 0x8a};

static uint16_t reg_port(int n, int reg)
{
    return n < 4 ? (uint16_t)reg : (uint16_t)(0xc0 + 2 * reg);
}

static uint16_t addr_port(int n)
{
    return reg_port(n, 2 * (n & 3));
}

/* Program channel n as Linux's floppy driver does, and unmask it. addr and
 * count are in the controller's units (words on channels 4-7). */
static void program(struct rig *r, int n, uint8_t mode, uint8_t page, uint16_t addr, uint16_t count)
{
    out8(r, reg_port(n, 10), (uint8_t)(0x04 | (n & 3))); /* mask */
    out8(r, reg_port(n, 12), 0);                         /* clear flip-flop */
    out8(r, reg_port(n, 11), (uint8_t)(mode | (n & 3)));
    out8(r, addr_port(n), (uint8_t)addr);
    out8(r, addr_port(n), (uint8_t)(addr >> 8));
    out8(r, page_port[n], page);
    out8(r, reg_port(n, 12), 0);
    out8(r, (uint16_t)(addr_port(n) + (n < 4 ? 1 : 2)), (uint8_t)count);
    out8(r, (uint16_t)(addr_port(n) + (n < 4 ? 1 : 2)), (uint8_t)(count >> 8));
    out8(r, reg_port(n, 10), (uint8_t)(n & 3)); /* unmask */
}

/* Channel n's current address or count, read through the flip-flop. */
static unsigned read_word(struct rig *r, int n, bool count)
{
    uint16_t port = (uint16_t)(addr_port(n) + (count ? (n < 4 ? 1 : 2) : 0));
    out8(r, reg_port(n, 12), 0);
    unsigned lo = in8(r, port);
    return lo | (unsigned)in8(r, port) << 8;
}

static void fill(uint8_t *buf, int len, uint8_t seed)
{
    for (int k = 0; k < len; k++)
        buf[k] = (uint8_t)(seed + k * 7);
}

START_TEST(test_flip_flop)
{
    struct rig *r = rig_new();
    out8(r, 0x0c, 0);
    out8(r, 0x04, 0x34); /* channel 2 address: low, then high */
    out8(r, 0x04, 0x12);
    out8(r, 0x05, 0xff); /* count 0x01FF */
    out8(r, 0x05, 0x01);
    ck_assert_uint_eq(read_word(r, 2, false), 0x1234);
    ck_assert_uint_eq(read_word(r, 2, true), 0x01ff);
    /* Without the clear, the flip-flop goes on alternating. */
    out8(r, 0x0c, 0);
    ck_assert_uint_eq(in8(r, 0x04), 0x34);
    ck_assert_uint_eq(in8(r, 0x05), 0x01); /* high byte of the count */
    /* A clear in the middle of a pair: the next byte is the low one again. */
    out8(r, 0x04, 0xaa);
    out8(r, 0x0c, 0);
    out8(r, 0x04, 0x34);
    out8(r, 0x04, 0x12);
    ck_assert_uint_eq(read_word(r, 2, false), 0x1234);
    /* Master clear resets it (and masks everything): after one write the
     * next byte would be the high one, after the clear it is the low one. */
    out8(r, 0x04, 0x00); /* address 0x1200 */
    out8(r, 0x0d, 0);
    ck_assert_uint_eq(in8(r, 0x04), 0x00);
    ck_assert_uint_eq(in8(r, 0x04), 0x12);
    rig_free(r);
}
END_TEST

START_TEST(test_write_to_memory)
{
    struct rig *r = rig_new();
    uint8_t buf[512];
    fill(buf, 512, 3);
    program(r, 2, MODE_SINGLE | MODE_WRITE, 0x01, 0x2000, 511);
    ck_assert(dma_channel_ready(r->dma, 2));
    ck_assert_int_eq(dma_transfer(r->dma, 2, buf, 512, true), 512);
    ck_assert_mem_eq(r->bus.ram + 0x12000, buf, 512);
    ck_assert(dma_terminal_count(r->dma, 2));
    ck_assert_uint_eq(read_word(r, 2, false), 0x2200);
    ck_assert_uint_eq(read_word(r, 2, true), 0xffff);
    /* TC status, cleared by reading it; the channel masked itself. */
    ck_assert_uint_eq(in8(r, 0x08) & 0x0f, 0x04);
    ck_assert_uint_eq(in8(r, 0x08) & 0x0f, 0x00);
    ck_assert(!dma_channel_ready(r->dma, 2));
    ck_assert_int_eq(dma_transfer(r->dma, 2, buf, 512, true), 0);
    rig_free(r);
}
END_TEST

START_TEST(test_read_from_memory)
{
    struct rig *r = rig_new();
    uint8_t buf[300], got[300];
    fill(buf, 300, 9);
    memcpy(r->bus.ram + 0x45000, buf, 300);
    program(r, 1, MODE_SINGLE | MODE_READ, 0x04, 0x5000, 299);
    /* In pieces, as a device with a small FIFO asks for it. */
    ck_assert_int_eq(dma_transfer(r->dma, 1, got, 100, false), 100);
    ck_assert(!dma_terminal_count(r->dma, 1));
    ck_assert_int_eq(dma_transfer(r->dma, 1, got + 100, 400, false), 200); /* stops at TC */
    ck_assert(dma_terminal_count(r->dma, 1));
    ck_assert_mem_eq(got, buf, 300);
    rig_free(r);
}
END_TEST

START_TEST(test_decrement)
{
    struct rig *r = rig_new();
    uint8_t buf[4] = {1, 2, 3, 4};
    program(r, 3, MODE_SINGLE | MODE_WRITE | MODE_DEC, 0x00, 0x8003, 3);
    ck_assert_int_eq(dma_transfer(r->dma, 3, buf, 4, true), 4);
    const uint8_t want[4] = {4, 3, 2, 1};
    ck_assert_mem_eq(r->bus.ram + 0x8000, want, 4);
    ck_assert_uint_eq(read_word(r, 3, false), 0x7fff);
    rig_free(r);
}
END_TEST

START_TEST(test_autoinit)
{
    struct rig *r = rig_new();
    uint8_t a[16], b[16];
    fill(a, 16, 1);
    fill(b, 16, 100);
    program(r, 1, MODE_SINGLE | MODE_WRITE | MODE_AUTOINIT, 0x02, 0x0100, 15);
    ck_assert_int_eq(dma_transfer(r->dma, 1, a, 16, true), 16);
    ck_assert(dma_terminal_count(r->dma, 1));
    ck_assert(dma_channel_ready(r->dma, 1)); /* still unmasked */
    ck_assert_uint_eq(read_word(r, 1, false), 0x0100);
    ck_assert_uint_eq(read_word(r, 1, true), 15);
    ck_assert_int_eq(dma_transfer(r->dma, 1, b, 16, true), 16); /* the same buffer again */
    ck_assert_mem_eq(r->bus.ram + 0x20100, b, 16);
    ck_assert_uint_eq(in8(r, 0x08) & 0x0f, 0x02);
    rig_free(r);
}
END_TEST

START_TEST(test_masks)
{
    struct rig *r = rig_new();
    uint8_t buf[8] = {0};
    for (int n = 0; n < 8; n++)
        ck_assert(!dma_channel_ready(r->dma, n)); /* reset: all masked */
    program(r, 2, MODE_SINGLE | MODE_WRITE, 0, 0x1000, 7);
    out8(r, 0x0a, 0x06); /* single mask: set channel 2 */
    ck_assert_int_eq(dma_transfer(r->dma, 2, buf, 8, true), 0);
    out8(r, 0x0e, 0); /* clear mask register */
    ck_assert(dma_channel_ready(r->dma, 2));
    ck_assert(dma_channel_ready(r->dma, 0));
    out8(r, 0x0f, 0x0b); /* all mask bits: 0, 1, 3 */
    ck_assert(dma_channel_ready(r->dma, 2));
    ck_assert(!dma_channel_ready(r->dma, 3));
    out8(r, 0x08, 0x04); /* command: controller disable */
    ck_assert(!dma_channel_ready(r->dma, 2));
    out8(r, 0x08, 0x00);
    ck_assert_int_eq(dma_transfer(r->dma, 2, buf, 8, true), 8);
    /* Request register: status bits 4-7; TC drops the request. */
    out8(r, 0x09, 0x05);
    ck_assert_uint_eq(in8(r, 0x08) & 0xf0, 0x20);
    out8(r, 0x09, 0x01);
    ck_assert_uint_eq(in8(r, 0x08) & 0xf0, 0x00);
    /* Out-of-range channels are never ready. */
    ck_assert(!dma_channel_ready(r->dma, -1));
    ck_assert(!dma_channel_ready(r->dma, 8));
    ck_assert_int_eq(dma_transfer(r->dma, 9, buf, 8, true), 0);
    rig_free(r);
}
END_TEST

START_TEST(test_verify_and_mismatch)
{
    struct rig *r = rig_new();
    uint8_t buf[8];
    memset(r->bus.ram + 0x3000, 0x5a, 8);
    fill(buf, 8, 1);
    program(r, 2, MODE_SINGLE | MODE_VERIFY, 0, 0x3000, 7);
    ck_assert_int_eq(dma_transfer(r->dma, 2, buf, 8, true), 8);
    ck_assert_uint_eq(r->bus.ram[0x3000], 0x5a); /* untouched */
    ck_assert(dma_terminal_count(r->dma, 2));
    /* A device reading from a channel programmed to write memory gets a
     * floating bus; memory is not touched either. */
    program(r, 2, MODE_SINGLE | MODE_WRITE, 0, 0x3000, 7);
    ck_assert_int_eq(dma_transfer(r->dma, 2, buf, 8, false), 8);
    ck_assert_uint_eq(buf[0], 0xff);
    ck_assert_uint_eq(r->bus.ram[0x3000], 0x5a);
    rig_free(r);
}
END_TEST

/* Channels 4-7: word counts, the address shifted left by one, page bit 0
 * ignored, and the 128 KiB block wrapping. */
START_TEST(test_word_channels)
{
    struct rig *r = rig_new();
    out8(r, 0xd6, MODE_CASCADE | 0); /* channel 4: cascade, as the BIOS sets it */
    out8(r, 0xd4, 0x00);
    ck_assert(!dma_channel_ready(r->dma, 4));
    uint8_t buf[9], got[8];
    fill(buf, 9, 50);
    /* 4 words at word address 0x1000 in page 0x03: byte address 0x02 << 16
     * | 0x1000 << 1 (A16 comes from the counter, not the page register). */
    program(r, 5, MODE_SINGLE | MODE_WRITE, 0x03, 0x1000, 3);
    ck_assert_uint_eq(in8(r, 0x8b), 0x03);
    ck_assert_int_eq(dma_transfer(r->dma, 5, buf, 9, true), 8); /* odd length: whole words */
    ck_assert_mem_eq(r->bus.ram + 0x22000, buf, 8);
    ck_assert_uint_eq(in8(r, 0xd0) & 0x0f, 0x02); /* DMA2 status: TC on channel 5 */
    /* Word 0xFFFF of page 0x01 (bit 0 ignored): 0x1FFFE, then back to 0. */
    program(r, 6, MODE_SINGLE | MODE_READ, 0x01, 0xffff, 1);
    r->bus.ram[0x1fffe] = 0x11;
    r->bus.ram[0x1ffff] = 0x22;
    r->bus.ram[0x00000] = 0x33;
    r->bus.ram[0x00001] = 0x44;
    ck_assert_int_eq(dma_transfer(r->dma, 6, got, 8, false), 4);
    const uint8_t want[4] = {0x11, 0x22, 0x33, 0x44};
    ck_assert_mem_eq(got, want, 4);
    /* The odd ports of DMA2 are not decoded. */
    ck_assert_uint_eq(in8(r, 0xc1), 0xff);
    rig_free(r);
}
END_TEST

START_TEST(test_beyond_ram)
{
    struct rig *r = rig_new();
    uint8_t buf[64], got[64];
    fill(buf, 64, 7);
    program(r, 2, MODE_SINGLE | MODE_WRITE, 0xff, 0xffe0, 63);    /* 0xFFFFE0: 16 MiB - 32 */
    ck_assert_int_eq(dma_transfer(r->dma, 2, buf, 64, true), 64); /* dropped, no crash */
    program(r, 2, MODE_SINGLE | MODE_READ, 0xff, 0xffe0, 63);
    ck_assert_int_eq(dma_transfer(r->dma, 2, got, 64, false), 64);
    for (int k = 0; k < 64; k++)
        ck_assert_uint_eq(got[k], 0xff);
    /* Words beyond RAM (channel 7, 0xFE0000): the same. */
    program(r, 7, MODE_SINGLE | MODE_READ, 0xfe, 0x0000, 3);
    ck_assert_int_eq(dma_transfer(r->dma, 7, got, 8, false), 8);
    ck_assert_uint_eq(got[7], 0xff);
    rig_free(r);
}
END_TEST

START_TEST(test_page_ports_and_post_code)
{
    struct rig *r = rig_new();
    out8(r, 0x80, 0x55);
    out8(r, 0x8f, 0x66);
    ck_assert_uint_eq(in8(r, 0x80), 0x55);
    ck_assert_uint_eq(in8(r, 0x8f), 0x66);
    for (int n = 0; n < 8; n++) {
        if (n == 4)
            continue;
        out8(r, page_port[n], (uint8_t)(0x10 + n));
    }
    struct devinfo info[11];
    ck_assert_uint_eq(dma_devinfo(r->dma, info, 11), 11);
    ck_assert_str_eq(info[0].name, "dma");
    ck_assert_str_eq(info[0].fields[0].name, "post_code");
    ck_assert_uint_eq(devfield_get(&info[0].fields[0], info[0].state, 0), 0x55);
    for (int n = 0; n < 8; n++) {
        const struct devinfo *ch = &info[3 + n];
        char name[8] = "dma.ch0";
        name[6] = (char)('0' + n);
        ck_assert_str_eq(ch->name, name);
        for (size_t k = 0; k < ch->n_fields; k++)
            if (!strcmp(ch->fields[k].name, "page") && n != 4)
                ck_assert_uint_eq(devfield_get(&ch->fields[k], ch->state, 0), 0x10 + n);
    }
    ck_assert_uint_eq(dma_devinfo(r->dma, info, 2), 2);
    /* A word access splits into the two ports. */
    bus_out(&r->bus, 0x80, 0xbeef, 2);
    ck_assert_uint_eq(in8(r, 0x80), 0xef);
    ck_assert_uint_eq(in8(r, 0x81), 0xbe); /* channel 2's page */
    dma_reset(r->dma);
    ck_assert_uint_eq(in8(r, 0x80), 0);
    rig_free(r);
}
END_TEST

static Suite *dma_suite(void)
{
    Suite *s = suite_create("dma");
    TCase *t = tcase_create("dma");
    tcase_add_test(t, test_flip_flop);
    tcase_add_test(t, test_write_to_memory);
    tcase_add_test(t, test_read_from_memory);
    tcase_add_test(t, test_decrement);
    tcase_add_test(t, test_autoinit);
    tcase_add_test(t, test_masks);
    tcase_add_test(t, test_verify_and_mismatch);
    tcase_add_test(t, test_word_channels);
    tcase_add_test(t, test_beyond_ram);
    tcase_add_test(t, test_page_ports_and_post_code);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(dma_suite());
}
