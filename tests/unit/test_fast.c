/*
 * test_fast.c - the threaded core's specialised forms (ops_fast.h) against
 * the generic handlers the switch core runs.
 *
 * For every form the block cache specialises (the eight ALU operations on
 * two registers in both encodings, with an immediate in three, with a
 * memory source and with a memory destination, INC, DEC and NOT of a
 * register or memory, MOV between registers and from an immediate to a
 * register or memory, TEST, loads and stores of dwords, words and bytes,
 * MOVZX, PUSH, POP, LEA, CALL and RET, JMP and all sixteen Jcc in both
 * lengths and both operand sizes, SHL SAL SHR SAR of a dword or word by a
 * fixed count or by CL, ROL and ROR of a dword by a fixed count, IMUL
 * with two operands and with an immediate, NEG of a register, CMOVcc and
 * SETcc, and with byte operands the eight ALU
 * operations, TEST and MOV in their register, immediate and memory forms
 * on all eight byte registers), fast_twin.h runs it on both cores from
 * the same random state and compares them (what it checks, and the page
 * ends and faults the memory forms meet, are in its header). The lazy
 * flags (lazy_flags.h) are compared settled: each form is followed by a
 * HLT, a generic handler, before which the threaded core settles them;
 * test_lazy.c has a reader of each kind after each writer.
 */
#include "fast_twin.h"

/* check_form_n() with CASES cases. */
static void check_form(const struct form *f)
{
    struct twin_opts o = {CASES, 0, false};
    check_form_n(f, &o);
}

