/*
 * test_vga.c - the VGA's registers, its memory window and its text and
 * graphics views, driven through ports and memory only (no CPU).
 *
 * Expected values are worked by hand from the FreeVGA register
 * descriptions (graphics controller write modes 0-3, read modes 0-1) and
 * from the mode tables of the LGPL VGA BIOS.
 */
#include <string.h>

#include "vga_util.h"

/* --- registers --- */

START_TEST(test_reset_is_mode3)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(inb(r, 0x3cc), 0x67);
    ck_assert_uint_eq(seq_get(r, 4), 0x02);
    ck_assert_uint_eq(crtc_get(r, 0x0a), 0x0d); /* cursor start */
    ck_assert_uint_eq(crtc_get(r, 0x11), 0x8e); /* protect bit set */
    ck_assert_uint_eq(gc_get(r, 6), 0x0e);
    ck_assert_uint_eq(ac_get(r, 0x10), 0x0c);
    ck_assert_int_eq(vga_display_mode(r->vga), VGA_DISPLAY_TEXT);
    rig_free(r);
}
END_TEST

START_TEST(test_index_data_pairs)
{
    struct rig *r = rig_new();
    seq_set(r, 2, 0x0f);
    ck_assert_uint_eq(seq_get(r, 2), 0x0f);
    ck_assert_uint_eq(inb(r, 0x3c4), 2);
    outw(r, 0x3c4, 0x0502); /* a word: index 2, then data 5 at 0x3C5 */
    ck_assert_uint_eq(seq_get(r, 2), 0x05);
    gc_set(r, 8, 0x5a);
    ck_assert_uint_eq(gc_get(r, 8), 0x5a);
    gc_set(r, 5, 0xff); /* reserved bits 2 and 7 read 0 */
    ck_assert_uint_eq(gc_get(r, 5), 0x7b);
    crtc_set(r, 0x0e, 0x12);
    crtc_set(r, 0x0f, 0x34);
    ck_assert_uint_eq(crtc_get(r, 0x0e), 0x12);
    ck_assert_uint_eq(crtc_get(r, 0x0f), 0x34);
    rig_free(r);
}
END_TEST

START_TEST(test_out_of_range_indexes)
{
    struct rig *r = rig_new();
    seq_set(r, 5, 0x12); /* the sequencer has 5 registers */
    ck_assert_uint_eq(seq_get(r, 5), 0xff);
    outb(r, 0x3c4, 0xfa); /* 3 index bits: 0xFA selects 2 */
    ck_assert_uint_eq(inb(r, 0x3c4), 2);
    outb(r, 0x3c5, 0x0c);
    ck_assert_uint_eq(seq_get(r, 2), 0x0c);
    crtc_set(r, 0x19, 0x77);
    ck_assert_uint_eq(crtc_get(r, 0x19), 0xff);
    outb(r, 0x3d4, 0xee); /* 5 index bits: 0xEE selects 0x0E */
    ck_assert_uint_eq(inb(r, 0x3d4), 0x0e);
    gc_set(r, 9, 0x33);
    ck_assert_uint_eq(gc_get(r, 9), 0xff);
    ac_set(r, 0x15, 0x11);
    ck_assert_uint_eq(ac_get(r, 0x15), 0xff);
    ck_assert_uint_eq(inb(r, 0x3cd), 0xff); /* not a VGA register */
    rig_free(r);
}
END_TEST

START_TEST(test_crtc_protect)
{
    struct rig *r = rig_new();
    crtc_set(r, 0x01, 0x27); /* protected in mode 3: ignored */
    ck_assert_uint_eq(crtc_get(r, 0x01), 0x4f);
    crtc_set(r, 0x07, 0x00); /* only line compare bit 8 (bit 4) gets through */
    ck_assert_uint_eq(crtc_get(r, 0x07), 0x0f);
    crtc_set(r, 0x0c, 0x01); /* 0x0C is not protected */
    ck_assert_uint_eq(crtc_get(r, 0x0c), 0x01);
    crtc_set(r, 0x11, 0x0e); /* clear protect */
    crtc_set(r, 0x01, 0x27);
    ck_assert_uint_eq(crtc_get(r, 0x01), 0x27);
    rig_free(r);
}
END_TEST

