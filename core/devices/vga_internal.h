/*
 * vga_internal.h - the VGA's state and register map, shared by the files of
 * the one device: vga.c (registers and ports), vga_mem.c (the memory
 * window), vga_view.c (what front ends see) and vbe.c (Bochs VBE). Nothing
 * outside those files includes it.
 *
 * Register names and bits follow the IBM VGA technical reference as
 * transcribed in FreeVGA ("VGA/SVGA Video Programming", J. Neal), chapters
 * "Sequencer Registers", "CRT Controller Registers", "Graphics Registers",
 * "Attribute Controller Registers", "DAC Operation", "General Registers".
 */
#ifndef LAB86_VGA_INTERNAL_H
#define LAB86_VGA_INTERNAL_H

#include "devices/vga.h"

/* --- general registers --- */

/* Miscellaneous output (write 0x3C2, read 0x3CC). */
#define VGA_MISC_IOAS   0x01 /* I/O address select: 1 = CRTC at 0x3D4, status at 0x3DA */
#define VGA_MISC_ERAM   0x02 /* enable RAM: 0 = the host cannot reach video memory */
#define VGA_MISC_CS     0x0c /* clock select: 25 / 28 MHz (stored only) */
#define VGA_MISC_OEPAGE 0x20 /* odd/even page select (stored only, see vga_mem.c) */
#define VGA_MISC_HSYNCP 0x40 /* horizontal sync polarity (stored only) */
#define VGA_MISC_VSYNCP 0x80 /* vertical sync polarity (stored only) */

/* Input status #1 (read 0x3DA colour / 0x3BA mono). Reading it also resets
 * the attribute controller's flip-flop to "index next". */
#define VGA_ST1_DD 0x01 /* display disabled: the beam is in a blanking interval */
#define VGA_ST1_VR 0x08 /* vertical retrace in progress */

/* The deterministic beam: a 60 Hz frame of 525 lines of 800 dots, the
 * first 480 lines and 640 dots visible, the last 2 lines vertical retrace. */
#define VGA_FRAME_HZ       60
#define VGA_FRAME_LINES    525
#define VGA_VISIBLE_LINES  480
#define VGA_VRETRACE_LINES 2
#define VGA_LINE_DOTS      800
#define VGA_VISIBLE_DOTS   640

/* --- sequencer (index 0x3C4, data 0x3C5) --- */

#define VGA_SEQ_RESET      0x00 /* bits 0-1: asynchronous / synchronous reset (stored only) */
#define VGA_SEQ_CLOCKING   0x01 /* clocking mode */
#define VGA_SEQ_MAP_MASK   0x02 /* bits 0-3: planes a host write reaches */
#define VGA_SEQ_CHARMAP    0x03 /* character map select (font banks in plane 2) */
#define VGA_SEQ_MEMMODE    0x04 /* memory mode */
#define VGA_SEQ_COUNT      5
#define VGA_SEQ_INDEX_MASK 0x07 /* the index register decodes 3 bits */

#define VGA_SEQ_CLK_98DM 0x01 /* 8-dot characters (else 9) */
#define VGA_SEQ_CLK_SLR  0x04 /* shift/load rate (stored only) */
#define VGA_SEQ_CLK_DCR  0x08 /* dot clock / 2 (40-column and 320-pixel modes) */
#define VGA_SEQ_CLK_S4   0x10 /* shift four (stored only) */
#define VGA_SEQ_CLK_SD   0x20 /* screen disable: the picture is blanked */

#define VGA_SEQ_MEM_EXT    0x02 /* extended memory: more than 64 KiB (always true here) */
#define VGA_SEQ_MEM_OEDIS  0x04 /* odd/even host write addressing disable */
#define VGA_SEQ_MEM_CHAIN4 0x08 /* chain 4: address bits 0-1 select the plane */

/* --- CRT controller (index 0x3D4/0x3B4, data 0x3D5/0x3B5) --- */

