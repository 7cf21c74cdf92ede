/*
 * cmos_layout.c - what the PC BIOS keeps in the RTC's RAM, and how the
 * machine fills it in before the guest starts (the CMOS_* map is in cmos.h).
 *
 * The MC146818 (cmos.c) only stores these bytes; their meaning is a
 * convention between the BIOS and its setup program, begun by the IBM PC/AT
 * (Technical Reference, "CMOS RAM address map") and extended by later
 * BIOSes. On real hardware the user ran SETUP, which wrote the drive types
 * and memory size here; on an emulator the machine writes what it built, so
 * that the firmware finds the truth:
 *
 *   - memory: 0x15-0x16 base memory (640 KiB), 0x17-0x18 and 0x30-0x31 KiB
 *     above 1 MiB (a 16-bit count: at most 0xFFFF, just under 64 MiB), then
 *     for larger machines 0x34-0x35 in 64-KiB units above 16 MiB and
 *     0x5B-0x5D above 4 GiB. The Bochs BIOS and SeaBIOS build their E820
 *     memory map from these (FIRMWARE.md, 1a and 1c).
 *   - drives: 0x10 floppy types, 0x12 hard disk types with "type 47, user
 *     defined" in 0x19/0x1A and the geometry in the tables at 0x1B and 0x24,
 *     0x39 the translation the Bochs BIOS's INT 13h applies.
 *   - 0x14 the equipment byte, which POST copies into the BIOS data area
 *     (INT 11h): floppy count, FPU, display type (00: a VGA with its own BIOS).
 *   - boot order: 0x3D and 0x38 (Bochs BIOS with El Torito, SeaBIOS), and
 *     the older 0x2D bit 5, "A: before C:".
 *   - 0x5F the number of CPUs less one: SeaBIOS waits for that many to
 *     answer the startup IPI.
 *   - a checksum of 0x10-0x2D at 0x2E (high byte) and 0x2F (low). A BIOS
 *     that finds it wrong reports "CMOS checksum error" and loads defaults.
 *     The guest's own writes do not update it: a BIOS's setup program does.
 */
#include "devices/cmos.h"

#define KIB 1024u
#define MIB (1024u * KIB)

#define CMOS_DISK_USER 47 /* the "user defined" disk type: geometry in the table */

/* The geometry table of a disk (AT BIOS "fixed disk parameter table"). */
#define DISK_CYLINDERS   0 /* 16 bits */
#define DISK_HEADS       2
#define DISK_PRECOMP     3 /* 16 bits: write precompensation cylinder, 0xFFFF none */
#define DISK_CONTROL     5 /* bits 7-6 retries disabled; bit 3 more than 8 heads */
#define DISK_LANDING     6 /* 16 bits: landing zone cylinder */
#define DISK_SECTORS     8 /* sectors per track */
#define DISK_TABLE_BYTES 9

static void put16(struct cmos *c, uint8_t index, uint64_t v)
{
    cmos_set_byte(c, index, (uint8_t)v);
    cmos_set_byte(c, (uint8_t)(index + 1), (uint8_t)(v >> 8));
}

/* Recompute 0x2E-0x2F: the 16-bit sum of 0x10-0x2D, high byte first. */
static void update_checksum(struct cmos *c)
{
    unsigned sum = 0;
    for (uint8_t i = CMOS_FLOPPY_TYPES; i < CMOS_CHECKSUM; i++)
        sum += cmos_get_byte(c, i);
    cmos_set_byte(c, CMOS_CHECKSUM, (uint8_t)(sum >> 8));
    cmos_set_byte(c, CMOS_CHECKSUM + 1, (uint8_t)sum);
}

/* Replace the bits of mask in byte index by bits. */
static void set_bits(struct cmos *c, uint8_t index, uint8_t mask, uint8_t bits)
{
    cmos_set_byte(c, index, (uint8_t)((cmos_get_byte(c, index) & ~mask) | (bits & mask)));
}

static uint64_t cap16(uint64_t v)
{
    return v > 0xffff ? 0xffff : v;
}

