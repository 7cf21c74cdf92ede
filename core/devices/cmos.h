/*
 * cmos.h - the MC146818 real-time clock and its 128 bytes of CMOS RAM, at
 * ports 0x70-0x71 and IRQ 8 (see cmos.c).
 */
#ifndef LAB86_CMOS_H
#define LAB86_CMOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "clock.h"
#include "devfield.h"
#include "irq.h"

/* The PC's wiring: index port 0x70, data port 0x71, ISA IRQ 8. */
#define CMOS_PORT   0x70
#define CMOS_NPORTS 2
#define CMOS_IRQ    8
#define CMOS_SIZE   128 /* bytes of clock registers and RAM */

/* Where the clock starts when the front end does not ask for "now":
 * 2000-01-01 00:00:00 UTC, a Saturday, as seconds since 1970 (Unix time).
 * A fixed date keeps every run of a guest identical. */
#define CMOS_DEFAULT_EPOCH 946684800u

/* The PC/AT BIOS's use of the RAM (IBM AT Technical Reference, "CMOS RAM
 * address map"; the bytes from 0x30 on are the later conventions of the
 * Bochs BIOS, QEMU and SeaBIOS, see FIRMWARE.md). cmos_layout.c fills them. */
#define CMOS_SHUTDOWN      0x0f /* shutdown status: why the CPU was reset (0x0A: jump via 40:67) */
#define CMOS_FLOPPY_TYPES  0x10 /* drive A: type in bits 7-4, B: in bits 3-0 */
#define CMOS_DISK_TYPES    0x12 /* disk 0 type in bits 7-4, disk 1 in 3-0 (0xF: see 0x19) */
#define CMOS_EQUIPMENT     0x14 /* equipment byte, copied into the BIOS data area */
#define CMOS_BASE_MEM      0x15 /* 0x15-0x16: base memory in KiB */
#define CMOS_EXT_MEM       0x17 /* 0x17-0x18: KiB above 1 MiB */
#define CMOS_DISK0_TYPE    0x19 /* disk 0 extended type (47: user defined) */
#define CMOS_DISK1_TYPE    0x1a /* disk 1 extended type */
#define CMOS_DISK0_PARAMS  0x1b /* 0x1B-0x23: disk 0 geometry */
#define CMOS_DISK1_PARAMS  0x24 /* 0x24-0x2C: disk 1 geometry */
#define CMOS_BOOT_FLAGS    0x2d /* bit 5: boot A: before C: */
#define CMOS_CHECKSUM      0x2e /* 0x2E (high byte), 0x2F (low): sum of 0x10-0x2D */
#define CMOS_EXT_MEM2      0x30 /* 0x30-0x31: KiB above 1 MiB (again) */
#define CMOS_CENTURY       0x32 /* century, in the clock's format */
#define CMOS_MEM_ABOVE_16M 0x34 /* 0x34-0x35: 64-KiB units above 16 MiB */
#define CMOS_BOOT_ORDER3   0x38 /* bits 7-4: third boot device; bit 0: skip floppy check */
#define CMOS_DISK_XLAT     0x39 /* BIOS translation, 2 bits a disk: 0 none, 1 LBA, 2 large */
#define CMOS_BOOT_ORDER    0x3d /* bits 3-0: first boot device; bits 7-4: second */
#define CMOS_MEM_ABOVE_4G  0x5b /* 0x5B-0x5D: 64-KiB units above 4 GiB */
#define CMOS_CPU_COUNT     0x5f /* number of CPUs - 1 (SeaBIOS waits for them all) */

/* Equipment byte (0x14) bits. */
#define CMOS_EQUIP_FLOPPY  0x01 /* floppy drives present */
#define CMOS_EQUIP_FPU     0x02 /* math coprocessor present */
#define CMOS_EQUIP_MOUSE   0x04 /* PS/2 pointing device present */
#define CMOS_EQUIP_NFLOPPY 0xc0 /* number of floppy drives - 1 */

/* Floppy drive types for cmos_set_floppy() (the AT BIOS's codes, byte 0x10). */
#define CMOS_FLOPPY_NONE  0
#define CMOS_FLOPPY_360K  1 /* 5.25" double density */
#define CMOS_FLOPPY_1_2M  2 /* 5.25" high density */
#define CMOS_FLOPPY_720K  3 /* 3.5" double density */
#define CMOS_FLOPPY_1_44M 4 /* 3.5" high density */
#define CMOS_FLOPPY_2_88M 5 /* 3.5" extra density */

