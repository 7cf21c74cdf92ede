/*
 * test_bit.c - bit tests and scans, SETcc, CMOVcc, MOVZX/MOVSX, XADD,
 * CMPXCHG, CMPXCHG8B and BSWAP (ops_bit.c).
 *
 * Hand-worked tables (the bit-string addressing of BT with a register
 * offset, negative offsets and the 16-bit address wrap among them), the
 * fault rules (CMOV reads even when false, CMPXCHG always writes,
 * CMPXCHG8B changes nothing unless all 8 bytes can be written), and the
 * host CPU on the same bytes for random register operands.
 */
#include "alu_util.h"

#define O FL_OF
#define S FL_SF
#define Z FL_ZF
#define A FL_AF
#define P FL_PF
#define C FL_CF

#define DATA_AT 0x3000

/* --- BT BTS BTR BTC --- */

/* Register forms, 32-bit code: eAX is r/m, eBX the bit number. */
struct bt_case {
    uint8_t code[6];   /* 32-bit code */
    uint8_t len;       /* bytes */
    uint32_t eax, ebx; /* before */
    uint32_t eax_out;  /* after */
    bool cf;           /* the bit tested */
};

static const struct bt_case bt_cases[] = {
    {{0x0f, 0xa3, 0xd8}, 3, 0x00000010, 36, 0x00000010, true},        /* 36 mod 32 */
    {{0x66, 0x0f, 0xab, 0xd8}, 4, 0xffff0000, 17, 0xffff0002, false}, /* 17 mod 16 */
    {{0x0f, 0xb3, 0xd8}, 3, 0x80000000, 31, 0x00000000, true},
    {{0x0f, 0xbb, 0xd8}, 3, 0x00000000, 0xffffffff, 0x80000000, false},   /* -1 mod 32 */
    {{0x0f, 0xba, 0xe0, 0x23}, 4, 0x00000008, 0, 0x00000008, true},       /* bt eax, 35 */
    {{0x0f, 0xba, 0xe8, 0x1f}, 4, 0x00000000, 0, 0x80000000, false},      /* bts eax, 31 */
    {{0x66, 0x0f, 0xba, 0xf0, 0x13}, 5, 0x12340008, 0, 0x12340000, true}, /* btr ax, 19 */
    {{0x0f, 0xba, 0xf8, 0x00}, 4, 0x00000001, 0, 0x00000000, true},       /* btc eax, 0 */
};

START_TEST(t_bt_reg)
{
    const struct bt_case *t = &bt_cases[_i];
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    const uint32_t others = O | S | Z | A | P;
    c->gpr[R_EAX] = t->eax;
    c->gpr[R_EBX] = t->ebx;
    c->eflags = FL_FIXED1 | others | (t->cf ? 0 : C);
    ck_assert_int_eq(emu_insn(m, t->code, t->len, 4), 0);
    ck_assert_msg((uint32_t)c->gpr[R_EAX] == t->eax_out, "case %d: eax %08x", _i,
                  (uint32_t)c->gpr[R_EAX]);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | others | (t->cf ? C : 0));
    um_free(m);
}
END_TEST

/* Memory forms, 16-bit code: the bit string at DS:[bx] (or [ebx]). */
struct bt_mem_case {
    uint8_t code[6]; /* 16-bit code */
    uint8_t len;     /* bytes */
    uint32_t eax;    /* the bit offset (or unused for the imm8 form) */
    uint32_t ebx;    /* the base address */
    uint32_t at;     /* the byte the bit lives in */
    uint8_t before;  /* that byte before */
    uint8_t after;   /* and after */
    bool cf;         /* the bit tested */
};

static const struct bt_mem_case bt_mem_cases[] = {
    {{0x0f, 0xa3, 0x07}, 3, 17, DATA_AT, 0x3002, 0x02, 0x02, true},      /* word +2, bit 1 */
    {{0x0f, 0xab, 0x07}, 3, 0xffff, DATA_AT, 0x2fff, 0x00, 0x80, false}, /* -1: bit 15 of [bx-2] */
    {{0x0f, 0xb3, 0x07}, 3, 0xfff0, DATA_AT, 0x2ffe, 0xff, 0xfe, true},  /* -16: bit 0 of [bx-2] */
    {{0x66, 0x0f, 0xbb, 0x07}, 4, 0xffffffdf, DATA_AT, 0x2ffb, 0x80, 0x00, true}, /* -33 */
    {{0x0f, 0xba, 0x27, 0x21}, 4, 0, DATA_AT, 0x3000, 0x02, 0x02, true},      /* imm: 33 mod 16 */
    {{0x0f, 0xab, 0x07}, 3, 0xffe0, 0x0002, 0xfffe, 0x00, 0x01, false},       /* wraps to FFFE */
    {{0x67, 0x0f, 0xa3, 0x03}, 4, 0x7fff, DATA_AT, 0x3fff, 0x80, 0x80, true}, /* [ebx] */
    {{0x66, 0x0f, 0xab, 0x07}, 4, 0x00000108, DATA_AT, 0x3021, 0x00, 0x01, false}, /* +264 */
};

