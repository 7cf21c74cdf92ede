/*
 * test_fpu.c - the x87 instructions (ops_fpu*.c) as the CPU executes them.
 *
 *   - differential: random sequences of x87 instructions, built only from
 *     forms that mean the same in 32- and 64-bit code (fpu_native.h), run
 *     on the host's x87 and in lab86; the whole FNSAVE image (registers,
 *     tags, status and control words), every store to memory and the
 *     EFLAGS set by FCOMI must agree bit for bit. Every rounding mode and
 *     precision, with all exceptions masked (an unmasked one would trap
 *     the test process itself);
 *   - by hand: #NM for each CR0.EM/MP/TS combination (SDM vol. 3, table
 *     2-2), #MF at the next waiting instruction with CR0.NE = 1, FERR#
 *     (IRQ 13) with CR0.NE = 0, what unmasked exceptions leave, and the
 *     FSTENV/FSAVE layouts in real and protected mode, 16- and 32-bit.
 */
#include <stdio.h>

#include "fpu_gen.h"
#include "fpu_native.h"
#include "interp/ops.h"
#include "unit_util.h"

#define SEQUENCES 12000

/* --- differential sequences --- */

#define SLOT(k) ((uint8_t)(16 * (k))) /* six operand slots at the block's start */
#define SLOTS 6
#define CWS 0x70 /* four control words for FLDCW, all exceptions masked */
#define UCWS 0x78 /* four with some exceptions unmasked */

/* A random register-form instruction (second byte), by escape. */
static void emit_reg_form(struct gen *g, struct nat_code *c)
{
    static const uint8_t d9[] = {0xd0, 0xe0, 0xe1, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec,
                                 0xed, 0xee, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xfa, 0xfc, 0xfd};
    uint8_t b[2];
    unsigned i = gen_below(g, 8);
    switch (gen_below(g, 10)) {
    case 0: b[0] = 0xd8; b[1] = (uint8_t)(0xc0 + gen_below(g, 64)); break;
    case 1: b[0] = 0xdc; b[1] = (uint8_t)(gen_below(g, 2) ? 0xc0 + i : 0xe0 + gen_below(g, 32)); break;
    case 2: b[0] = 0xde; b[1] = (uint8_t)(gen_below(g, 4) ? 0xe0 + gen_below(g, 32) : 0xd9); break;
    case 3: b[0] = 0xd9; b[1] = gen_below(g, 3) ? d9[gen_below(g, sizeof d9)] : (uint8_t)(0xc0 + gen_below(g, 16)); break;
    case 4: b[0] = 0xdd; b[1] = (uint8_t)(gen_below(g, 4) ? 0xd0 + gen_below(g, 32) : 0xc0 + i); break;
    case 5: b[0] = gen_below(g, 2) ? 0xda : 0xdb; b[1] = (uint8_t)(0xc0 + gen_below(g, 32)); break;
    case 6: b[0] = gen_below(g, 2) ? 0xdb : 0xdf; b[1] = (uint8_t)(0xe8 + gen_below(g, 16)); break;
    case 7: b[0] = 0xda; b[1] = 0xe9; break;
    case 8: b[0] = 0xd9; b[1] = (uint8_t)(0xc0 + i); break; /* FLD ST(i): more loads */
    default: b[0] = 0xdd; b[1] = (uint8_t)(0xe0 + gen_below(g, 16)); break;
    }
    nat_emit(c, b, 2);
}

/* A random memory-form instruction on a slot: [edi+disp8]. */
static void emit_mem_form(struct gen *g, struct nat_code *c)
{
    static const uint8_t forms[][2] = {
        /* escape, reg */
        {0xd9, 0}, {0xd9, 2}, {0xd9, 3}, {0xdd, 0}, {0xdd, 2}, {0xdd, 3}, {0xdb, 0}, {0xdb, 2},
        {0xdb, 3}, {0xdb, 5}, {0xdb, 7}, {0xdf, 0}, {0xdf, 2}, {0xdf, 3}, {0xdf, 5}, {0xdf, 6},
        {0xdf, 7}, {0xdd, 7}, {0xd9, 7},
    };
    uint8_t b[3];
    if (gen_below(g, 2)) { /* arithmetic with a memory operand */
        static const uint8_t ar[] = {0xd8, 0xda, 0xdc, 0xde};
        b[0] = ar[gen_below(g, 4)];
        b[1] = (uint8_t)(0x47 | gen_below(g, 8) << 3);
    } else {
        unsigned k = gen_below(g, sizeof forms / sizeof forms[0]);
        b[0] = forms[k][0];
        b[1] = (uint8_t)(0x47 | forms[k][1] << 3);
    }
    b[2] = SLOT(gen_below(g, SLOTS));
    nat_emit(c, b, 3);
}

/* One random instruction. */
static void emit_any(struct gen *g, struct nat_code *c)
{
    if (gen_below(g, 3) == 0)
        emit_mem_form(g, c);
    else
        emit_reg_form(g, c);
}