START_TEST(test_mono_color_ports)
{
    struct rig *r = rig_new();
    outb(r, 0x3c2, 0x66); /* I/O address select 0: mono */
    ck_assert_uint_eq(inb(r, 0x3cc), 0x66);
    ck_assert_uint_eq(inb(r, 0x3d5), 0xff);
    outb(r, 0x3b4, 0x0a);
    ck_assert_uint_eq(inb(r, 0x3b5), 0x0d);
    ck_assert_uint_eq(inb(r, 0x3da), 0xff);
    outb(r, 0x3c0, 0x30); /* index 0x10; flip-flop now "data" */
    (void)inb(r, 0x3da);  /* not decoded in mono: no reset */
    outb(r, 0x3c0, 0x08); /* data for 0x10 */
    (void)inb(r, 0x3ba);  /* the mono status port resets it */
    outb(r, 0x3c0, 0x30);
    ck_assert_uint_eq(inb(r, 0x3c1), 0x08);
    rig_free(r);
}
END_TEST

START_TEST(test_attribute_flipflop)
{
    struct rig *r = rig_new();
    (void)inb(r, 0x3da);
    outb(r, 0x3c0, 0x31); /* index 0x11 with PAS */
    ck_assert_uint_eq(inb(r, 0x3c0), 0x31);
    outb(r, 0x3c0, 0x05); /* data */
    ck_assert_uint_eq(inb(r, 0x3c1), 0x05);
    outb(r, 0x3c0, 0x30); /* index again: 0x10 */
    outb(r, 0x3c0, 0xff); /* mode control: bit 4 reserved */
    ck_assert_uint_eq(inb(r, 0x3c1), 0xef);
    outb(r, 0x3c0, 0x22); /* index 2 */
    (void)inb(r, 0x3da);  /* reset: the next byte is an index, not data */
    outb(r, 0x3c0, 0x23);
    ck_assert_uint_eq(inb(r, 0x3c0), 0x23);
    outb(r, 0x3c0, 0xff); /* palette register 3: 6 bits */
    ck_assert_uint_eq(ac_get(r, 3), 0x3f);
    ck_assert_uint_eq(ac_get(r, 2), 0x02); /* untouched */
    (void)inb(r, 0x3da);
    outb(r, 0x3c0, 0x10); /* PAS clear: the screen blanks */
    ck_assert_int_eq(vga_display_mode(r->vga), VGA_DISPLAY_BLANK);
    rig_free(r);
}
END_TEST

START_TEST(test_dac_auto_increment)
{
    struct rig *r = rig_new();
    outb(r, 0x3c8, 5);
    ck_assert_uint_eq(inb(r, 0x3c7), 0x00); /* state: write mode */
    const uint8_t rgb[6] = {1, 2, 3, 0x3f, 0xff, 0x40};
    for (int k = 0; k < 6; k++)
        outb(r, 0x3c9, rgb[k]);
    ck_assert_uint_eq(inb(r, 0x3c8), 7); /* two entries written */
    outb(r, 0x3c7, 5);
    ck_assert_uint_eq(inb(r, 0x3c7), 0x03);              /* state: read mode */
    const uint8_t want[6] = {1, 2, 3, 0x3f, 0x3f, 0x00}; /* 6-bit components */
    for (int k = 0; k < 6; k++)
        ck_assert_uint_eq(inb(r, 0x3c9), want[k]);
    outb(r, 0x3c8, 255); /* the index wraps after entry 255 */
    for (int k = 0; k < 6; k++)
        outb(r, 0x3c9, 9);
    outb(r, 0x3c7, 0);
    ck_assert_uint_eq(inb(r, 0x3c9), 9);
    outb(r, 0x3c6, 0x0f);
    ck_assert_uint_eq(inb(r, 0x3c6), 0x0f);
    rig_free(r);
}
END_TEST

