/*
 * firmware.c - the PC's ROMs: where the system BIOS and the VGA BIOS sit in
 * the address space, and what the CPU finds at its reset vector.
 *
 * A PC starts in real mode with CS.base = 0xFFFF0000 and EIP = 0xFFF0: its
 * first instruction is 16 bytes below 4 GiB (SDM vol. 3, 9.1.4). The board
 * decodes the top of the address space to the BIOS flash chip, and also
 * mirrors the flash's last 64 or 128 KiB at the top of the first MiB
 * (0xF0000 or 0xE0000), where the 8086-era BIOS always lived; the jump at
 * the reset vector (to F000:E05B) continues there. The VGA card's BIOS is
 * an option ROM at 0xC0000 that the system BIOS finds by its 55 AA
 * signature and calls during POST.
 *
 *     0xFFFFFFFF  +---------------+
 *                 | BIOS (whole)  |  read-only region (bus_map_rom), 64-256 KiB
 *                 +---------------+
 *                 :               :
 *     0x00100000  +---------------+
 *                 | BIOS (last    |  RAM preloaded with the image ("shadow")
 *                 |  64/128 KiB)  |
 *     0x000E0000  +- - - - - - - -+
 *                 | option ROMs   |  RAM (zero where no ROM is)
 *     0x000C0000  | VGA BIOS      |  RAM preloaded with the VGA BIOS
 *                 +---------------+
 *                 | VGA window    |  the VGA's memory-mapped window (a RAM hole)
 *     0x000A0000  +---------------+
 *
 * Shadow RAM: a deliberate simplification. Real chipsets copy the ROMs into
 * RAM at 0xC0000-0xFFFFF under the control of the host bridge's PAM
 * registers (Intel 440FX, registers 0x59-0x5F: each 16 KiB segment reads
 * and writes ROM or RAM); firmware unlocks them to decompress or patch
 * itself, then locks them read-only. Until the i440FX exists, the whole
 * area is plain RAM initialised from the images and left writable, the
 * state "shadowing on, write-protect off". Firmware that patches itself
 * works (the Bochs BIOS does not need more; SeaBIOS needs exactly this
 * state), and the TLB can hold host pointers for the BIOS's code, which
 * runs much faster than through the bus. The one thing lost is that a
 * guest that scribbles over the BIOS is not stopped. The alias below 4 GiB
 * is real read-only ROM, as the flash is.
 */
#include "loader/firmware.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPTION_ROM_SIG0 0x55 /* the first two bytes of every option ROM */
#define OPTION_ROM_SIG1 0xaa

int firmware_check_bios(size_t len, char *err, size_t errlen)
{
    if (len != 0 && len % FW_BIOS_UNIT == 0 && len <= FW_BIOS_MAX)
        return 0;
    snprintf(err, errlen, "a BIOS image must be 64, 128, 192 or 256 KiB (this one is %zu bytes)",
             len);
    return -1;
}

int firmware_check_vga_bios(const uint8_t *rom, size_t len, char *err, size_t errlen)
{
    if (len == 0 || len % FW_OPTION_ROM_UNIT != 0 || len > FW_VGA_BIOS_MAX) {
        snprintf(err, errlen,
                 "a VGA BIOS must be 512 bytes to 64 KiB in blocks of 512 (this one is %zu "
                 "bytes)",
                 len);
        return -1;
    }
    if (rom[0] != OPTION_ROM_SIG0 || rom[1] != OPTION_ROM_SIG1) {
        snprintf(err, errlen, "not an option ROM (it does not start with 55 AA)");
        return -1;
    }
    return 0;
}

/* The BIOS's last bytes, up to 128 KiB, into RAM below 1 MiB. */
static void place_low_bios(struct bus *b, const uint8_t *bios, size_t len)
{
    size_t low = len < FW_LOW_BIOS_MAX ? len : FW_LOW_BIOS_MAX;
    memcpy(b->ram + FW_LOW_BIOS_END - low, bios + len - low, low);
}

int firmware_load(struct firmware *fw, struct bus *b, const uint8_t *bios, size_t len,
                  const uint8_t *vga, size_t vga_len, char *err, size_t errlen)
{
    if (firmware_check_bios(len, err, errlen) != 0 ||
        (vga && firmware_check_vga_bios(vga, vga_len, err, errlen) != 0))
        return -1;
    if (b->ram_size < FW_LOW_BIOS_END) {
        snprintf(err, errlen, "the BIOS needs at least 1 MiB of RAM for its shadow copy");
        return -1;
    }
    uint8_t *flash = malloc(len);
    if (!flash || bus_map_rom(b, FW_HIGH_BIOS_END - len, len, flash) != 0) {
        free(flash);
        snprintf(err, errlen, "cannot map the BIOS: out of memory");
        return -1;
    }
    memcpy(flash, bios, len);
    place_low_bios(b, bios, len);
    if (vga)
        memcpy(b->ram + FW_VGA_BIOS_BASE, vga, vga_len);
    fw->flash = flash;
    fw->flash_len = len;
    return 0;
}

void firmware_free(struct firmware *fw)
{
    free(fw->flash);
    fw->flash = NULL;
    fw->flash_len = 0;
}