#define VGA_CRTC_H_DISP_END    0x01 /* horizontal display end: characters per line - 1 */
#define VGA_CRTC_OVERFLOW      0x07 /* bit 1: vertical display end bit 8; bit 6: bit 9 */
#define VGA_CRTC_MAX_SCAN      0x09 /* bits 0-4: scan lines per row - 1; bit 7: double scan */
#define VGA_CRTC_CURSOR_START  0x0a /* bits 0-4: first cursor scan line; bit 5: cursor off */
#define VGA_CRTC_CURSOR_END    0x0b /* bits 0-4: last cursor scan line; 5-6: skew */
#define VGA_CRTC_START_HI      0x0c /* start address, bits 8-15 */
#define VGA_CRTC_START_LO      0x0d /* start address, bits 0-7 */
#define VGA_CRTC_CURSOR_HI     0x0e /* cursor location, bits 8-15 */
#define VGA_CRTC_CURSOR_LO     0x0f /* cursor location, bits 0-7 */
#define VGA_CRTC_V_RETRACE_END 0x11 /* bits 0-3: retrace end; bit 7: protect 0-7 */
#define VGA_CRTC_V_DISP_END    0x12 /* vertical display end, bits 0-7 */
#define VGA_CRTC_OFFSET        0x13 /* logical line width, in units of 2 addresses */
#define VGA_CRTC_UNDERLINE     0x14 /* bit 6: doubleword addressing */
#define VGA_CRTC_MODE          0x17 /* mode control */
#define VGA_CRTC_COUNT         0x19 /* registers 0x00-0x18 */
#define VGA_CRTC_INDEX_MASK    0x1f /* the index register decodes 5 bits */

#define VGA_CRTC_OVF_VDE8       0x02 /* overflow: vertical display end bit 8 */
#define VGA_CRTC_OVF_VDE9       0x40 /* overflow: vertical display end bit 9 */
#define VGA_CRTC_OVF_LC8        0x10 /* overflow: line compare bit 8 (never protected) */
#define VGA_CRTC_MSL_MASK       0x1f /* max scan line field */
#define VGA_CRTC_MSL_SD         0x80 /* double scan: every line shown twice */
#define VGA_CRTC_CUR_LINE       0x1f /* cursor start/end scan line field */
#define VGA_CRTC_CUR_OFF        0x20 /* cursor start: cursor disable */
#define VGA_CRTC_VRE_PROTECT    0x80 /* protect: writes to registers 0-7 are ignored */
#define VGA_CRTC_UL_DW          0x40 /* doubleword mode: addresses count by 4 */
#define VGA_CRTC_MODE_CMS       0x01 /* compatibility mode support: 0 = CGA row scan addressing */
#define VGA_CRTC_MODE_WB        0x40 /* word/byte: 1 = byte mode, 0 = word mode */
#define VGA_CRTC_PROTECTED_LAST 0x07 /* the protect bit covers registers 0..7 */

/* --- graphics controller (index 0x3CE, data 0x3CF) --- */

#define VGA_GC_SET_RESET  0x00 /* bits 0-3: value written to planes in modes 0 and 3 */
#define VGA_GC_ENABLE_SR  0x01 /* bits 0-3: planes that take set/reset in mode 0 */
#define VGA_GC_COLOR_CMP  0x02 /* bits 0-3: colour compared in read mode 1 */
#define VGA_GC_ROTATE     0x03 /* bits 0-2: rotate count; bits 3-4: logical function */
#define VGA_GC_READ_MAP   0x04 /* bits 0-1: plane read in read mode 0 */
#define VGA_GC_MODE       0x05 /* graphics mode */
#define VGA_GC_MISC       0x06 /* miscellaneous graphics */
#define VGA_GC_DONT_CARE  0x07 /* bits 0-3: planes that take part in colour compare */
#define VGA_GC_BIT_MASK   0x08 /* bits a write may change (others keep the latch) */
#define VGA_GC_COUNT      9
#define VGA_GC_INDEX_MASK 0x0f /* the index register decodes 4 bits */

