/*
 * test_vbe.c - the Bochs VBE dispi interface of the VGA: negotiation, mode
 * sets, the linear framebuffer, the banked window and the limits, driven
 * through ports 0x1CE-0x1D0 and physical memory only. The limits expected
 * are Bochs's (iodev/display/vga.cc, vbe_write).
 */
#include "vga_util.h"

enum { ID = 0, XRES, YRES, BPP, ENABLE, BANK, VIRT_WIDTH, VIRT_HEIGHT, X_OFFSET, Y_OFFSET, MEM64K };
#define ENABLED 0x01
#define GETCAPS 0x02
#define DAC8    0x20
#define LFB     0x40
#define NOCLEAR 0x80

static void set_mode(struct rig *r, uint16_t x, uint16_t y, uint16_t bpp, uint16_t flags)
{
    dispi_set(r, ENABLE, 0);
    dispi_set(r, XRES, x);
    dispi_set(r, YRES, y);
    dispi_set(r, BPP, bpp);
    dispi_set(r, ENABLE, (uint16_t)(ENABLED | flags));
}

START_TEST(test_id_negotiation)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(dispi_get(r, ID), 0xb0c5);
    dispi_set(r, ID, 0xb0c0); /* what SeaBIOS and vgabios write first */
    ck_assert_uint_eq(dispi_get(r, ID), 0xb0c0);
    dispi_set(r, ID, 0xb0c4);
    ck_assert_uint_eq(dispi_get(r, ID), 0xb0c4);
    dispi_set(r, ID, 0x1234); /* unknown: ignored */
    ck_assert_uint_eq(dispi_get(r, ID), 0xb0c4);
    dispi_set(r, ID, 0xb0c6);
    ck_assert_uint_eq(dispi_get(r, ID), 0xb0c4);
    ck_assert_uint_eq(dispi_get(r, MEM64K), 256); /* 16 MiB */
    ck_assert_uint_eq(inw(r, 0x1ce), MEM64K);
    rig_free(r);
}
END_TEST

START_TEST(test_getcaps)
{
    struct rig *r = rig_new();
    dispi_set(r, ENABLE, GETCAPS);
    ck_assert_uint_eq(dispi_get(r, XRES), 2560);
    ck_assert_uint_eq(dispi_get(r, YRES), 1600);
    ck_assert_uint_eq(dispi_get(r, BPP), 32);
    ck_assert_uint_eq(dispi_get(r, ENABLE), GETCAPS);
    dispi_set(r, ENABLE, 0);
    ck_assert_uint_eq(dispi_get(r, XRES), 640);
    ck_assert_uint_eq(dispi_get(r, YRES), 480);
    ck_assert_uint_eq(dispi_get(r, BPP), 8);
    rig_free(r);
}
END_TEST

START_TEST(test_mode_1024x768x32_lfb)
{
    struct rig *r = rig_new();
    uint64_t gen = vga_generation(r->vga);
    set_mode(r, 1024, 768, 32, LFB);
    ck_assert_uint_eq(dispi_get(r, ENABLE), ENABLED | LFB);
    ck_assert_uint_eq(dispi_get(r, XRES), 1024);
    ck_assert_uint_eq(dispi_get(r, VIRT_WIDTH), 1024);
    ck_assert_uint_eq(dispi_get(r, VIRT_HEIGHT), 768);
    ck_assert_int_eq(vga_display_mode(r->vga), VGA_DISPLAY_VBE);
    uint32_t px = 4 * (10 * 1024 + 20); /* pixel (20, 10) */
    bus_mem_write(&r->bus, RIG_LFB + px, 0x00ff8000, 4);
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_LFB + px, 4), 0x00ff8000);
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_LFB + px + 1, 2), 0xff80);
    ck_assert_uint_gt(vga_generation(r->vga), gen);
    struct vga_vbe_view view;
    vga_vbe_view(r->vga, &view);
    ck_assert(view.enabled);
    ck_assert_uint_eq(view.xres, 1024);
    ck_assert_uint_eq(view.yres, 768);
    ck_assert_uint_eq(view.bpp, 32);
    ck_assert_uint_eq(view.pitch, 4096);
    ck_assert_uint_eq(view.start, 0);
    ck_assert_uint_eq(view.vram[px + 1], 0x80);
    rig_free(r);
}
END_TEST

