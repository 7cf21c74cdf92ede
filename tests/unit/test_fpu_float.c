/*
 * test_fpu_float.c - lab86's software 80-bit float (fpu_float.c,
 * fpu_conv.c) against the host's own x87, operation by operation: the same
 * operands (fpu_gen.h) in every rounding mode and precision, with overflow
 * and underflow masked and unmasked, run natively (fpu_host.h) and in
 * software; the result bits, the six exception flags and C1 (rounded up)
 * must agree exactly.
 */
#include <stdio.h>

#include "fpu_gen.h"
#include "fpu_host.h"
#include "unit_util.h"

#define PER_CW 4000 /* operand pairs per control word and operation */
#define SHOW 8      /* mismatches printed before giving up on detail */

static bool same(struct f80 a, struct f80 b)
{
    return a.m == b.m && a.se == b.se;
}

static int report(const char *what, uint16_t cw, struct f80 a, struct f80 b, struct f80 want,
                  uint16_t want_sw, struct f80 got, uint16_t got_sw, int shown)
{
    if (shown < SHOW)
        fprintf(stderr,
                "%s cw=%04x a=%04x:%016llx b=%04x:%016llx host=%04x:%016llx sw=%04x "
                "lab86=%04x:%016llx sw=%04x\n",
                what, cw, a.se, (unsigned long long)a.m, b.se, (unsigned long long)b.m, want.se,
                (unsigned long long)want.m, want_sw, got.se, (unsigned long long)got.m, got_sw);
    return shown + 1;
}

/* The status bits an operation defines: the exceptions and C1. */
static uint16_t sw_of(const struct fctx *x)
{
    return (uint16_t)(x->exc | (x->up ? FSW_C1 : 0));
}

#define SW_MASK (FSW_EXC | FSW_C1)

/* A binary operation ST0 = ST0 op ST1 against the host. */
static int check_binop(int hop, struct f80 (*fn)(struct fctx *, struct f80, struct f80),
                       const char *name, uint64_t seed)
{
    struct gen g = {seed};
    int bad = 0;
    for (unsigned k = 0; k < GEN_CW_COUNT; k++) {
        uint16_t cw = gen_cw(k);
        for (int n = 0; n < PER_CW; n++) {
            struct f80 a = gen_f80(&g), b = gen_near(&g, a), want;
            uint16_t want_sw = host_binop(hop, cw, a, b, &want) & SW_MASK;
            struct fctx x = {cw, 0, false};
            struct f80 got = fn(&x, a, b);
            if (!same(got, want) || sw_of(&x) != want_sw)
                bad = report(name, cw, a, b, want, want_sw, got, sw_of(&x), bad);
        }
    }
    return bad;
}

START_TEST(test_add)
{
    ck_assert_int_eq(check_binop(HB_ADD, f80_add, "fadd", 0x1234567), 0);
}
END_TEST

START_TEST(test_sub)
{
    ck_assert_int_eq(check_binop(HB_SUB, f80_sub, "fsub", 0x7654321), 0);
}
END_TEST

START_TEST(test_mul)
{
    ck_assert_int_eq(check_binop(HB_MUL, f80_mul, "fmul", 0xabcdef1), 0);
}
END_TEST

START_TEST(test_div)
{
    ck_assert_int_eq(check_binop(HB_DIV, f80_div, "fdiv", 0x1fedcba), 0);
}
END_TEST

START_TEST(test_scale)
{
    ck_assert_int_eq(check_binop(HB_SCALE, f80_scale, "fscale", 0x5ca1e), 0);
}
END_TEST

/* FPREM/FPREM1: the result, the flags, and C0-C3 (the quotient bits and
 * C2, reduction incomplete). */
