/*
 * test_lazy.c - the threaded core's lazy flags (lazy_flags.h): every
 * specialised form that records its flags, followed by a reader of each
 * kind, against the switch core, which computes every flag at once.
 *
 * The writers: ADD OR AND SUB XOR CMP of two dwords, with an immediate,
 * from and to memory, TEST, INC, DEC (of a register and of memory), NEG,
 * with byte operands ADD SUB CMP AND XOR and TEST, and the shifts (by a
 * constant, by CL, of memory, of 16 bits) and IMUL (of each form). The readers: all
 * sixteen Jcc (answered from the record where lazy_cond() can, settled
 * where it cannot), SETcc and CMOVcc of all sixteen conditions, ADC and
 * SBB (which settle first), INC (which carries CF over from the record),
 * a rotate (which keeps four flags: settles), a shift by 0 (which keeps
 * all six), PUSHF and LAHF (generic handlers: the dispatch settles before
 * them), and a load that faults (#GP: the exception frame's EFLAGS must be
 * exact). Each pair runs through fast_twin.h from random registers, flags
 * and operands (the edges of 32-bit arithmetic half of the time, so that
 * carry, borrow, overflow either way, AF, parity, zero and sign each take
 * both values), and the whole CPU, memory and the stack are compared;
 * after the pair a HLT, a generic handler, settles the rest.
 *
 * Then each writer alone with a deadline one cycle on, so that the threaded
 * core leaves its block right after it: run_block() must settle on its way
 * out, or the two cores' EFLAGS differ.
 */
#include "fast_twin.h"

#define PAIR_CASES 48 /* random inputs a pair: there are some 2,000 pairs */

/* A flag writer: its bytes and specialised form. */
struct writer {
    uint8_t bytes[7];
    int len;
    int xop;
};

/* The writers; k is an ALU operation (alu.h's ALU_*). */
static int writers(struct writer *w)
{
    static const int ks[] = {ALU_ADD, ALU_OR, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP};
    int n = 0;
    for (size_t j = 0; j < sizeof ks / sizeof ks[0]; j++) {
        int k = ks[j];
        w[n++] = (struct writer){{(uint8_t)(8 * k + 1), rr(R_EDX, R_ESI)}, 2, FAST_ALU_RR + k};
        w[n++] = (struct writer){{0x83, rr(k, R_EDI), 0x80}, 3, FAST_ALU_RI + k};
        w[n++] = (struct writer){{(uint8_t)(8 * k + 3), mb(R_ECX), 0x04}, 3, FAST_ALU_RM + k};
        w[n++] = (struct writer){{(uint8_t)(8 * k + 1), mb(R_ESI), 0x08}, 3, FAST_ALU_MR + k};
        w[n++] = (struct writer){{0x83, mb(k), 0x04, 0x01}, 4, FAST_ALU_MI + k};
        w[n++] = (struct writer){{(uint8_t)(8 * k), rr(4, 0)}, 2, FAST_ALU8_RR + k}; /* al, ah */
        w[n++] = (struct writer){{(uint8_t)(8 * k + 4), 0x80}, 2, FAST_ALU8_RI + k};
    }
    w[n++] = (struct writer){{0x85, rr(R_EDX, R_ECX)}, 2, FAST_TEST_RR};
    w[n++] = (struct writer){{0x84, rr(7, 7)}, 2, FAST_TEST8_RR};  /* test bh, bh */
    w[n++] = (struct writer){{0xa8, 0x81}, 2, FAST_TEST8_RI};
    w[n++] = (struct writer){{0x40 + R_EDX}, 1, FAST_INC};
    w[n++] = (struct writer){{0x48 + R_EDI}, 1, FAST_DEC};
    w[n++] = (struct writer){{0xff, mb(0), 0x04}, 3, FAST_INC_M};
    w[n++] = (struct writer){{0xff, mb(1), 0x08}, 3, FAST_DEC_M};
    w[n++] = (struct writer){{0xf7, rr(3, R_EDX)}, 2, FAST_NEG};
    /* Shifts by 1 (OF defined), by more, by CL (0 too: no flag changes),
     * of memory and of 16 bits; IMUL of each form. */
    w[n++] = (struct writer){{0xc1, rr(4, R_EDX), 1}, 3, FAST_SHIFT_RI + SHIFT_SHL};
    w[n++] = (struct writer){{0xc1, rr(5, R_ESI), 5}, 3, FAST_SHIFT_RI + SHIFT_SHR};
    w[n++] = (struct writer){{0xc1, rr(7, R_EDI), 31}, 3, FAST_SHIFT_RI + SHIFT_SAR};
    w[n++] = (struct writer){{0xd3, rr(4, R_EAX)}, 2, FAST_SHIFT_CL + SHIFT_SHL};
    w[n++] = (struct writer){{0xc1, mb(5), 0x04, 3}, 4, FAST_SHIFT_MI + SHIFT_SHR};
    w[n++] = (struct writer){{0x66, 0xc1, rr(7, R_EDX), 4}, 4, FAST_SHIFT16 + SHIFT_SAR};
    w[n++] = (struct writer){{0x0f, 0xaf, rr(R_EDX, R_ESI)}, 3, FAST_IMUL_RR};
    w[n++] = (struct writer){{0x0f, 0xaf, mb(R_EDI), 0x08}, 4, FAST_IMUL_RM};
    w[n++] = (struct writer){{0x6b, rr(R_EAX, R_EDX), 0x81}, 3, FAST_IMUL_RI};
    w[n++] = (struct writer){{0x6b, mb(R_ESI), 0x04, 0x7f}, 4, FAST_IMUL_MI};
    return n;
}