START_TEST(test_retrace_follows_cycles)
{
    struct rig *r = rig_new();
    r->now = 0; /* first visible dot */
    ck_assert_uint_eq(inb(r, 0x3da), 0x00);
    r->now = 700; /* line 0, dot 700: horizontal blanking */
    ck_assert_uint_eq(inb(r, 0x3da), 0x01);
    r->now = 490 * RIG_LINE; /* below the picture, before retrace */
    ck_assert_uint_eq(inb(r, 0x3da), 0x01);
    r->now = 523 * RIG_LINE; /* the last two lines: vertical retrace */
    ck_assert_uint_eq(inb(r, 0x3da), 0x09);
    r->now = RIG_FRAME - 1;
    ck_assert_uint_eq(inb(r, 0x3da), 0x09);
    r->now = 7 * (uint64_t)RIG_FRAME + 100; /* the next frames repeat */
    ck_assert_uint_eq(inb(r, 0x3da), 0x00);
    /* A poll loop sees retrace start, as the BIOS's 4F07 loop does. */
    int polls = 0;
    for (r->now = 0; !(inb(r, 0x3da) & 0x08); r->now += 1000)
        polls++;
    ck_assert_int_eq(polls, 419); /* first multiple of 1000 >= 523 * 800 */
    rig_free(r);
}
END_TEST

/* --- text mode memory and view --- */

START_TEST(test_text_write_read)
{
    struct rig *r = rig_new();
    bus_mem_write(&r->bus, RIG_TEXT, 0x1f41, 2); /* 'A', white on blue */
    bus_mem_write(&r->bus, RIG_TEXT + 2, 0x4e42, 2);
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_TEXT, 4), 0x4e421f41);
    ck_assert_uint_eq(peekb(r, RIG_WINDOW), 0xff); /* A0000 is not decoded in mode 3 */
    /* The planes: characters in plane 0, attributes in plane 1, at even offsets. */
    seq_set(r, 4, 0x06);
    gc_set(r, 5, 0x00);
    gc_set(r, 6, 0x05); /* A0000, 64 KiB */
    gc_set(r, 4, 0);
    ck_assert_uint_eq(peekb(r, RIG_WINDOW + 0), 'A');
    ck_assert_uint_eq(peekb(r, RIG_WINDOW + 2), 'B');
    gc_set(r, 4, 1);
    ck_assert_uint_eq(peekb(r, RIG_WINDOW + 0), 0x1f);
    ck_assert_uint_eq(peekb(r, RIG_WINDOW + 2), 0x4e);
    ck_assert_uint_eq(peekb(r, RIG_WINDOW + 1), 0x00);
    rig_free(r);
}
END_TEST

static void put_string(struct rig *r, int row, int col, const char *s, uint8_t attr)
{
    for (int k = 0; s[k]; k++)
        bus_mem_write(&r->bus, RIG_TEXT + 2u * (unsigned)(row * 80 + col + k),
                      (uint32_t)attr << 8 | (uint8_t)s[k], 2);
}

