/*
 * vbe.c - the Bochs VBE "dispi" interface: the extension of the Bochs and
 * QEMU standard VGA that gives a guest high-resolution packed-pixel modes
 * and a linear framebuffer (the VGA itself is vga.c; the state is in
 * vga_internal.h).
 *
 * VESA's BIOS Extensions (VBE) are an INT 10h interface; how a BIOS
 * implements them is the card's business. On the Bochs card the BIOS
 * (vgabios's vbe.c, SeaBIOS's vgasrc/bochsvga.c) and drivers such as
 * Linux's bochs-drm program a small register file through two ports: write
 * a register number to 0x1CE, then read or write its 16-bit value at 0x1CF
 * (QEMU also answers at 0x1D0).
 *
 *   index  register          meaning
 *   0      ID                interface version; the guest writes the one it
 *                            speaks (0xB0C0-0xB0C5) and reads it back
 *   1      XRES              width in pixels   (<= 2560; not while enabled)
 *   2      YRES              height in pixels  (<= 1600; not while enabled)
 *   3      BPP               4, 8, 15, 16, 24 or 32 (0 means 8)
 *   4      ENABLE            bit 0 ENABLED, 1 GETCAPS (XRES/YRES/BPP read the
 *                            maxima), 5 8BIT_DAC, 6 LFB_ENABLED, 7 NOCLEARMEM
 *   5      BANK              which 64 KiB of video memory A0000 shows
 *   6      VIRT_WIDTH        width of the virtual screen; the height follows
 *                            from the memory left (write-only in effect)
 *   7      VIRT_HEIGHT       read only
 *   8, 9   X_OFFSET, Y_OFFSET the visible corner within the virtual screen
 *   10     VIDEO_MEMORY_64K  memory size in 64 KiB units (256: 16 MiB)
 *
 * A mode set is: ENABLE = 0, XRES, YRES, BPP, then ENABLE = ENABLED |
 * LFB_ENABLED. Enabling sets the virtual screen to the resolution, the
 * offsets to 0, and clears the visible part of video memory unless
 * NOCLEARMEM is set.
 *
 * Limits follow Bochs (iodev/display/vga.cc, vbe_write): a resolution
 * beyond the maxima, an unknown BPP, changes of XRES/YRES/BPP while enabled,
 * a bank beyond memory and a Y_OFFSET that would show memory past the end
 * are ignored (Bochs logs or panics; a guest here only sees its write
 * dropped); an unknown ID write is ignored, as QEMU does. Where Bochs has
 * no check, a VIRT_WIDTH that pushes the visible page past the end resets
 * Y_OFFSET to 0, and a VIRT_WIDTH of 0 is ignored (Bochs divides by it).
 *
 * Memory: the VBE modes use the same 16 MiB as the VGA, from offset 0
 * (where the VGA keeps its planes). It is reachable in two ways: the
 * A0000-AFFFF window at the bank's offset while a packed-pixel mode is on
 * (vga_mem.c), and the linear framebuffer, 16 MiB at lfb_base, which here
 * is always mapped, as QEMU's PCI BAR is (Bochs answers 0xFF there while
 * VBE is off). 4-bit planar VBE modes are accepted and stored, but the
 * A0000 window stays the VGA's planar path (Bochs's stretched planes are
 * not emulated) and the VBE view reports bpp 4 for a front end to skip.
 * DDC (index 11) is not emulated and reads 0.
 */
#include "devices/vga_internal.h"

#include <string.h>

/* Register indexes. */
#define VBE_DISPI_INDEX_ID               0x0
#define VBE_DISPI_INDEX_XRES             0x1
#define VBE_DISPI_INDEX_YRES             0x2
#define VBE_DISPI_INDEX_BPP              0x3
#define VBE_DISPI_INDEX_ENABLE           0x4
#define VBE_DISPI_INDEX_BANK             0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH       0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT      0x7
#define VBE_DISPI_INDEX_X_OFFSET         0x8
#define VBE_DISPI_INDEX_Y_OFFSET         0x9
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xa

/* Interface versions. */
#define VBE_DISPI_ID0 0xb0c0 /* the first; all a guest may ask for ... */
#define VBE_DISPI_ID5 0xb0c5 /* ... up to this one (VIDEO_MEMORY_64K, DDC) */

/* ENABLE bits. */
#define VBE_DISPI_ENABLED     0x01 /* a VBE mode is on */
#define VBE_DISPI_GETCAPS     0x02 /* XRES/YRES/BPP read the maxima */
#define VBE_DISPI_8BIT_DAC    0x20 /* DAC components are 8 bits (else 6) */
#define VBE_DISPI_LFB_ENABLED 0x40 /* the guest uses the linear framebuffer (stored only) */
#define VBE_DISPI_NOCLEARMEM  0x80 /* enabling keeps video memory (not stored) */
#define VBE_DISPI_ENABLE_KEPT                                                                      \
    (VBE_DISPI_ENABLED | VBE_DISPI_GETCAPS | VBE_DISPI_8BIT_DAC | VBE_DISPI_LFB_ENABLED)

