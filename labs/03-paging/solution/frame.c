/* frame.c - lab 3 solution: a bitmap frame allocator. */
#include <stdint.h>

#include "lab3.h"

#define MAX_FRAMES (1u << 20) /* 4 GiB of 4 KiB frames */

static uint32_t bitmap[MAX_FRAMES / 32]; /* bit set: frame in use or not ours */
static uint32_t lo, hi;                  /* frame numbers we manage: [lo, hi) */

void frame_init(uint32_t first, uint32_t limit)
{
    lo = (first + PAGE_SIZE - 1) / PAGE_SIZE;
    hi = limit / PAGE_SIZE;
    for (uint32_t f = 0; f < MAX_FRAMES / 32; f++)
        bitmap[f] = 0;
}

uint32_t frame_alloc(void)
{
    for (uint32_t f = lo; f < hi; f++) {
        if (!(bitmap[f / 32] & (1u << (f % 32)))) {
            bitmap[f / 32] |= 1u << (f % 32);
            return f * PAGE_SIZE;
        }
    }
    return 0;
}

void frame_free(uint32_t pa)
{
    uint32_t f = pa / PAGE_SIZE;
    if (f >= lo && f < hi)
        bitmap[f / 32] &= ~(1u << (f % 32));
}