START_TEST(test_text_snapshot)
{
    struct rig *r = rig_new();
    static struct vga_text t;
    put_string(r, 0, 0, "top", 0x07);
    put_string(r, 4, 10, "Hello", 0x1e);
    vga_text_snapshot(r->vga, &t);
    ck_assert_int_eq(t.cols, 80);
    ck_assert_int_eq(t.rows, 25);
    ck_assert_int_eq(t.char_height, 16);
    ck_assert_uint_eq(t.cell[0][0].ch, 't');
    ck_assert_uint_eq(t.cell[4][10].ch, 'H');
    ck_assert_uint_eq(t.cell[4][10].attr, 0x1e);
    ck_assert(!vga_text_dirty(r->vga, &t));
    /* Scroll by one row: start address 80; the cursor after "Hello". */
    crtc_set(r, 0x0c, 0);
    crtc_set(r, 0x0d, 80);
    uint16_t cursor = 80 + 3 * 80 + 15;
    crtc_set(r, 0x0e, (uint8_t)(cursor >> 8));
    crtc_set(r, 0x0f, (uint8_t)cursor);
    ck_assert(vga_text_dirty(r->vga, &t));
    vga_text_snapshot(r->vga, &t);
    ck_assert_uint_eq(t.cell[3][10].ch, 'H');
    ck_assert_uint_eq(t.cell[3][14].ch, 'o');
    ck_assert_uint_eq(t.cell[0][0].ch, 0);
    ck_assert(t.cursor_visible);
    ck_assert_int_eq(t.cursor_row, 3);
    ck_assert_int_eq(t.cursor_col, 15);
    ck_assert_int_eq(t.cursor_start, 0x0d);
    ck_assert_int_eq(t.cursor_end, 0x0e);
    ck_assert(t.blink);
    ck_assert_uint_eq(t.rgb[1][2], 0xaa); /* blue is 2/3 intensity */
    ck_assert_uint_eq(t.rgb[6][1], 0x55); /* brown: green at 1/3 */
    crtc_set(r, 0x0a, 0x2d);              /* cursor disable */
    vga_text_snapshot(r->vga, &t);
    ck_assert(!t.cursor_visible);
    rig_free(r);
}
END_TEST

START_TEST(test_text_snapshot_geometry)
{
    struct rig *r = rig_new();
    static struct vga_text t;
    crtc_set(r, 0x09, 0x47);         /* 8-line characters: 50 rows */
    crtc_set(r, 0x13, 0x30);         /* 96 characters per row in memory */
    put_string(r, 1, 0, "Y", 0x07);  /* memory character 80: row 0, column 80, not shown */
    put_string(r, 1, 16, "X", 0x07); /* memory character 96: row 1, column 0 */
    vga_text_snapshot(r->vga, &t);
    ck_assert_int_eq(t.rows, 50);
    ck_assert_int_eq(t.cols, 80);
    ck_assert_uint_eq(t.cell[1][0].ch, 'X');
    ck_assert_uint_eq(t.cell[0][79].ch, 0);
    gc_set(r, 6, 0x05); /* graphics: no text view */
    vga_text_snapshot(r->vga, &t);
    ck_assert_int_eq(t.rows, 0);
    ck_assert_int_eq(t.cols, 0);
    rig_free(r);
}
END_TEST

/* --- the graphics controller --- */

/* Planar 16-colour addressing at A0000 (as in mode 12h). */
static void planar(struct rig *r)
{
    seq_set(r, 2, 0x0f);
    seq_set(r, 4, 0x06);
    gc_set(r, 5, 0x00);
    gc_set(r, 6, 0x05);
}

static uint8_t plane_read(struct rig *r, int plane, uint32_t off)
{
    gc_set(r, 4, (uint8_t)plane);
    return peekb(r, RIG_WINDOW + off);
}

/* Plane p at off gets vals[p], one plane at a time through the map mask. */
static void fill_planes(struct rig *r, uint32_t off, const uint8_t vals[4])
{
    for (int p = 0; p < 4; p++) {
        seq_set(r, 2, (uint8_t)(1 << p));
        pokeb(r, RIG_WINDOW + off, vals[p]);
    }
    seq_set(r, 2, 0x0f);
}

static void expect_planes(struct rig *r, uint32_t off, uint8_t p0, uint8_t p1, uint8_t p2,
                          uint8_t p3)
{
    ck_assert_uint_eq(plane_read(r, 0, off), p0);
    ck_assert_uint_eq(plane_read(r, 1, off), p1);
    ck_assert_uint_eq(plane_read(r, 2, off), p2);
    ck_assert_uint_eq(plane_read(r, 3, off), p3);
}

static const uint8_t latch_vals[4] = {0x11, 0x22, 0x44, 0x88};

