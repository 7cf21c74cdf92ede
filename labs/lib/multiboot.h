/*
 * multiboot.h - the part of the multiboot (v1) information structure the
 * labs read (given code). See the Multiboot Specification 0.6.96, section 3.3.
 */
#ifndef LAB_MULTIBOOT_H
#define LAB_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_BOOT_MAGIC 0x2BADB002
#define MULTIBOOT_INFO_MEMORY 0x1 /* mem_lower and mem_upper are valid */

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower; /* KiB of memory below 1 MiB */
    uint32_t mem_upper; /* KiB of memory from 1 MiB to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;   /* physical address of a C string */
};

#endif
