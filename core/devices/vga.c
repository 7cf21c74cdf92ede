/*
 * vga.c - the IBM VGA's registers and I/O ports (the memory window is in
 * vga_mem.c, the front ends' views in vga_view.c, the Bochs VBE extension in
 * vbe.c; the register map is in vga_internal.h).
 *
 * The VGA (IBM, 1987) is five units behind a handful of ports. Most are
 * index/data pairs: write a register number to the index port, then read or
 * write that register at the data port.
 *
 *   port          unit                     what it holds
 *   0x3C2 / 0x3CC general                  miscellaneous output (write / read)
 *   0x3C4 / 0x3C5 sequencer                reset, clocking, map mask, font select, memory mode
 *   0x3D4 / 0x3D5 CRT controller (CRTC)    timing, start address, cursor, offset, line width
 *   0x3CE / 0x3CF graphics controller (GC) how host reads and writes reach the 4 planes
 *   0x3C0 / 0x3C1 attribute controller     palette, mode control, overscan, panning
 *   0x3C6 - 0x3C9 DAC                      pixel mask, 256 entries of R, G, B
 *   0x3DA         general                  input status #1 (retrace); feature control (write)
 *   0x3CA         general                  feature control (read)
 *
 * The CRTC and input status #1 move to 0x3B4/0x3B5/0x3BA when miscellaneous
 * output bit 0 is 0 (monochrome emulation); the other set is then not
 * decoded. The attribute controller has one port for both index and data:
 * a flip-flop alternates between them, and reading input status #1 resets
 * it to "index", which is why every BIOS reads 0x3DA before touching 0x3C0.
 * The DAC's data port takes three writes (red, green, blue) per entry and
 * then moves to the next entry by itself.
 *
 * Sources: IBM "Personal System/2 Display Adapter Technical Reference"
 * (VGA section) as transcribed in FreeVGA (J. Neal, 1998), whose register
 * descriptions name the bits below; the LGPL VGA BIOS (vgabios 0.8a), whose
 * mode tables give the power-on state (mode 3).
 *
 * What is emulated: every register of the five units, stored as written
 * (reserved bits read 0) and used where it matters to what the guest or a
 * front end can observe; the CRTC protect bit; the mono/colour port move;
 * the attribute flip-flop; the DAC's auto-increment and 6-bit components;
 * input status #1 from virtual time. Deliberately not emulated: the timing
 * registers' effect on the picture (the beam's timing is a fixed 640x480 at
 * 60 Hz), the vertical retrace interrupt (CRTC 11h bits 4-5), light pen,
 * monitor sense (input status #0 reads 0), and extension registers of
 * SVGA chips. An index beyond a unit's registers selects nothing: its data
 * port reads 0xFF and drops writes, as the IBM card, which decodes only the
 * index bits listed in vga_internal.h, leaves the bus floating.
 */
#include "devices/vga_internal.h"
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

/* Ports, as the board decodes them. */
#define VGA_PORT_CRTC_MONO  0x3b4 /* CRTC index (mono); data at +1 */
#define VGA_PORT_ST1_MONO   0x3ba /* input status #1 / feature control write (mono) */
#define VGA_PORT_AC_INDEX   0x3c0 /* attribute index / data write */
#define VGA_PORT_AC_READ    0x3c1 /* attribute data read */
#define VGA_PORT_MISC_WRITE 0x3c2 /* misc output write / input status #0 read */
#define VGA_PORT_SUBSYS     0x3c3 /* video subsystem enable */
#define VGA_PORT_SEQ_INDEX  0x3c4 /* sequencer index; data at +1 */
#define VGA_PORT_DAC_MASK   0x3c6 /* DAC pixel mask */
#define VGA_PORT_DAC_READ   0x3c7 /* DAC read index (write) / DAC state (read) */
#define VGA_PORT_DAC_WRITE  0x3c8 /* DAC write index */
#define VGA_PORT_DAC_DATA   0x3c9 /* DAC data */
#define VGA_PORT_FEAT_READ  0x3ca /* feature control read */
#define VGA_PORT_MISC_READ  0x3cc /* misc output read */
#define VGA_PORT_GC_INDEX   0x3ce /* graphics index; data at +1 */
#define VGA_PORT_CRTC_COLOR 0x3d4 /* CRTC index (colour); data at +1 */
#define VGA_PORT_ST1_COLOR  0x3da /* input status #1 / feature control write (colour) */

