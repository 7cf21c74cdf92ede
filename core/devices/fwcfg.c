/*
 * fwcfg.c - QEMU's firmware configuration device, "fw_cfg" (QEMU's
 * docs/specs/fw_cfg.rst), on the pc board.
 *
 * A real PC's BIOS learns the machine by probing it, and keeps the owner's
 * choices (boot order, "show a boot menu") in CMOS or flash. A virtual
 * machine has a simpler channel: QEMU's board offers numbered items, each a
 * few bytes, that its firmware reads through two I/O ports. SeaBIOS (the
 * pc board's firmware) looks for it at start-up: it selects item 0 and
 * compares four bytes with "QEMU" (FIRMWARE.md, 1c). Without the device the
 * ports float high, SeaBIOS takes its defaults, and one of those defaults
 * is to print "Press ESC for boot menu." and wait 2.5 s of guest time for
 * the key, every boot. QEMU's default, -boot menu=off, says "no menu" in
 * item 0x0E; lab86 says the same, so SeaBIOS boots at once, as it does on
 * QEMU.
 *
 * The interface, on x86 (the spec's "Selector (Control) Register" and
 * "Data Register"):
 *   0x510  selector, 16-bit, write only: a word write selects the item
 *          whose key it is and sets the data offset to 0. Bit 14 asks for
 *          write access, which this device does not grant: it only masks
 *          the bit when looking the key up, as QEMU does.
 *   0x511  data, 8-bit: each read returns the selected item's byte at the
 *          offset and advances it. Past the end of the item, and for a key
 *          with no item, the reads return 0 (so a firmware asking for an
 *          item QEMU sometimes has, such as the NUMA table or the E820
 *          reservations, reads a count of 0). Writes are ignored, as in
 *          QEMU 2.4 and later.
 *   The DMA interface (0x514) is not offered: item 1, the ID, says so by
 *   leaving bit 1 clear, and SeaBIOS then reads through the data port.
 *
 * The items, all describing what the board really is:
 *   0x0000 signature "QEMU"          0x0001 ID: 1 (the traditional interface)
 *   0x0003 RAM size (u64)            0x0005 CPUs at boot (u16)
 *   0x000C boot device: 'a', 'c' or 'd', as --boot set the CMOS (u16)
 *   0x000E boot menu: 0 (u16)        0x000F most CPUs (u16): the same count
 *   0x0019 the file directory: a big-endian count of 0 (no named files)
 *   0x8002 IRQ 0 override (u32): 1 when the board wires the PIT to I/O APIC
 *          pin 2 (board.c), as QEMU's does; SeaBIOS then writes that
 *          routing into its MP table instead of IRQ 0 on pin 0.
 * Little-endian like QEMU's x86 items, but for the directory, which the
 * spec defines big-endian.
 *
 * Not emulated: named files ("bootorder", "etc/e820", ACPI tables and the
 * table loader, option ROMs), the kernel-loading items of -kernel, writes,
 * DMA. For each SeaBIOS does what it does without fw_cfg: boot order and
 * RAM from the CMOS, its own MP and SMBIOS tables, no ACPI tables.
 */
#include "devices/fwcfg.h"

#include <stdlib.h>

#include "snapshot.h"

#define FWCFG_SELECTOR       0 /* port offsets */
#define FWCFG_DATA           1
#define FWCFG_WRITE_CHANNEL  0x4000 /* selector bit 14: write access requested */
#define FWCFG_ID_TRADITIONAL 0x1    /* ID bit 0: the selector/data ports */
#define FWCFG_SIG_LEN        4
#define FWCFG_ITEM_MAX       8  /* the longest item: the RAM size */
#define FWCFG_NITEMS         10 /* items in the table */

/* One item: its key and bytes. */
struct fwcfg_item {
    uint16_t key;                 /* the selector value (without bit 14) */
    uint8_t len;                  /* bytes of data */
    uint8_t data[FWCFG_ITEM_MAX]; /* the bytes the data port returns */
};

struct fwcfg {
    uint16_t selector;                    /* the key last selected */
    uint32_t offset;                      /* the next byte of the item to read */
    struct fwcfg_item item[FWCFG_NITEMS]; /* the items: fixed at creation */
    size_t n_items;                       /* entries of item[] used */
};

/* --- the items --- */

/* Add an item holding v as len little-endian bytes. */
static void add_le(struct fwcfg *f, uint16_t key, uint64_t v, uint8_t len)
{
    struct fwcfg_item *it = &f->item[f->n_items++];
    it->key = key;
    it->len = len;
    for (int k = 0; k < len; k++)
        it->data[k] = (uint8_t)(v >> (8 * k));
}