/* A random sequence; with unmasked, its last instruction runs with some
 * exceptions unmasked (after FNCLEX and FLDCW), so that what an unmasked
 * exception leaves behind (no store, no pop, wrapped exponents, ES) is
 * compared too: nothing after it waits, so the host does not trap. */
enum seq_mode {
    SEQ_MASKED,   /* every exception masked */
    SEQ_UNMASKED, /* the last instruction with some unmasked */
    SEQ_TRANS,    /* the transcendentals, on operands in their ranges */
};

/* A transcendental instruction (D9 xx): FYL2X, FPTAN, FPATAN, FSINCOS, FSIN,
 * FCOS, or a stack move between them. F2XM1 and FYL2XP1 are left out: out
 * of their ranges their results are undefined. */
static int emit_trans(struct gen *g, struct nat_code *c, int done)
{
    static const uint8_t ops[] = {0xc1, 0xc9, 0xf1, 0xf2, 0xf3, 0xfb, 0xfe, 0xff};
    unsigned k = done ? gen_below(g, 2) : gen_below(g, sizeof ops);
    const uint8_t b[] = {0xd9, ops[k]};
    nat_emit(c, b, 2);
    return k >= 2;
}

static void make_sequence(struct gen *g, struct nat_code *c, uint8_t *block, enum seq_mode mode)
{
    bool unmasked = mode == SEQ_UNMASKED;
    memset(block, 0, NAT_BLOCK);
    for (int k = 0; k < SLOTS; k++) {
        struct f80 v = gen_f80(g);
        if (gen_below(g, 3) == 0) { /* integers of every size */
            int64_t i = (int64_t)(gen_u64(g) >> gen_below(g, 64));
            v = f80_from_i64(gen_below(g, 2) ? i : -i);
        }
        if (mode == SEQ_TRANS) { /* within a few pi of 0, or a zero, infinity or NaN */
            static const uint16_t special[3] = {0, F80_EXP_MAX, F80_EXP_MAX};
            unsigned k2 = gen_below(g, 24);
            bool sign = gen_below(g, 2);
            int e = F80_BIAS - (int)gen_below(g, 24) + 2;
            v = k2 < 3 ? f80_make(sign, special[k2], k2 ? F80_J | (k2 - 1ull) << 62 : 0)
                       : f80_make(sign, e, gen_sig(g));
        }
        memcpy(block + SLOT(k), &v.m, 8);
        memcpy(block + SLOT(k) + 8, &v.se, 2);
    }
    for (int k = 0; k < 4; k++) {
        uint16_t cw = gen_cw(gen_below(g, GEN_CW_COUNT)) | FSW_EXC;
        memcpy(block + CWS + 2 * k, &cw, 2);
        cw &= (uint16_t)~(gen_u64(g) & FSW_EXC);
        memcpy(block + UCWS + 2 * k, &cw, 2);
    }
    c->n = c->count = 0;
    /* XOR EAX, EAX for known EFLAGS; eight FLDZ and FNINIT, so that even
     * empty registers hold the same bits on both sides; FLDCW one of four. */
    const uint8_t init[] = {0x31, 0xc0, 0xdb, 0xe3};
    const uint8_t fldz[] = {0xd9, 0xee};
    const uint8_t cw[] = {0xdb, 0xe3, 0xd9, 0x6f, (uint8_t)(CWS + 2 * gen_below(g, 4))};
    nat_emit(c, init, sizeof init);
    for (int k = 0; k < 8; k++)
        nat_emit(c, fldz, sizeof fldz);
    nat_emit(c, cw, sizeof cw);
    for (int k = (int)gen_below(g, 4); k >= 0; k--) {
        const uint8_t fld[] = {0xdb, 0x6f, SLOT(gen_below(g, SLOTS))}; /* FLD m80 */
        nat_emit(c, fld, 3);
    }
    /* Transcendentals one at a time (a chain would compound the ulps), with
     * stack moves around it. */
    for (int k = 1 + (int)gen_below(g, 6), done = 0; k > 0; k--) {
        if (mode != SEQ_TRANS)
            emit_any(g, c);
        else if (!done || gen_below(g, 2))
            done |= emit_trans(g, c, done);
    }
    if (unmasked) {
        const uint8_t fnclex_fldcw[] = {0xdb, 0xe2, 0xd9, 0x6f, (uint8_t)(UCWS + 2 * gen_below(g, 4))};
        nat_emit(c, fnclex_fldcw, sizeof fnclex_fldcw);
        emit_any(g, c);
    }
    nat_epilogue(c);
}

/* After a mismatch: the status and tag words after each instruction of the
 * sequence, host and lab86, to show where they part. */