void cmos_set_memory(struct cmos *c, uint64_t ram_bytes)
{
    const uint64_t four_gib = 4ull << 30;
    uint64_t low = ram_bytes < four_gib ? ram_bytes : four_gib;
    uint64_t ext_kib = low > MIB ? (low - MIB) / KIB : 0;
    uint64_t above_16m = low > 16 * MIB ? (low - 16 * MIB) / (64 * KIB) : 0;
    uint64_t above_4g = (ram_bytes - low) / (64 * KIB);
    put16(c, CMOS_BASE_MEM, low / KIB < 640 ? low / KIB : 640);
    put16(c, CMOS_EXT_MEM, cap16(ext_kib));
    put16(c, CMOS_EXT_MEM2, cap16(ext_kib));
    put16(c, CMOS_MEM_ABOVE_16M, cap16(above_16m));
    put16(c, CMOS_MEM_ABOVE_4G, above_4g);
    cmos_set_byte(c, CMOS_MEM_ABOVE_4G + 2, (uint8_t)(above_4g >> 16));
    update_checksum(c);
}

void cmos_set_floppy(struct cmos *c, uint8_t type_a, uint8_t type_b)
{
    type_a &= 0x0f;
    type_b &= 0x0f;
    int n = (type_a != 0) + (type_b != 0);
    uint8_t equip = n > 0 ? (uint8_t)(CMOS_EQUIP_FLOPPY | (n - 1) << 6) : 0;
    cmos_set_byte(c, CMOS_FLOPPY_TYPES, (uint8_t)(type_a << 4 | type_b));
    set_bits(c, CMOS_EQUIPMENT, CMOS_EQUIP_FLOPPY | CMOS_EQUIP_NFLOPPY, equip);
    update_checksum(c);
}

/* The translation the Bochs BIOS's own set-up picks for a geometry ("auto"):
 * none for a disk INT 13h can address as it is, "large" (heads doubled,
 * cylinders halved) while that fits, LBA beyond. */
static uint8_t disk_translation(uint16_t cylinders, uint8_t heads, uint8_t sectors)
{
    if (cylinders <= 1024 && heads <= 16 && sectors <= 63)
        return 0;
    return (uint32_t)cylinders * heads <= 131072 ? 2 : 1;
}

void cmos_set_disk(struct cmos *c, int unit, uint16_t cylinders, uint8_t heads, uint8_t sectors)
{
    if (unit != 0 && unit != 1)
        return;
    uint8_t t = unit ? CMOS_DISK1_PARAMS : CMOS_DISK0_PARAMS;
    uint8_t type_nibble = unit ? 0x0f : 0xf0, xlat_shift = (uint8_t)(2 * unit);
    bool present = cylinders > 0;
    for (uint8_t k = 0; k < DISK_TABLE_BYTES; k++)
        cmos_set_byte(c, t + k, 0);
    set_bits(c, CMOS_DISK_TYPES, type_nibble, present ? 0xff : 0);
    cmos_set_byte(c, (uint8_t)(CMOS_DISK0_TYPE + unit), present ? CMOS_DISK_USER : 0);
    set_bits(c, CMOS_DISK_XLAT, (uint8_t)(3 << xlat_shift),
             (uint8_t)(present ? disk_translation(cylinders, heads, sectors) << xlat_shift : 0));
    if (present) {
        put16(c, t + DISK_CYLINDERS, cylinders);
        cmos_set_byte(c, t + DISK_HEADS, heads);
        put16(c, t + DISK_PRECOMP, 0xffff);
        cmos_set_byte(c, t + DISK_CONTROL, (uint8_t)(0xc0 | (heads > 8) << 3));
        put16(c, t + DISK_LANDING, cylinders);
        cmos_set_byte(c, t + DISK_SECTORS, sectors);
    }
    update_checksum(c);
}

void cmos_set_boot_order(struct cmos *c, uint8_t first, uint8_t second, uint8_t third)
{
    cmos_set_byte(c, CMOS_BOOT_ORDER, (uint8_t)((first & 0x0f) | (second & 0x0f) << 4));
    set_bits(c, CMOS_BOOT_ORDER3, 0xf0, (uint8_t)(third << 4));
    set_bits(c, CMOS_BOOT_FLAGS, 0x20, first == CMOS_BOOT_FLOPPY ? 0x20 : 0);
    update_checksum(c);
}

void cmos_set_cpus(struct cmos *c, unsigned n)
{
    cmos_set_byte(c, CMOS_CPU_COUNT, (uint8_t)(n > 0 ? n - 1 : 0));
}