static int check_rem(bool ieee, uint64_t seed)
{
    struct gen g = {seed};
    int bad = 0;
    for (unsigned k = 0; k < GEN_CW_COUNT; k += 6) {
        uint16_t cw = gen_cw(k);
        for (int n = 0; n < PER_CW; n++) {
            struct f80 a = gen_f80(&g), b = gen_near(&g, a), want;
            uint16_t want_sw = host_binop(ieee ? HB_PREM1 : HB_PREM, cw, a, b, &want) &
                               (FSW_EXC | FSW_CC);
            struct fctx x = {cw, 0, false};
            uint16_t cc;
            struct f80 got = f80_rem(&x, a, b, ieee, &cc);
            uint16_t got_sw = (uint16_t)(x.exc | (cc & FSW_CC));
            if (x.exc & FSW_IE)
                got_sw &= (uint16_t)~FSW_CC, want_sw &= (uint16_t)~FSW_CC;
            if (!same(got, want) || got_sw != want_sw)
                bad = report(ieee ? "fprem1" : "fprem", cw, a, b, want, want_sw, got, got_sw,
                             bad);
        }
    }
    return bad;
}

START_TEST(test_prem)
{
    ck_assert_int_eq(check_rem(false, 0x9e3779b9), 0);
    ck_assert_int_eq(check_rem(true, 0x7f4a7c15), 0);
}
END_TEST

static int check_unop(int hop, struct f80 (*fn)(struct fctx *, struct f80), const char *name,
                      uint64_t seed)
{
    struct gen g = {seed};
    int bad = 0;
    for (unsigned k = 0; k < GEN_CW_COUNT; k++) {
        uint16_t cw = gen_cw(k);
        for (int n = 0; n < PER_CW; n++) {
            struct f80 a = gen_f80(&g), want;
            uint16_t want_sw = host_unop(hop, cw, a, &want) & SW_MASK;
            struct fctx x = {cw, 0, false};
            struct f80 got = fn(&x, a);
            if (!same(got, want) || sw_of(&x) != want_sw)
                bad = report(name, cw, a, a, want, want_sw, got, sw_of(&x), bad);
        }
    }
    return bad;
}

START_TEST(test_sqrt)
{
    ck_assert_int_eq(check_unop(HU_SQRT, f80_sqrt, "fsqrt", 0x50f7), 0);
}
END_TEST

START_TEST(test_rndint)
{
    ck_assert_int_eq(check_unop(HU_RNDINT, f80_round_int, "frndint", 0x121e7), 0);
}
END_TEST