/* The three port ranges the device claims. */
#define VGA_RANGE_MONO  0x3b4 /* 0x3B4-0x3BA */
#define VGA_RANGE_MAIN  0x3c0 /* 0x3C0-0x3CF */
#define VGA_RANGE_COLOR 0x3d4 /* 0x3D4-0x3DA */
#define VGA_RANGE_SHORT 7
#define VGA_RANGE_LONG  16

#define VGA_FLOAT 0xff /* what an undecoded register reads */

/* Bits each register implements (writes keep these; the rest read 0). */
static const uint8_t seq_bits[VGA_SEQ_COUNT] = {0x03, 0x3d, 0x0f, 0x3f, 0x0e};
static const uint8_t gc_bits[VGA_GC_COUNT] = {0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff};
#define VGA_AC_PALETTE_BITS 0x3f
static const uint8_t ac_ctl_bits[VGA_AC_COUNT - VGA_AC_MODE] = {0xef, 0xff, 0x3f, 0x0f, 0x0f};

/* Mode 3 (80x25 colour text, 720x400) from vgabios's video parameter table. */
#define VGA_MODE3_MISC 0x67
static const uint8_t mode3_seq[VGA_SEQ_COUNT] = {0x03, 0x00, 0x03, 0x00, 0x02};
static const uint8_t mode3_crtc[VGA_CRTC_COUNT] = {
    0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
    0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff};
static const uint8_t mode3_gc[VGA_GC_COUNT] = {0x00, 0x00, 0x00, 0x00, 0x00,
                                               0x10, 0x0e, 0x0f, 0xff};
static const uint8_t mode3_ac[VGA_AC_COUNT] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14,
                                               0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d,
                                               0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00};

/* The BIOS's default DAC: entries 0-63 are the EGA's 64 colours, whose
 * index bits are rgbRGB (bits 0-2 add 2/3 of B, G, R; bits 3-5 add 1/3). */
#define VGA_EGA_COLORS     64
#define VGA_DAC_TWO_THIRDS 0x2a
#define VGA_DAC_ONE_THIRD  0x15

static uint8_t ega_component(int n, int bit)
{
    return (uint8_t)(((n >> bit) & 1) * VGA_DAC_TWO_THIRDS +
                     ((n >> (bit + 3)) & 1) * VGA_DAC_ONE_THIRD);
}

static void load_default_palette(struct vga *v)
{
    memset(v->dac, 0, sizeof v->dac);
    for (int n = 0; n < VGA_EGA_COLORS; n++) {
        v->dac[3 * n + 0] = ega_component(n, 2); /* red */
        v->dac[3 * n + 1] = ega_component(n, 1); /* green */
        v->dac[3 * n + 2] = ega_component(n, 0); /* blue */
    }
}

static void changed(struct vga *v)
{
    v->generation++;
}

/* --- indexed units --- */

static uint8_t seq_read(const struct vga *v)
{
    return v->seq_index < VGA_SEQ_COUNT ? v->seq[v->seq_index] : VGA_FLOAT;
}

static void seq_write(struct vga *v, uint8_t val)
{
    if (v->seq_index < VGA_SEQ_COUNT)
        v->seq[v->seq_index] = val & seq_bits[v->seq_index];
}

static uint8_t gc_read(const struct vga *v)
{
    return v->gc_index < VGA_GC_COUNT ? v->gc[v->gc_index] : VGA_FLOAT;
}

static void gc_write(struct vga *v, uint8_t val)
{
    if (v->gc_index < VGA_GC_COUNT)
        v->gc[v->gc_index] = val & gc_bits[v->gc_index];
}

static uint8_t crtc_read(const struct vga *v)
{
    return v->crtc_index < VGA_CRTC_COUNT ? v->crtc[v->crtc_index] : VGA_FLOAT;
}

