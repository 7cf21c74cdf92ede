/*
 * test_symbols.c - the debugger core's symbols (symbols.c): the ELF
 * symbol table and the DWARF line table of the kernel built from
 * dbgkern.asm and dbgkern_c.c (gcc -m32 -g), checked against the code
 * itself: a name's address against the CALL that targets it, func+off,
 * file:line both ways against the lines marked in dbgkern_c.c, prefix
 * completion, the disassembly's symbolic targets, and the errors.
 */
#include "dbgkern_util.h"

/* The line of dbgkern_c.c holding marker (read from the source, so the
 * file may change). */
static int marked_line(const char *marker)
{
    FILE *f = fopen("tests/unit/dbgkern_c.c", "r");
    char buf[256];
    int line = 0;
    ck_assert_msg(f != NULL, "run from the top of the tree: tests/unit/dbgkern_c.c");
    while (fgets(buf, sizeof buf, f)) {
        line++;
        if (strstr(buf, marker)) {
            fclose(f);
            return line;
        }
    }
    fclose(f);
    ck_abort_msg("no %s in dbgkern_c.c", marker);
    return -1;
}

/* c_add's address is where the kernel's CALL at c_call+4 goes. */
START_TEST(test_name_to_address)
{
    struct dbg *d = dk_machine(EMU_CORE_SWITCH);
    uint8_t call[5];
    uint32_t site = dk_sym(d, "c_call") + 4; /* after push 2, push 3 */
    ck_assert_int_eq(dbg_read_linear(d, site, call, 5, NULL), 5);
    ck_assert_uint_eq(call[0], 0xe8);
    uint32_t rel = call[1] | call[2] << 8 | call[3] << 16 | (uint32_t)call[4] << 24;
    ck_assert_uint_eq(dk_sym(d, "c_add"), site + 5 + rel);
    uint64_t a;
    ck_assert_int_eq(dbg_symbol_addr(d, "no_such_symbol", &a), -1);
    ck_assert_int_eq(dbg_symbol_addr(d, "c_ad", &a), -1); /* a prefix is not a name */
    ck_assert_uint_gt(dbg_symbol_count(d), 10);
    /* The entry point the loader used is _start. */
    ck_assert_uint_eq(dk_eip(d), dk_sym(d, "_start"));
    dk_free(d);
}
END_TEST