START_TEST(t_bt_mem)
{
    const struct bt_mem_case *t = &bt_mem_cases[_i];
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    m->bus.ram[t->at] = t->before;
    c->gpr[R_EAX] = t->eax;
    c->gpr[R_EBX] = t->ebx;
    c->eflags = FL_FIXED1 | Z | (t->cf ? 0 : C);
    ck_assert_int_eq(emu_insn(m, t->code, t->len, 2), 0);
    ck_assert_msg(m->bus.ram[t->at] == t->after, "case %d: byte %02x", _i, m->bus.ram[t->at]);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | Z | (t->cf ? C : 0));
    /* Nothing else in the neighbourhood moved. */
    for (uint32_t a = t->at - 16; a < t->at + 16; a++)
        if (a != t->at)
            ck_assert_msg(m->bus.ram[a] == 0, "case %d: byte %x changed", _i, a);
    um_free(m);
}
END_TEST

/* --- BSF BSR --- */

START_TEST(t_bit_scan)
{
    static const struct {
        uint8_t code[4];  /* 32-bit code: bsf/bsr eAX, eBX */
        uint8_t len;      /* bytes */
        uint32_t ebx;     /* source */
        uint32_t eax_out; /* destination after (before: 0x12345678) */
        bool zf;          /* source was zero */
    } cases[] = {
        {{0x0f, 0xbc, 0xc3}, 3, 0x00010000, 16, false},
        {{0x0f, 0xbc, 0xc3}, 3, 0x80000000, 31, false},
        {{0x0f, 0xbc, 0xc3}, 3, 0, 0x12345678, true}, /* destination kept */
        {{0x0f, 0xbd, 0xc3}, 3, 0x00010001, 16, false},
        {{0x0f, 0xbd, 0xc3}, 3, 0x00000001, 0, false},
        {{0x66, 0x0f, 0xbd, 0xc3}, 4, 0xffff8001, 0x1234000f, false},
        {{0x66, 0x0f, 0xbc, 0xc3}, 4, 0x00010000, 0x12345678, true}, /* BX is zero */
    };
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct unit_machine *m = alu_machine();
        struct cpu *c = &m->cpu;
        c->gpr[R_EAX] = 0x12345678;
        c->gpr[R_EBX] = cases[k].ebx;
        c->eflags = FL_FIXED1 | C | (cases[k].zf ? 0 : Z);
        ck_assert_int_eq(emu_insn(m, cases[k].code, cases[k].len, 4), 0);
        ck_assert_msg((uint32_t)c->gpr[R_EAX] == cases[k].eax_out, "case %u: eax %08x", k,
                      (uint32_t)c->gpr[R_EAX]);
        ck_assert_uint_eq(c->eflags, FL_FIXED1 | C | (cases[k].zf ? Z : 0));
        um_free(m);
    }
}
END_TEST

/* --- SETcc CMOVcc MOVZX MOVSX --- */

/* Each condition 0-15 under four flag states: bit cc of the mask is the
 * expected SETcc result (O NO B AE E NE BE A S NS P NP L GE LE G). */
START_TEST(t_setcc)
{
    static const struct {
        uint32_t flags; /* arithmetic flags */
        uint16_t truth; /* bit cc = condition cc holds */
    } states[] = {{0, 0xaaaa}, {C | Z, 0x6a56}, {S, 0x59aa}, {O | S | P, 0xa5a9}};
    for (unsigned st = 0; st < 4; st++)
        for (int cc = 0; cc < 16; cc++) {
            struct unit_machine *m = alu_machine();
            struct cpu *c = &m->cpu;
            uint8_t code[] = {0x0f, (uint8_t)(0x90 | cc), 0xc0}; /* setcc al */
            c->gpr[R_EAX] = 0xffffff55;
            c->eflags = FL_FIXED1 | states[st].flags;
            ck_assert_int_eq(emu_insn(m, code, 3, 4), 0);
            uint32_t want = 0xffffff00u | ((states[st].truth >> cc) & 1);
            ck_assert_msg((uint32_t)c->gpr[R_EAX] == want, "state %u cc %d: eax %08x", st, cc,
                          (uint32_t)c->gpr[R_EAX]);
            ck_assert_uint_eq(c->eflags, FL_FIXED1 | states[st].flags);
            um_free(m);
        }
}
END_TEST

