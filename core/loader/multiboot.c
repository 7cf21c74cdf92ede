/*
 * multiboot.c - boot a Multiboot v1 kernel directly, with no BIOS and no
 * boot loader in the guest.
 *
 * The Multiboot Specification (version 0.6.96, the one GRUB legacy and QEMU's
 * -kernel implement) is a contract between a boot loader and a kernel:
 *
 *   1. The kernel image carries a header in its first 8192 bytes, 4-byte
 *      aligned: magic 0x1BADB002, a flags word, and a checksum chosen so that
 *      the three add up to 0 (spec 3.1.1). Flag bits 0-15 are requirements
 *      the loader must meet or refuse the kernel; bits 16-31 are optional.
 *   2. The loader places the image in memory. Normally it reads the ELF
 *      program headers (elf.c). If header flag bit 16, the "a.out kludge", is
 *      set, the header itself says where the file goes: load_addr,
 *      load_end_addr, bss_end_addr and entry_addr (spec 3.1.3). That is how a
 *      flat binary from `nasm -f bin` can be a kernel.
 *   3. The loader writes a "multiboot information" structure (spec 3.3):
 *      memory sizes, the command line, a memory map, its own name.
 *   4. It jumps to the entry point in 32-bit protected mode (spec 3.2):
 *      EAX = 0x2BADB002, EBX = the information's physical address, CS a
 *      flat 4 GiB code segment, the data segments flat, A20 on, paging and
 *      interrupts off. ESP, the GDTR and the IDTR are the kernel's to set.
 *
 * Choices lab86 makes where the spec leaves them open:
 *   - CS = 0x08 and DS = ES = FS = GS = SS = 0x10 name descriptors of a real
 *     GDT the loader writes at 0x8F00, and the GDTR points at it. The spec
 *     says GDTR "may be invalid", but a kernel that reloads a segment register
 *     before its own LGDT (a common student bug) then works the same as under
 *     GRUB and QEMU instead of faulting. The descriptors have their accessed
 *     bits set, so they match the hidden caches exactly.
 *   - The IDTR is base 0, limit 0: any interrupt or exception before the
 *     kernel's LIDT cannot be delivered, which ends in a triple fault that
 *     lab86 reports, rather than in a jump through garbage.
 *   - ESP = 0x8F00, just below the GDT, so that a CALL before the kernel sets
 *     up its stack lands in memory the loader reserved.
 *   - mem_lower is 639 KiB: conventional memory minus the 1 KiB extended BIOS
 *     data area, what INT 12h reports on a PC. mem_upper is the RAM above
 *     1 MiB. The memory map says the same in two "available" ranges.
 *   - The command line is the --append string alone. (GRUB and QEMU put the
 *     kernel's file name first; the spec does not ask for it.)
 *   - A kernel may load below 1 MiB, but not over the loader's own area
 *     (0x8000-0x9FFF, see multiboot.h) nor the PC's video memory and ROM hole
 *     (0xA0000-0xFFFFF), and all of it must be RAM.
 *   - Header flag bit 2 (a video mode, please) is accepted without a video
 *     mode being set: info flags bits 11 and 12 stay clear, which is how the
 *     kernel learns there is no framebuffer. Unknown requirement bits 3-15
 *     make the loader refuse the kernel, as the spec says.
 *   - No boot modules (lab86 has no --initrd for multiboot yet): mods_count 0.
 *
 * Nothing is written to RAM or the CPU until every check has passed.
 */
#include "loader/multiboot.h"

#include <stdio.h>
#include <string.h>

#include "loader/elf.h"
#include "mmu/mmu.h"

#define MB_HEADER_MAGIC 0x1badb002u /* in the kernel's header */
#define MB_BOOT_MAGIC   0x2badb002u /* in EAX at entry */
#define MB_SEARCH_LEN   8192        /* the header lies in the first 8 KiB */
#define MB_HEADER_MIN   12          /* magic, flags, checksum */
#define MB_HEADER_AOUT  32          /* ... and the five address fields */