START_TEST(test_write_mode0)
{
    struct rig *r = rig_new();
    planar(r);
    pokeb(r, RIG_WINDOW + 0x100, 0xa5);
    expect_planes(r, 0x100, 0xa5, 0xa5, 0xa5, 0xa5);
    gc_set(r, 0, 0x05); /* set/reset: planes 0 and 2 */
    gc_set(r, 1, 0x0f); /* ... for every plane */
    pokeb(r, RIG_WINDOW + 0x101, 0x3c);
    expect_planes(r, 0x101, 0xff, 0x00, 0xff, 0x00);
    gc_set(r, 1, 0x00);
    gc_set(r, 3, 0x04); /* rotate right by 4 */
    pokeb(r, RIG_WINDOW + 0x102, 0x12);
    expect_planes(r, 0x102, 0x21, 0x21, 0x21, 0x21);
    /* Bit mask 0x0F keeps the latch's high nibble. */
    gc_set(r, 3, 0x00);
    fill_planes(r, 0x103, latch_vals);
    (void)peekb(r, RIG_WINDOW + 0x103); /* load the latches */
    gc_set(r, 8, 0x0f);
    pokeb(r, RIG_WINDOW + 0x103, 0xff);
    expect_planes(r, 0x103, 0x1f, 0x2f, 0x4f, 0x8f);
    /* XOR with the latches, all bits. */
    gc_set(r, 8, 0xff);
    fill_planes(r, 0x104, latch_vals);
    (void)peekb(r, RIG_WINDOW + 0x104);
    gc_set(r, 3, 0x18);
    pokeb(r, RIG_WINDOW + 0x104, 0xff);
    expect_planes(r, 0x104, 0xee, 0xdd, 0xbb, 0x77);
    rig_free(r);
}
END_TEST

START_TEST(test_write_mode1_copies_latches)
{
    struct rig *r = rig_new();
    planar(r);
    fill_planes(r, 0x200, latch_vals);
    (void)peekb(r, RIG_WINDOW + 0x200);
    gc_set(r, 5, 0x01);
    gc_set(r, 8, 0x00); /* ignored in mode 1 */
    pokeb(r, RIG_WINDOW + 0x300, 0x00);
    gc_set(r, 5, 0x00);
    expect_planes(r, 0x300, 0x11, 0x22, 0x44, 0x88);
    rig_free(r);
}
END_TEST

START_TEST(test_write_mode2)
{
    struct rig *r = rig_new();
    planar(r);
    fill_planes(r, 0x10, latch_vals);
    (void)peekb(r, RIG_WINDOW + 0x10);
    gc_set(r, 5, 0x02);
    gc_set(r, 8, 0xf0);
    pokeb(r, RIG_WINDOW + 0x10, 0x0a); /* colour 1010b: planes 1 and 3 */
    gc_set(r, 5, 0x00);
    gc_set(r, 8, 0xff);
    expect_planes(r, 0x10, 0x01, 0xf2, 0x04, 0xf8);
    rig_free(r);
}
END_TEST

START_TEST(test_write_mode3)
{
    struct rig *r = rig_new();
    planar(r);
    fill_planes(r, 0x20, latch_vals);
    (void)peekb(r, RIG_WINDOW + 0x20);
    gc_set(r, 5, 0x03);
    gc_set(r, 0, 0x03); /* set/reset colour: planes 0 and 1 */
    gc_set(r, 1, 0x00); /* enable set/reset is ignored in mode 3 */
    gc_set(r, 8, 0x3c);
    pokeb(r, RIG_WINDOW + 0x20, 0xf0); /* effective mask 0xF0 & 0x3C = 0x30 */
    gc_set(r, 5, 0x00);
    gc_set(r, 8, 0xff);
    expect_planes(r, 0x20, 0x31, 0x32, 0x44, 0x88);
    rig_free(r);
}
END_TEST