static void build_items(struct fwcfg *f, const struct fwcfg_config *cfg)
{
    struct fwcfg_item *sig = &f->item[f->n_items++];
    *sig = (struct fwcfg_item){FWCFG_SIGNATURE, FWCFG_SIG_LEN, {'Q', 'E', 'M', 'U'}};
    add_le(f, FWCFG_ID, FWCFG_ID_TRADITIONAL, 4);
    add_le(f, FWCFG_RAM_SIZE, cfg->ram_size, 8);
    add_le(f, FWCFG_NB_CPUS, cfg->cpus, 2);
    add_le(f, FWCFG_BOOT_DEVICE, cfg->boot_device, 2);
    add_le(f, FWCFG_BOOT_MENU, 0, 2); /* -boot menu=off */
    add_le(f, FWCFG_MAX_CPUS, cfg->cpus, 2);
    add_le(f, FWCFG_FILE_DIR, 0, 4); /* a count of 0 reads the same in either byte order */
    add_le(f, FWCFG_IRQ0_OVERRIDE, cfg->irq0_override ? 1 : 0, 4);
}

static const struct fwcfg_item *find(const struct fwcfg *f, uint16_t key)
{
    key &= (uint16_t)~FWCFG_WRITE_CHANNEL;
    for (size_t k = 0; k < f->n_items; k++)
        if (f->item[k].key == key)
            return &f->item[k];
    return NULL;
}

size_t fwcfg_item_size(const struct fwcfg *f, uint16_t key)
{
    const struct fwcfg_item *it = find(f, key);
    return it ? it->len : 0;
}

/* --- the ports --- */

/* The next byte of the selected item; 0 past its end or without one. The
 * offset stops at its maximum rather than wrap onto the item again. */
static uint8_t data_byte(struct fwcfg *f)
{
    const struct fwcfg_item *it = find(f, f->selector);
    uint8_t v = it && f->offset < it->len ? it->data[f->offset] : 0;
    if (f->offset != UINT32_MAX)
        f->offset++;
    return v;
}

/* Byte by byte: the selector is write only, so its byte floats high; each
 * byte of the data port is the next data byte. */
static uint32_t fwcfg_read(void *opaque, uint32_t offset, int size)
{
    struct fwcfg *f = opaque;
    uint32_t v = 0;
    for (int k = 0; k < size; k++) {
        uint32_t byte = offset + (uint32_t)k == FWCFG_DATA ? data_byte(f) : 0xff;
        v |= byte << (8 * k);
    }
    return v;
}

/* Only a word written to the selector selects (QEMU treats a byte there as
 * a data write); data writes are ignored. */
static void fwcfg_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct fwcfg *f = opaque;
    if (offset == FWCFG_SELECTOR && size == 2) {
        f->selector = (uint16_t)value;
        f->offset = 0;
    }
}

/* --- reset, fields, lifecycle --- */

void fwcfg_reset(struct fwcfg *f)
{
    f->selector = FWCFG_SIGNATURE;
    f->offset = 0;
}

static const struct devfield fwcfg_fields[] = {
    DEVFIELD(struct fwcfg, selector, DF_U16, "the item selected at 0x510 (its key)"),
    DEVFIELD(struct fwcfg, offset, DF_U32, "the next byte of it that 0x511 returns"),
};

size_t fwcfg_devinfo(struct fwcfg *f, struct devinfo *out, size_t max)
{
    if (max < 1)
        return 0;
    out[0] =
        (struct devinfo){"fwcfg", fwcfg_fields, sizeof fwcfg_fields / sizeof fwcfg_fields[0], f};
    return 1;
}

struct fwcfg *fwcfg_create(struct bus *b, uint16_t port, const struct fwcfg_config *cfg)
{
    struct fwcfg *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    build_items(f, cfg);
    if (bus_map_io(b, port, FWCFG_LEN, fwcfg_read, fwcfg_write, f) != 0) {
        free(f);
        return NULL;
    }
    fwcfg_reset(f);
    return f;
}

void fwcfg_destroy(struct fwcfg *f)
{
    free(f);
}

/* Snapshots (snapshot.h): the selector and offset; the items are the
 * machine's configuration, rebuilt when the machine is made. */
static const struct snap_keep fwcfg_keep[] = {
    SNAP_KEEP(struct fwcfg, item),
    SNAP_KEEP(struct fwcfg, n_items),
};

void fwcfg_snap(struct fwcfg *f, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, f, fwcfg_keep);
}
