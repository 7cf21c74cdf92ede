/*
 * linux.c - boot a Linux/x86 kernel (a bzImage) directly, the way QEMU's
 * -kernel and boot loaders such as GRUB do, with no BIOS in the guest.
 *
 * The contract is the Linux/x86 boot protocol, Documentation/arch/x86/boot.rst
 * in the kernel source. The facts this file relies on:
 *
 *   1. A bzImage starts with a legacy boot sector, then setup_sects 512-byte
 *      sectors of real-mode setup code (0 in the field means 4), then the
 *      protected-mode kernel, which the loader places at 1 MiB (0x100000).
 *   2. At offset 0x1F1 of the file is the "setup header": setup_sects, the
 *      magic "HdrS" at 0x202, the protocol version at 0x206 (0x020F is 2.15),
 *      loadflags at 0x211 (bit 0, LOADED_HIGH: the kernel runs at 1 MiB; bit
 *      7, CAN_USE_HEAP: heap_end_ptr is valid), code32_start at 0x214, the
 *      initrd fields at 0x218/0x21C, cmd_line_ptr at 0x228 (2.02+),
 *      initrd_addr_max at 0x22C (2.03+; before, 0x37FFFFFF) and cmdline_size
 *      at 0x238 (2.06+; before, 255). The byte at 0x201 is the operand of a
 *      short jump and gives the header's end: 0x202 plus that byte.
 *   3. The 32-bit boot protocol: the loader fills a "zero page", struct
 *      boot_params, with the setup header copied in at the same offset 0x1F1,
 *      plus what the 16-bit setup code would have found out from the BIOS:
 *      screen_info at 0, alt_mem_k at 0x1E0, e820_entries at 0x1E8 and the
 *      E820 memory map at 0x2D0 (20-byte entries: base, length, type). It then
 *      jumps to code32_start in protected mode, paging off, interrupts off,
 *      with CS = __BOOT_CS (0x10) and DS = ES = SS = __BOOT_DS (0x18) flat
 *      4 GiB segments of a GDT, ESI = the zero page's address and EBP, EDI,
 *      EBX = 0.
 *   4. Fields the loader writes: type_of_loader (0xFF: a loader with no
 *      assigned id), vid_mode (0xFFFF: "normal", 80x25 text), heap_end_ptr
 *      with CAN_USE_HEAP, cmd_line_ptr, ramdisk_image and ramdisk_size.
 *
 * Choices lab86 makes:
 *   - Protocols older than 2.02 (no 32-bit cmd_line_ptr) and kernels without
 *     LOADED_HIGH (zImages, which run at 0x10000) are refused.
 *   - The zero page is at 0x90000, where the setup code would run under the
 *     16-bit protocol; the setup code itself is not copied, since the 32-bit
 *     entry never runs it. heap_end_ptr is set as if it had been (0xDE00: the
 *     heap ends just below the command line at 0x9E000).
 *   - The initrd goes as high as RAM and initrd_addr_max allow, 4 KiB
 *     aligned, as QEMU does; it must not reach down into the kernel.
 *   - The E820 map is the ISA PC's: 0-0x9FC00 RAM, the EBDA 0x9FC00-0xA0000
 *     and the BIOS ROM 0xF0000-0x100000 reserved, 1 MiB to the end of RAM.
 *   - Fields of protocol 2.12 and later that need loader support (setup_data,
 *     the EFI handover, kernel_info) are left as the image has them or zero.
 *
 * Nothing is written to RAM or the CPU until every check has passed.
 */
#include "loader/linux.h"

#include <stdio.h>
#include <string.h>

#include "mmu/mmu.h"

/* Setup header offsets in the file, and in boot_params (the same). */
#define HDR_START           0x1f1
#define HDR_SETUP_SECTS     0x1f1 /* u8: 512-byte setup sectors after the boot sector */
#define HDR_VID_MODE        0x1fa /* u16 */
#define HDR_JUMP_LEN        0x201 /* u8: 0x202 + this is the header's end */
#define HDR_MAGIC           0x202 /* "HdrS" */
#define HDR_VERSION         0x206 /* u16: protocol, major.minor */
#define HDR_TYPE_OF_LOADER  0x210 /* u8 */
#define HDR_LOADFLAGS       0x211 /* u8 */
#define HDR_CODE32_START    0x214 /* u32 */
#define HDR_RAMDISK_IMAGE   0x218 /* u32 */
#define HDR_RAMDISK_SIZE    0x21c /* u32 */
#define HDR_HEAP_END_PTR    0x224 /* u16 */
#define HDR_CMD_LINE_PTR    0x228 /* u32 (2.02+) */
#define HDR_INITRD_ADDR_MAX 0x22c /* u32 (2.03+) */
#define HDR_CMDLINE_SIZE    0x238 /* u32 (2.06+) */
#define HDR_MAX_END         0x290 /* where boot_params' next field starts */

