/*
 * test_decode.c - the decoder: bytes in, struct insn out.
 *
 * Three kinds of checks:
 *   - hand-written cases for prefixes, immediates and the #UD forms;
 *   - every ModR/M byte (and every SIB byte) in 16- and 32-bit addressing,
 *     against lengths and registers computed here from SDM tables 2-1..2-3;
 *   - Capstone as an oracle for instruction lengths on random bytes: for
 *     every byte string both decoders accept, the lengths must agree.
 */
#include <capstone/capstone.h>

#include "interp/insn.h"
#include "unit_util.h"

static struct insn dec(const uint8_t *b, int n, int size)
{
    struct insn i;
    ck_assert_int_eq(x86_decode(&i, b, n, size), DECODE_OK);
    return i;
}

START_TEST(test_simple_forms)
{
    /* 01 D8: add eax, ebx */
    struct insn i = dec((const uint8_t[]){0x01, 0xd8}, 2, 4);
    ck_assert_int_eq(i.op, OP_ADD_Ev_Gv);
    ck_assert_int_eq(i.len, 2);
    ck_assert_int_eq(i.modrm.mod, 3);
    ck_assert_int_eq(i.modrm.reg, R_EBX);
    ck_assert_int_eq(i.modrm.rm, R_EAX);
    ck_assert_int_eq(i.opsize, 4);

    /* 66 05 34 12: add ax, 0x1234 in 32-bit code */
    i = dec((const uint8_t[]){0x66, 0x05, 0x34, 0x12}, 4, 4);
    ck_assert_int_eq(i.op, OP_ADD_eAX_Iz);
    ck_assert_int_eq(i.len, 4);
    ck_assert_int_eq(i.opsize, 2);
    ck_assert_uint_eq(i.imm, 0x1234);

    /* 83 C0 FF: add eax, -1 (Ib sign-extended) */
    i = dec((const uint8_t[]){0x83, 0xc0, 0xff}, 3, 4);
    ck_assert_int_eq(i.op, OP_ADD_Ev_Ib);
    ck_assert_uint_eq(i.imm, 0xffffffffu);

    /* 80 F8 FF: cmp al, 0xff (Ib not sign-extended, byte op) */
    i = dec((const uint8_t[]){0x80, 0xf8, 0xff}, 3, 2);
    ck_assert_int_eq(i.op, OP_CMP_Eb_Ib);
    ck_assert_uint_eq(i.imm, 0xff);
    ck_assert_int_eq(i.opsize, 1);

    /* EB FE: jmp $ (Jb sign-extended) */
    i = dec((const uint8_t[]){0xeb, 0xfe}, 2, 2);
    ck_assert_int_eq(i.op, OP_JMP_Jb);
    ck_assert_uint_eq(i.imm, 0xfffffffeu);

    /* C8 10 00 02: enter 16, 2 */
    i = dec((const uint8_t[]){0xc8, 0x10, 0x00, 0x02}, 4, 2);
    ck_assert_int_eq(i.op, OP_ENTER);
    ck_assert_uint_eq(i.imm, 16);
    ck_assert_uint_eq(i.imm2, 2);
    ck_assert_int_eq(i.len, 4);

    /* EA 00 7C 00 00 08 00: jmp 0008:00007C00 in 32-bit code */
    i = dec((const uint8_t[]){0xea, 0x00, 0x7c, 0x00, 0x00, 0x08, 0x00}, 7, 4);
    ck_assert_int_eq(i.op, OP_JMP_Ap);
    ck_assert_uint_eq(i.imm, 0x7c00);
    ck_assert_uint_eq(i.imm2, 8);
    ck_assert_int_eq(i.len, 7);

    /* A1 34 12: mov ax, [0x1234] in 16-bit code; 67 makes the offset 32-bit */
    i = dec((const uint8_t[]){0xa1, 0x34, 0x12}, 3, 2);
    ck_assert_int_eq(i.op, OP_MOV_eAX_Ov);
    ck_assert_int_eq(i.disp, 0x1234);
    ck_assert_int_eq(i.len, 3);
    i = dec((const uint8_t[]){0x67, 0xa1, 0x78, 0x56, 0x34, 0x12}, 6, 2);
    ck_assert_int_eq(i.disp, 0x12345678);
    ck_assert_int_eq(i.len, 6);
}
END_TEST

