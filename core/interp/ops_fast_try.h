/*
 * ops_fast_try.h - the fast halves of the threaded core's semi-light
 * entries: the commonest memory forms, tried on the fast path alone.
 *
 * A light entry (tcache_forms.c, light()) runs with no bookkeeping of its own
 * because nothing it does can fault, move the clock but by its own cost,
 * or raise the notice word (threaded.h). A load or a store on the data
 * fast path (mmu_fast.h) cannot either: the fast path is taken only when
 * the access is inside the segment's limit, with the rights, on a TLB hit,
 * on RAM, with no data breakpoint or debugger listening, and then it has
 * no side effect but the access itself. So these forms are semi-light:
 * each try_*() below makes the fast-path test and, when it passes, does
 * the whole instruction and returns true, and the entry is done as a light
 * one; when it fails it has changed nothing and returns false, and
 * run_block() runs the instruction as a heavy entry after all, through its
 * generic handler, as the switch core would (exec_threaded.c, SEMI).
 *
 * A store has one more condition: the page must not hold cached code.
 * A store into code is seen by the block cache (bus.h's watch), which
 * drops the blocks and raises the notice word, and a running block must
 * look at that before its next instruction; a light entry does not look,
 * so such a store takes the heavy way, which does.
 *
 * test_fast.c compares them, run by the threaded core, with the generic
 * handlers; test_threaded.c and test_threaded_light.c run both halves.
 */
#ifndef LAB86_OPS_FAST_TRY_H
#define LAB86_OPS_FAST_TRY_H

#include "ops_fast.h"
#include "ops_fast_rmw.h"

/* mmu_read_inline() without its slow path: true with *val read, false
 * with nothing done. */
static ALWAYS_INLINE bool mmu_read_try(struct cpu *c, int sreg, uint32_t off, int size,
                                       uint32_t *val)
{
    uint32_t lin;
    unsigned k;
    if (!mmu_fast_slot(c, sreg, off, size, false, &lin, &k))
        return false;
    *val = ld_le(mmu_fast_host(c, k, lin), size);
    return true;
}

/* Where a store (or a read-modify-write) of size bytes at sreg:off may
 * go on the fast path: true with the host address in *p, when the fast
 * path takes a write there (a read then needs no test of its own: a page
 * the TLB lets us write we may read, and a writable data segment is
 * readable); else false, with nothing done. A page that holds cached code (see above) has no
 * write fast tag in the TLB of a CPU that runs blocks (tlb.h,
 * tcache_bind()), so it needs no test of the watch map here (the Linux
 * decompressor, threaded core: 35.1 -> 33.3 host instructions a guest
 * instruction, bench.asm 40.0 -> 39.0, by callgrind). */
static ALWAYS_INLINE bool mmu_rmw_try(struct cpu *c, int sreg, uint32_t off, int size, uint8_t **p)
{
    uint32_t lin;
    unsigned k;
    if (!mmu_fast_slot(c, sreg, off, size, true, &lin, &k))
        return false;
    *p = mmu_fast_host(c, k, lin);
    return true;
}

/* mmu_write_inline() without its slow path (mmu_rmw_try()'s conditions). */
static ALWAYS_INLINE bool mmu_write_try(struct cpu *c, int sreg, uint32_t off, int size,
                                        uint32_t val)
{
    uint8_t *p;
    if (!mmu_rmw_try(c, sreg, off, size, &p))
        return false;
    st_le(p, val, size);
    return true;
}

/* LOAD, LOAD16, LOAD8: reg = [memory] (op_mov_G_E). */
static ALWAYS_INLINE bool try_load(struct cpu *c, const struct insn *i, int size, int r1)
{
    uint32_t v;
    if (!mmu_read_try(c, i->seg, ea_offset32(c, i), size, &v))
        return false;
    if (size == 4)
        c->gpr[r1] = v;
    else
        reg_set(c, r1, size, v);
    return true;
}

/* STORE, STORE16, STORE8, STORE_I: [memory] = v (op_mov_E_G, op_mov_E_I). */
static ALWAYS_INLINE bool try_store(struct cpu *c, const struct insn *i, int size, uint32_t v)
{
    return mmu_write_try(c, i->seg, ea_offset32(c, i), size, v);
}

/* MOVZX8, MOVZX16 (op_movzx): the register form never fails. */
static ALWAYS_INLINE bool try_movzx(struct cpu *c, const struct insn *i, int size, int r1, int r2)
{
    uint32_t v;
    if (i->modrm.mod == 3)
        v = reg_get(c, r2, size);
    else if (!mmu_read_try(c, i->seg, ea_offset32(c, i), size, &v))
        return false;
    c->gpr[r1] = v;
    return true;
}

/* ALU_RM<k>: reg32 op= [memory] (op_alu_Gv_Ev). */
static ALWAYS_INLINE bool try_alu_rm(struct cpu *c, const struct insn *i, int k, int r1)
{
    uint32_t b;
    if (!mmu_read_try(c, i->seg, ea_offset32(c, i), 4, &b))
        return false;
    fast_alu_ri(c, k, r1, b);
    return true;
}

/* ALU_MR<k>, ALU_MI<k>: [memory] op= b (op_alu_Ev_Gv, op_alu_E_I; CMP only reads). */
static ALWAYS_INLINE bool try_alu_m(struct cpu *c, const struct insn *i, int k, uint32_t b)
{
    uint32_t a, off = ea_offset32(c, i);
    if (k == ALU_CMP) {
        if (!mmu_read_try(c, i->seg, off, 4, &a))
            return false;
        fast_alu_val(c, k, a, b);
        return true;
    }
    uint8_t *p;
    if (!mmu_rmw_try(c, i->seg, off, 4, &p))
        return false;
    st_le(p, fast_alu_val(c, k, ld_le(p, 4), b), 4);
    return true;
}

/* INC_M, DEC_M, NOT_M (op_inc_E, op_dec_E, op_not_E). */
static ALWAYS_INLINE bool try_unary_m(struct cpu *c, const struct insn *i, int which)
{
    uint8_t *p;
    if (!mmu_rmw_try(c, i->seg, ea_offset32(c, i), 4, &p))
        return false;
    uint32_t a = ld_le(p, 4);
    st_le(p, which == FAST_NOT_M ? ~a : lazy_inc_dec(c, 4, a, which == FAST_INC_M), 4);
    return true;
}

/* PUSH, POP reg32 with a 32-bit stack (op_push_Zv, op_pop_Zv). */
static ALWAYS_INLINE bool try_push(struct cpu *c, int r1)
{
    uint32_t sp = (uint32_t)c->gpr[R_ESP] - 4;
    if (!c->stack32 || !mmu_write_try(c, SEG_SS, sp, 4, (uint32_t)c->gpr[r1]))
        return false;
    c->gpr[R_ESP] = sp;
    return true;
}

static ALWAYS_INLINE bool try_pop(struct cpu *c, int r1)
{
    uint32_t v, sp = (uint32_t)c->gpr[R_ESP];
    if (!c->stack32 || !mmu_read_try(c, SEG_SS, sp, 4, &v))
        return false;
    c->gpr[R_ESP] = sp + 4;
    c->gpr[r1] = v; /* after ESP: POP ESP loads the popped value */
    return true;
}

#endif