START_TEST(test_lfb_bounds)
{
    struct rig *r = rig_new();
    uint64_t last = RIG_LFB + VGA_VRAM_SIZE - 4;
    bus_mem_write(&r->bus, last, 0xdeadbeef, 4);
    ck_assert_uint_eq(bus_mem_read(&r->bus, last, 4), 0xdeadbeef);
    /* Past the end of the framebuffer nothing answers. */
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_LFB + VGA_VRAM_SIZE, 4), 0xffffffff);
    ck_assert_uint_eq(bus_mem_read(&r->bus, last + 2, 4), 0xffffdead);
    bus_mem_write(&r->bus, RIG_LFB + VGA_VRAM_SIZE, 1, 4); /* dropped */
    /* The framebuffer is the same memory as the VGA's planes. */
    bus_mem_write(&r->bus, RIG_LFB, 0x0741, 2);         /* plane 0 offset 0 and 1 */
    bus_mem_write(&r->bus, RIG_LFB + 0x10000, 0x1f, 1); /* plane 1 offset 0 */
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_TEXT, 2), 0x1f41);
    rig_free(r);
}
END_TEST

START_TEST(test_enable_clears_unless_asked)
{
    struct rig *r = rig_new();
    bus_mem_write(&r->bus, RIG_LFB + 100, 0x55, 1);
    set_mode(r, 640, 480, 8, LFB | NOCLEAR);
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_LFB + 100, 1), 0x55);
    set_mode(r, 640, 480, 8, LFB);
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_LFB + 100, 1), 0x00);
    ck_assert_uint_eq(dispi_get(r, ENABLE), ENABLED | LFB); /* NOCLEARMEM is not kept */
    rig_free(r);
}
END_TEST

START_TEST(test_banked_window)
{
    struct rig *r = rig_new();
    set_mode(r, 800, 600, 16, 0); /* no LFB: banked access */
    dispi_set(r, BANK, 2);
    ck_assert_uint_eq(dispi_get(r, BANK), 2);
    bus_mem_write(&r->bus, RIG_WINDOW + 0x10, 0xbeef, 2);
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_LFB + 2 * 0x10000 + 0x10, 2), 0xbeef);
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_WINDOW + 0x10, 2), 0xbeef);
    bus_mem_write(&r->bus, RIG_LFB + 3 * 0x10000 + 0xfffe, 0x1234, 2);
    dispi_set(r, BANK, 3);
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_WINDOW + 0xfffe, 2), 0x1234);
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_WINDOW + 0x10, 2), 0x0000);
    /* The bank register keeps the low byte; every bank of 16 MiB exists. */
    dispi_set(r, BANK, 0x1ff);
    ck_assert_uint_eq(dispi_get(r, BANK), 0xff);
    bus_mem_write(&r->bus, RIG_WINDOW + 0xffff, 0x77, 1); /* the last byte of memory */
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_LFB + VGA_VRAM_SIZE - 1, 1), 0x77);
    /* B0000-BFFFF is not part of the bank. */
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_TEXT, 1), 0xff);
    /* Off again: the window is the VGA's. */
    dispi_set(r, ENABLE, 0);
    bus_mem_write(&r->bus, RIG_TEXT, 0x0758, 2);
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_TEXT, 2), 0x0758);
    ck_assert_int_eq(vga_display_mode(r->vga), VGA_DISPLAY_TEXT);
    rig_free(r);
}
END_TEST