START_TEST(t_alu)
{
    int k = _i; /* ADD OR ADC SBB AND SUB XOR CMP */
    struct form forms[] = {
        {{(uint8_t)(8 * k + 1), rr(R_EDX, R_ESI)}, 2, FAST_ALU_RR + k, false, false, false},
        {{(uint8_t)(8 * k + 3), rr(R_EDI, R_EAX)}, 2, FAST_ALU_RR + k, false, false, false},
        {{(uint8_t)(8 * k + 1), rr(R_ECX, R_ECX)}, 2, FAST_ALU_RR + k, false, false, false}, /* the same */
        {{0x83, rr(k, R_EBP), 0x80}, 3, FAST_ALU_RI + k, false, false, false},
        {{0x83, rr(k, R_EDI), 0x7f}, 3, FAST_ALU_RI + k, false, false, false},
        {{0x81, rr(k, R_EDX), 0x01, 0x00, 0x00, 0x80}, 6, FAST_ALU_RI + k, false, false, false},
        {{(uint8_t)(8 * k + 5), 0xff, 0xff, 0xff, 0x7f}, 5, FAST_ALU_RI + k, false, false, false},
        {{(uint8_t)(8 * k + 3), 0x4b, 0x04}, 3, FAST_ALU_RM + k, false, false, false}, /* ecx op= [ebx+4] */
        /* memory destinations: [ebx+4] op= esi; [ebx-2] op= ebx (a page end); imm8, imm32 */
        {{(uint8_t)(8 * k + 1), mb(R_ESI), 0x04}, 3, FAST_ALU_MR + k, false, false, false},
        {{(uint8_t)(8 * k + 1), mb(R_EBX), 0xfe}, 3, FAST_ALU_MR + k, false, false, false},
        {{0x83, mb(k), 0x04, 0x80}, 4, FAST_ALU_MI + k, false, false, false},
        {{0x83, mb(k), 0xfe, 0x01}, 4, FAST_ALU_MI + k, false, false, false},
        {{0x81, m0(k), 0x01, 0x00, 0x00, 0x80}, 6, FAST_ALU_MI + k, false, false, false},
        /* faulting: the write (CMP only reads: no fault), the read */
        {{CS_, (uint8_t)(8 * k + 1), m0(R_EDX)}, 3, FAST_ALU_MR + k, false, false, k != ALU_CMP},
        {{CS_, 0x83, mb(k), 0x04, 0xff}, 5, FAST_ALU_MI + k, false, false, k != ALU_CMP},
        {{FS_, (uint8_t)(8 * k + 1), m0(R_EDX)}, 3, FAST_ALU_MR + k, false, false, true},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_moves_and_counts)
{
    struct form forms[] = {
        {{0x40 + R_ESI}, 1, FAST_INC, false, false, false},
        {{0x48 + R_EAX}, 1, FAST_DEC, false, false, false},
        {{0x89, rr(R_EAX, R_EDI)}, 2, FAST_MOV_RR, false, false, false},
        {{0x8b, rr(R_EAX, R_EDI)}, 2, FAST_MOV_RR, false, false, false},
        {{0xb8 + R_EBP, 0x78, 0x56, 0x34, 0x12}, 5, FAST_MOV_RI, false, false, false},
        {{0x85, rr(R_EDX, R_ECX)}, 2, FAST_TEST_RR, false, false, false},
        {{0x8b, 0x43, 0x04}, 3, FAST_LOAD, false, false, false},             /* mov eax, [ebx+4] */
        {{0x8b, 0x14, 0x8b}, 3, FAST_LOAD, false, true, false},             /* mov edx, [ebx+ecx*4] */
        {{0x89, 0x73, 0x00}, 3, FAST_STORE, false, false, false},            /* mov [ebx+0], esi */
        {{0x89, 0x3c, 0x4b}, 3, FAST_STORE, false, true, false},            /* mov [ebx+ecx*2], edi */
        {{0x8a, 0x63, 0x05}, 3, FAST_LOAD8, false, false, false},            /* mov ah, [ebx+5] */
        {{0x8a, 0x0b}, 2, FAST_LOAD8, false, false, false},                  /* mov cl, [ebx] */
        {{0x88, 0x7b, 0x02}, 3, FAST_STORE8, false, false, false},           /* mov [ebx+2], bh */
        {{0x88, 0x13}, 2, FAST_STORE8, false, false, false},                 /* mov [ebx], dl */
        {{0x0f, 0xb6, rr(R_EAX, 7)}, 3, FAST_MOVZX8, false, false, false},   /* movzx eax, bh */
        {{0x0f, 0xb6, 0x53, 0x03}, 4, FAST_MOVZX8, false, false, false},     /* movzx edx, byte [ebx+3] */
        {{0x0f, 0xb7, rr(R_ESI, R_ECX)}, 3, FAST_MOVZX16, false, false, false}, /* movzx esi, cx */
        {{0x0f, 0xb7, 0x7b, 0x01}, 4, FAST_MOVZX16, false, false, false},    /* movzx edi, word [ebx+1] */
        {{0x50 + R_EDX}, 1, FAST_PUSH, false, false, false},
        {{0x50 + R_ESP}, 1, FAST_PUSH, false, false, false},                 /* pushes the old ESP */
        {{0x58 + R_EBP}, 1, FAST_POP, false, false, false},
        {{0x58 + R_ESP}, 1, FAST_POP, false, false, false},                  /* ESP = the popped value */
        {{0x8d, 0x44, 0x8b, 0x80}, 4, FAST_LEA, false, true, false},        /* lea eax, [ebx+ecx*4-128] */
        {{0x8d, 0x3d, 0x78, 0x56, 0x34, 0x12}, 6, FAST_LEA, false, false, false}, /* lea edi, [0x12345678] */
        {{0xe8, 0x40, 0x00, 0x00, 0x00}, 5, FAST_CALL, false, false, false},  /* forward */
        {{0xe8, 0x00, 0xfc, 0xff, 0xff}, 5, FAST_CALL, false, false, false},  /* back */
        {{0xc3}, 1, FAST_RET, false, false, false},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_rmw_and_more)
{
    struct form forms[] = {
        {{0xff, rr(0, R_ECX)}, 2, FAST_INC, false, false, false},                /* inc ecx (FF /0) */
        {{0xff, rr(1, R_ESP)}, 2, FAST_DEC, false, false, false},                /* dec esp (FF /1) */
        {{0xff, mb(0), 0x04}, 3, FAST_INC_M, false, false, false},               /* inc dword [ebx+4] */
        {{0xff, mb(1), 0xfe}, 3, FAST_DEC_M, false, false, false},               /* dec dword [ebx-2] */
        {{CS_, 0xff, m0(0)}, 3, FAST_INC_M, false, false, true},                /* write faults */
        {{FS_, 0xff, m0(1)}, 3, FAST_DEC_M, false, false, true},                /* read faults */
        {{0xf7, rr(2, R_EDI)}, 2, FAST_NOT, false, false, false},                /* not edi */
        {{0xf7, rr(3, R_EDX)}, 2, FAST_NEG, false, false, false},                /* neg edx */
        {{0xf7, rr(3, R_ESP)}, 2, FAST_NEG, false, false, false},                /* neg esp */
        {{0xf7, mb(2), 0x08}, 3, FAST_NOT_M, false, false, false},               /* not dword [ebx+8] */
        {{0xf7, mb(2), 0xfe}, 3, FAST_NOT_M, false, false, false},               /* not dword [ebx-2] */
        {{CS_, 0xf7, m0(2)}, 3, FAST_NOT_M, false, false, true},
        {{0xc7, rr(0, R_ESI), 0x78, 0x56, 0x34, 0x12}, 6, FAST_MOV_RI, false, false, false},
        {{0xc7, mb(0), 0x04, 0xff, 0xff, 0xff, 0xff}, 7, FAST_STORE_I, false, false, false},
        {{0xc7, mb(0), 0xfe, 0x01, 0x00, 0x00, 0x80}, 7, FAST_STORE_I, false, false, false},
        {{CS_, 0xc7, m0(0), 1, 2, 3, 4}, 7, FAST_STORE_I, false, false, true},
        {{0x66, 0x89, mb(R_ESI), 0x04}, 4, FAST_STORE16, false, false, false},   /* mov [ebx+4], si */
        {{0x66, 0x89, mb(R_EAX), 0xff}, 4, FAST_STORE16, false, false, false},   /* mov [ebx-1], ax */
        {{CS_, 0x66, 0x89, m0(R_EDX)}, 4, FAST_STORE16, false, false, true},
        {{0x66, 0x8b, mb(R_EDI), 0x02}, 4, FAST_LOAD16, false, false, false},    /* mov di, [ebx+2] */
        {{0x66, 0x8b, mb(R_ECX), 0xff}, 4, FAST_LOAD16, false, false, false},    /* mov cx, [ebx-1] */
        {{0x66, 0x8b, 0x14, 0x8b}, 4, FAST_LOAD16, false, true, false},          /* mov dx, [ebx+ecx*4] */
        {{FS_, 0x66, 0x8b, m0(R_EAX)}, 4, FAST_LOAD16, false, false, true},
        {{0x0f, 0xaf, rr(R_EAX, R_EDX)}, 3, FAST_IMUL_RR, false, false, false},  /* imul eax, edx */
        {{0x0f, 0xaf, rr(R_ESI, R_ESI)}, 3, FAST_IMUL_RR, false, false, false},  /* imul esi, esi */
        {{0x0f, 0xaf, mb(R_ECX), 0x04}, 4, FAST_IMUL_RM, false, false, false},   /* imul ecx, [ebx+4] */
        {{0x0f, 0xaf, mb(R_EBX), 0xfe}, 4, FAST_IMUL_RM, false, false, false},   /* imul ebx, [ebx-2] */
        {{FS_, 0x0f, 0xaf, m0(R_EDX)}, 4, FAST_IMUL_RM, false, false, true},
        {{0xeb, 0x10}, 2, FAST_JMP, false, false, false},                        /* forward */
        {{0xeb, 0xfe}, 2, FAST_JMP, false, false, false},                        /* to itself */
        {{0xe9, 0x00, 0x01, 0x00, 0x00}, 5, FAST_JMP, false, false, false},
        {{0xe9, 0x00, 0xfe, 0xff, 0xff}, 5, FAST_JMP, false, false, false},      /* back */
        {{0xeb, 0x20}, 2, FAST_JMP, true, false, false},                         /* 16-bit IP */
        {{0xe9, 0x00, 0x08}, 3, FAST_JMP, true, false, false},                   /* wraps at 64K */
        {{0x66, 0xe9, 0x00, 0x10, 0, 0}, 6, FAST_JMP, true, false, true}, /* past CS.limit: #GP */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

/* SHL SHR SAL SAR (_i: 0-3, ModR/M reg 4-7) in every specialised form. */
START_TEST(t_shift)
{
    int k = 4 + _i, s = k == 5 ? SHIFT_SHR : k == 7 ? SHIFT_SAR : SHIFT_SHL;
    uint8_t r = rr(k, R_EDX), m = mb(k);
    struct form forms[] = {
        {{0xc1, r, 0}, 3, FAST_SHIFT_RI + s, false, false, false},
        {{0xc1, r, 1}, 3, FAST_SHIFT_RI + s, false, false, false},
        {{0xc1, r, 31}, 3, FAST_SHIFT_RI + s, false, false, false},
        {{0xc1, r, 32}, 3, FAST_SHIFT_RI + s, false, false, false},        /* masked to 0 */
        {{0xc1, r, 33}, 3, FAST_SHIFT_RI + s, false, false, false},        /* masked to 1 */
        {{0xc1, rr(k, R_ECX), 0xff}, 3, FAST_SHIFT_RI + s, false, false, false},
        {{0xd1, r}, 2, FAST_SHIFT_RI + s, false, false, false},            /* by 1 */
        {{0xc1, m, 0x04, 0}, 4, FAST_SHIFT_MI + s, false, false, false},   /* [ebx+4] */
        {{0xc1, m, 0x04, 1}, 4, FAST_SHIFT_MI + s, false, false, false},
        {{0xc1, m, 0x04, 31}, 4, FAST_SHIFT_MI + s, false, false, false},
        {{0xc1, m, 0x04, 33}, 4, FAST_SHIFT_MI + s, false, false, false},
        {{0xc1, m, 0xfe, 7}, 4, FAST_SHIFT_MI + s, false, false, false},   /* [ebx-2]: a page end */
        {{0xd1, m0(k)}, 2, FAST_SHIFT_MI + s, false, false, false},
        {{CS_, 0xc1, m0(k), 3}, 4, FAST_SHIFT_MI + s, false, false, true}, /* the write faults */
        {{CS_, 0xc1, m0(k), 0}, 4, FAST_SHIFT_MI + s, false, false, false}, /* count 0: no write */
        {{FS_, 0xc1, m0(k), 32}, 4, FAST_SHIFT_MI + s, false, false, true}, /* but a read */
        {{0xd3, r}, 2, FAST_SHIFT_CL + s, false, false, false},            /* by CL */
        {{0xd3, rr(k, R_ECX)}, 2, FAST_SHIFT_CL + s, false, false, false}, /* ecx by cl */
        {{0xd3, m, 0x04}, 3, FAST_SHIFT_CL + s, false, false, false},
        {{0xd3, m, 0xfe}, 3, FAST_SHIFT_CL + s, false, false, false},
        {{FS_, 0xd3, m0(k)}, 3, FAST_SHIFT_CL + s, false, false, true},   /* the read faults */
        {{0x66, 0xc1, r, 0}, 4, FAST_SHIFT16 + s, false, false, false},    /* 16 bits */
        {{0x66, 0xc1, r, 1}, 4, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, r, 15}, 4, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, r, 16}, 4, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, r, 17}, 4, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, r, 31}, 4, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, r, 33}, 4, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xd1, r}, 3, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, m, 0x02, 5}, 5, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, m, 0xff, 9}, 5, FAST_SHIFT16 + s, false, false, false}, /* [ebx-1] */
        {{0x66, 0xd1, m0(k)}, 3, FAST_SHIFT16 + s, false, false, false},
        {{CS_, 0x66, 0xc1, m0(k), 4}, 5, FAST_SHIFT16 + s, false, false, true},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

