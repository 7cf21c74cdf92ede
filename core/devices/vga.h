/*
 * vga.h - the VGA display adapter with the Bochs VBE extension (see vga.c,
 * vga_mem.c, vga_view.c and vbe.c).
 *
 * The board creates one with vga_create(); the guest sees it through its
 * ports and two memory ranges. Front ends never look inside: they take
 * copies of what the screen shows (vga_text_snapshot, vga_gfx_snapshot,
 * vga_vbe_view) and redraw only when vga_generation() has moved.
 */
#ifndef LAB86_VGA_H
#define LAB86_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "clock.h"
#include "devfield.h"

/* Where the adapter sits on an ISA PC. */
#define VGA_WINDOW_BASE      0xa0000u    /* the legacy memory window, A0000-BFFFF */
#define VGA_WINDOW_SIZE      0x20000u    /* 128 KiB */
#define VGA_VRAM_SIZE        (16u << 20) /* video memory, 16 MiB; the 4 planes are its start */
#define VBE_LFB_DEFAULT_BASE 0xe0000000u /* Bochs's VBE_DISPI_LFB_PHYSICAL_ADDRESS */

struct vga;

/* Put a VGA on the bus: ports 0x3B4-0x3BA, 0x3C0-0x3CF, 0x3D4-0x3DA, the
 * VBE ports 0x1CE-0x1D0, the memory window A0000-BFFFF, and, when lfb_base
 * is not 0, the linear framebuffer (VGA_VRAM_SIZE bytes at lfb_base). The
 * input status register's retrace bits follow clk (required: the frame is
 * clk->hz / 60 cycles). The card comes up in text mode 3, as a BIOS leaves
 * it. Returns NULL when clk is NULL, when out of memory or when the bus's
 * tables are full. */
struct vga *vga_create(struct bus *b, const struct clock *clk, uint64_t lfb_base);
void vga_destroy(struct vga *v);

/* Reset: 80x25 colour text (mode 3 registers, the BIOS's default palette),
 * VBE disabled. Video memory keeps its contents, as on the chips (it is
 * zero when the card is created). No font is loaded. */
void vga_reset(struct vga *v);

/* The device's field tables, "vga" and "vbe": fills up to max entries of
 * out and returns how many it has (2). */
size_t vga_devinfo(struct vga *v, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void vga_snap(struct vga *v, const char *name, struct snap_region *out);

/* --- views for front ends --- */

/* What the monitor shows now. */
enum vga_display {
    VGA_DISPLAY_BLANK,  /* screen off (sequencer) or palette being programmed (AC PAS = 0) */
    VGA_DISPLAY_TEXT,   /* alphanumeric mode: vga_text_snapshot */
    VGA_DISPLAY_GFX16,  /* 16-colour planar graphics (modes 0Dh-12h): vga_gfx_snapshot */
    VGA_DISPLAY_GFX256, /* 256-colour graphics (mode 13h): vga_gfx_snapshot */
    VGA_DISPLAY_CGA,    /* CGA-compatible graphics (modes 4-6): no view yet */
    VGA_DISPLAY_VBE,    /* a Bochs VBE mode: vga_vbe_view */
};

enum vga_display vga_display_mode(const struct vga *v);

/* Bumped by every guest write that can change the picture (video memory,
 * any register but the index ports). Equal counters: nothing to redraw. */
uint64_t vga_generation(const struct vga *v);

#define VGA_TEXT_MAX_COLS 160
#define VGA_TEXT_MAX_ROWS 100

struct vga_cell {
    uint8_t ch;   /* character code (code page 437 on a PC font) */
    uint8_t attr; /* attribute: foreground bits 0-3, background 4-6, bit 7 blink/bright */
};

struct vga_text {
    uint64_t generation; /* vga_generation() when taken */
    int cols, rows;      /* 0 x 0 when the display is not in a text mode */
    struct vga_cell cell[VGA_TEXT_MAX_ROWS][VGA_TEXT_MAX_COLS]; /* [row][col] */
    int cursor_row, cursor_col;   /* cursor cell (meaningful when visible) */
    bool cursor_visible;          /* enabled, start <= end, and on the screen */
    int cursor_start, cursor_end; /* cursor scan lines within a character */
    int char_height;              /* scan lines per character row (16 in mode 3) */
    bool blink;                   /* attribute bit 7 blinks (else: bright background) */
    uint8_t rgb[16][3];           /* attribute colour 0-15 as 8-bit R, G, B */
};

/* The text screen as the registers define it (start address, offset,
 * character height, cursor). */
void vga_text_snapshot(const struct vga *v, struct vga_text *out);

/* True when the screen may differ from the snapshot last. */
bool vga_text_dirty(const struct vga *v, const struct vga_text *last);

#define VGA_GFX_MAX_W 640
#define VGA_GFX_MAX_H 480

struct vga_gfx {
    uint64_t generation; /* vga_generation() when taken */
    int width, height;   /* 0 x 0 unless VGA_DISPLAY_GFX16 or VGA_DISPLAY_GFX256 */
    uint8_t pixel[VGA_GFX_MAX_H][VGA_GFX_MAX_W]; /* DAC index of each pixel, [y][x] */
    uint8_t palette[256][3];                     /* DAC entries as 8-bit R, G, B */
};

/* The graphics screen as palette indexes (mode 13h, and modes 0Dh-12h). */
void vga_gfx_snapshot(const struct vga *v, struct vga_gfx *out);

struct vga_vbe_view {
    bool enabled;        /* a VBE mode is on (else the rest is zero) */
    unsigned xres, yres; /* visible pixels */
    unsigned bpp;        /* 4, 8, 15, 16, 24 or 32 */
    uint32_t pitch;      /* bytes from one line to the next */
    uint32_t start;      /* byte offset in vram of the top-left visible pixel */
    const uint8_t *vram; /* the video memory (read only for front ends) */
    size_t vram_size;    /* VGA_VRAM_SIZE */
};

/* The VBE framebuffer's geometry, with xres/yres clipped so that every
 * visible line lies inside vram. */
void vga_vbe_view(const struct vga *v, struct vga_vbe_view *out);

#endif