START_TEST(t_setcc_memory)
{
    static const uint8_t sete[] = {0x0f, 0x94, 0x07}; /* sete [bx] */
    struct unit_machine *m = alu_machine();
    m->bus.ram[DATA_AT] = 0x55;
    m->cpu.gpr[R_EBX] = DATA_AT;
    m->cpu.eflags = FL_FIXED1 | Z;
    ck_assert_int_eq(emu_insn(m, sete, sizeof sete, 2), 0);
    ck_assert_uint_eq(m->bus.ram[DATA_AT], 1);
    ck_assert_uint_eq(m->bus.ram[DATA_AT + 1], 0);
    um_free(m);
}
END_TEST

START_TEST(t_cmov)
{
    static const uint8_t cmove32[] = {0x0f, 0x44, 0xc3}, cmove16[] = {0x66, 0x0f, 0x44, 0xc3};
    static const uint8_t cmove_mem[] = {0x0f, 0x44, 0x07}; /* cmove ax, [bx], 16-bit code */
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    c->gpr[R_EAX] = 0x11111111;
    c->gpr[R_EBX] = 0x22222222;
    c->eflags = FL_FIXED1;
    ck_assert_int_eq(emu_insn(m, cmove32, 3, 4), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x11111111); /* false: all 32 bits kept */
    ck_assert_int_eq(emu_insn(m, cmove16, 4, 4), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x11111111);
    c->eflags = FL_FIXED1 | Z;
    ck_assert_int_eq(emu_insn(m, cmove16, 4, 4), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x11112222);
    ck_assert_int_eq(emu_insn(m, cmove32, 3, 4), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x22222222);
    /* The source is read even when the condition is false. */
    c->eflags = FL_FIXED1;
    c->gpr[R_EBX] = 0xffff; /* a word at FFFF runs past the 64 KiB limit */
    ck_assert_int_eq(emu_insn(m, cmove_mem, 3, 2), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_GP);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x22222222);
    um_free(m);
}
END_TEST

START_TEST(t_movzx_movsx)
{
    static const struct {
        uint8_t code[4];  /* 32-bit code */
        uint8_t len;      /* bytes */
        uint32_t ebx;     /* source register */
        uint32_t eax_out; /* result (EAX before: 0xdeadbeef) */
    } cases[] = {
        {{0x0f, 0xb6, 0xc3}, 3, 0x1234ff80, 0x00000080}, /* movzx eax, bl */
        {{0x0f, 0xb6, 0xc7}, 3, 0x1234ff80, 0x000000ff}, /* movzx eax, bh */
        {{0x0f, 0xb7, 0xc3}, 3, 0x1234ff80, 0x0000ff80}, /* movzx eax, bx */
        {{0x0f, 0xbe, 0xc3}, 3, 0x1234ff80, 0xffffff80}, /* movsx eax, bl */
        {{0x0f, 0xbf, 0xc3}, 3, 0x1234ff80, 0xffffff80}, /* movsx eax, bx */
        {{0x0f, 0xbf, 0xc3}, 3, 0x12347f80, 0x00007f80},
        {{0x66, 0x0f, 0xbe, 0xc3}, 4, 0x00000080, 0xdeadff80}, /* movsx ax, bl */
        {{0x66, 0x0f, 0xb6, 0xc3}, 4, 0x00000080, 0xdead0080}, /* movzx ax, bl */
    };
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct unit_machine *m = alu_machine();
        struct cpu *c = &m->cpu;
        c->gpr[R_EAX] = 0xdeadbeef;
        c->gpr[R_EBX] = cases[k].ebx;
        c->eflags = FL_FIXED1 | S | C;
        ck_assert_int_eq(emu_insn(m, cases[k].code, cases[k].len, 4), 0);
        ck_assert_msg((uint32_t)c->gpr[R_EAX] == cases[k].eax_out, "case %u: eax %08x", k,
                      (uint32_t)c->gpr[R_EAX]);
        ck_assert_uint_eq(c->eflags, FL_FIXED1 | S | C);
        um_free(m);
    }
}
END_TEST

