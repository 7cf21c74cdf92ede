/* paging.c - lab 3: two-level 32-bit paging. See lab3.h and Intel SDM vol. 3, 4.3. */
#include <stdint.h>

#include "lab3.h"
#include "x86.h"

int map_page(uint32_t va, uint32_t pa, uint32_t flags)
{
    /* TODO: find (or make, with frame_alloc) the page table for va, then
     * write the entry: pa | flags | PTE_P. Remember invlpg(). */
    (void)va;
    (void)pa;
    (void)flags;
    return -1;
}

uint32_t translate(uint32_t va)
{
    /* TODO: walk the directory and the table like the MMU does. */
    (void)va;
    return (uint32_t)-1;
}

void paging_init(void)
{
    /* TODO: a page directory from frame_alloc(), the two mappings of
     * [0, LOW_MAPPED), then CR3 and CR0 (PG is bit 31, WP bit 16). */
}
