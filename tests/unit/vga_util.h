/*
 * vga_util.h - a VGA alone on a bus with its own clock, for test_vga.c and
 * test_vbe.c. The device is driven only through the bus: port reads and
 * writes, and physical memory accesses that reach its MMIO ranges. The bus
 * has 4 KiB of RAM, far below A0000, so the window is not shadowed by RAM.
 */
#ifndef LAB86_VGA_UTIL_H
#define LAB86_VGA_UTIL_H

#include <check.h>
#include <stdlib.h>

#include "bus.h"
#include "clock.h"
#include "devices/vga.h"

/* 25.2 MHz, the VGA's dot clock: a 60 Hz frame of 525 lines of 800 dots is
 * then exactly one cycle a dot. */
#define RIG_HZ     25200000u
#define RIG_LINE   800u
#define RIG_FRAME  (525u * RIG_LINE)
#define RIG_RAM    0x1000u
#define RIG_WINDOW 0xa0000u
#define RIG_TEXT   0xb8000u
#define RIG_LFB    VBE_LFB_DEFAULT_BASE

struct rig {
    struct bus bus;     /* ports, a little RAM, the VGA's MMIO ranges */
    struct clock clock; /* virtual time for the retrace bits */
    uint64_t now;       /* the cycle counter the clock reads */
    uint64_t deadline;  /* slice end (unused by the VGA) */
    struct vga *vga;    /* the device under test */
};

static inline struct rig *rig_new(void)
{
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bus_init(&r->bus, RIG_RAM), 0);
    clock_init(&r->clock, &r->now, &r->deadline, RIG_HZ);
    r->vga = vga_create(&r->bus, &r->clock, RIG_LFB);
    ck_assert_ptr_nonnull(r->vga);
    return r;
}

static inline void rig_free(struct rig *r)
{
    vga_destroy(r->vga);
    bus_free(&r->bus);
    free(r);
}

static inline void outb(struct rig *r, uint16_t port, uint8_t v)
{
    bus_out(&r->bus, port, v, 1);
}

static inline void outw(struct rig *r, uint16_t port, uint16_t v)
{
    bus_out(&r->bus, port, v, 2);
}

static inline uint8_t inb(struct rig *r, uint16_t port)
{
    return (uint8_t)bus_in(&r->bus, port, 1);
}

static inline uint16_t inw(struct rig *r, uint16_t port)
{
    return (uint16_t)bus_in(&r->bus, port, 2);
}

static inline uint8_t peekb(struct rig *r, uint64_t pa)
{
    return (uint8_t)bus_mem_read(&r->bus, pa, 1);
}

static inline void pokeb(struct rig *r, uint64_t pa, uint8_t v)
{
    bus_mem_write(&r->bus, pa, v, 1);
}

/* Index/data register pairs. */
static inline void seq_set(struct rig *r, uint8_t i, uint8_t v)
{
    outb(r, 0x3c4, i);
    outb(r, 0x3c5, v);
}

static inline uint8_t seq_get(struct rig *r, uint8_t i)
{
    outb(r, 0x3c4, i);
    return inb(r, 0x3c5);
}

static inline void gc_set(struct rig *r, uint8_t i, uint8_t v)
{
    outb(r, 0x3ce, i);
    outb(r, 0x3cf, v);
}

static inline uint8_t gc_get(struct rig *r, uint8_t i)
{
    outb(r, 0x3ce, i);
    return inb(r, 0x3cf);
}

static inline void crtc_set(struct rig *r, uint8_t i, uint8_t v)
{
    outb(r, 0x3d4, i);
    outb(r, 0x3d5, v);
}

static inline uint8_t crtc_get(struct rig *r, uint8_t i)
{
    outb(r, 0x3d4, i);
    return inb(r, 0x3d5);
}

/* Attribute controller: reset the flip-flop, index (display kept on), data. */
static inline void ac_set(struct rig *r, uint8_t i, uint8_t v)
{
    (void)inb(r, 0x3da);
    outb(r, 0x3c0, (uint8_t)(i | 0x20));
    outb(r, 0x3c0, v);
}

static inline uint8_t ac_get(struct rig *r, uint8_t i)
{
    (void)inb(r, 0x3da);
    outb(r, 0x3c0, (uint8_t)(i | 0x20));
    uint8_t v = inb(r, 0x3c1);
    (void)inb(r, 0x3da);
    return v;
}

/* The VBE dispi registers. */
static inline void dispi_set(struct rig *r, uint16_t i, uint16_t v)
{
    outw(r, 0x1ce, i);
    outw(r, 0x1cf, v);
}

static inline uint16_t dispi_get(struct rig *r, uint16_t i)
{
    outw(r, 0x1ce, i);
    return inw(r, 0x1cf);
}

static inline int rig_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