/* Header flags (spec 3.1.2). */
#define MB_HF_PAGE_ALIGN  (1u << 0) /* align modules on 4 KiB pages (no modules here) */
#define MB_HF_MEMINFO     (1u << 1) /* provide mem_lower/mem_upper/mmap (always done) */
#define MB_HF_VIDEO       (1u << 2) /* set a video mode (accepted, not done) */
#define MB_HF_KNOWN_REQ   (MB_HF_PAGE_ALIGN | MB_HF_MEMINFO | MB_HF_VIDEO)
#define MB_HF_REQ_MASK    0x0000ffffu /* bits a loader must understand */
#define MB_HF_AOUT_KLUDGE (1u << 16)  /* the address fields are valid */

/* Information flags (spec 3.3): which fields of the structure are valid. */
#define MB_IF_MEM     (1u << 0) /* mem_lower, mem_upper */
#define MB_IF_CMDLINE (1u << 2) /* cmdline */
#define MB_IF_MMAP    (1u << 6) /* mmap_length, mmap_addr */
#define MB_IF_LOADER  (1u << 9) /* boot_loader_name */

/* Offsets in the information structure; its full size with the framebuffer
 * fields is 116 bytes. */
#define MBI_FLAGS            0
#define MBI_MEM_LOWER        4
#define MBI_MEM_UPPER        8
#define MBI_CMDLINE          16
#define MBI_MMAP_LENGTH      44
#define MBI_MMAP_ADDR        48
#define MBI_BOOT_LOADER_NAME 64
#define MBI_SIZE             116

/* Memory map entries: size (of the rest: 20), base (u64), length (u64), type. */
#define MMAP_ENTRY_SIZE 24
#define MMAP_AVAILABLE  1

/* The PC's memory layout. */
#define KIB         1024u
#define MIB         (1024u * 1024u)
#define LOW_MEM_KIB 639u      /* conventional memory below the EBDA */
#define HOLE_START  0xa0000u  /* video memory, option and system ROMs ... */
#define HOLE_END    0x100000u /* ... up to 1 MiB */

#define LOADER_NAME "lab86"

/* Boot GDT descriptors: base 0, limit 0xFFFFF pages, 32-bit, DPL 0, accessed. */
#define GDT_FLAT_CODE 0x00cf9b000000ffffull /* execute/read */
#define GDT_FLAT_DATA 0x00cf93000000ffffull /* read/write */
#define GDT_ENTRIES   3

/* The hidden-cache attributes matching those descriptors. */
#define ATTR_FLAT_COMMON (SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_ACCESSED | SEG_ATTR_DB | SEG_ATTR_G)
#define ATTR_FLAT_CODE   (ATTR_FLAT_COMMON | SEG_TYPE_CODE | SEG_TYPE_READABLE)
#define ATTR_FLAT_DATA   (ATTR_FLAT_COMMON | SEG_TYPE_WRITABLE)

/* The header fields, as found in the file. */
struct mb_header {
    size_t offset;          /* where the magic is in the file */
    uint32_t flags;         /* MB_HF_* */
    uint32_t header_addr;   /* a.out kludge: physical address of the magic */
    uint32_t load_addr;     /* a.out kludge: where the text starts */
    uint32_t load_end_addr; /* a.out kludge: end of the data loaded (0: file end) */
    uint32_t bss_end_addr;  /* a.out kludge: end of the bss (0: none) */
    uint32_t entry_addr;    /* a.out kludge: entry point */
};

/* --- finding the header --- */

/* Scan the first 8 KiB for magic, flags, checksum summing to 0. A magic with a
 * bad checksum is remembered for the message, since a valid header may still
 * follow. */
static int find_header(const uint8_t *img, size_t len, struct mb_header *h, char *err,
                       size_t errlen)
{
    size_t end = len < MB_SEARCH_LEN ? len : MB_SEARCH_LEN;
    long bad = -1;
    for (size_t off = 0; off + MB_HEADER_MIN <= end; off += 4) {
        if (ld_le(img + off, 4) != MB_HEADER_MAGIC)
            continue;
        uint32_t flags = ld_le(img + off + 4, 4);
        if (MB_HEADER_MAGIC + flags + ld_le(img + off + 8, 4) == 0) {
            *h = (struct mb_header){.offset = off, .flags = flags};
            return 0;
        }
        if (bad < 0)
            bad = (long)off;
    }
    if (bad >= 0)
        snprintf(err, errlen,
                 "the multiboot header at offset 0x%lx has a bad checksum "
                 "(magic + flags + checksum must be 0)",
                 bad);
    else
        snprintf(err, errlen, "no multiboot header in the first %d bytes", MB_SEARCH_LEN);
    return -1;
}

