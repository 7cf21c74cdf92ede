/*
 * vga_mem.c - the VGA's video memory as the CPU sees it through the window
 * at A0000-BFFFF: the four planes, the latches, and the read and write modes
 * of the graphics controller (registers in vga_internal.h, ports in vga.c).
 *
 * The memory is four planes of 64 KiB. A host byte address in the window
 * names one byte offset, and at that offset there are four bytes, one per
 * plane; which of them a write changes and which a read returns is decided
 * by the sequencer and the graphics controller:
 *
 *   window   GC misc bits 2-3 (memory map select) decide which part of
 *            A0000-BFFFF answers: 128 KiB at A0000, 64 KiB at A0000,
 *            32 KiB at B0000 (mono text) or 32 KiB at B8000 (colour text).
 *            The rest of the window is not decoded: reads float (0xFF).
 *   chain 4  (sequencer memory mode bit 3, mode 13h) address bits 0-1 pick
 *            the plane, and the byte goes to offset addr & ~3 of it: pixel
 *            x of mode 13h is plane x % 4, offset x & ~3. The CRTC reads it
 *            back in doubleword mode (vga_view.c).
 *   odd/even (sequencer memory mode bit 2 clear for writes, GC mode bit 4
 *            for reads; text modes) address bit 0 picks plane 0/2 or 1/3,
 *            and is replaced by 0 in the offset: character n of a text
 *            screen is plane 0 offset 2n, its attribute plane 1 offset 2n.
 *   planar   otherwise (modes 0Dh-12h, and the BIOS loading a font into
 *            plane 2) every plane sees the same offset: writes go to the
 *            planes set in the map mask, reads come from the plane set in
 *            GC read map select.
 *
 * Every read loads the four latches with the four bytes at its offset.
 * Read mode 0 returns one plane's byte; read mode 1 compares each pixel's
 * four bits with the colour compare register (planes left out by colour
 * don't care always match) and returns 1 bits where they match. A write
 * computes a byte per plane in one of four write modes (FreeVGA, "Graphics
 * Registers", write modes 0-3):
 *
 *   mode 0   the CPU byte, rotated right by the rotate count; planes enabled
 *            in enable set/reset take their set/reset bit (as 0x00 or 0xFF)
 *   mode 1   the latches, unchanged (copies 4 planes at once)
 *   mode 2   CPU bit p, expanded to 0x00 or 0xFF, for plane p
 *   mode 3   set/reset bit p for plane p; the rotated CPU byte ANDed with
 *            the bit mask becomes the bit mask
 *
 * then (modes 0, 2, 3) combines it with the latch by the logical function
 * (replace, AND, OR, XOR) and keeps the latch's bits where the bit mask is
 * 0. The sequencer's map mask decides which planes take the result.
 *
 * While a Bochs VBE mode with packed pixels is on (vbe.c), A0000-AFFFF is
 * instead a plain 64 KiB view of video memory at the VBE bank's offset.
 *
 * Deliberate simplifications: the odd/even page bit (misc output bit 5)
 * and A16 of the 128 KiB map are not used to replace A0; the window is not
 * decoded from the plane's bus width (a 16- or 32-bit access is a run of
 * byte accesses, lowest address first, each loading the latches).
 */
#include "devices/vga_internal.h"

#define VGA_FLOAT 0xff /* a read nothing answers */

/* Where each memory map select value puts the decoded window. */
static const uint32_t map_base[4] = {0x00000, 0x00000, 0x10000, 0x18000};
static const uint32_t map_size[4] = {0x20000, 0x10000, 0x08000, 0x08000};

/* The plane offset a window offset decodes to, or -1 when the memory map
 * leaves it undecoded. */
static int32_t window_decode(const struct vga *v, uint32_t off)
{
    unsigned map = (v->gc[VGA_GC_MISC] & VGA_GC_MISC_MAP) >> VGA_GC_MISC_MAP_SHIFT;
    if (!(v->misc & VGA_MISC_ERAM) || off - map_base[map] >= map_size[map])
        return -1;
    return (int32_t)((off - map_base[map]) & VGA_PLANE_MASK);
}

static uint8_t *plane_byte(struct vga *v, int plane, uint32_t addr)
{
    return &v->vram[(uint32_t)plane * VGA_PLANE_SIZE + (addr & VGA_PLANE_MASK)];
}

/* 0x00 or 0xFF from bit 0 of b. */
static uint8_t expand(unsigned b)
{
    return (b & 1) ? 0xff : 0x00;
}

static uint8_t rotate_right(uint8_t val, unsigned n)
{
    n &= 7;
    return (uint8_t)((val >> n) | (val << ((8 - n) & 7)));
}

/* The logical function of GC register 3, bits 3-4. */
static uint8_t alu(unsigned func, uint8_t data, uint8_t latch)
{
    switch (func) {
    case 1: return data & latch;
    case 2: return data | latch;
    case 3: return data ^ latch;
    default: return data;
    }
}

/* --- reads --- */

