/*
 * bus.c - port and physical-memory dispatch (see bus.h).
 *
 * Lookups are linear scans over a few dozen ranges: the hot path for RAM
 * never comes here (the TLB holds host pointers), and port I/O is rare
 * enough on a PC that a scan costs less than the device behind it.
 */
#include "bus.h"

#include <stdlib.h>

/* calloc: guest RAM starts zeroed, so a run never depends on what the host
 * allocator left in it (determinism). */
int bus_init(struct bus *b, uint64_t ram_size)
{
    *b = (struct bus){0};
    b->ram = calloc(1, ram_size ? ram_size : 1);
    if (!b->ram)
        return -1;
    b->ram_size = ram_size;
    return 0;
}

void bus_free(struct bus *b)
{
    free(b->ram);
    b->ram = NULL;
}

int bus_map_io(struct bus *b, uint16_t base, uint16_t len, io_read_fn *rd, io_write_fn *wr,
               void *opaque)
{
    if (b->n_io == BUS_MAX_IO)
        return -1;
    b->io[b->n_io++] = (struct io_range){base, len, rd, wr, opaque};
    return 0;
}

int bus_map_mmio(struct bus *b, uint64_t base, uint64_t len, io_read_fn *rd, io_write_fn *wr,
                 void *opaque)
{
    if (b->n_mmio == BUS_MAX_MMIO)
        return -1;
    b->mmio[b->n_mmio++] = (struct mmio_range){base, len, rd, wr, opaque, NULL, NULL};
    return 0;
}

int bus_map_rom(struct bus *b, uint64_t base, uint64_t len, const uint8_t *data)
{
    if (b->n_mmio == BUS_MAX_MMIO)
        return -1;
    b->mmio[b->n_mmio++] = (struct mmio_range){base, len, NULL, NULL, NULL, data, NULL};
    return 0;
}

void bus_set_ram_hole(struct bus *b, uint64_t start, uint64_t end)
{
    b->hole_start = start;
    b->hole_end = end;
}

/* A linear search: ranges move only when the guest reprograms a BAR. */
int bus_move_mmio(struct bus *b, uint64_t base, const void *owner, uint64_t new_base)
{
    for (int k = 0; k < b->n_mmio; k++) {
        struct mmio_range *r = &b->mmio[k];
        const void *o = r->rom ? (const void *)r->rom : r->opaque;
        if (r->base == base && o == owner) {
            r->base = new_base;
            return 0;
        }
    }
    return -1;
}

/* The range that claims port, or NULL. The unsigned subtraction folds the
 * two bounds checks into one: port - base wraps to a huge value below base. */
static struct io_range *find_io(struct bus *b, uint16_t port)
{
    for (int k = 0; k < b->n_io; k++)
        if ((uint16_t)(port - b->io[k].base) < b->io[k].len)
            return &b->io[k];
    return NULL;
}

/* A multi-byte access is split into bytes when it straddles two devices'
 * ranges; within one range the device sees the whole access. */
uint32_t bus_in(struct bus *b, uint16_t port, int size)
{
    struct io_range *r = find_io(b, port);
    if (r && (uint16_t)(port - r->base) + size <= r->len) {
        return r->read ? r->read(r->opaque, (uint16_t)(port - r->base), size) & (0xffffffffu >> (32 - 8 * size))
                       : 0xffffffffu >> (32 - 8 * size);
    }
    if (!r && b->unmapped)
        b->unmapped(b->unmapped_opaque, port, false, size);
    if (size == 1)
        return 0xff;
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= bus_in(b, (uint16_t)(port + k), 1) << (8 * k);
    return v;
}

void bus_out(struct bus *b, uint16_t port, uint32_t value, int size)
{
    struct io_range *r = find_io(b, port);
    if (r && (uint16_t)(port - r->base) + size <= r->len) {
        if (r->write)
            r->write(r->opaque, (uint16_t)(port - r->base), value, size);
        return;
    }
    if (!r && b->unmapped)
        b->unmapped(b->unmapped_opaque, port, true, size);
    if (size == 1)
        return;
    for (int k = 0; k < size; k++)
        bus_out(b, (uint16_t)(port + k), (value >> (8 * k)) & 0xff, 1);
}