START_TEST(test_out_of_range_settings)
{
    struct rig *r = rig_new();
    dispi_set(r, XRES, 4000);
    ck_assert_uint_eq(dispi_get(r, XRES), 640);
    dispi_set(r, YRES, 1601);
    ck_assert_uint_eq(dispi_get(r, YRES), 480);
    dispi_set(r, XRES, 2560);
    dispi_set(r, YRES, 1600);
    ck_assert_uint_eq(dispi_get(r, XRES), 2560);
    ck_assert_uint_eq(dispi_get(r, YRES), 1600);
    dispi_set(r, BPP, 12);
    ck_assert_uint_eq(dispi_get(r, BPP), 8);
    dispi_set(r, BPP, 24);
    ck_assert_uint_eq(dispi_get(r, BPP), 24);
    dispi_set(r, BPP, 0); /* 0 means 8 */
    ck_assert_uint_eq(dispi_get(r, BPP), 8);
    set_mode(r, 800, 600, 15, LFB);
    dispi_set(r, XRES, 320); /* not while enabled */
    dispi_set(r, BPP, 8);
    ck_assert_uint_eq(dispi_get(r, XRES), 800);
    ck_assert_uint_eq(dispi_get(r, BPP), 15);
    dispi_set(r, VIRT_HEIGHT, 5); /* read only */
    ck_assert_uint_eq(dispi_get(r, VIRT_HEIGHT), 600);
    dispi_set(r, BPP, 4); /* 4-bit planar: a bank is 256 KiB, 64 of them */
    dispi_set(r, ENABLE, 0);
    dispi_set(r, BPP, 4);
    dispi_set(r, BANK, 64);
    ck_assert_uint_eq(dispi_get(r, BANK), 0);
    dispi_set(r, BANK, 63);
    ck_assert_uint_eq(dispi_get(r, BANK), 63);
    rig_free(r);
}
END_TEST

START_TEST(test_virtual_screen)
{
    struct rig *r = rig_new();
    set_mode(r, 640, 480, 32, LFB);
    dispi_set(r, VIRT_WIDTH, 2048);
    ck_assert_uint_eq(dispi_get(r, VIRT_WIDTH), 2048);
    ck_assert_uint_eq(dispi_get(r, VIRT_HEIGHT), 2048); /* 16 MiB / 4 / 2048 */
    dispi_set(r, VIRT_WIDTH, 0);                        /* ignored */
    ck_assert_uint_eq(dispi_get(r, VIRT_WIDTH), 2048);
    dispi_set(r, Y_OFFSET, 2048 - 480); /* the last page that fits */
    ck_assert_uint_eq(dispi_get(r, Y_OFFSET), 1568);
    dispi_set(r, Y_OFFSET, 1569); /* would show memory past the end */
    ck_assert_uint_eq(dispi_get(r, Y_OFFSET), 1568);
    dispi_set(r, X_OFFSET, 16);
    struct vga_vbe_view view;
    vga_vbe_view(r->vga, &view);
    ck_assert_uint_eq(view.pitch, 8192);
    ck_assert_uint_eq(view.start, 1568u * 8192 + 64);
    ck_assert_uint_le(view.start + (uint64_t)view.pitch * (view.yres - 1) + view.xres * 4u,
                      VGA_VRAM_SIZE);
    ck_assert_uint_eq(view.yres, 480);
    /* A width that leaves less height than the screen: the height wins, and
     * the Y offset that no longer fits goes back to 0. */
    dispi_set(r, VIRT_WIDTH, 30000);
    ck_assert_uint_eq(dispi_get(r, VIRT_HEIGHT), 480);
    ck_assert_uint_eq(dispi_get(r, VIRT_WIDTH), (16u << 20) / 4 / 480);
    ck_assert_uint_eq(dispi_get(r, Y_OFFSET), 0);
    rig_free(r);
}
END_TEST

