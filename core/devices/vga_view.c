/*
 * vga_view.c - what the VGA's monitor would show, as copies front ends can
 * draw: the text screen (vga_text_snapshot) and the 16- and 256-colour
 * graphics screens (vga_gfx_snapshot). The VBE view is in vbe.c.
 *
 * The picture is made by the CRT controller, not by the CPU's addresses.
 * It counts through video memory from the start address (CRTC 0Ch-0Dh),
 * one count per character clock, and moves to the next row by the offset
 * register (CRTC 13h, in units of 2 counts). A count becomes a plane offset
 * by the addressing mode: doubleword (CRTC 14h bit 6, mode 13h) multiplies
 * it by 4, word mode (CRTC 17h bit 6 clear, text modes) by 2, byte mode
 * (the 16-colour modes) by 1. So the guest can scroll by moving the start
 * address, and the views below follow it.
 *
 * The visible size comes from the CRTC too: horizontal display end (01h)
 * gives the characters per line, vertical display end (12h, with bits 8-9
 * in the overflow register 07h) the scan lines, divided by the scan lines
 * per character row (09h bits 0-4) and by 2 in double-scan (09h bit 7).
 *
 * In text modes each count fetches a character from plane 0 and its
 * attribute from plane 1; the font in plane 2 is left to the front end,
 * which draws characters with its own (code page 437) glyphs. The cursor
 * is the cell at the cursor location (0Eh-0Fh), shown unless 0Ah bit 5 is
 * set or its start scan line is after its end.
 *
 * In 256-colour mode (attribute mode bit 6) each count fetches 4 pixels,
 * one from each plane, that index the DAC directly; in 16-colour modes each
 * count fetches 8 pixels, one bit from each plane, that go through the
 * colour plane enable mask, the 16 palette registers and the colour select
 * register to a DAC index. Both are masked by the DAC's pixel mask.
 *
 * Not rendered: CGA-compatible graphics (modes 4-6, with row-scan address
 * substitution), horizontal panning, the line compare split screen, the
 * 9th column and blinking; the views report the cells and pixels, and a
 * front end draws them.
 */
#include "devices/vga_internal.h"

#include <string.h>

#define VGA_16_COLORS 16

enum vga_display vga_display_mode(const struct vga *v)
{
    if (vbe_enabled(v))
        return VGA_DISPLAY_VBE;
    if ((v->seq[VGA_SEQ_CLOCKING] & VGA_SEQ_CLK_SD) || !(v->ac_index & VGA_AC_PAS))
        return VGA_DISPLAY_BLANK;
    if (!(v->gc[VGA_GC_MISC] & VGA_GC_MISC_GRAPHICS))
        return VGA_DISPLAY_TEXT;
    if (v->ac[VGA_AC_MODE] & VGA_AC_MODE_8BIT)
        return VGA_DISPLAY_GFX256;
    if (!(v->crtc[VGA_CRTC_MODE] & VGA_CRTC_MODE_CMS) || (v->gc[VGA_GC_MODE] & VGA_GC_MODE_SR))
        return VGA_DISPLAY_CGA;
    return VGA_DISPLAY_GFX16;
}

/* --- the CRT controller's geometry --- */

static uint32_t start_address(const struct vga *v)
{
    return (uint32_t)v->crtc[VGA_CRTC_START_HI] << 8 | v->crtc[VGA_CRTC_START_LO];
}

/* Memory counts from one row (or graphics line) to the next. */
static uint32_t row_stride(const struct vga *v)
{
    return 2u * v->crtc[VGA_CRTC_OFFSET];
}

/* The plane offset the CRTC reads at count n. */
static uint32_t crtc_addr(const struct vga *v, uint32_t n)
{
    if (v->crtc[VGA_CRTC_UNDERLINE] & VGA_CRTC_UL_DW)
        return (n << 2) & VGA_PLANE_MASK;
    if (v->crtc[VGA_CRTC_MODE] & VGA_CRTC_MODE_WB)
        return n & VGA_PLANE_MASK;
    return (n << 1) & VGA_PLANE_MASK;
}

static int char_clocks(const struct vga *v)
{
    return v->crtc[VGA_CRTC_H_DISP_END] + 1;
}

/* Scan lines per row of memory: character height, doubled by double scan. */
static int scan_lines_per_row(const struct vga *v)
{
    int n = (v->crtc[VGA_CRTC_MAX_SCAN] & VGA_CRTC_MSL_MASK) + 1;
    return (v->crtc[VGA_CRTC_MAX_SCAN] & VGA_CRTC_MSL_SD) ? 2 * n : n;
}

static int memory_rows(const struct vga *v)
{
    uint8_t ovf = v->crtc[VGA_CRTC_OVERFLOW];
    int vde = v->crtc[VGA_CRTC_V_DISP_END] | ((ovf & VGA_CRTC_OVF_VDE8) ? 0x100 : 0) |
              ((ovf & VGA_CRTC_OVF_VDE9) ? 0x200 : 0);
    return (vde + 1) / scan_lines_per_row(v);
}

static int clamp(int val, int max)
{
    return val < max ? val : max;
}

static uint8_t plane_at(const struct vga *v, int plane, uint32_t addr)
{
    return v->vram[(uint32_t)plane * VGA_PLANE_SIZE + (addr & VGA_PLANE_MASK)];
}