START_TEST(test_prefixes)
{
    /* F3 26 A4: rep movsb with ES override of the source */
    struct insn i = dec((const uint8_t[]){0xf3, 0x26, 0xa4}, 3, 2);
    ck_assert_int_eq(i.op, OP_MOVSB);
    ck_assert_int_eq(i.rep, REP_E);
    ck_assert_int_eq(i.seg, SEG_ES);
    ck_assert_int_eq(i.seg_override, 1);

    /* The last segment prefix wins; BP-based operands default to SS. */
    i = dec((const uint8_t[]){0x8b, 0x46, 0x02}, 3, 2); /* mov ax, [bp+2] */
    ck_assert_int_eq(i.seg, SEG_SS);
    i = dec((const uint8_t[]){0x2e, 0x64, 0x8b, 0x46, 0x02}, 5, 2);
    ck_assert_int_eq(i.seg, SEG_FS);

    /* 0F 0F-style: a 0F map opcode nobody defines is #UD, length 2. */
    i = dec((const uint8_t[]){0x0f, 0x0e}, 2, 4);
    ck_assert_int_eq(i.op, OP_UD);
}
END_TEST

START_TEST(test_invalid_forms)
{
    /* LOCK on a register destination, and on a non-lockable op, is #UD. */
    ck_assert_int_eq(dec((const uint8_t[]){0xf0, 0x01, 0xd8}, 3, 4).op, OP_UD);
    ck_assert_int_eq(dec((const uint8_t[]){0xf0, 0x90}, 2, 4).op, OP_UD);
    ck_assert_int_ne(dec((const uint8_t[]){0xf0, 0x01, 0x18}, 3, 4).op, OP_UD);
    /* LEA with a register operand, LGDT with a register: #UD. */
    ck_assert_int_eq(dec((const uint8_t[]){0x8d, 0xc0}, 2, 4).op, OP_UD);
    ck_assert_int_eq(dec((const uint8_t[]){0x0f, 0x01, 0xd0}, 3, 4).op, OP_UD);
    /* FF /7 is undefined. */
    ck_assert_int_eq(dec((const uint8_t[]){0xff, 0xf8}, 2, 4).op, OP_UD);
    /* MOV CR0 ignores mod: 0F 20 00 is mov eax, cr0, length 3, no disp. */
    struct insn i = dec((const uint8_t[]){0x0f, 0x20, 0x00}, 3, 4);
    ck_assert_int_eq(i.op, OP_MOV_Rd_Cd);
    ck_assert_int_eq(i.len, 3);
    ck_assert_int_eq(i.modrm.mod, 3);
}
END_TEST

START_TEST(test_length_limits)
{
    /* 14 prefixes + NOP = 15 bytes: fine. 15 prefixes + NOP: too long. */
    uint8_t b[20];
    memset(b, 0x66, sizeof b);
    b[14] = 0x90;
    struct insn i;
    ck_assert_int_eq(x86_decode(&i, b, 15, 4), DECODE_OK);
    ck_assert_int_eq(i.len, 15);
    b[14] = 0x66;
    b[15] = 0x90;
    ck_assert_int_eq(x86_decode(&i, b, 16, 4), DECODE_TOOLONG);
    /* Running out of bytes is reported, not guessed. */
    ck_assert_int_eq(x86_decode(&i, (const uint8_t[]){0x05, 0x01}, 2, 4), DECODE_MORE);
    ck_assert_int_eq(x86_decode(&i, (const uint8_t[]){0x0f}, 1, 4), DECODE_MORE);
}
END_TEST

/* SDM table 2-1: the 16-bit forms, as (base, index) and displacement size. */
START_TEST(test_modrm16_all)
{
    static const int base[8] = {R_EBX, R_EBX, R_EBP, R_EBP, -1, -1, R_EBP, R_EBX};
    static const int index[8] = {R_ESI, R_EDI, R_ESI, R_EDI, R_ESI, R_EDI, -1, -1};
    for (int m = 0; m < 256; m++) {
        int mod = m >> 6, rm = m & 7;
        uint8_t b[8] = {0x8b, (uint8_t)m, 0x11, 0x22, 0x33, 0x44};
        struct insn i = dec(b, 8, 2);
        int disp = mod == 1 ? 1 : mod == 2 ? 2 : (mod == 0 && rm == 6) ? 2 : 0;
        ck_assert_int_eq(i.len, 2 + (mod == 3 ? 0 : disp));
        if (mod == 3)
            continue;
        int eb = (mod == 0 && rm == 6) ? -1 : base[rm];
        ck_assert_int_eq(i.ea.base, eb < 0 ? EA_NONE : eb);
        ck_assert_int_eq(i.ea.index, index[rm] < 0 ? EA_NONE : index[rm]);
        ck_assert_int_eq(i.seg, eb == R_EBP ? SEG_SS : SEG_DS);
        if (disp == 1)
            ck_assert_int_eq(i.disp, 0x11);
        if (disp == 2)
            ck_assert_int_eq(i.disp, 0x2211);
    }
}
END_TEST

