/*
 * fpu_native.h - one x87 code sequence run twice, natively on the host and
 * in lab86, for the instruction-level differential tests (test_fpu.c).
 *
 * The trick: an x87 instruction whose operands are registers or [edi+disp]
 * has the same bytes in 32-bit code and in 64-bit code (where it addresses
 * [rdi+disp]). So a sequence built only from such forms runs natively as a
 * function called with its data block in RDI, and in lab86 as 32-bit
 * protected-mode code with EDI pointing at a copy of the block. Each
 * sequence ends with FNSAVE [edi+IMG] (the 108-byte 32-bit image, which is
 * also what 64-bit mode stores) and SETcc bytes for EFLAGS; the blocks are
 * then compared, leaving out the instruction and operand pointers, which
 * hold addresses that differ by construction.
 */
#ifndef LAB86_FPU_NATIVE_H
#define LAB86_FPU_NATIVE_H

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "unit_util.h"

#define NAT_BLOCK 0x200    /* data block size */
#define NAT_IMG 0x100      /* FNSAVE image offset in the block */
#define NAT_FLAGS 0x1c0    /* SETC, SETZ, SETP bytes */
#define NAT_CODE_MAX 512

#define NAT_CODE_PA 0x10000 /* lab86: code */
#define NAT_DATA_PA 0x20000 /* lab86: data block */

struct nat_code {
    uint8_t b[NAT_CODE_MAX];
    int n;
    int ends[64]; /* where each instruction ends (for a failure's trace) */
    int count;    /* instructions recorded in ends */
};

static inline void nat_emit(struct nat_code *c, const uint8_t *b, int n)
{
    ck_assert_int_le(c->n + n, NAT_CODE_MAX - 1);
    memcpy(c->b + c->n, b, (size_t)n);
    c->n += n;
    if (c->count < 64)
        c->ends[c->count++] = c->n;
}

/* The common tail: FNSAVE [edi+IMG]; SETC/SETZ/SETP [edi+FLAGS+k]. */
static inline void nat_epilogue(struct nat_code *c)
{
    const uint8_t tail[] = {
        0x0f, 0x92, 0x87, NAT_FLAGS & 0xff, NAT_FLAGS >> 8, 0, 0,       /* setc */
        0x0f, 0x94, 0x87, (NAT_FLAGS + 1) & 0xff, NAT_FLAGS >> 8, 0, 0, /* setz */
        0x0f, 0x9a, 0x87, (NAT_FLAGS + 2) & 0xff, NAT_FLAGS >> 8, 0, 0, /* setp */
        0xdd, 0xb7, NAT_IMG & 0xff, NAT_IMG >> 8, 0, 0,                 /* fnsave [edi+IMG] */
    };
    nat_emit(c, tail, sizeof tail);
}

/* Run natively: the code plus RET in page, an executable page from
 * nat_page(). */
static inline uint8_t *nat_page(void)
{
    uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(page, MAP_FAILED);
    return page;
}

static inline void nat_run_host(uint8_t *page, const struct nat_code *c, uint8_t *block)
{
    memcpy(page, c->b, (size_t)c->n);
    page[c->n] = 0xc3;
    void (*fn)(uint8_t *) = (void (*)(uint8_t *))(uintptr_t)page;
    fn(block);
}

/* Put m's CPU in flat 32-bit protected mode at CPL 0 (caches set by hand:
 * no descriptor is ever loaded). */
static inline void nat_flat32(struct unit_machine *m)
{
    struct cpu *c = &m->cpu;
    const uint16_t code = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G | SEG_TYPE_CODE |
                          SEG_TYPE_READABLE | SEG_TYPE_ACCESSED;
    const uint16_t data = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G | SEG_TYPE_WRITABLE |
                          SEG_TYPE_ACCESSED;
    c->cr0 |= CR0_PE | CR0_NE;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        c->seg[s] = seg_make(0x10, 0, 0xffffffffu, data);
    c->seg[SEG_CS] = seg_make(0x08, 0, 0xffffffffu, code);
    cpu_update_mode(c);
}

/* Run in lab86 on m (from um_new, reused): the code plus HLT, 32-bit flat,
 * EDI at the block. */
static inline void nat_run_lab86(struct unit_machine *m, const struct nat_code *c,
                                 uint8_t *block)
{
    cpu_reset(&m->cpu);
    nat_flat32(m);
    um_load(m, NAT_CODE_PA, c->b, (size_t)c->n);
    m->bus.ram[NAT_CODE_PA + c->n] = 0xf4;
    um_load(m, NAT_DATA_PA, block, NAT_BLOCK);
    m->cpu.eip = NAT_CODE_PA;
    m->cpu.gpr[R_EDI] = NAT_DATA_PA;
    m->cpu.gpr[R_ESP] = 0x8000;
    um_step(m, 200);
    ck_assert_int_eq(m->cpu.stop, CPU_HALTED);
    ck_assert_uint_eq(m->cpu.eip, NAT_CODE_PA + (uint32_t)c->n + 1);
    memcpy(block, m->bus.ram + NAT_DATA_PA, NAT_BLOCK);
}

/* Bytes of the image that hold pointers (FIP, FCS, FOP, FDP, FDS). */
static inline bool nat_pointer_byte(int off)
{
    return off >= NAT_IMG + 12 && off < NAT_IMG + 28;
}

#endif