START_TEST(test_compare)
{
    struct gen g = {0xc0ffee};
    int bad = 0;
    for (int n = 0; n < 20000; n++) {
        struct f80 a = gen_f80(&g), b = gen_below(&g, 4) ? gen_near(&g, a) : a;
        for (int quiet = 0; quiet < 2; quiet++) {
            uint16_t want_sw = host_compare(quiet, 0x37f, a, b) & (FSW_EXC | FSW_C0 | FSW_C2 |
                                                                   FSW_C3);
            struct fctx x = {0x37f, 0, false};
            int rel = f80_compare(&x, a, b, quiet);
            static const uint16_t cc[4] = {FSW_C0, FSW_C3, 0, FSW_C0 | FSW_C2 | FSW_C3};
            uint16_t got_sw = (uint16_t)(x.exc | cc[rel + 1]);
            if (got_sw != want_sw)
                bad = report(quiet ? "fucom" : "fcom", 0x37f, a, b, a, want_sw, b, got_sw, bad);
        }
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* Stores to every memory format: the bytes and the flags. */
START_TEST(test_stores)
{
    static const char *names[] = {"fst m32", "fst m64", "fist m16", "fist m32", "fistp m64",
                                  "fbstp"};
    struct gen g = {0x570e5};
    int bad = 0;
    for (unsigned k = 0; k < GEN_CW_COUNT; k++) {
        uint16_t cw = gen_cw(k) | FCW_OM | FCW_UM; /* unmasked: nothing stored, tested apart */
        for (int n = 0; n < PER_CW; n++) {
            struct f80 a = gen_f80(&g);
            if (gen_below(&g, 3) == 0) /* integers in and out of every range */
                a = f80_make(gen_below(&g, 2), F80_BIAS + (int)gen_below(&g, 70),
                             gen_sig(&g));
            for (int op = HS_F32; op <= HS_BCD; op++) {
                unsigned char want[16] = {0}, got[16] = {0};
                uint16_t want_sw = host_store(op, cw, a, want) & SW_MASK;
                struct fctx x = {cw, 0, false};
                uint64_t v = 0;
                switch (op) {
                case HS_F32: v = f80_to_f32(&x, a); break;
                case HS_F64: v = f80_to_f64(&x, a); break;
                case HS_I16: v = (uint64_t)f80_to_int(&x, a, 16); break;
                case HS_I32: v = (uint64_t)f80_to_int(&x, a, 32); break;
                case HS_I64: v = (uint64_t)f80_to_int(&x, a, 64); break;
                default: f80_to_bcd(&x, a, got); break;
                }
                static const int size[] = {4, 8, 2, 4, 8, 10};
                if (op != HS_BCD)
                    memcpy(got, &v, (size_t)size[op]);
                if (memcmp(got, want, 16) != 0 || sw_of(&x) != want_sw) {
                    struct f80 w = host_get(want), gg = host_get(got);
                    bad = report(names[op], cw, a, a, w, want_sw, gg, sw_of(&x), bad);
                }
            }
        }
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(test_loads)
{
    struct gen g = {0x10ad};
    int bad = 0;
    for (int n = 0; n < 20000; n++) {
        uint64_t v = gen_u64(&g);
        switch (gen_below(&g, 4)) {
        case 0: v &= 0x800fffffffffffffull; break; /* denormals */
        case 1: v |= 0x7ff0000000000000ull; break; /* NaNs and infinities */
        default: break;
        }
        uint32_t w = (uint32_t)v;
        if (gen_below(&g, 3) == 0)
            w &= 0x807fffffu;
        else if (gen_below(&g, 3) == 0)
            w |= 0x7f800000u;
        struct f80 want, got;
        struct fctx x = {0x37f, 0, false};
        uint16_t want_sw = host_load(64, 0x37f, v, &want) & FSW_EXC;
        got = f80_from_f64(&x, v);
        if (!same(got, want) || x.exc != want_sw)
            bad = report("fld m64", 0x37f, want, want, want, want_sw, got, x.exc, bad);
        x.exc = 0;
        want_sw = host_load(32, 0x37f, w, &want) & FSW_EXC;
        got = f80_from_f32(&x, w);
        if (!same(got, want) || x.exc != want_sw)
            bad = report("fld m32", 0x37f, want, want, want, want_sw, got, x.exc, bad);
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* FBLD of valid packed BCD (18 digits and a sign; invalid digits give
 * undefined results on hardware, so they are not compared). */
START_TEST(test_bcd_load)
{
    struct gen g = {0xbcd};
    int bad = 0;
    for (int n = 0; n < 20000; n++) {
        uint8_t b[10];
        int digits = 1 + (int)gen_below(&g, 18);
        for (int k = 0; k < 9; k++) {
            unsigned lo = 2 * k < digits ? gen_below(&g, 10) : 0;
            unsigned hi = 2 * k + 1 < digits ? gen_below(&g, 10) : 0;
            b[k] = (uint8_t)(lo | hi << 4);
        }
        b[9] = gen_below(&g, 2) ? 0x80 : 0;
        struct f80 want, got = f80_from_bcd(b);
        host_fbld(b, &want);
        if (!same(got, want))
            bad = report("fbld", 0x37f, got, got, want, 0, got, 0, bad);
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

static Suite *fpu_float_suite(void)
{
    Suite *s = suite_create("fpu_float");
    TCase *t = tcase_create("vs host x87");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_add);
    tcase_add_test(t, test_sub);
    tcase_add_test(t, test_mul);
    tcase_add_test(t, test_div);
    tcase_add_test(t, test_sqrt);
    tcase_add_test(t, test_rndint);
    tcase_add_test(t, test_scale);
    tcase_add_test(t, test_prem);
    tcase_add_test(t, test_compare);
    tcase_add_test(t, test_stores);
    tcase_add_test(t, test_loads);
    tcase_add_test(t, test_bcd_load);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(fpu_float_suite());
}