START_TEST(test_read_modes)
{
    struct rig *r = rig_new();
    planar(r);
    const uint8_t vals[4] = {0xf0, 0xcc, 0xaa, 0x00};
    fill_planes(r, 0x40, vals);
    ck_assert_uint_eq(plane_read(r, 2, 0x40), 0xaa); /* read mode 0 */
    gc_set(r, 5, 0x08);                              /* read mode 1 */
    gc_set(r, 2, 0x03);                              /* colour 0011b */
    gc_set(r, 7, 0x0f);
    ck_assert_uint_eq(peekb(r, RIG_WINDOW + 0x40), 0x40); /* only bit 6 is 0011b */
    gc_set(r, 7, 0x03);                                   /* planes 2 and 3: don't care */
    ck_assert_uint_eq(peekb(r, RIG_WINDOW + 0x40), 0xc0);
    gc_set(r, 7, 0x00); /* nothing compared: everything matches */
    ck_assert_uint_eq(peekb(r, RIG_WINDOW + 0x40), 0xff);
    /* The read loaded the latches: write mode 1 copies them. */
    gc_set(r, 5, 0x01);
    pokeb(r, RIG_WINDOW + 0x41, 0);
    gc_set(r, 5, 0x00);
    expect_planes(r, 0x41, 0xf0, 0xcc, 0xaa, 0x00);
    rig_free(r);
}
END_TEST

/* --- mode 13h and fonts --- */

static void set_mode13(struct rig *r)
{
    static const uint8_t crtc[25] = {0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00,
                                     0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e,
                                     0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff};
    outb(r, 0x3c2, 0x63);
    seq_set(r, 1, 0x01);
    seq_set(r, 2, 0x0f);
    seq_set(r, 4, 0x0e);
    crtc_set(r, 0x11, 0x0e); /* unprotect */
    for (int k = 0; k < 25; k++)
        crtc_set(r, (uint8_t)k, crtc[k]);
    gc_set(r, 5, 0x40);
    gc_set(r, 6, 0x05);
    ac_set(r, 0x10, 0x41);
}

START_TEST(test_mode13_chain4)
{
    struct rig *r = rig_new();
    static struct vga_gfx g;
    set_mode13(r);
    ck_assert_int_eq(vga_display_mode(r->vga), VGA_DISPLAY_GFX256);
    uint32_t off = 2 * 320 + 5; /* pixel (5, 2) */
    pokeb(r, RIG_WINDOW + off, 0x2a);
    pokeb(r, RIG_WINDOW + 319 * 1 + 199 * 320, 0x07); /* the last pixel */
    ck_assert_uint_eq(peekb(r, RIG_WINDOW + off), 0x2a);
    vga_gfx_snapshot(r->vga, &g);
    ck_assert_int_eq(g.width, 320);
    ck_assert_int_eq(g.height, 200);
    ck_assert_uint_eq(g.pixel[2][5], 0x2a);
    ck_assert_uint_eq(g.pixel[2][4], 0x00);
    ck_assert_uint_eq(g.pixel[199][319], 0x07);
    ck_assert_uint_eq(g.palette[1][2], 0xaa);
    /* In the planes: plane 645 % 4 = 1, offset 645 & ~3 = 644. */
    seq_set(r, 4, 0x06);
    gc_set(r, 5, 0x00);
    ck_assert_uint_eq(plane_read(r, 1, 644), 0x2a);
    ck_assert_uint_eq(plane_read(r, 0, 644), 0x00);
    ck_assert_uint_eq(plane_read(r, 1, 645), 0x00);
    rig_free(r);
}
END_TEST