START_TEST(test_address_to_name)
{
    struct dbg *d = dk_machine(EMU_CORE_SWITCH);
    char buf[64];
    uint32_t add = dk_sym(d, "c_add");
    ck_assert_int_eq(dbg_symbolize(d, add, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "c_add");
    ck_assert_int_eq(dbg_symbolize(d, add + 0x12, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "c_add+0x12");
    /* A label without a size covers what follows it. */
    ck_assert_int_eq(dbg_symbolize(d, dk_sym(d, "irq_part") + 3, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "irq_part+0x3");
    /* Below every symbol: nothing. */
    ck_assert_int_eq(dbg_symbolize(d, 0x1000, buf, sizeof buf), -1);
    ck_assert_str_eq(buf, "");
    dk_free(d);
}
END_TEST

/* file:line -> address -> file:line, and the function it is in. */
START_TEST(test_lines_both_ways)
{
    struct dbg *d = dk_machine(EMU_CORE_SWITCH);
    char file[256], name[64];
    int line;
    uint64_t a;
    int sum = marked_line("LINE_SUM"), ret = marked_line("LINE_RET");
    int twice = marked_line("LINE_TWICE");
    ck_assert_int_eq(dbg_line_addr(d, "dbgkern_c.c", sum, &a), 0);
    ck_assert_int_eq(dbg_symbolize(d, a, name, sizeof name), 0);
    ck_assert_msg(strncmp(name, "c_add+", 6) == 0, "%s", name); /* past the prologue */
    ck_assert_int_eq(dbg_addr_line(d, a, file, sizeof file, &line), 0);
    ck_assert_int_eq(line, sum);
    ck_assert_msg(strstr(file, "dbgkern_c.c") != NULL, "%s", file);
    uint64_t r;
    ck_assert_int_eq(dbg_line_addr(d, "tests/unit/dbgkern_c.c", ret, &r), 0);
    ck_assert_uint_gt(r, a);
    ck_assert_int_eq(dbg_addr_line(d, r, file, sizeof file, &line), 0);
    ck_assert_int_eq(line, ret);
    ck_assert_int_eq(dbg_line_addr(d, "dbgkern_c.c", twice, &a), 0);
    ck_assert_int_eq(dbg_symbolize(d, a, name, sizeof name), 0);
    ck_assert_msg(strncmp(name, "c_twice+", 8) == 0, "%s", name);
    /* A line without code (the comment above) goes to the next with code. */
    uint64_t first;
    ck_assert_int_eq(dbg_line_addr(d, "dbgkern_c.c", 1, &first), 0);
    ck_assert_int_eq(dbg_addr_line(d, first, file, sizeof file, &line), 0);
    ck_assert_int_gt(line, 1);
    /* Not a file of the kernel, a partial name, a line past the end; and
     * the assembly (built without -g) has no lines. */
    ck_assert_int_eq(dbg_line_addr(d, "other.c", sum, &a), -1);
    ck_assert_int_eq(dbg_line_addr(d, "kern_c.c", sum, &a), -1);
    ck_assert_int_eq(dbg_line_addr(d, "dbgkern_c.c", 10000, &a), -1);
    ck_assert_int_eq(dbg_addr_line(d, dk_sym(d, "_start"), file, sizeof file, &line), -1);
    dk_free(d);
}
END_TEST

START_TEST(test_completion)
{
    struct dbg *d = dk_machine(EMU_CORE_SWITCH);
    const char *out[8];
    size_t n = dbg_symbol_complete(d, "c_", out, 8);
    ck_assert_uint_eq(n, 4); /* c_add c_call c_result c_twice */
    ck_assert_str_eq(out[0], "c_add");
    ck_assert_str_eq(out[1], "c_call");
    ck_assert_str_eq(out[2], "c_result");
    ck_assert_str_eq(out[3], "c_twice");
    ck_assert_uint_eq(dbg_symbol_complete(d, "c_", out, 2), 4); /* counts past max */
    ck_assert_uint_eq(dbg_symbol_complete(d, "zzz", out, 8), 0);
    ck_assert_uint_eq(dbg_symbol_complete(d, "", out, 0), dbg_symbol_count(d));
    dk_free(d);
}
END_TEST

/* The disassembly names a call's target. */
START_TEST(test_disasm_symbolic)
{
    struct dbg *d = dk_machine(EMU_CORE_SWITCH);
    char text[128];
    ck_assert_int_eq(dbg_disasm(d, dk_sym(d, "c_call") + 4, text, sizeof text), 5);
    ck_assert_msg(strstr(text, "<c_add>") != NULL, "%s", text);
    dk_free(d);
}
END_TEST

START_TEST(test_errors_and_auto)
{
    struct dbg *d = dk_machine(EMU_CORE_SWITCH);
    char err[128];
    uint64_t a;
    ck_assert_int_eq(dbg_load_symbols(d, "/nonexistent/kernel.elf", err, sizeof err), -1);
    ck_assert_str_eq(err, "cannot open it");
    ck_assert_int_eq(dbg_load_symbols(d, "tests/unit/dbgkern_c.c", err, sizeof err), -1);
    ck_assert_str_eq(err, "not an ELF file");
    ck_assert_uint_eq(dbg_symbol_count(d), 0); /* a failed load leaves none */
    ck_assert_int_eq(dbg_symbol_addr(d, "c_add", &a), -1);
    /* --kernel that is not ELF: quietly nothing; --symbols wins over it. */
    ck_assert_int_eq(dbg_auto_symbols(d, NULL, "tests/unit/dbgkern_c.c", err, sizeof err), 0);
    ck_assert_uint_eq(dbg_symbol_count(d), 0);
    ck_assert_int_eq(dbg_auto_symbols(d, NULL, dk_path(), err, sizeof err), 0);
    ck_assert_int_eq(dbg_symbol_addr(d, "c_add", &a), 0);
    ck_assert_int_eq(dbg_auto_symbols(d, "/nonexistent", dk_path(), err, sizeof err), -1);
    dk_free(d);
}
END_TEST

static Suite *symbols_suite(void)
{
    Suite *s = suite_create("symbols");
    TCase *tc = tcase_create("symbols");
    tcase_add_test(tc, test_name_to_address);
    tcase_add_test(tc, test_address_to_name);
    tcase_add_test(tc, test_lines_both_ways);
    tcase_add_test(tc, test_completion);
    tcase_add_test(tc, test_disasm_symbolic);
    tcase_add_test(tc, test_errors_and_auto);
    suite_add_tcase(s, tc);
    return s;
}

DK_MAIN(symbols_suite)