/* The pair writer w, reader r (bytes rd, form xop2; 0 for a generic
 * handler). */
static void check_pair(const struct writer *w, const uint8_t *rd, int rlen, int xop2, bool faults)
{
    struct form f = {{0}, w->len + rlen, w->xop, false, false, faults};
    struct twin_opts o = {PAIR_CASES, xop2, false};
    memcpy(f.bytes, w->bytes, (size_t)w->len);
    memcpy(f.bytes + w->len, rd, (size_t)rlen);
    check_form_n(&f, &o);
}

/* Jcc, SETcc and CMOVcc of condition cc = _i after every writer. */
START_TEST(t_conditions)
{
    int cc = _i;
    struct writer w[80];
    int n = writers(w);
    for (int j = 0; j < n; j++) {
        const uint8_t jcc[] = {(uint8_t)(0x70 + cc), 0x10};
        const uint8_t setcc[] = {0x0f, (uint8_t)(0x90 + cc), rr(0, 3)}; /* bl */
        const uint8_t cmov[] = {0x0f, (uint8_t)(0x40 + cc), rr(R_EAX, R_ECX)};
        check_pair(&w[j], jcc, 2, FAST_JCC + cc, false);
        check_pair(&w[j], setcc, 3, FAST_SETCC + cc, false);
        check_pair(&w[j], cmov, 3, FAST_CMOV + cc, false);
    }
}
END_TEST

/* The other readers after every writer. */
START_TEST(t_readers)
{
    const struct {
        uint8_t bytes[4];
        int len;
        int xop; /* 0: a generic handler */
        bool faults;
    } readers[] = {
        {{0x11, rr(R_EBX, R_EBP)}, 2, FAST_ALU_RR + ALU_ADC, false},  /* adc ebp, ebx */
        {{0x19, rr(R_ECX, R_EAX)}, 2, FAST_ALU_RR + ALU_SBB, false},  /* sbb eax, ecx */
        {{0x12, rr(3, 5)}, 2, FAST_ALU8_RR + ALU_ADC, false},         /* adc bl, ch */
        {{0x40 + R_EBP, 0x72, 0x10}, 3, FAST_INC, false},             /* inc ebp; jb */
        {{0xc1, rr(0, R_EBX), 3}, 3, FAST_ROT_RI + SH_ROL, false},    /* rol ebx, 3 */
        {{0xc1, rr(4, R_EBX), 0}, 3, FAST_SHIFT_RI + SHIFT_SHL, false}, /* shl ebx, 0 */
        {{0x9c}, 1, 0, false},                                        /* pushf */
        {{0x9f}, 1, 0, false},                                        /* lahf */
        {{FS_, 0x8b, m0(R_EAX)}, 3, FAST_LOAD, true},                 /* #GP: the frame */
    };
    struct writer w[80];
    int n = writers(w);
    for (int j = 0; j < n; j++)
        for (size_t r = 0; r < sizeof readers / sizeof readers[0]; r++)
            check_pair(&w[j], readers[r].bytes, readers[r].len, readers[r].xop,
                       readers[r].faults);
}
END_TEST

/* Each writer alone, the block left right after it. */
START_TEST(t_block_exit)
{
    struct writer w[80];
    int n = writers(w);
    for (int j = 0; j < n; j++) {
        struct form f = {{0}, w[j].len, w[j].xop, false, false, false};
        struct twin_opts o = {PAIR_CASES, 0, true};
        memcpy(f.bytes, w[j].bytes, (size_t)w[j].len);
        check_form_n(&f, &o);
    }
}
END_TEST

static Suite *lazy_suite(void)
{
    Suite *s = suite_create("lazy");
    TCase *t = tcase_create("lazy flags");
    tcase_set_timeout(t, 120);
    tcase_add_loop_test(t, t_conditions, 0, 16);
    tcase_add_test(t, t_readers);
    tcase_add_test(t, t_block_exit);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(lazy_suite());
}
