/*
 * test_lua_session.c - Lua inside a debugger front end (scripts/lua/lm_session.h):
 * a chunk sees the debugger's machine as lab86.current, print() and errors reach
 * the front end's output, what one chunk defines the next sees, a file runs, and
 * the breakpoints a session set leave the debugger with it. On debug_util.h's
 * kernel, under both cores.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debug_util.h"
#include "cli/cli.h"
#include "lm_session.h"

static char out[4096];

/* The front ends' one error reporter lives in ui/cli/main.c, outside libui.a:
 * the Lua binding reaches it through the option parser it shares with `run`. */
void cli_error(const char *what, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "lab86: %s: ", what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void collect(void *ctx, const char *text)
{
    (void)ctx;
    strncat(out, text, sizeof out - strlen(out) - 1);
}

static struct lm_session *session(struct dbg *d)
{
    out[0] = '\0';
    struct lm_session *s = lm_session_create(d, collect, NULL);
    ck_assert_ptr_nonnull(s);
    return s;
}

static void check_chunks(enum emu_core core)
{
    struct dbg *d = k_machine(core);
    struct lm_session *s = session(d);
    const char *eip = "print(string.format('%x', lab86.current.cpu.eip))";
    ck_assert_int_eq(lm_session_exec(s, eip, false), 0);
    ck_assert_str_eq(out, "100020\n");
    out[0] = '\0';
    /* The kernel stores EAX = 5 at 0x100034's instruction; a breakpoint there. */
    ck_assert_int_eq(lm_session_exec(s, "m = lab86.current; h = m:breakpoint(0x100034)", false), 0);
    const char *run = "print(m:run{max_cycles = 1000000}); print(m.cpu.eax)";
    ck_assert_int_eq(lm_session_exec(s, run, false), 0);
    ck_assert_str_eq(out, "breakpoint\t1\n5\n");
    lm_session_destroy(s);
    k_free(d);
}

START_TEST(test_chunks_switch) { check_chunks(EMU_CORE_SWITCH); }
END_TEST

START_TEST(test_chunks_threaded) { check_chunks(EMU_CORE_THREADED); }
END_TEST

START_TEST(test_error_and_file)
{
    struct dbg *d = k_machine(EMU_CORE_SWITCH);
    struct lm_session *s = session(d);
    ck_assert_int_eq(lm_session_exec(s, "local x = nil; return x.y", false), -1);
    ck_assert_msg(strstr(out, "lua:1: attempt to index a nil value") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "stack traceback:") != NULL, "%s", out);
    char path[] = "/tmp/lab86-lua-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *text = "lab86.current:breakpoint(0x100048)\n"
                       "print(lab86.current:run{max_cycles = 1000000})\n";
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    out[0] = '\0';
    int r = lm_session_exec(s, path, true);
    unlink(path);
    ck_assert_int_eq(r, 0);
    ck_assert_str_eq(out, "breakpoint\t1\n");
    lm_session_destroy(s);
    /* The session's breakpoint went with it: the kernel runs to its exit. */
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_EXIT);
    k_free(d);
}
END_TEST

static Suite *lua_session_suite(void)
{
    Suite *s = suite_create("lua_session");
    TCase *tc = tcase_create("session");
    tcase_add_test(tc, test_chunks_switch);
    tcase_add_test(tc, test_chunks_threaded);
    tcase_add_test(tc, test_error_and_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lua_session_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
