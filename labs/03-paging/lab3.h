/*
 * lab3.h - the functions of lab 3 and what they must do (given).
 */
#ifndef LAB3_H
#define LAB3_H

#include <stdint.h>

#include "trap.h"

#define PAGE_SIZE 4096u
#define KERNEL_HIGH 0xC0000000u  /* the kernel's high alias: KERNEL_HIGH + pa maps pa */
#define LOW_MAPPED 0x00400000u   /* 0 - 4 MiB: identity-mapped, and at KERNEL_HIGH */
#define DEMAND_BASE 0xD0000000u  /* [DEMAND_BASE, DEMAND_END): pages made on first touch */
#define DEMAND_END 0xD0400000u

/* Page-table entry flags (Intel SDM vol. 3, 4.3). */
#define PTE_P 0x001  /* present */
#define PTE_W 0x002  /* writable */
#define PTE_U 0x004  /* user */
#define PTE_A 0x020  /* accessed */
#define PTE_D 0x040  /* dirty */
#define PTE_PS 0x080 /* a 4 MiB page (directory entries only) */

/* frame.c: a physical page-frame allocator over [first, limit): frames
 * are 4 KiB and page-aligned. frame_alloc() returns a free frame's
 * physical address, or 0 when none is left; frame_free() gives one back. */
void frame_init(uint32_t first, uint32_t limit);
uint32_t frame_alloc(void);
void frame_free(uint32_t pa);

/* paging.c: build a page directory that maps [0, LOW_MAPPED) twice with 4
 * KiB pages, supervisor and writable: at the same addresses (identity) and
 * at KERNEL_HIGH; load CR3; turn paging on (CR0.PG) with write protection
 * (CR0.WP). Page tables come from frame_alloc(). */
void paging_init(void);
/* Map the page at va to the frame at pa with flags (PTE_P is implied),
 * making the page table if needed; returns 0, or -1 when out of frames. */
int map_page(uint32_t va, uint32_t pa, uint32_t flags);
/* The physical address va maps to, or (uint32_t)-1 when it is not mapped. */
uint32_t translate(uint32_t va);

/* fault.c: the page-fault handler (vector 14). A not-present fault in
 * [DEMAND_BASE, DEMAND_END) maps a fresh zeroed frame there, writable, and
 * returns (the instruction runs again). Any other fault prints
 * "lab3: page fault at 0x%08x, error 0x%x\n" (CR2 and the error code) and
 * ends the run with lab_exit(0x12). */
void page_fault(struct trapframe *tf);

#endif