START_TEST(test_planar16_snapshot)
{
    struct rig *r = rig_new();
    static struct vga_gfx g;
    /* Mode 12h's addressing and geometry. */
    crtc_set(r, 0x11, 0x0e);
    crtc_set(r, 0x07, 0x3e);
    crtc_set(r, 0x09, 0x40);
    crtc_set(r, 0x12, 0xdf);
    crtc_set(r, 0x14, 0x00);
    crtc_set(r, 0x17, 0xe3);
    ac_set(r, 0x10, 0x01);
    planar(r);
    ck_assert_int_eq(vga_display_mode(r->vga), VGA_DISPLAY_GFX16);
    gc_set(r, 5, 0x02); /* write mode 2: a colour per write */
    gc_set(r, 8, 0x80); /* the leftmost pixel of the byte */
    (void)peekb(r, RIG_WINDOW + 80 * 3 + 1);
    pokeb(r, RIG_WINDOW + 80 * 3 + 1, 0x09); /* pixel (8, 3) colour 9 */
    vga_gfx_snapshot(r->vga, &g);
    ck_assert_int_eq(g.width, 640);
    ck_assert_int_eq(g.height, 480);
    ck_assert_uint_eq(g.pixel[3][8], 0x39); /* palette register 9 = 0x39 */
    ck_assert_uint_eq(g.pixel[3][9], 0x00);
    ac_set(r, 0x12, 0x01); /* colour plane enable: plane 0 only */
    vga_gfx_snapshot(r->vga, &g);
    ck_assert_uint_eq(g.pixel[3][8], 0x01);
    rig_free(r);
}
END_TEST

START_TEST(test_font_load_plane2)
{
    struct rig *r = rig_new();
    put_string(r, 0, 0, "AB", 0x07);
    /* vgabios get_font_access() */
    outw(r, 0x3c4, 0x0100);
    outw(r, 0x3c4, 0x0402);
    outw(r, 0x3c4, 0x0704);
    outw(r, 0x3c4, 0x0300);
    outw(r, 0x3ce, 0x0204);
    outw(r, 0x3ce, 0x0005);
    outw(r, 0x3ce, 0x0406);
    for (int line = 0; line < 16; line++)
        pokeb(r, RIG_WINDOW + 'A' * 32 + (unsigned)line, (uint8_t)(0x80 | line));
    ck_assert_uint_eq(peekb(r, RIG_WINDOW + 'A' * 32 + 5), 0x85); /* GC read map 2 */
    /* vgabios release_font_access() */
    outw(r, 0x3c4, 0x0100);
    outw(r, 0x3c4, 0x0302);
    outw(r, 0x3c4, 0x0204);
    outw(r, 0x3c4, 0x0300);
    outw(r, 0x3ce, 0x0004);
    outw(r, 0x3ce, 0x1005);
    outw(r, 0x3ce, 0x0e06);
    /* The text is intact, and the glyph is in plane 2 only. */
    ck_assert_uint_eq(bus_mem_read(&r->bus, RIG_TEXT, 2), 0x0741);
    planar(r);
    ck_assert_uint_eq(plane_read(r, 2, 'A' * 32 + 15), 0x8f);
    ck_assert_uint_eq(plane_read(r, 0, 'A' * 32 + 15), 0x00);
    ck_assert_uint_eq(plane_read(r, 2, 0), 0x00);
    ck_assert_uint_eq(plane_read(r, 0, 0), 'A');
    rig_free(r);
}
END_TEST

/* --- the window --- */

START_TEST(test_memory_maps)
{
    struct rig *r = rig_new();
    planar(r);
    gc_set(r, 6, 0x09); /* B0000-B7FFF */
    pokeb(r, 0xb0010, 0x5a);
    ck_assert_uint_eq(peekb(r, 0xb0010), 0x5a);
    ck_assert_uint_eq(peekb(r, 0xb8010), 0xff);
    ck_assert_uint_eq(peekb(r, 0xa0010), 0xff);
    gc_set(r, 6, 0x01); /* A0000-BFFFF: B0010 is offset 0x10010, plane offset 0x10 */
    ck_assert_uint_eq(peekb(r, 0xa0010), 0x5a);
    ck_assert_uint_eq(peekb(r, 0xb0010), 0x5a);
    outb(r, 0x3c2, 0x65); /* RAM disable */
    ck_assert_uint_eq(peekb(r, 0xa0010), 0xff);
    pokeb(r, 0xa0010, 0x00);
    outb(r, 0x3c2, 0x67);
    ck_assert_uint_eq(peekb(r, 0xa0010), 0x5a);
    rig_free(r);
}
END_TEST