/* With the protect bit set, registers 0-7 ignore writes, except the line
 * compare bit 8 in the overflow register (FreeVGA, CRTC register 11h). */
static void crtc_write(struct vga *v, uint8_t val)
{
    uint8_t i = v->crtc_index;
    if (i >= VGA_CRTC_COUNT)
        return;
    if (i <= VGA_CRTC_PROTECTED_LAST && (v->crtc[VGA_CRTC_V_RETRACE_END] & VGA_CRTC_VRE_PROTECT)) {
        if (i == VGA_CRTC_OVERFLOW)
            v->crtc[i] = (uint8_t)((v->crtc[i] & ~VGA_CRTC_OVF_LC8) | (val & VGA_CRTC_OVF_LC8));
        return;
    }
    v->crtc[i] = val;
}

static uint8_t ac_bits(uint8_t index)
{
    return index <= VGA_AC_PALETTE_LAST ? VGA_AC_PALETTE_BITS : ac_ctl_bits[index - VGA_AC_MODE];
}

static uint8_t ac_data_read(const struct vga *v)
{
    uint8_t i = v->ac_index & VGA_AC_INDEX_MASK;
    return i < VGA_AC_COUNT ? v->ac[i] : VGA_FLOAT;
}

/* 0x3C0: the flip-flop decides whether this byte is the index (with PAS)
 * or the data for the register the index selects. */
static void ac_write(struct vga *v, uint8_t val)
{
    if (!v->ac_data_next) {
        v->ac_index = val & (VGA_AC_INDEX_MASK | VGA_AC_PAS);
    } else {
        uint8_t i = v->ac_index & VGA_AC_INDEX_MASK;
        if (i < VGA_AC_COUNT)
            v->ac[i] = val & ac_bits(i);
    }
    v->ac_data_next = !v->ac_data_next;
}

/* --- DAC --- */

static uint8_t dac_component_mask(const struct vga *v)
{
    return vbe_dac_8bit(v) ? 0xff : VGA_DAC_6BIT_MASK;
}

/* 0x3C9 write: collect R, G, B; the third stores the entry and moves on. */
static void dac_data_write(struct vga *v, uint8_t val)
{
    v->dac_pending[v->dac_write_phase] = val & dac_component_mask(v);
    if (++v->dac_write_phase < 3)
        return;
    memcpy(&v->dac[3 * v->dac_write_index], v->dac_pending, 3);
    v->dac_write_phase = 0;
    v->dac_write_index++; /* uint8_t: entry 255 wraps to 0 */
}

/* 0x3C9 read: R, G, B of the read entry, then the next entry. */
static uint8_t dac_data_read(struct vga *v)
{
    uint8_t val = v->dac[3 * v->dac_read_index + v->dac_read_phase];
    if (++v->dac_read_phase == 3) {
        v->dac_read_phase = 0;
        v->dac_read_index++;
    }
    return val;
}

/* --- general registers --- */

/* The CRTC and status ports answer only at the address misc output picks. */
static bool port_active(const struct vga *v, uint16_t port)
{
    bool color = (v->misc & VGA_MISC_IOAS) != 0;
    return (port & 0xfff0) == (color ? 0x3d0 : 0x3b0);
}

/* Input status #1: where the beam is in the current frame of virtual time.
 * Reading it resets the attribute flip-flop. */
static uint8_t status1_read(struct vga *v)
{
    v->ac_data_next = false;
    uint64_t frame = v->clock->hz / VGA_FRAME_HZ;
    if (frame < VGA_FRAME_LINES)
        frame = VGA_FRAME_LINES; /* a toy clock: one cycle a line */
    uint64_t pos = clock_now(v->clock) % frame;
    uint64_t line = pos * VGA_FRAME_LINES / frame;
    uint64_t dot = pos * VGA_FRAME_LINES % frame * VGA_LINE_DOTS / frame;
    uint8_t st = 0;
    if (line >= VGA_VISIBLE_LINES || dot >= VGA_VISIBLE_DOTS)
        st |= VGA_ST1_DD;
    if (line >= VGA_FRAME_LINES - VGA_VRETRACE_LINES)
        st |= VGA_ST1_VR;
    return st;
}

