/*
 * rules.c - the documented differences between the 80286 that captured the
 * sst286 vectors and the 386-class CPU lab86 emulates (see rules.h).
 *
 * Each rule cites where the difference is documented. A rule looks only at
 * the test (its bytes, its metadata, the exception the 286 took), never at
 * what lab86 did, so a rule cannot hide an emulator bug in a test the 286
 * and the 386 agree on.
 */
#include "rules.h"

#include <string.h>

/* Exception vectors the rules name (SDM vol. 3, table 6-1). */
#define VEC_UD 6
#define VEC_GP 13
#define IVT_GP (VEC_GP * 4)

void view_insn(const struct moo_test *t, struct insn_view *v)
{
    uint32_t k = 0;
    memset(v, 0, sizeof *v);
    v->len = (int)t->nbytes - (t->nbytes && t->bytes[t->nbytes - 1] == 0xf4);
    for (; k < t->nbytes; k++) {
        uint8_t b = t->bytes[k];
        if (b == 0xf0)
            v->lock = true;
        else if (b == 0xf2 || b == 0xf3)
            v->rep = true;
        else if (b >= 0x64 && b <= 0x67)
            v->prefix386 = true;
        else if (b != 0x26 && b != 0x2e && b != 0x36 && b != 0x3e)
            break;
    }
    v->op = k < t->nbytes ? t->bytes[k] : 0;
    v->modrm = k + 1 < t->nbytes ? t->bytes[k + 1] : 0;
}

static bool expects(const struct moo_test *t, int vector)
{
    return t->has_excp && t->excp_vector == vector;
}

static bool ud_new_in_386(const struct meta_entry *me, const struct moo_test *t,
                          const struct insn_view *v)
{
    (void)me;
    int reg = (v->modrm >> 3) & 7;
    bool fs_gs = (v->op == 0x8c || v->op == 0x8e) && (reg == 4 || reg == 5);
    return expects(t, VEC_UD) && (v->op == 0x0f || v->prefix386 || fs_gs);
}

/* Forms the 386 lets LOCK prefix, with a memory destination (i386 PRM and
 * SDM vol. 2, "LOCK"): opcode and the ModR/M reg values allowed (bit n = /n). */
static const struct {
    uint8_t op, regs;
} lockable[] = {
    {0x00, 0xff}, {0x01, 0xff}, {0x08, 0xff}, {0x09, 0xff}, {0x10, 0xff}, {0x11, 0xff},
    {0x18, 0xff}, {0x19, 0xff}, {0x20, 0xff}, {0x21, 0xff}, {0x28, 0xff}, {0x29, 0xff},
    {0x30, 0xff}, {0x31, 0xff}, {0x80, 0x7f}, {0x81, 0x7f}, {0x82, 0x7f}, {0x83, 0x7f},
    {0x86, 0xff}, {0x87, 0xff}, {0xf6, 0x0c}, {0xf7, 0x0c}, {0xfe, 0x03}, {0xff, 0x03},
};

static bool lock_ud_on_386(const struct meta_entry *me, const struct moo_test *t,
                           const struct insn_view *v)
{
    (void)me;
    (void)t;
    if (!v->lock)
        return false;
    if ((v->modrm >> 6) == 3)
        return true; /* register destination */
    for (size_t k = 0; k < sizeof lockable / sizeof lockable[0]; k++)
        if (lockable[k].op == v->op)
            return !(lockable[k].regs & (1u << ((v->modrm >> 3) & 7)));
    return true;
}

static bool too_long_for_286(const struct meta_entry *me, const struct moo_test *t,
                             const struct insn_view *v)
{
    (void)me;
    return v->len > 10 && expects(t, VEC_GP);
}

static bool fpu_form(const struct meta_entry *me, const struct moo_test *t,
                     const struct insn_view *v)
{
    (void)t;
    (void)v;
    return strcmp(me->status, "fpu") == 0;
}

static bool string_gp(const struct meta_entry *me, const struct moo_test *t,
                      const struct insn_view *v)
{
    (void)me;
    bool string = (v->op >= 0x6c && v->op <= 0x6f) || (v->op >= 0xa4 && v->op <= 0xa7) ||
                  (v->op >= 0xaa && v->op <= 0xaf);
    return string && expects(t, VEC_GP);
}

/* The table (its size is checked against RULE_COUNT by the declaration in
 * rules.h). The first rule that applies to a test decides. */
const struct skip_rule skip_rules[] = {
    /* README: opcodes the 286 rejects with #UD but a 386 executes: 0F forms new
     * in the 386, the 64/65/66/67 prefixes, and MOV to or from FS/GS (8C/8E
     * with reg 4 or 5), the two segment registers the 386 added. */
    {"new in the 386", ud_new_in_386, 0},
    /* The 286 executes LOCK with any instruction; the 386 raises #UD unless
     * the form is lockable and its destination is memory (i386 PRM, LOCK). */
    {"LOCK #UD on 386", lock_ud_on_386, 0},
    /* The 286 limits an instruction to 10 bytes (#GP past that, iAPX 286 PRM);
     * the 386 limit is 15. Only tests where that limit is what faulted. */
    {"10-byte limit", too_long_for_286, 0},
    /* status "fpu": captured with no 287, where ESC is a no-op that only reads
     * its operand. lab86's CPU has an x87 of its own (ops_fpu.c), which
     * executes these instructions for real (stores, pushes, status), so the
     * vectors' "nothing happens" does not apply: they stay skipped, and the
     * x87 is checked against the host's instead (tests/unit/test_fpu*.c). */
    {"fpu (no 287)", fpu_form, 0},
    /* A string instruction that raises #GP (a word at offset FFFF) has already
     * stepped SI/DI, and CX under REP, on the 286 (all 78 such vectors show
     * it); on the 386 a fault leaves them as they were, so the instruction
     * restarts (SDM vol. 3, 6.5). The rest of the state (the interrupt
     * frame, IP, FLAGS) is still compared. */
    {"string #GP: SI DI CX not compared", string_gp,
     REG_BIT(MOO_SI) | REG_BIT(MOO_DI) | REG_BIT(MOO_CX)},
};

int rule_for(const struct meta_entry *me, const struct moo_test *t, const struct insn_view *v)
{
    for (int k = 0; k < RULE_COUNT; k++)
        if (skip_rules[k].applies(me, t, v))
            return k;
    return -1;
}

/* A 286 in real mode reports every segment overrun (a word at offset FFFF)
 * as interrupt 13, even through SS (iAPX 286 PRM; no vector expects 12),
 * where a 386 raises #SS, interrupt 12 (SDM vol. 2, the real-address-mode
 * exceptions of each instruction). When a
 * test expects vector 13 and does not set IVT entry 12 itself, entry 12 is
 * pointed at entry 13's handler: either CPU's answer then ends in the same
 * state, and everything else is still compared. */
bool rules_alias(uint8_t *ram, const struct moo_test *t)
{
    if (!expects(t, VEC_GP))
        return false;
    for (uint32_t k = 0; k < t->init.ram.count; k++) {
        uint32_t addr;
        uint8_t val;
        moo_ram_entry(&t->init.ram, k, &addr, &val);
        if (addr >= IVT_SS && addr < IVT_SS + 4)
            return false;
    }
    memcpy(ram + IVT_SS, ram + IVT_GP, 4);
    return true;
}
