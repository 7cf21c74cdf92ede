/* paging.c - lab 3 solution: two-level 32-bit paging. */
#include <stdint.h>

#include "lab3.h"
#include "x86.h"

static uint32_t *page_dir;

static void zero_frame(uint32_t pa)
{
    uint32_t *p = (uint32_t *)pa; /* frames below LOW_MAPPED are identity-mapped */
    for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
        p[i] = 0;
}

int map_page(uint32_t va, uint32_t pa, uint32_t flags)
{
    uint32_t *pde = &page_dir[va >> 22];
    if (!(*pde & PTE_P)) {
        uint32_t table = frame_alloc();
        if (!table)
            return -1;
        zero_frame(table);
        *pde = table | PTE_P | PTE_W | (flags & PTE_U);
    }
    uint32_t *pt = (uint32_t *)(*pde & ~0xFFFu);
    pt[(va >> 12) & 0x3FF] = (pa & ~0xFFFu) | (flags & 0xFFF) | PTE_P;
    invlpg(va);
    return 0;
}

uint32_t translate(uint32_t va)
{
    uint32_t pde = page_dir[va >> 22];
    if (!(pde & PTE_P))
        return (uint32_t)-1;
    uint32_t pte = ((uint32_t *)(pde & ~0xFFFu))[(va >> 12) & 0x3FF];
    if (!(pte & PTE_P))
        return (uint32_t)-1;
    return (pte & ~0xFFFu) | (va & 0xFFF);
}

void paging_init(void)
{
    page_dir = (uint32_t *)frame_alloc();
    zero_frame((uint32_t)page_dir);
    for (uint32_t pa = 0; pa < LOW_MAPPED; pa += PAGE_SIZE) {
        map_page(pa, pa, PTE_W);
        map_page(KERNEL_HIGH + pa, pa, PTE_W);
    }
    write_cr3((uint32_t)page_dir);
    write_cr0(read_cr0() | 0x80010000u); /* PG | WP */
}
