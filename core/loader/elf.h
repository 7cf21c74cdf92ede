/*
 * elf.h - reading the load instructions out of an ELF32 executable, and the
 * "load plan" every direct loader produces (see elf.c, multiboot.c).
 *
 * A load plan is what a loader decided before touching guest memory: which
 * byte ranges of the file go to which physical addresses, how much to zero
 * after each, and where execution starts. Building the plan first means that
 * a bad file is refused with RAM untouched, and that the checks on where an
 * image may go (multiboot.c) are written once for every file format.
 */
#ifndef LAB86_ELF_H
#define LAB86_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOAD_MAX_SEGMENTS 16 /* PT_LOAD headers a plan may hold */

/* One piece of the image: file bytes [offset, offset+filesz) are copied to
 * physical [paddr, paddr+filesz), then [paddr+filesz, paddr+memsz) is zeroed. */
struct load_segment {
    uint64_t paddr;  /* physical address of the segment's first byte */
    uint64_t offset; /* where its bytes start in the file */
    uint64_t filesz; /* bytes taken from the file */
    uint64_t memsz;  /* bytes in memory (>= filesz; the rest is zeroed: .bss) */
};

struct load_plan {
    struct load_segment seg[LOAD_MAX_SEGMENTS]; /* in file order */
    int nseg;                                   /* used entries of seg[] */
    uint32_t entry;                             /* physical entry point */
};

/* Does the file start with the ELF magic (0x7F 'E' 'L' 'F')? */
bool elf_is_elf(const uint8_t *img, size_t len);

/* Fill plan from an ELF32 i386 executable: every PT_LOAD program header with
 * a non-zero p_memsz, placed at its p_paddr (paging is off at a multiboot
 * entry, so physical is what counts), and e_entry. Checks that the file is
 * 32-bit, little-endian, ET_EXEC, EM_386, that the program header table and
 * every segment's bytes lie inside the file, and that filesz <= memsz.
 * Returns 0, or -1 with the reason in err (one phrase, no file name). Where
 * the segments land is not checked here. */
int elf32_plan(const uint8_t *img, size_t len, struct load_plan *plan, char *err, size_t errlen);

#endif