/* SDM tables 2-2 and 2-3: every ModR/M, and every SIB where rm = 4. */
START_TEST(test_modrm32_all)
{
    for (int m = 0; m < 256; m++) {
        int mod = m >> 6, rm = m & 7;
        for (int s = 0; s < (rm == 4 && mod != 3 ? 256 : 1); s++) {
            uint8_t b[12] = {0x8b, (uint8_t)m};
            int pos = 2;
            if (rm == 4 && mod != 3)
                b[pos++] = (uint8_t)s;
            b[pos] = 0x80; /* first displacement byte: negative as disp8 */
            b[pos + 1] = 0x22;
            b[pos + 2] = 0x33;
            b[pos + 3] = 0x44;
            struct insn i = dec(b, 12, 4);
            int sib_base = s & 7;
            int disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;
            if (mod == 0 && (rm == 5 || (rm == 4 && sib_base == 5)))
                disp = 4;
            ck_assert_int_eq(i.len, pos + (mod == 3 ? 0 : disp));
            if (mod == 3)
                continue;
            if (disp == 1)
                ck_assert_int_eq(i.disp, -128);
            if (disp == 4)
                ck_assert_int_eq(i.disp, 0x44332280);
            if (rm == 4) {
                int idx = (s >> 3) & 7;
                ck_assert_int_eq(i.ea.index, idx == 4 ? EA_NONE : idx);
                ck_assert_int_eq(i.ea.scale, 1 << (s >> 6));
                int eb = (mod == 0 && sib_base == 5) ? -1 : sib_base;
                ck_assert_int_eq(i.ea.base, eb < 0 ? EA_NONE : eb);
                ck_assert_int_eq(i.seg, (eb == R_ESP || eb == R_EBP) ? SEG_SS : SEG_DS);
            } else {
                int eb = (mod == 0 && rm == 5) ? -1 : rm;
                ck_assert_int_eq(i.ea.base, eb < 0 ? EA_NONE : eb);
                ck_assert_int_eq(i.ea.index, EA_NONE);
            }
        }
    }
}
END_TEST

/* Forms where Capstone 4 and the hardware disagree on what is valid, so
 * lengths cannot be compared: x87 escapes (Capstone rejects some ModR/M
 * forms), and the undocumented aliases Capstone does not know. */
static bool oracle_skips(const struct insn *i)
{
    if (i->map == 0 && i->opcode >= 0xd8 && i->opcode <= 0xdf)
        return true;
    return i->op == OP_SALC || i->op == OP_INT1 || i->op == OP_TEST_Eb_I_ALIAS ||
           i->op == OP_TEST_Ev_I_ALIAS;
}

/* xorshift64: a fixed-seed generator so a failure reproduces. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void capstone_lengths(cs_mode mode, int size)
{
    csh h;
    ck_assert_int_eq(cs_open(CS_ARCH_X86, mode, &h), CS_ERR_OK);
    uint64_t seed = 0x9e3779b97f4a7c15ull ^ (uint64_t)size;
    int compared = 0;
    for (int n = 0; n < 200000; n++) {
        uint8_t b[16];
        for (int k = 0; k < 16; k++)
            b[k] = (uint8_t)rng_next(&seed);
        struct insn i;
        if (x86_decode(&i, b, 16, size) != DECODE_OK || i.op == OP_UD || oracle_skips(&i))
            continue;
        cs_insn *ci;
        size_t cnt = cs_disasm(h, b, 16, 0x1000, 1, &ci);
        if (cnt == 0)
            continue;
        if (ci[0].size != i.len)
            ck_abort_msg("length differs for %02x %02x %02x %02x %02x %02x (%d-bit): lab86 %d "
                         "(%s), capstone %d (%s %s)",
                         b[0], b[1], b[2], b[3], b[4], b[5], size * 8, i.len,
                         x86_mnemonic(i.op), ci[0].size, ci[0].mnemonic, ci[0].op_str);
        cs_free(ci, cnt);
        compared++;
    }
    cs_close(&h);
    ck_assert_int_gt(compared, 50000);
}

START_TEST(test_capstone_lengths_32)
{
    capstone_lengths(CS_MODE_32, 4);
}
END_TEST

START_TEST(test_capstone_lengths_16)
{
    capstone_lengths(CS_MODE_16, 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("decode");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_simple_forms);
    tcase_add_test(tc, test_prefixes);
    tcase_add_test(tc, test_invalid_forms);
    tcase_add_test(tc, test_length_limits);
    tcase_add_test(tc, test_modrm16_all);
    tcase_add_test(tc, test_modrm32_all);
    tcase_add_test(tc, test_capstone_lengths_32);
    tcase_add_test(tc, test_capstone_lengths_16);
    suite_add_tcase(s, tc);
    return um_run_suite(s);
}