#define HDR_MAGIC_VALUE  0x53726448u /* "HdrS", little-endian */
#define PROTO_MIN        0x0202      /* cmd_line_ptr */
#define PROTO_ADDR_MAX   0x0203      /* initrd_addr_max */
#define PROTO_CMDLINE_SZ 0x0206      /* cmdline_size */
#define DEF_ADDR_MAX     0x37ffffffu
#define DEF_CMDLINE_SIZE 255

#define LF_LOADED_HIGH  0x01
#define LF_CAN_USE_HEAP 0x80
#define LOADER_UNKNOWN  0xff   /* type_of_loader: no assigned id */
#define VID_MODE_NORMAL 0xffff
#define HEAP_END        (LX_CMDLINE_ADDR - LX_ZERO_PAGE - 0x200)

#define SECTOR           512
#define SETUP_SECTS_DEF  4
#define PAGE_MASK        0xfffu

/* boot_params outside the setup header. */
#define BP_EXT_MEM_K     0x002 /* screen_info.ext_mem_k, u16 */
#define BP_VIDEO_MODE    0x006 /* screen_info.orig_video_mode */
#define BP_VIDEO_COLS    0x007 /* screen_info.orig_video_cols */
#define BP_VIDEO_LINES   0x00e /* screen_info.orig_video_lines */
#define BP_VIDEO_ISVGA   0x00f /* screen_info.orig_video_isVGA */
#define BP_VIDEO_POINTS  0x010 /* screen_info.orig_video_points, u16 */
#define BP_ALT_MEM_K     0x1e0 /* u32: KiB above 1 MiB */
#define BP_E820_ENTRIES  0x1e8 /* u8 */
#define BP_E820_TABLE    0x2d0 /* 20-byte entries */
#define E820_ENTRY_SIZE  20
#define E820_RAM         1
#define E820_RESERVED    2

/* The PC's memory layout. */
#define KIB        1024u
#define EBDA_START 0x9fc00u
#define HOLE_START 0xa0000u
#define BIOS_START 0xf0000u
#define HOLE_END   0x100000u

/* Boot GDT descriptors: base 0, limit 4 GiB, 32-bit, DPL 0, accessed. */
#define GDT_FLAT_CODE 0x00cf9b000000ffffull
#define GDT_FLAT_DATA 0x00cf93000000ffffull
#define GDT_ENTRIES   4
#define ATTR_FLAT_COMMON (SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_ACCESSED | SEG_ATTR_DB | SEG_ATTR_G)
#define ATTR_FLAT_CODE   (ATTR_FLAT_COMMON | SEG_TYPE_CODE | SEG_TYPE_READABLE)
#define ATTR_FLAT_DATA   (ATTR_FLAT_COMMON | SEG_TYPE_WRITABLE)

/* What the loader decided, before it writes anything. */
struct lx_plan {
    size_t setup_len;      /* boot sector + setup sectors: file offset of the kernel */
    size_t hdr_end;        /* end of the setup header in the file */
    size_t kernel_len;     /* bytes of protected-mode kernel */
    uint32_t entry;        /* code32_start */
    uint32_t addr_max;     /* highest address the initrd may touch */
    uint32_t cmdline_size; /* longest command line the kernel takes */
    uint32_t initrd_addr;  /* where the initrd goes (0: none) */
};

bool linux_is_kernel(const uint8_t *image, size_t len)
{
    return len >= HDR_MAGIC + 4 && ld_le(image + HDR_MAGIC, 4) == HDR_MAGIC_VALUE;
}

/* --- the setup header --- */

static int check_version(const uint8_t *k, char *err, size_t errlen)
{
    unsigned v = ld_le(k + HDR_VERSION, 2);
    if (v < PROTO_MIN) {
        snprintf(err, errlen, "boot protocol %u.%02u is too old (lab86 needs 2.02 or later)",
                 v >> 8, v & 0xff);
        return -1;
    }
    if (!(k[HDR_LOADFLAGS] & LF_LOADED_HIGH)) {
        snprintf(err, errlen, "not a bzImage: loadflags bit 0 (LOADED_HIGH) is clear, and lab86 "
                              "loads only kernels that run at 1 MiB");
        return -1;
    }
    return 0;
}