/* The memory-mapped range that holds paddr, or NULL (same folded check). */
static struct mmio_range *find_mmio(struct bus *b, uint64_t paddr)
{
    for (int k = 0; k < b->n_mmio; k++)
        if (paddr - b->mmio[k].base < b->mmio[k].len)
            return &b->mmio[k];
    return NULL;
}

int bus_mmio_page_reads(struct bus *b, uint64_t base, mmio_page_fn *fn)
{
    for (int k = 0; k < b->n_mmio; k++) {
        if (b->mmio[k].base == base && !b->mmio[k].rom) {
            b->mmio[k].page = fn;
            return 0;
        }
    }
    return -1;
}

const uint8_t *bus_read_page(struct bus *b, uint64_t ppage)
{
    const uint8_t *p = bus_ram_ptr(b, ppage, 4096);
    if (p)
        return p;
    struct mmio_range *r = find_mmio(b, ppage);
    if (!r || ppage - r->base + 4096 > r->len)
        return NULL; /* nothing there, or a range that ends inside the page */
    if (r->rom)
        return r->rom + (ppage - r->base);
    if (r->page)
        return r->page(r->opaque, (uint32_t)(ppage - r->base));
    return NULL;
}

void bus_page_changed(struct bus *b, uint64_t ppage)
{
    if (b->watch && ppage < b->ram_size && ((b->watch[ppage >> 15] >> ((ppage >> 12) & 7)) & 1))
        b->watch_fn(b->watch_opaque, ppage, 4096);
}

bool bus_is_mmio_device(struct bus *b, uint64_t paddr)
{
    if (bus_ram_ptr(b, paddr, 1))
        return false;
    struct mmio_range *r = find_mmio(b, paddr);
    return r && !r->rom;
}

/* RAM first (the common case), then a device or ROM range; an access that
 * straddles the end of RAM or of a range is split into bytes so that each
 * byte gets the answer of whatever lies under it; nothing at all reads as
 * all ones, as on a PC whose data bus floats high. */
uint32_t bus_mem_read(struct bus *b, uint64_t paddr, int size)
{
    uint8_t *p = bus_ram_ptr(b, paddr, (uint64_t)size);
    if (p)
        return ld_le(p, size);
    struct mmio_range *r = find_mmio(b, paddr);
    if (r && paddr - r->base + (uint64_t)size <= r->len) {
        if (r->rom)
            return ld_le(r->rom + (paddr - r->base), size);
        if (r->read)
            return r->read(r->opaque, (uint32_t)(paddr - r->base), size);
    }
    if (size > 1 && (r || paddr < b->ram_size)) { /* straddles: byte by byte */
        uint32_t v = 0;
        for (int k = 0; k < size; k++)
            v |= bus_mem_read(b, paddr + (uint64_t)k, 1) << (8 * k);
        return v;
    }
    return 0xffffffffu >> (32 - 8 * size);
}

/* The same order as bus_mem_read; a write to ROM or to nothing is dropped. */
void bus_mem_write(struct bus *b, uint64_t paddr, uint32_t value, int size)
{
    uint8_t *p = bus_ram_ptr(b, paddr, (uint64_t)size);
    if (p) {
        st_le(p, value, size);
        bus_watch_check(b, paddr, size);
        return;
    }
    struct mmio_range *r = find_mmio(b, paddr);
    if (r && paddr - r->base + (uint64_t)size <= r->len) {
        if (r->write)
            r->write(r->opaque, (uint32_t)(paddr - r->base), value, size);
        return;
    }
    if (size > 1 && (r || paddr < b->ram_size))
        for (int k = 0; k < size; k++)
            bus_mem_write(b, paddr + (uint64_t)k, (value >> (8 * k)) & 0xff, 1);
}
