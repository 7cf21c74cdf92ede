/*
 * bus.h - the machine's buses: guest physical memory and the I/O port space.
 *
 * RAM is one flat host allocation. Everything else a physical address can
 * reach (ROM, device memory) is a region with read/write callbacks; an
 * address that hits neither reads all ones and drops writes, as on a PC
 * whose bus floats high. Ports work the same way: a device registers a range
 * with callbacks; an unmapped port reads all ones (0xFF, 0xFFFF, ...).
 *
 * The contract for both is TinyEMU's: a callback gets the offset inside its
 * range and the access size in bytes (1, 2 or 4).
 *
 * A PC's RAM is not all visible: the board may cut a hole in it
 * (bus_set_ram_hole), where the addresses belong to a device instead, the
 * VGA's memory window at 0xA0000-0xBFFFF. bus_ram_ptr() answers NULL there,
 * so the TLB, which caches its answer, sends those accesses to the device.
 */
#ifndef LAB86_BUS_H
#define LAB86_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t io_read_fn(void *opaque, uint32_t offset, int size);
typedef void io_write_fn(void *opaque, uint32_t offset, uint32_t value, int size);

/* Called for every port access nobody claims (for trace events). */
typedef void io_unmapped_fn(void *opaque, uint16_t port, bool write, int size);

/* Called after size bytes at paddr (in RAM, inside one page) were written,
 * when paddr's page is marked in the watch map. */
typedef void bus_watch_fn(void *opaque, uint64_t paddr, int size);

/* Where the reads of one 4 KiB page of a memory-mapped range come from when
 * they are plain memory (the shadow area's RAM or ROM side, board_pc.c): a
 * host pointer to the page at offset off in the range, or NULL. */
typedef const uint8_t *mmio_page_fn(void *opaque, uint32_t off);

#define BUS_MAX_IO 64
#define BUS_MAX_MMIO 16

struct io_range {
    uint16_t base, len;  /* ports base .. base+len-1 */
    io_read_fn *read;    /* NULL: reads all ones */
    io_write_fn *write;  /* NULL: writes dropped */
    void *opaque;        /* device state */
};

struct mmio_range {
    uint64_t base, len;  /* physical addresses base .. base+len-1 */
    io_read_fn *read;    /* NULL: reads all ones */
    io_write_fn *write;  /* NULL: writes dropped (ROM) */
    void *opaque;        /* device state */
    const uint8_t *rom;  /* non-NULL: read-only memory backed by this buffer */
    mmio_page_fn *page;  /* optional: pages whose reads are plain memory (bus_read_page) */
};

struct bus {
    uint8_t *ram;        /* guest RAM, ram_size bytes */
    uint64_t ram_size;   /* bytes of RAM from physical address 0 */
    struct io_range io[BUS_MAX_IO];       /* port ranges */
    int n_io;            /* used entries of io[] */
    struct mmio_range mmio[BUS_MAX_MMIO]; /* memory-mapped ranges */
    int n_mmio;          /* used entries of mmio[] */
    io_unmapped_fn *unmapped; /* optional observer of unmapped port accesses */
    void *unmapped_opaque;    /* its argument */
    uint8_t *watch;           /* one bit a 4 KiB RAM page: writes there call watch_fn
                                 (the threaded core's self-modifying-code check,
                                 interp/tcache.h); NULL: nothing watched */
    bus_watch_fn *watch_fn;   /* the watcher */
    void *watch_opaque;       /* its argument */
    uint64_t hole_start;      /* RAM in [hole_start, hole_end) is hidden (0, 0: none) */
    uint64_t hole_end;        /* first address after the hole */
};

/* Allocate ram_size bytes of zeroed RAM; returns 0, or -1 if out of memory. */
int bus_init(struct bus *b, uint64_t ram_size);
void bus_free(struct bus *b);

/* Claim ports [base, base+len). Returns 0, or -1 when the table is full. */
int bus_map_io(struct bus *b, uint16_t base, uint16_t len, io_read_fn *rd, io_write_fn *wr,
               void *opaque);
/* Claim a physical range for a device or a ROM. Returns 0 or -1. */
int bus_map_mmio(struct bus *b, uint64_t base, uint64_t len, io_read_fn *rd, io_write_fn *wr,
                 void *opaque);
int bus_map_rom(struct bus *b, uint64_t base, uint64_t len, const uint8_t *data);

/* A base no physical address reaches (x86 physical addresses have at most
 * 52 bits, so base + offset never wraps onto them): a range moved here is
 * parked, still in the table but invisible, until it is moved back. */
