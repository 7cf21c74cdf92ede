/*
 * linux.h - the Linux/x86 boot protocol direct loader (see linux.c).
 */
#ifndef LAB86_LINUX_H
#define LAB86_LINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "interp/cpu.h"

/* Low memory the loader uses (all below the EBDA at 0x9FC00):
 *   0x90000-0x90FFF  boot_params, the "zero page" (ESI at entry)
 *   0x91000-0x9101F  the boot GDT: two null entries, flat code 0x10, flat data 0x18
 *   0x9E000-0x9EFFF  the command line (at most LX_CMDLINE_MAX bytes + NUL)
 * The stack below 0x90000 is a courtesy: ESP = 0x90000 at entry. */
#define LX_ZERO_PAGE    0x90000
#define LX_GDT_ADDR     0x91000
#define LX_CMDLINE_ADDR 0x9e000
#define LX_CMDLINE_MAX  4095
#define LX_AREA_END     0x9f000 /* first byte after the loader's low area */
#define LX_KERNEL_ADDR  0x100000 /* where the protected-mode kernel goes */

/* Selectors of the boot GDT: __BOOT_CS and __BOOT_DS of boot.rst. */
#define LX_SEL_CODE 0x10
#define LX_SEL_DATA 0x18

/* Does image[0..len) carry a Linux setup header ("HdrS" at offset 0x202)? */
bool linux_is_kernel(const uint8_t *image, size_t len);

/* Load the Linux kernel kernel[0..klen) (a bzImage) into b's RAM, with the
 * initial ramdisk initrd[0..ilen) (ilen 0: none) and the command line cmdline
 * (NULL: empty), and put c in the 32-bit boot protocol's entry state.
 * Returns 0, or -1 with a one-phrase reason in err (no file name: the caller
 * adds it); on failure RAM and the CPU are unchanged. */
int linux_load(struct bus *b, struct cpu *c, const uint8_t *kernel, size_t klen,
               const uint8_t *initrd, size_t ilen, const char *cmdline, char *err,
               size_t errlen);

#endif