static int read_header(const uint8_t *k, size_t klen, struct lx_plan *p, char *err,
                       size_t errlen)
{
    unsigned sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : SETUP_SECTS_DEF;
    *p = (struct lx_plan){.setup_len = (sects + 1) * (size_t)SECTOR};
    if (klen <= p->setup_len) {
        snprintf(err, errlen, "truncated: no protected-mode kernel after the %u setup sectors",
                 sects);
        return -1;
    }
    if (check_version(k, err, errlen) != 0)
        return -1;
    unsigned v = ld_le(k + HDR_VERSION, 2);
    p->hdr_end = HDR_MAGIC + k[HDR_JUMP_LEN];
    if (p->hdr_end > HDR_MAX_END)
        p->hdr_end = HDR_MAX_END;
    p->kernel_len = klen - p->setup_len;
    p->entry = ld_le(k + HDR_CODE32_START, 4);
    p->addr_max = v >= PROTO_ADDR_MAX ? ld_le(k + HDR_INITRD_ADDR_MAX, 4) : DEF_ADDR_MAX;
    p->cmdline_size = v >= PROTO_CMDLINE_SZ ? ld_le(k + HDR_CMDLINE_SIZE, 4) : DEF_CMDLINE_SIZE;
    if (p->cmdline_size > LX_CMDLINE_MAX)
        p->cmdline_size = LX_CMDLINE_MAX;
    return 0;
}

/* --- where things go --- */

static int check_kernel(const struct bus *b, const struct lx_plan *p, char *err, size_t errlen)
{
    if (p->kernel_len > b->ram_size - LX_KERNEL_ADDR) {
        snprintf(err, errlen,
                 "the kernel (%zu bytes above 1 MiB) is larger than the %llu KiB of RAM there "
                 "(see -m)",
                 p->kernel_len, (unsigned long long)((b->ram_size - LX_KERNEL_ADDR) / KIB));
        return -1;
    }
    if (p->entry < LX_KERNEL_ADDR || p->entry - LX_KERNEL_ADDR >= p->kernel_len) {
        snprintf(err, errlen, "code32_start 0x%x is not inside the kernel loaded at 0x%x",
                 p->entry, LX_KERNEL_ADDR);
        return -1;
    }
    return 0;
}

/* The initrd: as high as RAM and initrd_addr_max allow, page aligned, above
 * the kernel. */
static int place_initrd(const struct bus *b, struct lx_plan *p, size_t ilen, char *err,
                        size_t errlen)
{
    uint64_t top = b->ram_size < (uint64_t)p->addr_max + 1 ? b->ram_size
                                                             : (uint64_t)p->addr_max + 1;
    uint64_t floor = LX_KERNEL_ADDR + (uint64_t)p->kernel_len;
    if (ilen == 0)
        return 0;
    if (ilen > top || ((top - ilen) & ~(uint64_t)PAGE_MASK) < floor) {
        snprintf(err, errlen,
                 "the initrd (%zu bytes) does not fit between the kernel's end 0x%llx and "
                 "0x%llx (see -m)",
                 ilen, (unsigned long long)floor, (unsigned long long)top);
        return -1;
    }
    p->initrd_addr = (uint32_t)((top - ilen) & ~(uint64_t)PAGE_MASK);
    return 0;
}

static int check_cmdline(const struct lx_plan *p, const char *cmdline, char *err, size_t errlen)
{
    if (strlen(cmdline) > p->cmdline_size) {
        snprintf(err, errlen, "command line too long (%zu bytes, the kernel takes at most %u)",
                 strlen(cmdline), p->cmdline_size);
        return -1;
    }
    return 0;
}

/* --- the zero page --- */

static void put_e820(uint8_t *bp, int n, uint64_t base, uint64_t end, uint32_t type)
{
    uint8_t *e = bp + BP_E820_TABLE + n * E820_ENTRY_SIZE;
    st_le(e, (uint32_t)base, 4);
    st_le(e + 4, (uint32_t)(base >> 32), 4);
    st_le(e + 8, (uint32_t)(end - base), 4);
    st_le(e + 12, (uint32_t)((end - base) >> 32), 4);
    st_le(e + 16, type, 4);
}

/* What the 16-bit setup code would have asked the BIOS: memory and screen. */
static void write_bios_facts(uint8_t *bp, uint64_t ram_size)
{
    uint32_t ext_k = (uint32_t)((ram_size - HOLE_END) / KIB);
    st_le(bp + BP_EXT_MEM_K, ext_k > 0xffff ? 0xffff : ext_k, 2);
    bp[BP_VIDEO_MODE] = 3; /* 80x25 colour text */
    bp[BP_VIDEO_COLS] = 80;
    bp[BP_VIDEO_LINES] = 25;
    bp[BP_VIDEO_ISVGA] = 1;
    st_le(bp + BP_VIDEO_POINTS, 16, 2); /* character height */
    st_le(bp + BP_ALT_MEM_K, ext_k, 4);
    put_e820(bp, 0, 0, EBDA_START, E820_RAM);
    put_e820(bp, 1, EBDA_START, HOLE_START, E820_RESERVED);
    put_e820(bp, 2, BIOS_START, HOLE_END, E820_RESERVED);
    put_e820(bp, 3, HOLE_END, ram_size, E820_RAM);
    bp[BP_E820_ENTRIES] = 4;
}