/* --- port dispatch --- */

static uint8_t port_read(struct vga *v, uint16_t port)
{
    switch (port) {
    case VGA_PORT_CRTC_MONO:
    case VGA_PORT_CRTC_COLOR: return port_active(v, port) ? v->crtc_index : VGA_FLOAT;
    case VGA_PORT_CRTC_MONO + 1:
    case VGA_PORT_CRTC_COLOR + 1: return port_active(v, port) ? crtc_read(v) : VGA_FLOAT;
    case VGA_PORT_ST1_MONO:
    case VGA_PORT_ST1_COLOR: return port_active(v, port) ? status1_read(v) : VGA_FLOAT;
    case VGA_PORT_AC_INDEX: return v->ac_index;
    case VGA_PORT_AC_READ: return ac_data_read(v);
    case VGA_PORT_MISC_WRITE: return 0; /* input status #0: no sense, no retrace interrupt */
    case VGA_PORT_SUBSYS: return v->subsys;
    case VGA_PORT_SEQ_INDEX: return v->seq_index;
    case VGA_PORT_SEQ_INDEX + 1: return seq_read(v);
    case VGA_PORT_DAC_MASK: return v->dac_mask;
    case VGA_PORT_DAC_READ: return v->dac_state;
    case VGA_PORT_DAC_WRITE: return v->dac_write_index;
    case VGA_PORT_DAC_DATA: return dac_data_read(v);
    case VGA_PORT_FEAT_READ: return v->feature;
    case VGA_PORT_MISC_READ: return v->misc;
    case VGA_PORT_GC_INDEX: return v->gc_index;
    case VGA_PORT_GC_INDEX + 1: return gc_read(v);
    default: return VGA_FLOAT;
    }
}

static void port_write(struct vga *v, uint16_t port, uint8_t val)
{
    switch (port) {
    case VGA_PORT_CRTC_MONO:
    case VGA_PORT_CRTC_COLOR:
        if (port_active(v, port))
            v->crtc_index = val & VGA_CRTC_INDEX_MASK;
        return;
    case VGA_PORT_CRTC_MONO + 1:
    case VGA_PORT_CRTC_COLOR + 1:
        if (port_active(v, port))
            crtc_write(v, val);
        break;
    case VGA_PORT_ST1_MONO:
    case VGA_PORT_ST1_COLOR:
        if (port_active(v, port))
            v->feature = val;
        return;
    case VGA_PORT_AC_INDEX: ac_write(v, val); break;
    case VGA_PORT_MISC_WRITE: v->misc = val; break;
    case VGA_PORT_SUBSYS: v->subsys = val & 0x01; return;
    case VGA_PORT_SEQ_INDEX: v->seq_index = val & VGA_SEQ_INDEX_MASK; return;
    case VGA_PORT_SEQ_INDEX + 1: seq_write(v, val); break;
    case VGA_PORT_DAC_MASK: v->dac_mask = val; break;
    case VGA_PORT_DAC_READ:
        v->dac_read_index = val;
        v->dac_read_phase = 0;
        v->dac_state = VGA_DAC_STATE_READ;
        return;
    case VGA_PORT_DAC_WRITE:
        v->dac_write_index = val;
        v->dac_write_phase = 0;
        v->dac_state = VGA_DAC_STATE_WRITE;
        return;
    case VGA_PORT_DAC_DATA: dac_data_write(v, val); break;
    case VGA_PORT_GC_INDEX: v->gc_index = val & VGA_GC_INDEX_MASK; return;
    case VGA_PORT_GC_INDEX + 1: gc_write(v, val); break;
    default: return; /* 0x3C1 (read only), 0x3CA, 0x3CC, 0x3CD and others */
    }
    changed(v);
}

/* --- the bus contract --- */

/* The VGA is an 8-bit device: a word access (OUT DX, AX to 0x3C4 is the
 * classic way to set index and data at once) is a byte at port, then a
 * byte at port + 1. */