/* --- XADD CMPXCHG CMPXCHG8B --- */

START_TEST(t_xadd)
{
    static const uint8_t xadd32[] = {0x0f, 0xc1, 0xd8}, xadd8[] = {0x0f, 0xc0, 0xd8};
    static const uint8_t xadd_same[] = {0x0f, 0xc1, 0xc0}, xadd_al_ah[] = {0x0f, 0xc0, 0xe0};
    static const uint8_t xadd_mem[] = {0x0f, 0xc1, 0x07}; /* xadd [bx], ax, 16-bit */
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    c->gpr[R_EAX] = 1;
    c->gpr[R_EBX] = 2;
    ck_assert_int_eq(emu_insn(m, xadd32, 3, 4), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 3);
    ck_assert_uint_eq(c->gpr[R_EBX], 1);
    ck_assert_uint_eq(c->eflags & FL_ARITH, P);
    c->gpr[R_EAX] = 0x123456ff;
    c->gpr[R_EBX] = 0x00000001;
    ck_assert_int_eq(emu_insn(m, xadd8, 3, 4), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x12345600);
    ck_assert_uint_eq(c->gpr[R_EBX], 0x000000ff);
    ck_assert_uint_eq(c->eflags & FL_ARITH, C | Z | A | P);
    c->gpr[R_EAX] = 5; /* one register: the sum is written last */
    ck_assert_int_eq(emu_insn(m, xadd_same, 3, 4), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 10);
    c->gpr[R_EAX] = 0x2010; /* xadd al, ah: ah = old al, al = sum */
    ck_assert_int_eq(emu_insn(m, xadd_al_ah, 3, 4), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x1030);
    c->gpr[R_EAX] = 0x0234;
    c->gpr[R_EBX] = DATA_AT;
    m->bus.ram[DATA_AT] = 0x00;
    m->bus.ram[DATA_AT + 1] = 0x10;
    ck_assert_int_eq(emu_insn(m, xadd_mem, 3, 2), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x1000);
    ck_assert_uint_eq(m->bus.ram[DATA_AT] | m->bus.ram[DATA_AT + 1] << 8, 0x1234);
    /* A read-only destination: nothing changes. */
    make_ds_read_only(c);
    c->eflags = FL_FIXED1 | O;
    ck_assert_int_eq(emu_insn(m, xadd_mem, 3, 2), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_GP);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x1000);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | O);
    um_free(m);
}
END_TEST

START_TEST(t_cmpxchg)
{
    static const uint8_t cx32[] = {0x0f, 0xb1, 0xd9}, cx8[] = {0x0f, 0xb0, 0xd9};
    static const uint8_t cx_mem[] = {0x0f, 0xb1, 0x0f}; /* cmpxchg [bx], cx, 16-bit */
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    c->gpr[R_EAX] = 5;
    c->gpr[R_ECX] = 5;
    c->gpr[R_EBX] = 9;
    ck_assert_int_eq(emu_insn(m, cx32, 3, 4), 0);
    ck_assert_uint_eq(c->gpr[R_ECX], 9);
    ck_assert_uint_eq(c->gpr[R_EAX], 5);
    ck_assert_uint_eq(c->eflags & FL_ARITH, Z | P);
    c->gpr[R_EAX] = 4;
    c->gpr[R_ECX] = 5;
    ck_assert_int_eq(emu_insn(m, cx32, 3, 4), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 5);
    ck_assert_uint_eq(c->gpr[R_ECX], 5);
    ck_assert_uint_eq(c->eflags & FL_ARITH, C | S | A | P);
    c->gpr[R_EAX] = 0xaaaaaa80;
    c->gpr[R_ECX] = 0xcccccc80;
    c->gpr[R_EBX] = 0x000000ff;
    ck_assert_int_eq(emu_insn(m, cx8, 3, 4), 0);
    ck_assert_uint_eq(c->gpr[R_ECX], 0xccccccff);
    ck_assert_uint_eq(c->gpr[R_EAX], 0xaaaaaa80);
    /* Memory, equal; then read-only, where even a failed compare writes. */
    c->gpr[R_EAX] = 0x1111;
    c->gpr[R_ECX] = 0x2222;
    c->gpr[R_EBX] = DATA_AT;
    m->bus.ram[DATA_AT] = 0x11;
    m->bus.ram[DATA_AT + 1] = 0x11;
    ck_assert_int_eq(emu_insn(m, cx_mem, 3, 2), 0);
    ck_assert_uint_eq(m->bus.ram[DATA_AT] | m->bus.ram[DATA_AT + 1] << 8, 0x2222);
    make_ds_read_only(c);
    c->eflags = FL_FIXED1;
    ck_assert_int_eq(emu_insn(m, cx_mem, 3, 2), CPU_FAULT); /* 1111 != 2222 */
    ck_assert_int_eq(c->exc.vector, EXC_GP);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x1111);
    ck_assert_uint_eq(c->eflags, FL_FIXED1);
    um_free(m);
}
END_TEST

