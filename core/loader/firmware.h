/*
 * firmware.h - placing the PC's ROMs in its address space: the system BIOS
 * and the VGA BIOS (see firmware.c).
 */
#ifndef LAB86_FIRMWARE_H
#define LAB86_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

#include "bus.h"

/* Where a PC's ROMs live (IBM PC/AT Technical Reference, "System Memory
 * Map"; the Intel 440FX data sheet for the flash alias below 4 GiB). */
#define FW_VGA_BIOS_BASE   0xc0000u       /* the VGA card's option ROM */
#define FW_VGA_BIOS_MAX    (64u << 10)    /* it must end by 0xD0000 */
#define FW_OPTION_ROM_UNIT 512u           /* option ROM sizes count 512-byte blocks */
#define FW_LOW_BIOS_END    0x100000u      /* the system BIOS ends at the top of the first MiB */
#define FW_LOW_BIOS_MAX    (128u << 10)   /* and fills at most 0xE0000-0xFFFFF there */
#define FW_HIGH_BIOS_END   0x100000000ull /* the whole image also ends at 4 GiB */
#define FW_BIOS_UNIT       (64u << 10)    /* BIOS images come in 64 KiB blocks */
#define FW_BIOS_MAX        (256u << 10)   /* at most 256 KiB (SeaBIOS's bios-256k.bin) */

/* The ROMs a machine was given. */
struct firmware {
    uint8_t *flash;   /* the system BIOS image as mapped below 4 GiB (read only) */
    size_t flash_len; /* its size in bytes; 0: no firmware */
};

/* Check a system BIOS image of len bytes: a multiple of 64 KiB, at most
 * 256 KiB. Returns 0, or -1 with a one-phrase reason in err. */
int firmware_check_bios(size_t len, char *err, size_t errlen);

/* Check a VGA BIOS image: 512 bytes to 64 KiB in 512-byte blocks, starting
 * with the option ROM signature 55 AA. Returns 0 or -1 with a reason. */
int firmware_check_vga_bios(const uint8_t *rom, size_t len, char *err, size_t errlen);

/* Put the ROMs in place on bus b (whose RAM must reach 1 MiB): the BIOS's
 * last min(len, 128 KiB) bytes in RAM just below 1 MiB, the whole image as
 * a read-only region just below 4 GiB (kept in fw->flash), the VGA BIOS
 * (vga may be NULL) in RAM at 0xC0000. Checks both images first. Returns 0,
 * or -1 with a reason in err (nothing placed). Before the first instruction
 * only: it writes RAM behind the TLB's and the code cache's back. */
int firmware_load(struct firmware *fw, struct bus *b, const uint8_t *bios, size_t len,
                  const uint8_t *vga, size_t vga_len, char *err, size_t errlen);

/* Free what firmware_load() kept. */
void firmware_free(struct firmware *fw);

#endif