static uint32_t io_read(struct vga *v, uint16_t base, uint32_t offset, int size)
{
    uint32_t val = 0;
    for (int k = 0; k < size; k++)
        val |= (uint32_t)port_read(v, (uint16_t)(base + offset + (uint32_t)k)) << (8 * k);
    return val;
}

static void io_write(struct vga *v, uint16_t base, uint32_t offset, uint32_t val, int size)
{
    for (int k = 0; k < size; k++)
        port_write(v, (uint16_t)(base + offset + (uint32_t)k), (uint8_t)(val >> (8 * k)));
}

static uint32_t io_read_mono(void *opaque, uint32_t offset, int size)
{
    return io_read(opaque, VGA_RANGE_MONO, offset, size);
}

static void io_write_mono(void *opaque, uint32_t offset, uint32_t val, int size)
{
    io_write(opaque, VGA_RANGE_MONO, offset, val, size);
}

static uint32_t io_read_main(void *opaque, uint32_t offset, int size)
{
    return io_read(opaque, VGA_RANGE_MAIN, offset, size);
}

static void io_write_main(void *opaque, uint32_t offset, uint32_t val, int size)
{
    io_write(opaque, VGA_RANGE_MAIN, offset, val, size);
}

static uint32_t io_read_color(void *opaque, uint32_t offset, int size)
{
    return io_read(opaque, VGA_RANGE_COLOR, offset, size);
}

static void io_write_color(void *opaque, uint32_t offset, uint32_t val, int size)
{
    io_write(opaque, VGA_RANGE_COLOR, offset, val, size);
}

/* --- field table --- */

#define F(m, t, d)     DEVFIELD(struct vga, m, t, d)
#define FA(m, t, n, d) DEVFIELD_ARRAY(struct vga, m, t, n, d)
/* A named view of one register inside an array (same bytes as the array). */
/* clang-format off */
#define FREG(name, arr, i, d) {name, DF_U8, offsetof(struct vga, arr) + (i), 1, d}
/* clang-format on */

static const struct devfield vga_fields[] = {
    F(misc, DF_U8, "miscellaneous output: bit 0 colour ports, bit 1 RAM enable"),
    F(feature, DF_U8, "feature control"),
    F(subsys, DF_U8, "video subsystem enable (0x3C3)"),
    F(seq_index, DF_U8, "sequencer index (0x3C4)"),
    FA(seq, DF_U8, VGA_SEQ_COUNT, "sequencer: reset, clocking, map mask, char map, memory mode"),
    F(crtc_index, DF_U8, "CRTC index (0x3D4)"),
    FA(crtc, DF_U8, VGA_CRTC_COUNT, "CRT controller registers 00h-18h"),
    F(gc_index, DF_U8, "graphics controller index (0x3CE)"),
    FA(gc, DF_U8, VGA_GC_COUNT, "graphics controller registers 0-8"),
    F(ac_index, DF_U8, "attribute index, bit 5 PAS (display on)"),
    F(ac_data_next, DF_BOOL, "attribute flip-flop: next 0x3C0 write is data"),
    FA(ac, DF_U8, VGA_AC_COUNT, "attribute: palette 0-15, mode, overscan, plane enable, ..."),
    F(dac_mask, DF_U8, "DAC pixel mask (0x3C6)"),
    F(dac_read_index, DF_U8, "DAC read index"),
    F(dac_write_index, DF_U8, "DAC write index"),
    F(dac_state, DF_U8, "DAC state: 0 writing, 3 reading"),
    F(dac_read_phase, DF_U8, "DAC component read next (0 R, 1 G, 2 B)"),
    F(dac_write_phase, DF_U8, "DAC component written next (0 R, 1 G, 2 B)"),
    FA(dac_pending, DF_U8, 3, "DAC components of the entry being written"),
    FA(dac, DF_BYTES, VGA_DAC_ENTRIES * 3, "DAC palette, R G B per entry"),
    FA(latch, DF_U8, VGA_PLANES, "graphics controller data latches, planes 0-3"),
    F(generation, DF_U64, "picture generation (bumped by each change)"),
    FREG("start_hi", crtc, VGA_CRTC_START_HI, "start address high (crtc[0x0C])"),
    FREG("start_lo", crtc, VGA_CRTC_START_LO, "start address low (crtc[0x0D])"),
    FREG("cursor_hi", crtc, VGA_CRTC_CURSOR_HI, "cursor location high (crtc[0x0E])"),
    FREG("cursor_lo", crtc, VGA_CRTC_CURSOR_LO, "cursor location low (crtc[0x0F])"),
    FREG("map_mask", seq, VGA_SEQ_MAP_MASK, "planes host writes reach (seq[2])"),
    FREG("mem_mode", seq, VGA_SEQ_MEMMODE, "bit 2 odd/even off, bit 3 chain 4 (seq[4])"),
    FREG("gc_mode", gc, VGA_GC_MODE, "write mode 0-1, read mode 3, odd/even 4 (gc[5])"),
    FREG("gc_misc", gc, VGA_GC_MISC, "graphics 0, chain odd/even 1, map 2-3 (gc[6])"),
    FREG("ac_mode", ac, VGA_AC_MODE, "graphics 0, blink 3, 8-bit colour 6 (ac[0x10])"),
    FA(vram, DF_BYTES, VGA_VRAM_SIZE, "video memory (planes 0-3 at 64 KiB steps)"),
};