static int check_flags(const struct mb_header *h, char *err, size_t errlen)
{
    uint32_t unknown = h->flags & MB_HF_REQ_MASK & ~MB_HF_KNOWN_REQ;
    if (unknown) {
        snprintf(err, errlen,
                 "the multiboot header requires features lab86 does not know "
                 "(flag bits 0x%x)",
                 unknown);
        return -1;
    }
    return 0;
}

/* --- the a.out kludge (spec 3.1.3) --- */

static int read_kludge_fields(const uint8_t *img, size_t len, struct mb_header *h, char *err,
                              size_t errlen)
{
    if (h->offset + MB_HEADER_AOUT > len) {
        snprintf(err, errlen,
                 "truncated multiboot header: the a.out kludge fields need %d "
                 "bytes at offset 0x%zx",
                 MB_HEADER_AOUT, h->offset);
        return -1;
    }
    const uint8_t *p = img + h->offset;
    h->header_addr = ld_le(p + 12, 4);
    h->load_addr = ld_le(p + 16, 4);
    h->load_end_addr = ld_le(p + 20, 4);
    h->bss_end_addr = ld_le(p + 24, 4);
    h->entry_addr = ld_le(p + 28, 4);
    return 0;
}

/* The file offset that goes to load_addr: the header's offset, less how far
 * the header is from load_addr in memory. */
static int kludge_offset(const struct mb_header *h, uint64_t *offset, char *err, size_t errlen)
{
    if (h->header_addr < h->load_addr) {
        snprintf(err, errlen, "a.out kludge: header_addr 0x%x is below load_addr 0x%x",
                 h->header_addr, h->load_addr);
        return -1;
    }
    uint64_t before = h->header_addr - h->load_addr;
    if (before > h->offset) {
        snprintf(err, errlen,
                 "a.out kludge: load_addr 0x%x would start 0x%llx bytes before "
                 "the file",
                 h->load_addr, (unsigned long long)(before - h->offset));
        return -1;
    }
    *offset = h->offset - before;
    return 0;
}

/* One segment: file bytes from the computed offset to load_end_addr (or the
 * file's end), then zeroes up to bss_end_addr. */
static int kludge_plan(const struct mb_header *h, size_t len, struct load_plan *plan, char *err,
                       size_t errlen)
{
    struct load_segment s = {.paddr = h->load_addr};
    if (kludge_offset(h, &s.offset, err, errlen) != 0)
        return -1;
    if (h->load_end_addr == 0) {
        s.filesz = len - s.offset;
    } else if (h->load_end_addr <= h->load_addr) {
        snprintf(err, errlen, "a.out kludge: load_end_addr 0x%x is not above load_addr 0x%x",
                 h->load_end_addr, h->load_addr);
        return -1;
    } else {
        s.filesz = h->load_end_addr - h->load_addr;
    }
    if (s.offset + s.filesz > len) {
        snprintf(err, errlen,
                 "truncated: the a.out kludge loads file bytes 0x%llx-0x%llx, "
                 "the file has %zu bytes",
                 (unsigned long long)s.offset, (unsigned long long)(s.offset + s.filesz - 1), len);
        return -1;
    }
    s.memsz = s.filesz;
    if (h->bss_end_addr != 0) {
        if (h->bss_end_addr < s.paddr + s.filesz) {
            snprintf(err, errlen,
                     "a.out kludge: bss_end_addr 0x%x is below the end of the "
                     "loaded data 0x%llx",
                     h->bss_end_addr, (unsigned long long)(s.paddr + s.filesz));
            return -1;
        }
        s.memsz = h->bss_end_addr - s.paddr;
    }
    plan->seg[0] = s;
    plan->nseg = 1;
    plan->entry = h->entry_addr;
    return 0;
}