#define BUS_NOWHERE (1ull << 63)

/* Move the memory-mapped range that starts at base and belongs to owner (the
 * opaque its callbacks get; for a ROM, its data) to new_base, or park it at
 * BUS_NOWHERE. Its length, callbacks and contents stay. This is how a PCI
 * BAR the guest reprograms moves a device's memory. No cache needs flushing:
 * the TLB and the threaded core keep host pointers to RAM only. Returns 0,
 * or -1 when no range matches. */
int bus_move_mmio(struct bus *b, uint64_t base, const void *owner, uint64_t new_base);

/* Hide RAM in [start, end): accesses there go to the MMIO ranges (or read
 * all ones). One hole a bus; call before the first instruction, since TLBs
 * that already hold pointers into it are not flushed. */
void bus_set_ram_hole(struct bus *b, uint64_t start, uint64_t end);

/* Say that the memory-mapped range at base (mapped with bus_map_mmio) reads
 * as plain memory, page by page as fn says, so that bus_read_page() can
 * hand out pointers into it. Returns 0, or -1 when no range starts there. */
int bus_mmio_page_reads(struct bus *b, uint64_t base, mmio_page_fn *fn);

/* A host pointer to what reads of the 4 KiB page at ppage (page aligned)
 * see, when that is plain memory: visible RAM, a ROM, or a range that said
 * so with bus_mmio_page_reads(); else NULL. Writes must still go through
 * bus_mem_write() unless bus_ram_ptr() gives the page: the TLB keeps such a
 * page as read-only host memory (TLB_HOSTW clear, tlb.h), which is what
 * lets the firmware run at full speed from shadow RAM it has locked. */
const uint8_t *bus_read_page(struct bus *b, uint64_t ppage);

/* Tell the watcher (the threaded core's block cache) that what reads of the
 * 4 KiB page at ppage see has changed without a write through the bus: the
 * board switched a shadow segment between its RAM and ROM sides. */
void bus_page_changed(struct bus *b, uint64_t ppage);

/* Is paddr a device's register (a memory-mapped range with callbacks, not
 * a ROM and not RAM)? For the MMIO count of hypervisor traps (trap.h). */
bool bus_is_mmio_device(struct bus *b, uint64_t paddr);

/* Port I/O of size 1, 2 or 4. */
uint32_t bus_in(struct bus *b, uint16_t port, int size);
void bus_out(struct bus *b, uint16_t port, uint32_t value, int size);

/* Host pointer to RAM at paddr if [paddr, paddr+len) is all visible RAM
 * (inside RAM, clear of the hole), else NULL. */
static inline uint8_t *bus_ram_ptr(struct bus *b, uint64_t paddr, uint64_t len)
{
    if (paddr < b->ram_size && len <= b->ram_size - paddr &&
        (paddr + len <= b->hole_start || paddr >= b->hole_end))
        return b->ram + paddr;
    return NULL;
}

/* Every write to RAM calls bus_watch_check() after the store: mmu.c's page_store() (all
 * guest stores) and bus_mem_write() (page walks, devices). Whoever writes RAM
 * through bus.ram or bus_ram_ptr() (the loader, before the first instruction)
 * must flush the watcher instead. The test is one bit, because the watched
 * pages are few and this runs on every guest store. */
static inline bool bus_watched(const struct bus *b, uint64_t paddr)
{
    return b->watch && ((b->watch[paddr >> 15] >> ((paddr >> 12) & 7)) & 1);
}

static inline void bus_watch_check(struct bus *b, uint64_t paddr, int size)
{
    if (bus_watched(b, paddr))
        b->watch_fn(b->watch_opaque, paddr, size);
}

/* Physical memory access of size 1, 2 or 4 that need not be RAM (MMIO, ROM,
 * nothing). The access must not cross a 4 KiB page. */
uint32_t bus_mem_read(struct bus *b, uint64_t paddr, int size);
void bus_mem_write(struct bus *b, uint64_t paddr, uint32_t value, int size);

/* Little-endian loads and stores on host memory. */
static inline uint32_t ld_le(const uint8_t *p, int size)
{
    uint32_t v = p[0];
    if (size >= 2)
        v |= (uint32_t)p[1] << 8;
    if (size == 4)
        v |= (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return v;
}

static inline void st_le(uint8_t *p, uint32_t v, int size)
{
    p[0] = (uint8_t)v;
    if (size >= 2)
        p[1] = (uint8_t)(v >> 8);
    if (size == 4) {
        p[2] = (uint8_t)(v >> 16);
        p[3] = (uint8_t)(v >> 24);
    }
}

#endif