/* Limits: Bochs's VBE_DISPI_MAX_*; 2560x1600x32 fits in 16 MiB. */
#define VBE_DISPI_MAX_XRES 2560
#define VBE_DISPI_MAX_YRES 1600
#define VBE_DISPI_MAX_BPP  32
#define VBE_BANK_MASK      0xff /* Bochs takes the low byte of BANK */
#define VBE_BANK_KB_4BPP   256  /* a planar bank spans 4 planes of 64 KiB */
#define VBE_VRAM_KB        (VGA_VRAM_SIZE >> 10)
#define VBE_FLOAT16        0xffff /* a port nothing answers */

static bool valid_bpp(unsigned bpp)
{
    return bpp == 4 || bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}

static unsigned bytes_per_pixel(const struct vbe_state *s)
{
    return (s->bpp + 7u) / 8u;
}

/* Bytes per line of the virtual screen (per plane for 4 bpp). */
static uint32_t line_bytes(const struct vbe_state *s, uint32_t width)
{
    return s->bpp == 4 ? width >> 3 : width * bytes_per_pixel(s);
}

/* Where the visible corner starts in video memory. */
static uint32_t start_of(const struct vbe_state *s, uint32_t y_offset)
{
    uint32_t x = s->bpp == 4 ? s->x_offset >> 3u : s->x_offset * bytes_per_pixel(s);
    return y_offset * s->pitch + x;
}

bool vbe_enabled(const struct vga *v)
{
    return (v->vbe.enable & VBE_DISPI_ENABLED) != 0;
}

bool vbe_banked(const struct vga *v)
{
    return vbe_enabled(v) && v->vbe.bpp != 4;
}

bool vbe_dac_8bit(const struct vga *v)
{
    return (v->vbe.enable & VBE_DISPI_8BIT_DAC) != 0;
}

/* --- register writes --- */

/* Switching the DAC width rescales the palette, as Bochs does. */
static void set_dac_width(struct vga *v, bool eight)
{
    if (eight == vbe_dac_8bit(v))
        return;
    for (size_t k = 0; k < sizeof v->dac; k++)
        v->dac[k] = eight ? (uint8_t)(v->dac[k] << 2) : (uint8_t)(v->dac[k] >> 2);
}

/* Turning a mode on: the virtual screen is the visible one, the offsets
 * are 0, and the visible memory is cleared unless the guest asks not to. */
static void mode_on(struct vga *v, uint16_t val)
{
    struct vbe_state *s = &v->vbe;
    s->virt_width = s->xres;
    s->virt_height = s->yres;
    s->x_offset = s->y_offset = 0;
    s->pitch = line_bytes(s, s->virt_width);
    s->start = 0;
    uint64_t visible = (uint64_t)s->pitch * s->yres;
    if (s->bpp != 4 && !(val & VBE_DISPI_NOCLEARMEM))
        memset(v->vram, 0, visible < VGA_VRAM_SIZE ? (size_t)visible : VGA_VRAM_SIZE);
}

static void write_enable(struct vga *v, uint16_t val)
{
    struct vbe_state *s = &v->vbe;
    if ((val & VBE_DISPI_ENABLED) && !(s->enable & VBE_DISPI_ENABLED))
        mode_on(v, val);
    set_dac_width(v, (val & VBE_DISPI_8BIT_DAC) != 0);
    s->enable = val & VBE_DISPI_ENABLE_KEPT;
}

/* Bochs's rule: keep the width and give the virtual screen all the height
 * memory allows; if that is less than the visible height, keep the height
 * and take all the width instead. */
static void write_virt_width(struct vbe_state *s, uint16_t width)
{
    if (width == 0)
        return;
    uint32_t pixels = s->bpp == 4 ? VGA_VRAM_SIZE * 2u : VGA_VRAM_SIZE / bytes_per_pixel(s);
    uint32_t w = width, h = pixels / w;
    if (h < s->yres) {
        h = s->yres;
        w = pixels / h;
    }
    s->virt_width = (uint16_t)(w > 0xffff ? 0xffff : w);
    s->virt_height = (uint16_t)(h > 0xffff ? 0xffff : h);
    s->pitch = line_bytes(s, s->virt_width);
    if ((uint64_t)s->pitch * ((uint64_t)s->y_offset + s->yres) > VGA_VRAM_SIZE)
        s->y_offset = 0; /* the old offset would show memory past the end */
    s->start = start_of(s, s->y_offset);
}