/* Boot devices for cmos_set_boot_order() (Bochs BIOS and SeaBIOS codes). */
#define CMOS_BOOT_NONE   0
#define CMOS_BOOT_FLOPPY 1 /* the first floppy drive, A: */
#define CMOS_BOOT_DISK   2 /* the first hard disk, C: */
#define CMOS_BOOT_CDROM  3 /* the first CD-ROM (El Torito) */

struct cmos;

/* Put the RTC at ports base..base+1 (CMOS_PORT), timed by clk (which must
 * outlive it), driving irq (IRQ 8), with the clock set to start_epoch
 * (seconds since 1970-01-01 00:00:00 UTC; CMOS_DEFAULT_EPOCH for a
 * reproducible run, the host's time only if the front end asks). The
 * registers are as a BIOS leaves them: 32.768 kHz time base and 1024 Hz
 * periodic rate (A = 0x26), 24-hour BCD (B = 0x02), interrupts off; the RAM
 * reports 640 KiB, an FPU, no drives, one CPU, boot from disk, floppy, CD
 * (the machine then calls the cmos_set_* helpers). Returns NULL when
 * out of memory or when the bus's port or the clock's timer table is full. */
struct cmos *cmos_create(struct bus *b, uint16_t base, struct clock *clk, struct irq_line irq,
                         uint64_t start_epoch);
void cmos_destroy(struct cmos *c);

/* The chip's RESET pin (the machine's reset): interrupt enables (PIE, AIE,
 * UIE) and SQWE cleared, the flags in register C cleared, IRQ 8 lowered.
 * The time, register A and the RAM are kept: they run on the battery. */
void cmos_reset(struct cmos *c);

/* Port 0x70 bit 7 as last written: true while the guest masks the NMI. */
bool cmos_nmi_masked(const struct cmos *c);

/* Describe the chip as "cmos" in out[0..max). Returns how many entries were
 * written (1 when max >= 1). */
size_t cmos_devinfo(struct cmos *c, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void cmos_snap(struct cmos *c, const char *name, struct snap_region *out);

/* Bring the clock registers, flags and IRQ 8 up to the current cycle: a
 * reader of the fields, such as the debugger, calls it before looking. */
void cmos_sync(struct cmos *c);

/* A RAM byte (index 0x0E-0x7F; others are ignored) as the host sets it, e.g.
 * from a saved NVRAM image: no checksum is recomputed. */
void cmos_set_byte(struct cmos *c, uint8_t index, uint8_t value);

/* Any of the 128 bytes as stored, without the side effects of a guest read
 * (the clock registers are as of the guest's last access); 0xFF past 0x7F. */
uint8_t cmos_get_byte(const struct cmos *c, uint8_t index);

/* Host-side set-up of the RAM, as a BIOS setup program would leave it
 * (cmos_layout.c). Each one updates the checksum at 0x2E-0x2F. */

/* The memory-size bytes for ram_bytes of RAM from address 0: base memory
 * (0x15-0x16, 640 KiB), KiB above 1 MiB (0x17-0x18 and 0x30-0x31, at most
 * 0xFFFF), 64-KiB units above 16 MiB (0x34-0x35, at most 0xFFFF) and above
 * 4 GiB (0x5B-0x5D). */
void cmos_set_memory(struct cmos *c, uint64_t ram_bytes);

/* Floppy drive types (CMOS_FLOPPY_*) for A: and B: (byte 0x10), and the
 * drive count in the equipment byte (0x14). */
void cmos_set_floppy(struct cmos *c, uint8_t type_a, uint8_t type_b);

/* Hard disk unit 0 or 1 (the primary channel's master and slave) with the
 * given geometry; cylinders == 0 removes it. Sets the type nibble (0x12),
 * type 47 "user defined" (0x19/0x1A), the geometry table (0x1B-0x23 or
 * 0x24-0x2C) and the BIOS translation (0x39). Other units are ignored. */
void cmos_set_disk(struct cmos *c, int unit, uint16_t cylinders, uint8_t heads, uint8_t sectors);

/* The boot order, CMOS_BOOT_* codes, first to third (0x3D, 0x38 bits 4-7),
 * and the legacy "A: before C:" flag (0x2D bit 5). */
void cmos_set_boot_order(struct cmos *c, uint8_t first, uint8_t second, uint8_t third);

/* The number of CPUs the firmware must wait for (byte 0x5F holds n - 1). */
void cmos_set_cpus(struct cmos *c, unsigned n);

#endif
