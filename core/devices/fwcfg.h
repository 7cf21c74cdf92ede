/*
 * fwcfg.h - QEMU's firmware configuration device ("fw_cfg") on the pc
 * board: how the board tells SeaBIOS what machine it is (see fwcfg.c).
 */
#ifndef LAB86_FWCFG_H
#define LAB86_FWCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "devfield.h"

/* The x86 I/O ports: the selector at 0x510, the data byte at 0x511 (QEMU's
 * docs/specs/fw_cfg.rst, "IO Port based"). */
#define FWCFG_PORT 0x510
#define FWCFG_LEN  2

/* The items ("selector keys") this device has; QEMU's numbers. */
#define FWCFG_SIGNATURE     0x0000 /* "QEMU" */
#define FWCFG_ID            0x0001 /* u32: interface bits, 1 = traditional */
#define FWCFG_RAM_SIZE      0x0003 /* u64: bytes of RAM */
#define FWCFG_NB_CPUS       0x0005 /* u16: CPUs present at boot */
#define FWCFG_BOOT_DEVICE   0x000c /* u16: the first boot device, 'a' 'c' or 'd' */
#define FWCFG_NUMA          0x000d /* absent: reads 0 nodes */
#define FWCFG_BOOT_MENU     0x000e /* u16: 0 = no interactive boot menu */
#define FWCFG_MAX_CPUS      0x000f /* u16: the most CPUs the machine can have */
#define FWCFG_FILE_DIR      0x0019 /* big-endian u32 count, then the files: none */
#define FWCFG_IRQ0_OVERRIDE 0x8002 /* u32: ISA IRQ 0 arrives on I/O APIC pin 2 */

/* What the board knows and the firmware asks. */
struct fwcfg_config {
    uint64_t ram_size;    /* bytes of RAM */
    uint16_t cpus;        /* CPUs, all present at boot */
    uint16_t boot_device; /* 'a', 'c' or 'd' (--boot) */
    bool irq0_override;   /* the PIT's IRQ 0 is wired to I/O APIC pin 2 */
};

struct fwcfg;

/* Put the device at ports port and port + 1 with the items cfg describes.
 * Returns NULL when out of memory or when the bus's port table is full. */
struct fwcfg *fwcfg_create(struct bus *b, uint16_t port, const struct fwcfg_config *cfg);
/* Power-on state: the signature selected, at its first byte. */
void fwcfg_reset(struct fwcfg *f);
void fwcfg_destroy(struct fwcfg *f);

/* Bytes in the item key selects (0: no such item), for tests. */
size_t fwcfg_item_size(const struct fwcfg *f, uint16_t key);

/* The field table (selector, offset) for the debugger, Lua and snapshots. */
size_t fwcfg_devinfo(struct fwcfg *f, struct devinfo *out, size_t max);
struct snap_region;
void fwcfg_snap(struct fwcfg *f, const char *name, struct snap_region *out);

#endif