static void trace(uint8_t *page, struct unit_machine *m, const struct nat_code *c,
                  const uint8_t *start)
{
    for (int k = 11; k < c->count; k++) {
        struct nat_code p = *c;
        uint8_t h[NAT_BLOCK], l[NAT_BLOCK];
        p.n = c->ends[k];
        nat_epilogue(&p);
        memcpy(h, start, NAT_BLOCK);
        memcpy(l, start, NAT_BLOCK);
        nat_run_host(page, &p, h);
        nat_run_lab86(m, &p, l);
        fprintf(stderr, "  after %02x %02x: sw %04x tw %04x | sw %04x tw %04x\n",
                c->b[c->ends[k - 1]], c->b[c->ends[k - 1] + 1], h[NAT_IMG + 4] | h[NAT_IMG + 5] << 8,
                h[NAT_IMG + 8] | h[NAT_IMG + 9] << 8, l[NAT_IMG + 4] | l[NAT_IMG + 5] << 8,
                l[NAT_IMG + 8] | l[NAT_IMG + 9] << 8);
    }
}

/* Does byte k of the block differ beyond what mode tolerates? The
 * transcendentals may differ by an ulp or two (test_fpu_trans.c's bound):
 * there the low 16 bits of every register and C1 (rounded up) are not
 * compared. */
static bool differs(const uint8_t *host, const uint8_t *lab, int k, enum seq_mode mode)
{
    if (host[k] == lab[k] || nat_pointer_byte(k))
        return false;
    if (mode != SEQ_TRANS)
        return true;
    int r = k - (NAT_IMG + 28);
    if (r >= 0 && r < 80) { /* a register: equal, or normals within 2 ulps */
        struct f80 a, b;
        const uint8_t *pa = host + k - r % 10, *pb = lab + k - r % 10;
        memcpy(&a.m, pa, 8);
        memcpy(&a.se, pa + 8, 2);
        memcpy(&b.m, pb, 8);
        memcpy(&b.se, pb + 8, 2);
        if ((a.se ^ b.se) & 0x8000)
            return true;
        /* positions on the number line, in ulps (normals: J set) */
        __int128 oa = (__int128)(a.se & 0x7fff) * ((__int128)1 << 63) + (__int128)(a.m & ~F80_J);
        __int128 ob = (__int128)(b.se & 0x7fff) * ((__int128)1 << 63) + (__int128)(b.m & ~F80_J);
        __int128 d = oa > ob ? oa - ob : ob - oa;
        return !((a.m & F80_J) && (b.m & F80_J) && d <= 2);
    }
    return k != NAT_IMG + 5 || ((host[k] ^ lab[k]) & ~(FSW_C1 >> 8)) != 0;
}

static int differential(uint64_t seed, enum seq_mode mode, int count)
{
    struct gen g = {seed};
    int bad = 0;
    uint8_t *page = nat_page();
    struct unit_machine *m = um_new(1 << 20);
    for (int n = 0; n < count; n++) {
        struct nat_code c;
        uint8_t host[NAT_BLOCK], lab[NAT_BLOCK];
        uint8_t start[NAT_BLOCK];
        make_sequence(&g, &c, host, mode);
        memcpy(lab, host, NAT_BLOCK);
        memcpy(start, host, NAT_BLOCK);
        nat_run_host(page, &c, host);
        nat_run_lab86(m, &c, lab);
        for (int k = 0; k < NAT_BLOCK; k++) {
            if (!differs(host, lab, k, mode))
                continue;
            if (bad++ < 6) {
                trace(page, m, &c, start);
                fprintf(stderr, "sequence %d differs at +0x%x (host %02x, lab86 %02x):", n, k,
                        host[k], lab[k]);
                for (int j = 0; j < c.n; j++)
                    fprintf(stderr, " %02x", c.b[j]);
                fprintf(stderr, "\n host:");
                for (int j = 0; j < 108; j++)
                    fprintf(stderr, "%s%02x", j % 4 ? "" : " ", host[NAT_IMG + j]);
                fprintf(stderr, "\n  lab:");
                for (int j = 0; j < 108; j++)
                    fprintf(stderr, "%s%02x", j % 4 ? "" : " ", lab[NAT_IMG + j]);
                fprintf(stderr, "\n");
            }
            break;
        }
    }
    munmap(page, 4096);
    um_free(m);
    return bad;
}

START_TEST(test_differential)
{
    ck_assert_int_eq(differential(0xd1ff, SEQ_MASKED, SEQUENCES), 0);
}
END_TEST

START_TEST(test_differential_trans)
{
    ck_assert_int_eq(differential(0x7a5, SEQ_TRANS, SEQUENCES / 4), 0);
}
END_TEST

START_TEST(test_differential_unmasked)
{
    ck_assert_int_eq(differential(0x0b5e55, SEQ_UNMASKED, SEQUENCES / 2), 0);
}
END_TEST

static Suite *fpu_suite(void)
{
    Suite *s = suite_create("fpu");
    TCase *t = tcase_create("differential");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_differential);
    tcase_add_test(t, test_differential_unmasked);
    tcase_add_test(t, test_differential_trans);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(fpu_suite());
}