#define VGA_GC_ROT_COUNT      0x07 /* rotate count */
#define VGA_GC_ROT_FUNC       0x18 /* logical function: 0 none, 1 AND, 2 OR, 3 XOR (with latch) */
#define VGA_GC_ROT_FUNC_SHIFT 3
#define VGA_GC_MODE_WRITE     0x03 /* write mode 0-3 */
#define VGA_GC_MODE_READ      0x08 /* read mode 1: colour compare (else 0: one plane) */
#define VGA_GC_MODE_HOE       0x10 /* host odd/even: A0 selects the plane on reads */
#define VGA_GC_MODE_SR        0x20 /* shift register interleave (CGA 4-colour modes) */
#define VGA_GC_MODE_256       0x40 /* shift 256: 8-bit pixels (mode 13h) */
#define VGA_GC_MISC_GRAPHICS  0x01 /* alphanumeric mode disable: graphics mode */
#define VGA_GC_MISC_CHAINOE   0x02 /* chain odd/even: A0 replaced by a higher address bit */
#define VGA_GC_MISC_MAP       0x0c /* memory map select */
#define VGA_GC_MISC_MAP_SHIFT 2
#define VGA_GC_MAP_A0000_128K 0 /* A0000-BFFFF */
#define VGA_GC_MAP_A0000_64K  1 /* A0000-AFFFF */
#define VGA_GC_MAP_B0000_32K  2 /* B0000-B7FFF (monochrome text) */
#define VGA_GC_MAP_B8000_32K  3 /* B8000-BFFFF (colour text) */

/* --- attribute controller (0x3C0 index/data write, 0x3C1 data read) --- */

#define VGA_AC_PALETTE_LAST 0x0f /* 0x00-0x0F: the 16 palette registers (6 bits) */
#define VGA_AC_MODE         0x10 /* attribute mode control */
#define VGA_AC_OVERSCAN     0x11 /* border colour */
#define VGA_AC_PLANE_ENABLE 0x12 /* bits 0-3: planes that feed the palette */
#define VGA_AC_PANNING      0x13 /* bits 0-3: horizontal pixel panning */
#define VGA_AC_COLOR_SELECT 0x14 /* bits 0-3: DAC index bits 4-7 (see P54S) */
#define VGA_AC_COUNT        0x15
#define VGA_AC_INDEX_MASK   0x1f /* index field of the address register */
#define VGA_AC_PAS          0x20 /* palette address source: 1 = display on */

#define VGA_AC_MODE_ATGE  0x01 /* graphics mode (else text attributes) */
#define VGA_AC_MODE_MONO  0x02 /* monochrome emulation */
#define VGA_AC_MODE_LGE   0x04 /* line graphics: 9th column copies the 8th for C0-DF */
#define VGA_AC_MODE_BLINK 0x08 /* attribute bit 7 blinks (else: background intensity) */
#define VGA_AC_MODE_PPM   0x20 /* pixel panning mode */
#define VGA_AC_MODE_8BIT  0x40 /* 8-bit colour: two 4-bit values make one pixel */
#define VGA_AC_MODE_P54S  0x80 /* palette bits 5-4 come from colour select bits 1-0 */

/* --- DAC (0x3C6 mask, 0x3C7 read index / state, 0x3C8 write index, 0x3C9 data) --- */

#define VGA_DAC_ENTRIES     256
#define VGA_DAC_STATE_WRITE 0x00 /* the last index written was the write index */
#define VGA_DAC_STATE_READ  0x03 /* the last index written was the read index */
#define VGA_DAC_6BIT_MASK   0x3f /* a standard DAC keeps 6 bits per component */

/* --- video memory --- */

#define VGA_PLANES     4
#define VGA_PLANE_SIZE 0x10000u /* 64 KiB per plane; plane p at vram + p * VGA_PLANE_SIZE */
#define VGA_PLANE_MASK 0xffffu

/* --- the Bochs VBE "dispi" interface (vbe.c) --- */

#define VBE_PORT_INDEX 0x1ce /* 0x1CE index, 0x1CF data, 0x1D0 data (alias), 0x1D1 nothing */
#define VBE_NPORTS     4
#define VBE_BANK_SIZE  0x10000u /* a bank is 64 KiB of video memory seen at A0000 */