/* --- where the image may go --- */

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
    return a < b_end && b < a_end;
}

/* "32 MiB", or "1500 KiB" when not a whole number of MiB. */
static void format_size(uint64_t bytes, char *buf, size_t n)
{
    if (bytes % MIB == 0)
        snprintf(buf, n, "%llu MiB", (unsigned long long)(bytes / MIB));
    else
        snprintf(buf, n, "%llu KiB", (unsigned long long)(bytes / KIB));
}

static int check_segment(const struct bus *b, const struct load_segment *s, char *err,
                         size_t errlen)
{
    uint64_t start = s->paddr, end = s->paddr + s->memsz;
    const char *what = NULL;
    char ram[32];
    if (end > b->ram_size) {
        format_size(b->ram_size, ram, sizeof ram);
        snprintf(err, errlen, "loads at 0x%llx-0x%llx, outside the %s of RAM (see -m)",
                 (unsigned long long)start, (unsigned long long)(end - 1), ram);
        return -1;
    }
    if (overlaps(start, end, MB_AREA_START, MB_AREA_END))
        what = "the loader's area 0x8000-0x9fff (boot GDT, multiboot information)";
    else if (overlaps(start, end, HOLE_START, HOLE_END))
        what = "the PC's video memory and ROM hole 0xa0000-0xfffff";
    if (what) {
        snprintf(err, errlen, "loads at 0x%llx-0x%llx, over %s", (unsigned long long)start,
                 (unsigned long long)(end - 1), what);
        return -1;
    }
    return 0;
}

/* Every segment in RAM and clear of reserved memory; the entry point inside
 * bytes that come from the file. */
static int check_plan(const struct bus *b, const struct load_plan *plan, char *err, size_t errlen)
{
    bool entry_ok = false;
    for (int k = 0; k < plan->nseg; k++) {
        const struct load_segment *s = &plan->seg[k];
        if (check_segment(b, s, err, errlen) != 0)
            return -1;
        if (plan->entry >= s->paddr && plan->entry - s->paddr < s->filesz)
            entry_ok = true;
    }
    if (!entry_ok) {
        snprintf(err, errlen, "entry point 0x%x is not inside the loaded image", plan->entry);
        return -1;
    }
    return 0;
}

/* --- writing guest memory and the CPU --- */

static void copy_plan(struct bus *b, const uint8_t *img, const struct load_plan *plan)
{
    for (int k = 0; k < plan->nseg; k++) {
        const struct load_segment *s = &plan->seg[k];
        uint8_t *dst = bus_ram_ptr(b, s->paddr, s->memsz);
        memcpy(dst, img + s->offset, s->filesz);
        memset(dst + s->filesz, 0, s->memsz - s->filesz);
    }
}

static void put_mmap_entry(uint8_t *p, uint64_t base, uint64_t length)
{
    st_le(p, MMAP_ENTRY_SIZE - 4, 4);
    st_le(p + 4, (uint32_t)base, 4);
    st_le(p + 8, (uint32_t)(base >> 32), 4);
    st_le(p + 12, (uint32_t)length, 4);
    st_le(p + 16, (uint32_t)(length >> 32), 4);
    st_le(p + 20, MMAP_AVAILABLE, 4);
}