/* cmpxchg8b [si], 16-bit code, the qword at DS:si. */
static int run_cmpxchg8b(struct unit_machine *m, uint32_t si, uint32_t edx, uint32_t eax)
{
    static const uint8_t code[] = {0x0f, 0xc7, 0x0c};
    m->cpu.gpr[R_ESI] = si;
    m->cpu.gpr[R_EDX] = edx;
    m->cpu.gpr[R_EAX] = eax;
    m->cpu.gpr[R_ECX] = 0xcccccccc;
    m->cpu.gpr[R_EBX] = 0xbbbbbbbb;
    m->cpu.eflags = FL_FIXED1 | C | S;
    return emu_insn(m, code, sizeof code, 2);
}

START_TEST(t_cmpxchg8b)
{
    static const uint8_t qword[8] = {0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22};
    static const uint8_t newq[8] = {0xbb, 0xbb, 0xbb, 0xbb, 0xcc, 0xcc, 0xcc, 0xcc};
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    um_load(m, DATA_AT, qword, 8);
    ck_assert_int_eq(run_cmpxchg8b(m, DATA_AT, 0x22222222, 0x11111111), 0);
    ck_assert_mem_eq(m->bus.ram + DATA_AT, newq, 8);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | C | S | Z);
    ck_assert_int_eq(run_cmpxchg8b(m, DATA_AT, 0x22222222, 0x11111111), 0);
    ck_assert_mem_eq(m->bus.ram + DATA_AT, newq, 8);
    ck_assert_uint_eq(c->gpr[R_EAX], 0xbbbbbbbb);
    ck_assert_uint_eq(c->gpr[R_EDX], 0xcccccccc);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | C | S);
    /* The high dword beyond the limit: #GP and the low dword untouched. */
    um_load(m, 0xfffc, qword, 4);
    ck_assert_int_eq(run_cmpxchg8b(m, 0xfffc, 0, 0x11111111), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_GP);
    ck_assert_mem_eq(m->bus.ram + 0xfffc, qword, 4);
    /* Read-only: #GP whether or not the compare succeeds; EDX:EAX kept. */
    um_load(m, DATA_AT, qword, 8);
    make_ds_read_only(c);
    ck_assert_int_eq(run_cmpxchg8b(m, DATA_AT, 0x22222222, 0x11111111), CPU_FAULT);
    ck_assert_int_eq(run_cmpxchg8b(m, DATA_AT, 0, 0), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_GP);
    ck_assert_uint_eq(c->gpr[R_EAX], 0);
    ck_assert_uint_eq(c->gpr[R_EDX], 0);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | C | S);
    ck_assert_mem_eq(m->bus.ram + DATA_AT, qword, 8);
    um_free(m);
}
END_TEST

START_TEST(t_bswap)
{
    static const uint8_t bswap_eax[] = {0x0f, 0xc8}, bswap_ebx[] = {0x0f, 0xcb};
    static const uint8_t bswap_ax[] = {0x66, 0x0f, 0xc8};
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    c->gpr[R_EAX] = 0x12345678;
    c->gpr[R_EBX] = 0x000000ff;
    ck_assert_int_eq(emu_insn(m, bswap_eax, 2, 4), 0);
    ck_assert_int_eq(emu_insn(m, bswap_ebx, 2, 4), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x78563412);
    ck_assert_uint_eq(c->gpr[R_EBX], 0xff000000);
    ck_assert_int_eq(emu_insn(m, bswap_ax, 3, 4), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x78560000);
    um_free(m);
}
END_TEST