/* Read mode 1: 1 where every plane that counts has the compared colour. */
static uint8_t color_compare(const struct vga *v)
{
    uint8_t differ = 0;
    for (int p = 0; p < VGA_PLANES; p++)
        if ((v->gc[VGA_GC_DONT_CARE] >> p) & 1)
            differ |= v->latch[p] ^ expand(v->gc[VGA_GC_COLOR_CMP] >> p);
    return (uint8_t)~differ;
}

static uint8_t planar_read(struct vga *v, uint32_t off)
{
    int32_t decoded = window_decode(v, off);
    if (decoded < 0)
        return VGA_FLOAT;
    uint32_t addr = (uint32_t)decoded;
    int plane = v->gc[VGA_GC_READ_MAP] & 3;
    if (v->seq[VGA_SEQ_MEMMODE] & VGA_SEQ_MEM_CHAIN4) {
        plane = addr & 3;
        addr &= ~3u;
    } else if (v->gc[VGA_GC_MODE] & VGA_GC_MODE_HOE) {
        plane = (plane & 2) | (addr & 1);
        addr &= ~1u;
    }
    for (int p = 0; p < VGA_PLANES; p++)
        v->latch[p] = *plane_byte(v, p, addr);
    if (v->gc[VGA_GC_MODE] & VGA_GC_MODE_READ)
        return color_compare(v);
    return v->latch[plane];
}

/* --- writes --- */

/* The byte each plane would take from CPU byte val (before the map mask). */
static void write_data(const struct vga *v, uint8_t val, uint8_t out[VGA_PLANES])
{
    unsigned mode = v->gc[VGA_GC_MODE] & VGA_GC_MODE_WRITE;
    unsigned func = (v->gc[VGA_GC_ROTATE] & VGA_GC_ROT_FUNC) >> VGA_GC_ROT_FUNC_SHIFT;
    uint8_t rotated = rotate_right(val, v->gc[VGA_GC_ROTATE] & VGA_GC_ROT_COUNT);
    uint8_t sr = v->gc[VGA_GC_SET_RESET], esr = v->gc[VGA_GC_ENABLE_SR];
    uint8_t mask = v->gc[VGA_GC_BIT_MASK];
    if (mode == 3)
        mask &= rotated;
    for (int p = 0; p < VGA_PLANES; p++) {
        uint8_t d;
        switch (mode) {
        case 0: d = ((esr >> p) & 1) ? expand(sr >> p) : rotated; break;
        case 1: out[p] = v->latch[p]; continue;
        case 2: d = expand(val >> p); break;
        default: d = expand(sr >> p); break;
        }
        d = alu(func, d, v->latch[p]);
        out[p] = (uint8_t)((d & mask) | (v->latch[p] & ~mask));
    }
}

static void planar_write(struct vga *v, uint32_t off, uint8_t val)
{
    int32_t decoded = window_decode(v, off);
    if (decoded < 0)
        return;
    uint32_t addr = (uint32_t)decoded;
    unsigned planes = v->seq[VGA_SEQ_MAP_MASK] & 0x0f;
    if (v->seq[VGA_SEQ_MEMMODE] & VGA_SEQ_MEM_CHAIN4) {
        planes &= 1u << (addr & 3);
        addr &= ~3u;
    } else if (!(v->seq[VGA_SEQ_MEMMODE] & VGA_SEQ_MEM_OEDIS)) {
        planes &= (addr & 1) ? 0x0au : 0x05u;
        addr &= ~1u;
    }
    uint8_t data[VGA_PLANES];
    write_data(v, val, data);
    for (int p = 0; p < VGA_PLANES; p++)
        if ((planes >> p) & 1)
            *plane_byte(v, p, addr) = data[p];
    v->generation++;
}

/* --- the VBE bank (packed-pixel VBE modes) --- */

static uint8_t *bank_byte(struct vga *v, uint32_t off)
{
    uint32_t addr = (uint32_t)v->vbe.bank * VBE_BANK_SIZE + off;
    if (off >= VBE_BANK_SIZE || addr >= VGA_VRAM_SIZE)
        return NULL;
    return &v->vram[addr];
}

/* --- the bus contract --- */

static uint8_t window_readb(struct vga *v, uint32_t off)
{
    if (vbe_banked(v)) {
        uint8_t *p = bank_byte(v, off);
        return p ? *p : VGA_FLOAT;
    }
    return planar_read(v, off);
}

static void window_writeb(struct vga *v, uint32_t off, uint8_t val)
{
    if (vbe_banked(v)) {
        uint8_t *p = bank_byte(v, off);
        if (p) {
            *p = val;
            v->generation++;
        }
        return;
    }
    planar_write(v, off, val);
}

static uint32_t window_read(void *opaque, uint32_t offset, int size)
{
    uint32_t val = 0;
    for (int k = 0; k < size; k++)
        val |= (uint32_t)window_readb(opaque, offset + (uint32_t)k) << (8 * k);
    return val;
}

static void window_write(void *opaque, uint32_t offset, uint32_t val, int size)
{
    for (int k = 0; k < size; k++)
        window_writeb(opaque, offset + (uint32_t)k, (uint8_t)(val >> (8 * k)));
}

int vga_mem_attach(struct vga *v, struct bus *b)
{
    return bus_map_mmio(b, VGA_WINDOW_BASE, VGA_WINDOW_SIZE, window_read, window_write, v);
}