/* A Y offset that would show memory past the end is refused. */
static void write_y_offset(struct vbe_state *s, uint16_t y)
{
    uint32_t limit = s->bpp == 4 ? VGA_VRAM_SIZE / 4 : VGA_VRAM_SIZE;
    uint64_t end = (uint64_t)y * s->pitch + (uint64_t)s->pitch * s->yres;
    if (end > limit)
        return;
    s->y_offset = y;
    s->start = start_of(s, y);
}

static void write_bank(struct vbe_state *s, uint16_t val)
{
    unsigned bank = val & VBE_BANK_MASK;
    unsigned kb_per_bank = s->bpp == 4 ? VBE_BANK_KB_4BPP : VBE_BANK_SIZE >> 10;
    if (bank < VBE_VRAM_KB / kb_per_bank)
        s->bank = (uint16_t)bank;
}

/* XRES, YRES and BPP change only while no mode is on, within the limits. */
static void write_geometry(struct vbe_state *s, uint16_t val)
{
    if (s->enable & VBE_DISPI_ENABLED)
        return;
    switch (s->index) {
    case VBE_DISPI_INDEX_XRES:
        if (val <= VBE_DISPI_MAX_XRES)
            s->xres = val;
        break;
    case VBE_DISPI_INDEX_YRES:
        if (val <= VBE_DISPI_MAX_YRES)
            s->yres = val;
        break;
    default:
        if (val == 0)
            val = 8;
        if (valid_bpp(val))
            s->bpp = val;
        break;
    }
}

static void data_write(struct vga *v, uint16_t val)
{
    struct vbe_state *s = &v->vbe;
    switch (s->index) {
    case VBE_DISPI_INDEX_ID:
        if (val >= VBE_DISPI_ID0 && val <= VBE_DISPI_ID5)
            s->id = val;
        break;
    case VBE_DISPI_INDEX_XRES:
    case VBE_DISPI_INDEX_YRES:
    case VBE_DISPI_INDEX_BPP: write_geometry(s, val); break;
    case VBE_DISPI_INDEX_ENABLE: write_enable(v, val); break;
    case VBE_DISPI_INDEX_BANK: write_bank(s, val); break;
    case VBE_DISPI_INDEX_VIRT_WIDTH: write_virt_width(s, val); break;
    case VBE_DISPI_INDEX_X_OFFSET:
        s->x_offset = val;
        s->start = start_of(s, s->y_offset);
        break;
    case VBE_DISPI_INDEX_Y_OFFSET: write_y_offset(s, val); break;
    default: return; /* VIRT_HEIGHT, VIDEO_MEMORY_64K: read only; others: none */
    }
    v->generation++;
}

static uint16_t data_read(const struct vga *v)
{
    const struct vbe_state *s = &v->vbe;
    bool caps = (s->enable & VBE_DISPI_GETCAPS) != 0;
    switch (s->index) {
    case VBE_DISPI_INDEX_ID: return s->id;
    case VBE_DISPI_INDEX_XRES: return caps ? VBE_DISPI_MAX_XRES : s->xres;
    case VBE_DISPI_INDEX_YRES: return caps ? VBE_DISPI_MAX_YRES : s->yres;
    case VBE_DISPI_INDEX_BPP: return caps ? VBE_DISPI_MAX_BPP : s->bpp;
    case VBE_DISPI_INDEX_ENABLE: return s->enable;
    case VBE_DISPI_INDEX_BANK: return s->bank;
    case VBE_DISPI_INDEX_VIRT_WIDTH: return s->virt_width;
    case VBE_DISPI_INDEX_VIRT_HEIGHT: return s->virt_height;
    case VBE_DISPI_INDEX_X_OFFSET: return s->x_offset;
    case VBE_DISPI_INDEX_Y_OFFSET: return s->y_offset;
    case VBE_DISPI_INDEX_VIDEO_MEMORY_64K: return (uint16_t)(VGA_VRAM_SIZE >> 16);
    default: return 0; /* as Bochs answers an unknown index */
    }
}

/* --- the bus contract --- */

/* Offsets from 0x1CE: 0 index, 1 and 2 data, 3 nothing. The registers are
 * 16 bits wide; a byte write stores the byte zero-extended (Bochs ignores
 * the access width) and a dword at 0x1CE is the index, then data at 0x1D0. */
static uint16_t port_read16(struct vga *v, uint32_t offset)
{
    switch (offset) {
    case 0: return v->vbe.index;
    case 1:
    case 2: return data_read(v);
    default: return VBE_FLOAT16;
    }
}