size_t vga_devinfo(struct vga *v, struct devinfo *out, size_t max)
{
    if (max >= 1)
        out[0] = (struct devinfo){"vga", vga_fields, sizeof vga_fields / sizeof vga_fields[0], v};
    if (max >= 2)
        vbe_describe(v, &out[1]);
    return max < 2 ? max : 2;
}

/* --- lifecycle --- */

struct vga *vga_create(struct bus *b, const struct clock *clk, uint64_t lfb_base)
{
    if (!clk)
        return NULL;
    struct vga *v = calloc(1, sizeof *v); /* vram starts zeroed: runs are repeatable */
    if (!v)
        return NULL;
    v->clock = clk;
    v->vbe.lfb_base = lfb_base;
    vga_reset(v);
    if (bus_map_io(b, VGA_RANGE_MONO, VGA_RANGE_SHORT, io_read_mono, io_write_mono, v) != 0 ||
        bus_map_io(b, VGA_RANGE_MAIN, VGA_RANGE_LONG, io_read_main, io_write_main, v) != 0 ||
        bus_map_io(b, VGA_RANGE_COLOR, VGA_RANGE_SHORT, io_read_color, io_write_color, v) != 0 ||
        vga_mem_attach(v, b) != 0 || vbe_attach(v, b) != 0) {
        free(v);
        return NULL;
    }
    return v;
}

void vga_destroy(struct vga *v)
{
    free(v);
}

/* Video memory keeps its contents, as the chips do across a reset. */
void vga_reset(struct vga *v)
{
    v->misc = VGA_MODE3_MISC;
    v->feature = 0;
    v->subsys = 0x01;
    v->seq_index = v->crtc_index = v->gc_index = 0;
    memcpy(v->seq, mode3_seq, sizeof v->seq);
    memcpy(v->crtc, mode3_crtc, sizeof v->crtc);
    memcpy(v->gc, mode3_gc, sizeof v->gc);
    memcpy(v->ac, mode3_ac, sizeof v->ac);
    v->ac_index = VGA_AC_PAS;
    v->ac_data_next = false;
    v->dac_mask = 0xff;
    v->dac_read_index = v->dac_write_index = 0;
    v->dac_state = VGA_DAC_STATE_WRITE;
    v->dac_read_phase = v->dac_write_phase = 0;
    memset(v->dac_pending, 0, sizeof v->dac_pending);
    vbe_reset(v); /* first: it turns the 8-bit DAC off */
    load_default_palette(v);
    memset(v->latch, 0, sizeof v->latch);
    changed(v);
}

uint64_t vga_generation(const struct vga *v)
{
    return v->generation;
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep vga_keep[] = {
    SNAP_KEEP(struct vga, clock),
};

void vga_snap(struct vga *v, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, v, vga_keep);
}