/* --- differential, against the host CPU --- */

/* A random instruction of this family on registers, its defined flags in
 * *mask. The operands: eAX r/m (or destination), eBX source, eCX for
 * CMPXCHG's r/m. Bits of r pick the form. */
static int random_bit_insn(uint64_t *s, uint8_t *p, uint32_t *mask)
{
    uint32_t r = (uint32_t)rnd_next(s), pick = (r >> 8) & 15, form = (r >> 1) % 10;
    /* Not BSWAP of a 16-bit register: undefined, so hosts may differ. */
    int n = put_osize(p, (r & 1) && form < 8 ? 2 : 4);
    p[n++] = 0x0f;
    *mask = FL_ARITH; /* flags unchanged, or all defined */
    switch (form) {
    case 0: /* BT BTS BTR BTC eAX, eBX */
        p[n++] = (uint8_t)(0xa3 | (pick & 3) << 3);
        p[n++] = 0xd8;
        *mask = C;
        break;
    case 1: /* BT BTS BTR BTC eAX, imm8 */
        p[n++] = 0xba;
        p[n++] = (uint8_t)(0xe0 | (pick & 3) << 3);
        p[n++] = (uint8_t)(r >> 16);
        *mask = C;
        break;
    case 2: /* BSF BSR eAX, eBX */
        p[n++] = (uint8_t)(0xbc | (pick & 1));
        p[n++] = 0xc3;
        *mask = Z;
        break;
    case 3: /* SETcc AL */
        p[n++] = (uint8_t)(0x90 | pick);
        p[n++] = 0xc0;
        break;
    case 4: /* CMOVcc eAX, eBX */
        p[n++] = (uint8_t)(0x40 | pick);
        p[n++] = 0xc3;
        break;
    case 5: /* MOVZX MOVSX eAX, BL or BX */
        p[n++] = (uint8_t)(0xb6 | (pick & 1) | (pick & 2) << 2);
        p[n++] = 0xc3;
        break;
    case 6: /* XADD AL/eAX, BL/eBX or eAX, eAX */
        p[n++] = (uint8_t)(0xc0 | (pick & 1));
        p[n++] = pick & 2 ? 0xd8 : 0xc0;
        break;
    case 7: /* CMPXCHG CL/eCX, BL/eBX */
        p[n++] = (uint8_t)(0xb0 | (pick & 1));
        p[n++] = 0xd9;
        break;
    default: /* BSWAP eAX eCX eDX eBX */ p[n++] = (uint8_t)(0xc8 | (pick & 3)); break;
    }
    return n;
}

START_TEST(t_host_bit)
{
    struct unit_machine *m = alu_machine();
    uint64_t seed = 0xb17b17;
    for (int round = 0; round < 40000; round++) {
        uint8_t code[8];
        uint32_t mask;
        int n = random_bit_insn(&seed, code, &mask);
        struct hregs in = {rnd_operand(&seed, 4),
                           rnd_operand(&seed, 4),
                           rnd_operand(&seed, 4),
                           rnd_operand(&seed, 4),
                           0,
                           0,
                           rnd_flags(&seed)};
        if (rnd_next(&seed) & 1)
            in.ecx = in.eax; /* CMPXCHG's equal case */
        if ((rnd_next(&seed) & 7) == 0)
            in.ebx = 0; /* BSF/BSR of zero */
        diff_run(m, "bit family", code, n, &in, mask);
    }
    um_free(m);
}
END_TEST

static Suite *bit_suite(void)
{
    Suite *s = suite_create("bit");
    TCase *tc = tcase_create("tables");
    tcase_add_loop_test(tc, t_bt_reg, 0, sizeof bt_cases / sizeof bt_cases[0]);
    tcase_add_loop_test(tc, t_bt_mem, 0, sizeof bt_mem_cases / sizeof bt_mem_cases[0]);
    tcase_add_test(tc, t_bit_scan);
    tcase_add_test(tc, t_setcc);
    tcase_add_test(tc, t_setcc_memory);
    tcase_add_test(tc, t_cmov);
    tcase_add_test(tc, t_movzx_movsx);
    tcase_add_test(tc, t_xadd);
    tcase_add_test(tc, t_cmpxchg);
    tcase_add_test(tc, t_cmpxchg8b);
    tcase_add_test(tc, t_bswap);
    suite_add_tcase(s, tc);

    tc = tcase_create("host");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, t_host_bit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(bit_suite());
}