/* The boot GDT, the information structure and what it points to. */
static void write_info(struct bus *b, const char *cmdline)
{
    uint8_t *area = bus_ram_ptr(b, MB_AREA_START, MB_AREA_END - MB_AREA_START);
    uint8_t *gdt = area + (MB_GDT_ADDR - MB_AREA_START);
    uint8_t *mbi = area + (MB_INFO_ADDR - MB_AREA_START);
    const uint64_t descs[GDT_ENTRIES] = {0, GDT_FLAT_CODE, GDT_FLAT_DATA};

    memset(area, 0, MB_AREA_END - MB_AREA_START);
    for (int k = 0; k < GDT_ENTRIES; k++) {
        st_le(gdt + 8 * k, (uint32_t)descs[k], 4);
        st_le(gdt + 8 * k + 4, (uint32_t)(descs[k] >> 32), 4);
    }
    st_le(mbi + MBI_FLAGS, MB_IF_MEM | MB_IF_CMDLINE | MB_IF_MMAP | MB_IF_LOADER, 4);
    st_le(mbi + MBI_MEM_LOWER, LOW_MEM_KIB, 4);
    st_le(mbi + MBI_MEM_UPPER, (uint32_t)((b->ram_size - HOLE_END) / KIB), 4);
    st_le(mbi + MBI_CMDLINE, MB_CMDLINE_ADDR, 4);
    st_le(mbi + MBI_MMAP_LENGTH, 2 * MMAP_ENTRY_SIZE, 4);
    st_le(mbi + MBI_MMAP_ADDR, MB_MMAP_ADDR, 4);
    st_le(mbi + MBI_BOOT_LOADER_NAME, MB_NAME_ADDR, 4);
    put_mmap_entry(area + (MB_MMAP_ADDR - MB_AREA_START), 0, LOW_MEM_KIB * KIB);
    put_mmap_entry(area + (MB_MMAP_ADDR - MB_AREA_START) + MMAP_ENTRY_SIZE, HOLE_END,
                   b->ram_size - HOLE_END);
    memcpy(area + (MB_NAME_ADDR - MB_AREA_START), LOADER_NAME, sizeof LOADER_NAME);
    memcpy(area + (MB_CMDLINE_ADDR - MB_AREA_START), cmdline, strlen(cmdline) + 1);
}

/* The machine state of spec 3.2, on top of whatever reset left. */
static void set_entry_state(struct cpu *c, uint32_t entry)
{
    for (int r = 0; r < 8; r++)
        c->gpr[r] = 0;
    c->gpr[R_EAX] = MB_BOOT_MAGIC;
    c->gpr[R_EBX] = MB_INFO_ADDR;
    c->gpr[R_ESP] = MB_STACK_TOP;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        c->seg[s] = seg_make(MB_SEL_DATA, 0, 0xffffffffu, ATTR_FLAT_DATA);
    c->seg[SEG_CS] = seg_make(MB_SEL_CODE, 0, 0xffffffffu, ATTR_FLAT_CODE);
    c->gdtr = (struct dtr){MB_GDT_ADDR, GDT_ENTRIES * 8 - 1};
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

/* Header, then a plan from the kludge fields or from ELF. */
static int make_plan(const uint8_t *img, size_t len, struct load_plan *plan, char *err,
                     size_t errlen)
{
    struct mb_header h;
    if (find_header(img, len, &h, err, errlen) != 0 || check_flags(&h, err, errlen) != 0)
        return -1;
    if (h.flags & MB_HF_AOUT_KLUDGE) {
        if (read_kludge_fields(img, len, &h, err, errlen) != 0)
            return -1;
        return kludge_plan(&h, len, plan, err, errlen);
    }
    if (!elf_is_elf(img, len)) {
        snprintf(err, errlen,
                 "not an ELF file, and its multiboot header does not set the "
                 "a.out kludge (flag bit 16)");
        return -1;
    }
    return elf32_plan(img, len, plan, err, errlen);
}

int multiboot_load(struct bus *b, struct cpu *c, const uint8_t *image, size_t len,
                   const char *cmdline, char *err, size_t errlen)
{
    struct load_plan plan;
    if (!cmdline)
        cmdline = "";
    if (len == 0) {
        snprintf(err, errlen, "empty file");
        return -1;
    }
    if (b->ram_size <= HOLE_END) {
        snprintf(err, errlen, "a multiboot kernel needs more than 1 MiB of RAM");
        return -1;
    }
    if (strlen(cmdline) > MB_CMDLINE_MAX) {
        snprintf(err, errlen, "command line too long (%zu bytes, at most %d)", strlen(cmdline),
                 MB_CMDLINE_MAX);
        return -1;
    }
    if (make_plan(image, len, &plan, err, errlen) != 0 || check_plan(b, &plan, err, errlen) != 0)
        return -1;
    copy_plan(b, image, &plan);
    write_info(b, cmdline);
    set_entry_state(c, plan.entry);
    return 0;
}
