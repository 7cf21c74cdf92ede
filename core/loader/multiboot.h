/*
 * multiboot.h - the Multiboot v1 direct loader (see multiboot.c).
 */
#ifndef LAB86_MULTIBOOT_H
#define LAB86_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "interp/cpu.h"

/* Low memory the loader uses for itself; a kernel may not load over it.
 *   0x8000-0x8EFF  a courtesy stack (ESP = 0x8F00 at entry)
 *   0x8F00-0x8F17  the boot GDT: null, flat code 0x08, flat data 0x10
 *   0x9000-0x9073  the multiboot information structure (EBX at entry)
 *   0x9080-0x90AF  the memory map (two entries)
 *   0x90C0-0x90C5  the boot loader name, "lab86"
 *   0x9100-0x9FFF  the command line (at most MB_CMDLINE_MAX bytes + NUL) */
#define MB_AREA_START   0x8000
#define MB_STACK_TOP    0x8f00
#define MB_GDT_ADDR     0x8f00
#define MB_INFO_ADDR    0x9000
#define MB_MMAP_ADDR    0x9080
#define MB_NAME_ADDR    0x90c0
#define MB_CMDLINE_ADDR 0x9100
#define MB_AREA_END     0xa000 /* first byte after the area */
#define MB_CMDLINE_MAX  (MB_AREA_END - MB_CMDLINE_ADDR - 1)

/* Selectors of the boot GDT, loaded into CS and into DS/ES/FS/GS/SS. */
#define MB_SEL_CODE 0x08
#define MB_SEL_DATA 0x10

/* Load the multiboot kernel image[0..len) into b's RAM, build the multiboot
 * information for the command line cmdline (NULL: empty), and put c in the
 * multiboot entry state. b's RAM must be larger than 1 MiB. Returns 0, or -1
 * with a one-phrase reason in err (no file name: the caller adds it); on
 * failure RAM and the CPU are unchanged. */
int multiboot_load(struct bus *b, struct cpu *c, const uint8_t *image, size_t len,
                   const char *cmdline, char *err, size_t errlen);

#endif