/* The byte ALU family, operation k = _i, on all eight byte registers
 * (AL..BL and AH..BH, bits 15:8 of EAX..EBX), both directions, with an
 * immediate in three encodings, and with a memory operand either way:
 * inside the data window, at [EBX-1] (the last byte of the page before
 * DATA) and faulting (the write through CS, the read through FS). */
START_TEST(t_byte_alu)
{
    int k = _i;
    uint8_t eb = (uint8_t)(8 * k), gb = (uint8_t)(8 * k + 2), al = (uint8_t)(8 * k + 4);
    struct form forms[] = {
        {{eb, rr(4, 0)}, 2, FAST_ALU8_RR + k, false, false, false},        /* al op= ah */
        {{eb, rr(7, 3)}, 2, FAST_ALU8_RR + k, false, false, false},        /* bl op= bh */
        {{eb, rr(1, 6)}, 2, FAST_ALU8_RR + k, false, false, false},        /* dh op= cl */
        {{eb, rr(5, 5)}, 2, FAST_ALU8_RR + k, false, false, false},        /* ch op= ch */
        {{gb, rr(6, 2)}, 2, FAST_ALU8_RR + k, false, false, false},        /* dh op= dl */
        {{gb, rr(3, 7)}, 2, FAST_ALU8_RR + k, false, false, false},        /* bl op= bh */
        {{gb, rr(4, 4)}, 2, FAST_ALU8_RR + k, false, false, false},        /* ah op= ah */
        {{al, 0x80}, 2, FAST_ALU8_RI + k, false, false, false},            /* al op= 0x80 */
        {{al, 0x7f}, 2, FAST_ALU8_RI + k, false, false, false},
        {{0x80, rr(k, 4), 0xff}, 3, FAST_ALU8_RI + k, false, false, false}, /* ah op= 0xff */
        {{0x80, rr(k, 1), 0x01}, 3, FAST_ALU8_RI + k, false, false, false}, /* cl op= 1 */
        {{0x82, rr(k, 7), 0x80}, 3, FAST_ALU8_RI + k, false, false, false}, /* bh: 82 */
        {{gb, mb(4), 0x05}, 3, FAST_ALU8_RM + k, false, false, false},      /* ah op= [ebx+5] */
        {{gb, mb(2), 0xff}, 3, FAST_ALU8_RM + k, false, false, false},      /* dl op= [ebx-1] */
        {{FS_, gb, m0(7)}, 3, FAST_ALU8_RM + k, false, false, true},
        {{eb, mb(6), 0x03}, 3, FAST_ALU8_MR + k, false, false, false},      /* [ebx+3] op= dh */
        {{eb, mb(0), 0xff}, 3, FAST_ALU8_MR + k, false, false, false},      /* [ebx-1] op= al */
        {{CS_, eb, m0(5)}, 3, FAST_ALU8_MR + k, false, false, k != ALU_CMP},
        {{FS_, eb, m0(1)}, 3, FAST_ALU8_MR + k, false, false, true},
        {{0x80, mb(k), 0x06, 0x80}, 4, FAST_ALU8_MI + k, false, false, false},
        {{0x82, mb(k), 0xff, 0x01}, 4, FAST_ALU8_MI + k, false, false, false},
        {{CS_, 0x80, m0(k), 0x7f}, 4, FAST_ALU8_MI + k, false, false, k != ALU_CMP},
        {{FS_, 0x80, m0(k), 0x7f}, 4, FAST_ALU8_MI + k, false, false, true},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

/* TEST and MOV with byte operands. */
START_TEST(t_byte_test_mov)
{
    struct form forms[] = {
        {{0x84, rr(4, 0)}, 2, FAST_TEST8_RR, false, false, false},         /* test al, ah */
        {{0x84, rr(7, 7)}, 2, FAST_TEST8_RR, false, false, false},         /* test bh, bh */
        {{0x84, rr(2, 5)}, 2, FAST_TEST8_RR, false, false, false},         /* test ch, dl */
        {{0xa8, 0x80}, 2, FAST_TEST8_RI, false, false, false},             /* test al, 0x80 */
        {{0xf6, rr(0, 6), 0x01}, 3, FAST_TEST8_RI, false, false, false},   /* test dh, 1 */
        {{0xf6, rr(1, 3), 0xff}, 3, FAST_TEST8_RI, false, false, false},   /* /1 alias: bl */
        {{0x84, mb(5), 0x02}, 3, FAST_TEST8_MR, false, false, false},      /* test [ebx+2], ch */
        {{0x84, mb(3), 0xff}, 3, FAST_TEST8_MR, false, false, false},      /* [ebx-1], bl */
        {{FS_, 0x84, m0(4)}, 3, FAST_TEST8_MR, false, false, true},
        {{0xf6, mb(0), 0x07, 0x81}, 4, FAST_TEST8_MI, false, false, false},
        {{0xf6, mb(0), 0xff, 0x7f}, 4, FAST_TEST8_MI, false, false, false},
        {{FS_, 0xf6, m0(0), 0xff}, 4, FAST_TEST8_MI, false, false, true},
        {{0x88, rr(4, 3)}, 2, FAST_MOV8_RR, false, false, false},          /* mov bl, ah */
        {{0x88, rr(1, 7)}, 2, FAST_MOV8_RR, false, false, false},          /* mov bh, cl */
        {{0x8a, rr(6, 5)}, 2, FAST_MOV8_RR, false, false, false},          /* mov dh, ch */
        {{0x8a, rr(0, 4)}, 2, FAST_MOV8_RR, false, false, false},          /* mov al, ah */
        {{0xb0 + 0, 0x81}, 2, FAST_MOV8_RI, false, false, false},          /* mov al, 0x81 */
        {{0xb0 + 3, 0xff}, 2, FAST_MOV8_RI, false, false, false},          /* mov bl */
        {{0xb0 + 4, 0x7f}, 2, FAST_MOV8_RI, false, false, false},          /* mov ah */
        {{0xb0 + 7, 0x00}, 2, FAST_MOV8_RI, false, false, false},          /* mov bh */
        {{0xc6, rr(0, 5), 0x5a}, 3, FAST_MOV8_RI, false, false, false},    /* C6 /0: ch */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

/* ROL and ROR (_i: ModR/M reg 0, 1) of a dword by a fixed count, register
 * and memory: counts 0 (no flag changes, but the read), 1 (OF defined),
 * 31, 32 (masked to 0) and 33 (to 1). */
START_TEST(t_rotate)
{
    int k = _i;
    uint8_t r = rr(k, R_ESI), m = mb(k);
    struct form forms[] = {
        {{0xc1, r, 0}, 3, FAST_ROT_RI + k, false, false, false},
        {{0xc1, r, 1}, 3, FAST_ROT_RI + k, false, false, false},
        {{0xc1, r, 13}, 3, FAST_ROT_RI + k, false, false, false},
        {{0xc1, r, 31}, 3, FAST_ROT_RI + k, false, false, false},
        {{0xc1, r, 32}, 3, FAST_ROT_RI + k, false, false, false},
        {{0xc1, r, 33}, 3, FAST_ROT_RI + k, false, false, false},
        {{0xd1, rr(k, R_EAX)}, 2, FAST_ROT_RI + k, false, false, false},
        {{0xc1, m, 0x04, 1}, 4, FAST_ROT_MI + k, false, false, false},
        {{0xc1, m, 0x04, 0}, 4, FAST_ROT_MI + k, false, false, false},
        {{0xc1, m, 0xfe, 9}, 4, FAST_ROT_MI + k, false, false, false},     /* a page end */
        {{0xd1, m0(k)}, 2, FAST_ROT_MI + k, false, false, false},
        {{CS_, 0xc1, m0(k), 3}, 4, FAST_ROT_MI + k, false, false, true},   /* the write faults */
        {{CS_, 0xc1, m0(k), 0}, 4, FAST_ROT_MI + k, false, false, false},  /* count 0: no write */
        {{FS_, 0xc1, m0(k), 32}, 4, FAST_ROT_MI + k, false, false, true},  /* but a read */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

/* IMUL r32, r/m32, imm: imm8 (6B, sign-extended) and imm32 (69). */
START_TEST(t_imul_imm)
{
    struct form forms[] = {
        {{0x6b, rr(R_EAX, R_EDX), 0x80}, 3, FAST_IMUL_RI, false, false, false},   /* eax = edx * -128 */
        {{0x6b, rr(R_ESI, R_ESI), 0x7f}, 3, FAST_IMUL_RI, false, false, false},
        {{0x69, rr(R_EDI, R_ECX), 0x01, 0, 0, 0x80}, 6, FAST_IMUL_RI, false, false, false},
        {{0x69, rr(R_EBP, R_EBX), 0xff, 0xff, 0xff, 0x7f}, 6, FAST_IMUL_RI, false, false, false},
        {{0x6b, mb(R_ECX), 0x04, 0x03}, 4, FAST_IMUL_MI, false, false, false},    /* ecx = [ebx+4] * 3 */
        {{0x69, mb(R_EBX), 0xfe, 0x10, 0, 0, 0}, 7, FAST_IMUL_MI, false, false, false}, /* a page end */
        {{FS_, 0x6b, m0(R_EDX), 0x05}, 4, FAST_IMUL_MI, false, false, true},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

/* CMOVcc and SETcc for condition cc = _i: registers (SETcc of AH..BH too)
 * and memory; a CMOV whose read faults faults whatever the condition, and
 * a SETcc whose write faults changes nothing. */
START_TEST(t_cmov_setcc)
{
    int cc = _i;
    uint8_t cm = (uint8_t)(0x40 + cc), st = (uint8_t)(0x90 + cc);
    struct form forms[] = {
        {{0x0f, cm, rr(R_EAX, R_EDX)}, 3, FAST_CMOV + cc, false, false, false},
        {{0x0f, cm, rr(R_EDI, R_EDI)}, 3, FAST_CMOV + cc, false, false, false},
        {{0x0f, cm, mb(R_ESI), 0x04}, 4, FAST_CMOV + cc, false, false, false},
        {{0x0f, cm, mb(R_ECX), 0xfe}, 4, FAST_CMOV + cc, false, false, false}, /* a page end */
        {{FS_, 0x0f, cm, m0(R_EDX)}, 4, FAST_CMOV + cc, false, false, true},   /* the read faults */
        {{0x0f, st, rr(0, 0)}, 3, FAST_SETCC + cc, false, false, false},       /* al */
        {{0x0f, st, rr(0, 7)}, 3, FAST_SETCC + cc, false, false, false},       /* bh */
        {{0x0f, st, rr(0, 4)}, 3, FAST_SETCC + cc, false, false, false},       /* ah */
        {{0x0f, st, mb(0), 0x05}, 4, FAST_SETCC + cc, false, false, false},
        {{0x0f, st, mb(0), 0xff}, 4, FAST_SETCC + cc, false, false, false},
        {{CS_, 0x0f, st, m0(0)}, 4, FAST_SETCC + cc, false, false, true},      /* the write faults */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_jcc)
{
    int cc = _i;
    struct form forms[] = {
        {{(uint8_t)(0x70 + cc), 0x10}, 2, FAST_JCC + cc, false, false, false},           /* forward */
        {{(uint8_t)(0x70 + cc), 0xfe}, 2, FAST_JCC + cc, false, false, false},           /* to itself */
        {{0x0f, (uint8_t)(0x80 + cc), 0x00, 0x01, 0, 0}, 6, FAST_JCC + cc, false, false, false},
        {{0x0f, (uint8_t)(0x80 + cc), 0x00, 0xfe, 0xff, 0xff}, 6, FAST_JCC + cc, false, false, false}, /* back */
        {{(uint8_t)(0x70 + cc), 0x20}, 2, FAST_JCC + cc, true, false, false},            /* 16-bit IP */
        {{0x0f, (uint8_t)(0x80 + cc), 0x00, 0x08}, 4, FAST_JCC + cc, true, false, false}, /* wraps at 64K */
        /* taken, past CS.limit: #GP */
        {{0x66, 0x0f, (uint8_t)(0x80 + cc), 0x00, 0x10, 0, 0}, 7, FAST_JCC + cc, true, false, false},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_not_specialised)
{
    /* 16-bit operands, byte operations, 16-bit addresses and the rarer
     * forms keep the generic handlers. */
    struct form forms[] = {
        {{0x66, 0x01, rr(R_EAX, R_EBX)}, 3, OP_ADD_Ev_Gv, false, false, false},
        {{0x66, 0x01, m0(R_EAX)}, 3, OP_ADD_Ev_Gv, false, false, false},   /* add [ebx], ax */
        {{0xf6, m0(3)}, 2, OP_NEG_Eb, false, false, false},                 /* neg byte [ebx] */
        {{0xc6, m0(0), 0x12}, 3, OP_MOV_Eb_Ib, false, false, false},        /* mov byte [ebx], 0x12 */
        {{0xf7, m0(3)}, 2, OP_NEG_Ev, false, false, false},                 /* neg dword [ebx] */
        {{0xc1, rr(2, R_EAX), 5}, 3, OP_RCL_Ev_Ib, false, false, false},    /* through CF */
        {{0x66, 0xc1, rr(0, R_EAX), 5}, 4, OP_ROL_Ev_Ib, false, false, false}, /* a 16-bit rotate */
        {{0xd3, rr(1, R_EAX)}, 2, OP_ROR_Ev_CL, false, false, false},      /* a rotate by CL */
        {{0xc0, rr(5, R_EAX), 5}, 3, OP_SHR_Eb_Ib, false, false, false},    /* a byte shift */
        {{0x66, 0xd3, rr(5, R_EAX)}, 3, OP_SHR_Ev_CL, false, false, false}, /* 16 bits by CL */
        {{0x66, 0xc7, m0(0), 1, 2}, 5, OP_MOV_Ev_Iz, false, false, false},  /* mov word [ebx], 0x201 */
        {{0x66, 0x0f, 0xaf, rr(R_EAX, R_EDX)}, 4, OP_IMUL_Gv_Ev, false, false, false},
        /* A 16-bit address (0x67): [BX] is EBX's low word, which is not EBX
         * here (DATA is above 64 KiB), so a form that took the address
         * as 32 bits would read or write the data window instead. */
        {{0x67, 0x8b, 0x07}, 3, OP_MOV_Gv_Ev, false, false, false},       /* mov eax, [bx] */
        {{0x67, 0x89, 0x07}, 3, OP_MOV_Ev_Gv, false, false, false},       /* mov [bx], eax */
        {{0x67, 0x03, 0x07}, 3, OP_ADD_Gv_Ev, false, false, false},       /* add eax, [bx] */
        {{0x67, 0x01, 0x07}, 3, OP_ADD_Ev_Gv, false, false, false},       /* add [bx], eax */
        {{0x67, 0xff, 0x07}, 3, OP_INC_Ev, false, false, false},          /* inc dword [bx] */
        {{0x67, 0x0f, 0xb6, 0x07}, 4, OP_MOVZX_Gv_Eb, false, false, false}, /* movzx eax, byte [bx] */
        {{0x67, 0x8d, 0x47, 0x10}, 4, OP_LEA, false, false, false},       /* lea eax, [bx+0x10] */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

static Suite *fast_suite(void)
{
    Suite *s = suite_create("fast");
    TCase *t = tcase_create("specialised forms");
    tcase_set_timeout(t, 60);
    tcase_add_loop_test(t, t_alu, 0, 8);
    tcase_add_test(t, t_moves_and_counts);
    tcase_add_test(t, t_rmw_and_more);
    tcase_add_loop_test(t, t_shift, 0, 4);
    tcase_add_loop_test(t, t_jcc, 0, 16);
    tcase_add_loop_test(t, t_byte_alu, 0, 8);
    tcase_add_test(t, t_byte_test_mov);
    tcase_add_loop_test(t, t_rotate, 0, 2);
    tcase_add_test(t, t_imul_imm);
    tcase_add_loop_test(t, t_cmov_setcc, 0, 16);
    tcase_add_test(t, t_not_specialised);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(fast_suite());
}
