/*
 * elf.c - the part of the ELF format a kernel loader needs.
 *
 * An ELF executable (System V ABI, "Object Files", and its i386 supplement)
 * begins with a fixed header that says what the file is (class, byte order,
 * type, machine) and where its program header table is. Each program header
 * of type PT_LOAD describes one segment: p_filesz bytes at file offset
 * p_offset, to be placed at p_paddr (physical) / p_vaddr (virtual), followed
 * by p_memsz - p_filesz zero bytes (the .bss). A loader needs nothing else:
 * sections, symbols and relocations are for linkers and debuggers.
 *
 * Multiboot kernels are linked to run where they are loaded with paging off,
 * so the physical address is the one to use. A "higher-half" kernel links
 * its code at 0xC0100000 (p_vaddr) but loads it at 0x100000 (p_paddr) and
 * enables paging itself; using p_paddr is what makes that work.
 *
 * The file is untrusted input: every offset and size is checked against the
 * file's length before anything is read, with 64-bit arithmetic so that no
 * sum can wrap.
 */
#include "loader/elf.h"

#include <stdio.h>

#include "bus.h"

/* e_ident[] indexes and values. */
#define EI_CLASS    4 /* 1 = 32-bit, 2 = 64-bit */
#define EI_DATA     5 /* 1 = little-endian, 2 = big-endian */
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1

/* Elf32_Ehdr field offsets (52 bytes in all). */
#define EHDR_SIZE   52
#define E_TYPE      16 /* u16: ET_* */
#define E_MACHINE   18 /* u16: EM_* */
#define E_ENTRY     24 /* u32: entry point */
#define E_PHOFF     28 /* u32: program header table offset */
#define E_PHENTSIZE 42 /* u16: bytes per program header */
#define E_PHNUM     44 /* u16: number of program headers */
#define ET_EXEC     2  /* executable file */
#define EM_386      3  /* Intel 80386 */

/* Elf32_Phdr field offsets (32 bytes). */
#define PHDR_SIZE 32
#define P_TYPE    0  /* u32: PT_* */
#define P_OFFSET  4  /* u32: file offset */
#define P_PADDR   12 /* u32: physical address */
#define P_FILESZ  16 /* u32: bytes in the file */
#define P_MEMSZ   20 /* u32: bytes in memory */
#define PT_LOAD   1  /* loadable segment */

bool elf_is_elf(const uint8_t *img, size_t len)
{
    return len >= 4 && img[0] == 0x7f && img[1] == 'E' && img[2] == 'L' && img[3] == 'F';
}

/* The identification and type checks, in the order a reader would make them. */
static int check_header(const uint8_t *img, size_t len, char *err, size_t errlen)
{
    if (len < EHDR_SIZE) {
        snprintf(err, errlen, "truncated ELF header (%zu bytes, needs %d)", len, EHDR_SIZE);
        return -1;
    }
    if (img[EI_CLASS] != ELFCLASS32) {
        snprintf(err, errlen, "%s ELF file: a multiboot v1 kernel must be 32-bit (ELFCLASS32)",
                 img[EI_CLASS] == ELFCLASS64 ? "64-bit" : "unknown-class");
        return -1;
    }
    if (img[EI_DATA] != ELFDATA2LSB) {
        snprintf(err, errlen, "big-endian ELF file: an i386 kernel is little-endian");
        return -1;
    }
    uint32_t machine = ld_le(img + E_MACHINE, 2), type = ld_le(img + E_TYPE, 2);
    if (machine != EM_386) {
        snprintf(err, errlen, "ELF machine %u is not i386 (EM_386 = %d)", machine, EM_386);
        return -1;
    }
    if (type != ET_EXEC) {
        snprintf(err, errlen, "ELF type %u is not an executable (ET_EXEC = %d); link the kernel",
                 type, ET_EXEC);
        return -1;
    }
    return 0;
}

/* Add the PT_LOAD header at ph (number n, for messages) to plan. */
static int add_segment(const uint8_t *ph, int n, size_t len, struct load_plan *plan, char *err,
                       size_t errlen)
{
    struct load_segment s = {
        .paddr = ld_le(ph + P_PADDR, 4),
        .offset = ld_le(ph + P_OFFSET, 4),
        .filesz = ld_le(ph + P_FILESZ, 4),
        .memsz = ld_le(ph + P_MEMSZ, 4),
    };
    if (s.memsz == 0)
        return 0; /* nothing to place */
    if (s.filesz > s.memsz) {
        snprintf(err, errlen,
                 "ELF program header %d: p_filesz 0x%llx is larger than p_memsz 0x%llx", n,
                 (unsigned long long)s.filesz, (unsigned long long)s.memsz);
        return -1;
    }
    if (s.offset + s.filesz > len) {
        snprintf(err, errlen,
                 "truncated: ELF segment %d needs file bytes 0x%llx-0x%llx, the file has %zu bytes",
                 n, (unsigned long long)s.offset, (unsigned long long)(s.offset + s.filesz - 1),
                 len);
        return -1;
    }
    if (plan->nseg == LOAD_MAX_SEGMENTS) {
        snprintf(err, errlen, "more than %d PT_LOAD segments", LOAD_MAX_SEGMENTS);
        return -1;
    }
    plan->seg[plan->nseg++] = s;
    return 0;
}

int elf32_plan(const uint8_t *img, size_t len, struct load_plan *plan, char *err, size_t errlen)
{
    if (check_header(img, len, err, errlen) != 0)
        return -1;
    uint64_t phoff = ld_le(img + E_PHOFF, 4);
    uint32_t phentsize = ld_le(img + E_PHENTSIZE, 2), phnum = ld_le(img + E_PHNUM, 2);
    if (phnum > 0 && phentsize < PHDR_SIZE) {
        snprintf(err, errlen, "ELF program headers of %u bytes (an Elf32_Phdr has %d)", phentsize,
                 PHDR_SIZE);
        return -1;
    }
    if (phoff + (uint64_t)phnum * phentsize > len) {
        snprintf(err, errlen,
                 "truncated: the ELF program header table (%u entries at 0x%llx) "
                 "runs past the end of the file (%zu bytes)",
                 phnum, (unsigned long long)phoff, len);
        return -1;
    }
    plan->nseg = 0;
    plan->entry = ld_le(img + E_ENTRY, 4);
    for (uint32_t k = 0; k < phnum; k++) {
        const uint8_t *ph = img + phoff + (uint64_t)k * phentsize;
        if (ld_le(ph + P_TYPE, 4) == PT_LOAD && add_segment(ph, (int)k, len, plan, err, errlen))
            return -1;
    }
    if (plan->nseg == 0) {
        snprintf(err, errlen, "no PT_LOAD program header: the ELF file has nothing to load");
        return -1;
    }
    return 0;
}