START_TEST(test_dac_8bit)
{
    struct rig *r = rig_new();
    outb(r, 0x3c8, 1);
    outb(r, 0x3c9, 63);
    outb(r, 0x3c9, 32);
    outb(r, 0x3c9, 1);
    set_mode(r, 640, 480, 8, LFB | DAC8);
    ck_assert_uint_eq(dispi_get(r, ENABLE), ENABLED | LFB | DAC8);
    outb(r, 0x3c7, 1);
    ck_assert_uint_eq(inb(r, 0x3c9), 252);
    ck_assert_uint_eq(inb(r, 0x3c9), 128);
    ck_assert_uint_eq(inb(r, 0x3c9), 4);
    outb(r, 0x3c8, 2);
    outb(r, 0x3c9, 0xff); /* 8 bits kept */
    outb(r, 0x3c9, 0x81);
    outb(r, 0x3c9, 0x00);
    outb(r, 0x3c7, 2);
    ck_assert_uint_eq(inb(r, 0x3c9), 0xff);
    ck_assert_uint_eq(inb(r, 0x3c9), 0x81);
    dispi_set(r, ENABLE, 0); /* back to 6 bits: entries scale down */
    outb(r, 0x3c7, 2);
    ck_assert_uint_eq(inb(r, 0x3c9), 0x3f);
    ck_assert_uint_eq(inb(r, 0x3c9), 0x20);
    rig_free(r);
}
END_TEST

START_TEST(test_port_widths)
{
    struct rig *r = rig_new();
    outw(r, 0x1ce, XRES);
    outw(r, 0x1d0, 800); /* the data port's alias */
    ck_assert_uint_eq(inw(r, 0x1d0), 800);
    bus_out(&r->bus, 0x1ce, (uint32_t)600 << 16 | YRES, 4); /* index, then data at 0x1D0 */
    ck_assert_uint_eq(dispi_get(r, YRES), 600);
    ck_assert_uint_eq(bus_in(&r->bus, 0x1ce, 4), (uint32_t)600 << 16 | YRES);
    outb(r, 0x1ce, BPP); /* a byte is the value zero-extended */
    outb(r, 0x1cf, 16);
    ck_assert_uint_eq(dispi_get(r, BPP), 16);
    ck_assert_uint_eq(inb(r, 0x1cf), 16);
    ck_assert_uint_eq(inw(r, 0x1d1), 0xffff);
    dispi_set(r, 0x0c, 0x1234); /* no such register */
    ck_assert_uint_eq(dispi_get(r, 0x0c), 0);
    rig_free(r);
}
END_TEST

/* Any sequence of register writes leaves a view that stays in memory. */
START_TEST(test_garbage_dispi)
{
    struct rig *r = rig_new();
    uint32_t x = 777;
    for (int k = 0; k < 100000; k++) {
        x = x * 1103515245u + 12345u;
        uint16_t index = (uint16_t)((x >> 16) % 12);
        x = x * 1103515245u + 12345u;
        uint16_t val = (uint16_t)(x >> 12);
        if (index == ENABLE) /* mostly without clearing memory: keeps the test fast */
            val = (uint16_t)((val & 0xff) | (k % 64 ? NOCLEAR : 0));
        if (index == ID)
            val = (uint16_t)(0xb0c0 + val % 8);
        dispi_set(r, index, val);
        bus_mem_write(&r->bus, RIG_WINDOW + (x % 0x20000), x, 1);
        struct vga_vbe_view view;
        vga_vbe_view(r->vga, &view);
        if (!view.enabled || view.yres == 0)
            continue;
        unsigned bytes = view.bpp == 4 ? 0 : (view.bpp + 7) / 8;
        ck_assert_uint_le(view.xres * bytes, view.pitch);
        uint64_t end = view.start + (uint64_t)view.pitch * (view.yres - 1) + view.xres * bytes;
        ck_assert_uint_le(end, VGA_VRAM_SIZE);
    }
    rig_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vbe");
    TCase *tc = tcase_create("vbe");
    tcase_add_test(tc, test_id_negotiation);
    tcase_add_test(tc, test_getcaps);
    tcase_add_test(tc, test_mode_1024x768x32_lfb);
    tcase_add_test(tc, test_lfb_bounds);
    tcase_add_test(tc, test_enable_clears_unless_asked);
    tcase_add_test(tc, test_banked_window);
    tcase_add_test(tc, test_out_of_range_settings);
    tcase_add_test(tc, test_virtual_screen);
    tcase_add_test(tc, test_dac_8bit);
    tcase_add_test(tc, test_port_widths);
    tcase_add_test(tc, test_garbage_dispi);
    suite_add_tcase(s, tc);
    return rig_run_suite(s);
}