struct vbe_state {
    uint16_t index;       /* selected dispi register (port 0x1CE) */
    uint16_t id;          /* interface version agreed with the guest (0xB0C0-0xB0C5) */
    uint16_t xres;        /* visible width in pixels */
    uint16_t yres;        /* visible height in pixels */
    uint16_t bpp;         /* bits per pixel: 4, 8, 15, 16, 24, 32 */
    uint16_t enable;      /* VBE_DISPI_ENABLED | GETCAPS | 8BIT_DAC | LFB_ENABLED */
    uint16_t bank;        /* 64 KiB bank seen at A0000 while enabled */
    uint16_t virt_width;  /* virtual (scrollable) width in pixels */
    uint16_t virt_height; /* virtual height in pixels */
    uint16_t x_offset;    /* first visible column of the virtual screen */
    uint16_t y_offset;    /* first visible line of the virtual screen */
    uint32_t pitch;       /* derived: bytes per virtual line */
    uint32_t start;       /* derived: vram offset of the first visible pixel */
    uint64_t lfb_base;    /* physical address of the linear framebuffer (0: none) */
};

struct vga {
    uint8_t misc;                     /* miscellaneous output (VGA_MISC_*) */
    uint8_t feature;                  /* feature control (stored only) */
    uint8_t subsys;                   /* video subsystem enable, 0x3C3 bit 0 (stored only) */
    uint8_t seq_index;                /* sequencer address register */
    uint8_t seq[VGA_SEQ_COUNT];       /* sequencer registers */
    uint8_t crtc_index;               /* CRT controller address register */
    uint8_t crtc[VGA_CRTC_COUNT];     /* CRT controller registers */
    uint8_t gc_index;                 /* graphics controller address register */
    uint8_t gc[VGA_GC_COUNT];         /* graphics controller registers */
    uint8_t ac_index;                 /* attribute address: index bits 0-4, PAS bit 5 */
    bool ac_data_next;                /* flip-flop: the next 0x3C0 write is data */
    uint8_t ac[VGA_AC_COUNT];         /* attribute controller registers */
    uint8_t dac_mask;                 /* pixel mask (0x3C6) */
    uint8_t dac_read_index;           /* entry the next 0x3C9 read returns */
    uint8_t dac_write_index;          /* entry the next complete 0x3C9 triple writes */
    uint8_t dac_state;                /* VGA_DAC_STATE_*, read at 0x3C7 */
    uint8_t dac_read_phase;           /* component of the next read: 0 R, 1 G, 2 B */
    uint8_t dac_write_phase;          /* component of the next write: 0 R, 1 G, 2 B */
    uint8_t dac_pending[3];           /* components of an entry being written */
    uint8_t dac[VGA_DAC_ENTRIES * 3]; /* palette: R, G, B per entry (6 or 8 bits) */
    uint8_t latch[VGA_PLANES];        /* the graphics controller's four data latches */
    uint64_t generation;              /* bumped by writes that change the picture */
    struct vbe_state vbe;             /* Bochs VBE registers */
    const struct clock *clock;        /* virtual time, for the retrace bits */
    uint8_t vram[VGA_VRAM_SIZE];      /* video memory; the VGA's planes are its start */
};

/* vga_mem.c: map the A0000-BFFFF window on the bus. Returns 0 or -1. */
int vga_mem_attach(struct vga *v, struct bus *b);

/* vbe.c: the dispi ports and the LFB, registered on the bus; reset. */
int vbe_attach(struct vga *v, struct bus *b);
void vbe_reset(struct vga *v);
/* True while a VBE mode is on (VBE_DISPI_ENABLED). */
bool vbe_enabled(const struct vga *v);
/* True while a VBE mode with packed pixels owns the A0000 window. */
bool vbe_banked(const struct vga *v);
/* The 8-bit DAC is on (VBE_DISPI_8BIT_DAC): components are not masked to 6 bits. */
bool vbe_dac_8bit(const struct vga *v);

/* vbe.c: the "vbe" field table and where it applies. */
void vbe_describe(struct vga *v, struct devinfo *out);

#endif
