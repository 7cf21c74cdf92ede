/* frame.c - lab 3: the physical frame allocator. See lab3.h. */
#include <stdint.h>

#include "lab3.h"

void frame_init(uint32_t first, uint32_t limit)
{
    /* TODO: remember which frames are yours: [first, limit), page-aligned. */
    (void)first;
    (void)limit;
}

uint32_t frame_alloc(void)
{
    /* TODO: find a free frame, mark it used, return its physical address. */
    return 0;
}

void frame_free(uint32_t pa)
{
    /* TODO */
    (void)pa;
}
