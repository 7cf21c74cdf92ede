/*
 * test_expr.c - the debugger's expression language (core/debug/expr.c):
 * precedence as C's, registers and memory, and the errors a student sees.
 */
#include "debug_util.h"
#include "interp/cpu.h"

static struct dbg *d;

static void setup(void)
{
    d = k_machine(EMU_CORE_SWITCH);
}

static void teardown(void)
{
    k_free(d);
}

static uint64_t value(const char *text)
{
    char err[100] = "";
    uint64_t v = 0;
    ck_assert_msg(dbg_eval(d, text, &v, err, sizeof err) == 0, "%s: %s", text, err);
    return v;
}

/* The error message for text, which must not evaluate. */
static const char *error(const char *text)
{
    static char err[100];
    uint64_t v;
    err[0] = '\0';
    ck_assert_int_eq(dbg_eval(d, text, &v, err, sizeof err), -1);
    return err;
}

START_TEST(test_precedence)
{
    ck_assert_uint_eq(value("1 + 2 * 3"), 7);
    ck_assert_uint_eq(value("(1 + 2) * 3"), 9);
    ck_assert_uint_eq(value("1 || 0 && 0"), 1);
    ck_assert_uint_eq(value("2 + 3 == 5"), 1);
    ck_assert_uint_eq(value("1 << 2 + 1"), 8);
    ck_assert_uint_eq(value("6 & 3 == 3"), 0); /* C: == binds tighter than & */
    ck_assert_uint_eq(value("10 - 4 - 3"), 3); /* left to right */
    ck_assert_uint_eq(value("-1"), 0xffffffffu);
    ck_assert_uint_eq(value("!0 + ~0"), 0);
    ck_assert_uint_eq(value("0x10 | 1 ^ 3"), 0x12);
    ck_assert_uint_eq(value("7 % 4 <= 3 != 0"), 1);
}
END_TEST

START_TEST(test_registers_and_memory)
{
    struct cpu *c = emu_cpu(dbg_emu(d));
    c->gpr[R_EAX] = 0x12345678;
    c->gpr[R_ESP] = K_BASE + 0x20;
    ck_assert_uint_eq(value("eax"), 0x12345678);
    ck_assert_uint_eq(value("AX == 0x5678 && ah == 0x56 && al == 0x78"), 1);
    ck_assert_uint_eq(value("[esp]"), 0x180000bc); /* mov esp, 0x180000 */
    ck_assert_uint_eq(value("byte [esp+1] + word[esp + 2]"), 0x1800);
    ck_assert_uint_eq(value("eax == 0x12345678 && [esp+4] != 0"), 1);
    ck_assert_uint_eq(value("cpl"), 0);
}
END_TEST

START_TEST(test_errors)
{
    ck_assert_str_eq(error("1 +"), "unexpected end at column 4");
    ck_assert_str_eq(error("foo == 1"), "unknown name at column 1");
    ck_assert_str_eq(error("(1 + 2"), "expected ')' at column 7");
    ck_assert_str_eq(error("[esp"), "expected ']' at column 5");
    ck_assert_str_eq(error("   "), "empty expression at column 4");
    ck_assert_str_eq(error("1 2"), "unexpected character at column 3");
    ck_assert_str_eq(error("0x1g"), "bad number at column 1");
    ck_assert_str_eq(error("1 / 0"), "cannot evaluate (unreadable memory or division by zero)");
    ck_assert_str_eq(error("[0xfffffff0]"),
                     "cannot evaluate (unreadable memory or division by zero)");
}
END_TEST

static Suite *expr_suite(void)
{
    Suite *s = suite_create("expr");
    TCase *tc = tcase_create("expr");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_precedence);
    tcase_add_test(tc, test_registers_and_memory);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(expr_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