/* --- colours --- */

/* DAC entry idx as 8-bit components (6-bit values scaled to 0-255). */
static void dac_rgb(const struct vga *v, unsigned idx, uint8_t out[3])
{
    for (int k = 0; k < 3; k++) {
        uint8_t c = v->dac[3 * (idx & 0xff) + (unsigned)k];
        out[k] = vbe_dac_8bit(v) ? c : (uint8_t)((c << 2) | (c >> 4));
    }
}

/* A 4-bit colour through the attribute controller to a DAC index. */
static uint8_t attr_to_dac(const struct vga *v, unsigned color)
{
    uint8_t pal = v->ac[color & 0x0f];
    uint8_t cs = v->ac[VGA_AC_COLOR_SELECT];
    if (v->ac[VGA_AC_MODE] & VGA_AC_MODE_P54S)
        pal = (uint8_t)((pal & 0x0f) | (cs & 0x03) << 4);
    return (uint8_t)((pal | (cs & 0x0c) << 4) & v->dac_mask);
}

/* --- text --- */

static void text_cursor(const struct vga *v, struct vga_text *t)
{
    uint32_t stride = row_stride(v);
    uint32_t loc = (uint32_t)v->crtc[VGA_CRTC_CURSOR_HI] << 8 | v->crtc[VGA_CRTC_CURSOR_LO];
    uint32_t start = start_address(v);
    t->cursor_start = v->crtc[VGA_CRTC_CURSOR_START] & VGA_CRTC_CUR_LINE;
    t->cursor_end = v->crtc[VGA_CRTC_CURSOR_END] & VGA_CRTC_CUR_LINE;
    if (loc < start || stride == 0)
        return;
    t->cursor_row = (int)((loc - start) / stride);
    t->cursor_col = (int)((loc - start) % stride);
    t->cursor_visible = !(v->crtc[VGA_CRTC_CURSOR_START] & VGA_CRTC_CUR_OFF) &&
                        t->cursor_start <= t->cursor_end && t->cursor_row < t->rows &&
                        t->cursor_col < t->cols;
}

void vga_text_snapshot(const struct vga *v, struct vga_text *t)
{
    memset(t, 0, sizeof *t);
    t->generation = v->generation;
    if (vga_display_mode(v) != VGA_DISPLAY_TEXT)
        return;
    t->cols = clamp(char_clocks(v), VGA_TEXT_MAX_COLS);
    t->rows = clamp(memory_rows(v), VGA_TEXT_MAX_ROWS);
    t->char_height = (v->crtc[VGA_CRTC_MAX_SCAN] & VGA_CRTC_MSL_MASK) + 1;
    t->blink = (v->ac[VGA_AC_MODE] & VGA_AC_MODE_BLINK) != 0;
    uint32_t start = start_address(v), stride = row_stride(v);
    for (int r = 0; r < t->rows; r++) {
        for (int c = 0; c < t->cols; c++) {
            uint32_t addr = crtc_addr(v, start + (uint32_t)r * stride + (uint32_t)c);
            t->cell[r][c].ch = plane_at(v, 0, addr);
            t->cell[r][c].attr = plane_at(v, 1, addr);
        }
    }
    text_cursor(v, t);
    for (unsigned k = 0; k < VGA_16_COLORS; k++)
        dac_rgb(v, attr_to_dac(v, k), t->rgb[k]);
}

bool vga_text_dirty(const struct vga *v, const struct vga_text *last)
{
    return v->generation != last->generation;
}

/* --- graphics --- */

static uint8_t pixel256(const struct vga *v, uint32_t line, int x)
{
    uint32_t addr = crtc_addr(v, line + (uint32_t)x / 4);
    return plane_at(v, x % 4, addr) & v->dac_mask;
}

static uint8_t pixel16(const struct vga *v, uint32_t line, int x)
{
    uint32_t addr = crtc_addr(v, line + (uint32_t)x / 8);
    unsigned bit = 7 - (unsigned)x % 8, color = 0;
    for (int p = 0; p < VGA_PLANES; p++)
        color |= ((plane_at(v, p, addr) >> bit) & 1u) << p;
    return attr_to_dac(v, color & v->ac[VGA_AC_PLANE_ENABLE]);
}

void vga_gfx_snapshot(const struct vga *v, struct vga_gfx *g)
{
    memset(g, 0, sizeof *g);
    g->generation = v->generation;
    for (unsigned k = 0; k < VGA_DAC_ENTRIES; k++)
        dac_rgb(v, k, g->palette[k]);
    enum vga_display mode = vga_display_mode(v);
    if (mode != VGA_DISPLAY_GFX256 && mode != VGA_DISPLAY_GFX16)
        return;
    bool is256 = mode == VGA_DISPLAY_GFX256;
    g->width = clamp(char_clocks(v) * (is256 ? 4 : 8), VGA_GFX_MAX_W);
    g->height = clamp(memory_rows(v), VGA_GFX_MAX_H);
    uint32_t start = start_address(v), stride = row_stride(v);
    for (int y = 0; y < g->height; y++) {
        uint32_t line = start + (uint32_t)y * stride;
        for (int x = 0; x < g->width; x++)
            g->pixel[y][x] = is256 ? pixel256(v, line, x) : pixel16(v, line, x);
    }
}