static void port_write16(struct vga *v, uint32_t offset, uint16_t val)
{
    if (offset == 0)
        v->vbe.index = val;
    else if (offset <= 2)
        data_write(v, val);
}

static uint32_t vbe_io_read(void *opaque, uint32_t offset, int size)
{
    if (size == 4)
        return port_read16(opaque, offset) | (uint32_t)port_read16(opaque, offset + 2) << 16;
    return port_read16(opaque, offset);
}

static void vbe_io_write(void *opaque, uint32_t offset, uint32_t val, int size)
{
    port_write16(opaque, offset, (uint16_t)val);
    if (size == 4)
        port_write16(opaque, offset + 2, (uint16_t)(val >> 16));
}

/* The linear framebuffer: video memory byte for byte. */
static uint32_t lfb_read(void *opaque, uint32_t offset, int size)
{
    struct vga *v = opaque;
    if (offset > VGA_VRAM_SIZE - (uint32_t)size)
        return 0xffffffffu >> (32 - 8 * size);
    return ld_le(&v->vram[offset], size);
}

static void lfb_write(void *opaque, uint32_t offset, uint32_t val, int size)
{
    struct vga *v = opaque;
    if (offset > VGA_VRAM_SIZE - (uint32_t)size)
        return;
    st_le(&v->vram[offset], val, size);
    v->generation++;
}

int vbe_attach(struct vga *v, struct bus *b)
{
    if (bus_map_io(b, VBE_PORT_INDEX, VBE_NPORTS, vbe_io_read, vbe_io_write, v) != 0)
        return -1;
    if (v->vbe.lfb_base == 0)
        return 0;
    return bus_map_mmio(b, v->vbe.lfb_base, VGA_VRAM_SIZE, lfb_read, lfb_write, v);
}

/* Bochs's power-on values: 640x480x8 selected, not enabled. */
void vbe_reset(struct vga *v)
{
    struct vbe_state *s = &v->vbe;
    uint64_t lfb_base = s->lfb_base;
    *s = (struct vbe_state){0};
    s->lfb_base = lfb_base;
    s->id = VBE_DISPI_ID5;
    s->xres = s->virt_width = 640;
    s->yres = s->virt_height = 480;
    s->bpp = 8;
    s->pitch = line_bytes(s, s->virt_width);
}

/* --- views and fields --- */

void vga_vbe_view(const struct vga *v, struct vga_vbe_view *out)
{
    const struct vbe_state *s = &v->vbe;
    *out = (struct vga_vbe_view){0};
    if (!(s->enable & VBE_DISPI_ENABLED))
        return;
    out->enabled = true;
    out->bpp = s->bpp;
    out->pitch = s->pitch;
    out->start = s->start < VGA_VRAM_SIZE ? s->start : VGA_VRAM_SIZE;
    out->xres = s->xres;
    if (line_bytes(s, s->xres) > s->pitch) /* X_OFFSET/VIRT_WIDTH left a narrow line */
        out->xres = s->bpp == 4 ? s->pitch << 3 : s->pitch / bytes_per_pixel(s);
    uint32_t row = line_bytes(s, out->xres), room = VGA_VRAM_SIZE - out->start;
    uint32_t lines = row > room ? 0 : (s->pitch ? (room - row) / s->pitch + 1 : 1);
    out->yres = s->yres <= lines ? s->yres : lines;
    out->vram = v->vram;
    out->vram_size = VGA_VRAM_SIZE;
}

#define F(m, t, d) DEVFIELD(struct vbe_state, m, t, d)

static const struct devfield vbe_fields[] = {
    F(index, DF_U16, "selected register (port 0x1CE)"),
    F(id, DF_U16, "interface version (0xB0C0-0xB0C5)"),
    F(xres, DF_U16, "width in pixels"),
    F(yres, DF_U16, "height in pixels"),
    F(bpp, DF_U16, "bits per pixel"),
    F(enable, DF_U16, "bit 0 enabled, 1 getcaps, 5 8-bit DAC, 6 LFB"),
    F(bank, DF_U16, "64 KiB bank at A0000"),
    F(virt_width, DF_U16, "virtual screen width"),
    F(virt_height, DF_U16, "virtual screen height"),
    F(x_offset, DF_U16, "first visible column"),
    F(y_offset, DF_U16, "first visible line"),
    F(pitch, DF_U32, "bytes per virtual line"),
    F(start, DF_U32, "video memory offset of the first visible pixel"),
    F(lfb_base, DF_U64, "physical address of the linear framebuffer"),
};

void vbe_describe(struct vga *v, struct devinfo *out)
{
    *out = (struct devinfo){"vbe", vbe_fields, sizeof vbe_fields / sizeof vbe_fields[0], &v->vbe};
}