static void write_zero_page(uint8_t *bp, uint64_t ram_size, const uint8_t *k,
                            const struct lx_plan *p, size_t ilen)
{
    memcpy(bp + HDR_START, k + HDR_START, p->hdr_end - HDR_START);
    bp[HDR_TYPE_OF_LOADER] = LOADER_UNKNOWN;
    bp[HDR_LOADFLAGS] |= LF_CAN_USE_HEAP;
    st_le(bp + HDR_VID_MODE, VID_MODE_NORMAL, 2);
    st_le(bp + HDR_HEAP_END_PTR, HEAP_END, 2);
    st_le(bp + HDR_CMD_LINE_PTR, LX_CMDLINE_ADDR, 4);
    st_le(bp + HDR_RAMDISK_IMAGE, p->initrd_addr, 4);
    st_le(bp + HDR_RAMDISK_SIZE, (uint32_t)ilen, 4);
    write_bios_facts(bp, ram_size);
}

/* The loader's low area (zero page, GDT, command line), the kernel, the
 * initrd. */
static void write_memory(struct bus *b, const uint8_t *k, const struct lx_plan *p,
                         const uint8_t *initrd, size_t ilen, const char *cmdline)
{
    const uint64_t descs[GDT_ENTRIES] = {0, 0, GDT_FLAT_CODE, GDT_FLAT_DATA};
    uint8_t *low = bus_ram_ptr(b, LX_ZERO_PAGE, LX_AREA_END - LX_ZERO_PAGE);
    uint8_t *gdt = low + (LX_GDT_ADDR - LX_ZERO_PAGE);
    memset(low, 0, LX_AREA_END - LX_ZERO_PAGE);
    for (int n = 0; n < GDT_ENTRIES; n++) {
        st_le(gdt + 8 * n, (uint32_t)descs[n], 4);
        st_le(gdt + 8 * n + 4, (uint32_t)(descs[n] >> 32), 4);
    }
    write_zero_page(low, b->ram_size, k, p, ilen);
    memcpy(low + (LX_CMDLINE_ADDR - LX_ZERO_PAGE), cmdline, strlen(cmdline) + 1);
    memcpy(bus_ram_ptr(b, LX_KERNEL_ADDR, p->kernel_len), k + p->setup_len, p->kernel_len);
    if (ilen)
        memcpy(bus_ram_ptr(b, p->initrd_addr, ilen), initrd, ilen);
}

/* The 32-bit boot protocol's entry state, on top of whatever reset left. */
static void set_entry_state(struct cpu *c, uint32_t entry)
{
    for (int r = 0; r < 8; r++)
        c->gpr[r] = 0;
    c->gpr[R_ESI] = LX_ZERO_PAGE;
    c->gpr[R_ESP] = LX_ZERO_PAGE;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        c->seg[s] = seg_make(LX_SEL_DATA, 0, 0xffffffffu, ATTR_FLAT_DATA);
    c->seg[SEG_CS] = seg_make(LX_SEL_CODE, 0, 0xffffffffu, ATTR_FLAT_CODE);
    c->gdtr = (struct dtr){LX_GDT_ADDR, GDT_ENTRIES * 8 - 1};
    c->idtr = (struct dtr){0, 0};
    c->cr0 = (c->cr0 | CR0_PE | CR0_ET) & ~(uint64_t)CR0_PG;
    c->eflags = FL_FIXED1;
    c->eip = entry;
    c->prev_eip = entry;
    c->stop = CPU_RUNNING;
    cpu_update_mode(c);
    mmu_set_a20(c, true);
    mmu_flush(c, true);
}

int linux_load(struct bus *b, struct cpu *c, const uint8_t *kernel, size_t klen,
               const uint8_t *initrd, size_t ilen, const char *cmdline, char *err,
               size_t errlen)
{
    struct lx_plan p;
    if (!cmdline)
        cmdline = "";
    if (!linux_is_kernel(kernel, klen)) {
        snprintf(err, errlen, "not a Linux kernel (no \"HdrS\" setup header at offset 0x202)");
        return -1;
    }
    if (read_header(kernel, klen, &p, err, errlen) != 0 || check_kernel(b, &p, err, errlen) != 0 ||
        place_initrd(b, &p, ilen, err, errlen) != 0 || check_cmdline(&p, cmdline, err, errlen) != 0)
        return -1;
    write_memory(b, kernel, &p, initrd, ilen, cmdline);
    set_entry_state(c, p.entry);
    return 0;
}