/* Deterministic noise into every port and the whole window: the device
 * must stay inside its memory (run under make SANITIZE=1) and keep its
 * views consistent. */
START_TEST(test_garbage_in)
{
    struct rig *r = rig_new();
    static struct vga_text t;
    static struct vga_gfx g;
    uint32_t x = 12345;
    for (int k = 0; k < 200000; k++) {
        x = x * 1103515245u + 12345u;
        uint32_t val = x >> 8;
        if (k % 3 == 0)
            outb(r, (uint16_t)(0x3b0 + (val % 0x30)), (uint8_t)(val >> 8));
        else if (k % 3 == 1)
            bus_mem_write(&r->bus, RIG_WINDOW + (val % 0x20000), val >> 4, 1 << (val % 3));
        else
            (void)bus_mem_read(&r->bus, RIG_WINDOW + (val % 0x20000), 1 << (val % 3));
        if (k % 20000 == 0) {
            vga_text_snapshot(r->vga, &t);
            vga_gfx_snapshot(r->vga, &g);
            ck_assert_int_le(t.cols, VGA_TEXT_MAX_COLS);
            ck_assert_int_le(g.width, VGA_GFX_MAX_W);
        }
    }
    ck_assert_uint_gt(vga_generation(r->vga), 1000);
    rig_free(r);
}
END_TEST

START_TEST(test_devinfo)
{
    struct rig *r = rig_new();
    struct devinfo info[2];
    ck_assert_uint_eq(vga_devinfo(r->vga, info, 2), 2);
    ck_assert_str_eq(info[0].name, "vga");
    ck_assert_str_eq(info[1].name, "vbe");
    crtc_set(r, 0x0d, 0x42);
    int found = 0;
    for (size_t k = 0; k < info[0].n_fields; k++) {
        const struct devfield *f = &info[0].fields[k];
        if (strcmp(f->name, "start_lo") == 0) {
            ck_assert_uint_eq(devfield_get(f, info[0].state, 0), 0x42);
            found++;
        }
        if (strcmp(f->name, "crtc") == 0) {
            ck_assert_uint_eq(devfield_get(f, info[0].state, 0x0d), 0x42);
            found++;
        }
    }
    ck_assert_int_eq(found, 2);
    rig_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vga");
    TCase *regs = tcase_create("registers");
    tcase_add_test(regs, test_reset_is_mode3);
    tcase_add_test(regs, test_index_data_pairs);
    tcase_add_test(regs, test_out_of_range_indexes);
    tcase_add_test(regs, test_crtc_protect);
    tcase_add_test(regs, test_mono_color_ports);
    tcase_add_test(regs, test_attribute_flipflop);
    tcase_add_test(regs, test_dac_auto_increment);
    tcase_add_test(regs, test_retrace_follows_cycles);
    tcase_add_test(regs, test_devinfo);
    suite_add_tcase(s, regs);
    TCase *text = tcase_create("text");
    tcase_add_test(text, test_text_write_read);
    tcase_add_test(text, test_text_snapshot);
    tcase_add_test(text, test_text_snapshot_geometry);
    tcase_add_test(text, test_font_load_plane2);
    suite_add_tcase(s, text);
    TCase *gc = tcase_create("graphics");
    tcase_add_test(gc, test_write_mode0);
    tcase_add_test(gc, test_write_mode1_copies_latches);
    tcase_add_test(gc, test_write_mode2);
    tcase_add_test(gc, test_write_mode3);
    tcase_add_test(gc, test_read_modes);
    tcase_add_test(gc, test_mode13_chain4);
    tcase_add_test(gc, test_planar16_snapshot);
    tcase_add_test(gc, test_memory_maps);
    tcase_add_test(gc, test_garbage_in);
    suite_add_tcase(s, gc);
    return rig_run_suite(s);
}
