/*
 * test_tui.c - the parts of the TUI (ui/tui) that need no terminal: the
 * layout for a terminal's size, the command output log and the breakpoints
 * it picks out of it, and the console buffer behind the Console pane.
 * The screen itself is tested through tmux (tests/tui/run.sh).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_impl.h"

static struct tui *t;

static void setup(void)
{
    static const struct pane_class *const cls[PANE_COUNT] = {
        &pane_regs, &pane_disasm, &pane_mem,  &pane_stack,  &pane_pt,
        &pane_desc, &pane_dev,    &pane_traps, &pane_console};
    t = calloc(1, sizeof *t);
    ck_assert_ptr_nonnull(t);
    for (int k = 0; k < PANE_COUNT; k++)
        t->pane[k].cls = cls[k];
    t->focus = PANE_NONE;
}

static void teardown(void)
{
    free(t);
}

/* --- layout --- */

static bool overlap(struct area a, struct area b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* Every pane in exactly one slot; slots inside the panes' region, apart. */
static void check_layout(int cols, int rows)
{
    t->cols = cols;
    t->rows = rows;
    tui_layout(t);
    int seen[PANE_COUNT] = {0};
    for (int k = 0; k < t->n_slots; k++) {
        struct area a = t->slot[k].area;
        ck_assert_int_ge(a.x, 0);
        ck_assert_int_ge(a.y, 0);
        ck_assert_int_le(a.x + a.w, cols);
        ck_assert_int_le(a.y + a.h, t->log_area.y);
        ck_assert_int_ge(a.h, 3); /* a title and two lines at least */
        ck_assert_int_ge(a.w, 30);
        for (int j = 0; j < t->slot[k].n; j++)
            seen[t->slot[k].panes[j]]++;
        for (int j = 0; j < k; j++)
            ck_assert_msg(!overlap(a, t->slot[j].area), "%dx%d: slots %d and %d overlap", cols,
                          rows, j, k);
    }
    for (int p = 0; p < PANE_COUNT; p++)
        ck_assert_msg(seen[p] == 1, "%dx%d: pane %s is in %d slots", cols, rows,
                      t->pane[p].cls->title, seen[p]);
    /* The command area: log, prompt, status line, to the last row. */
    ck_assert_int_eq(t->status_area.y, rows - 1);
    ck_assert_int_eq(t->line_area.y, rows - 2);
    ck_assert_int_eq(t->log_area.y + t->log_area.h, rows - 2);
}

START_TEST(test_layouts)
{
    check_layout(80, 24);
    ck_assert_int_eq(t->n_slots, 2);
    check_layout(100, 30);
    check_layout(132, 43);
    ck_assert_int_eq(t->n_slots, 5);
    check_layout(200, 60);
    ck_assert_int_ge(t->n_slots, 7); /* "200x60 shows most at once" */
    check_layout(300, 90);
}
END_TEST

START_TEST(test_titles)
{
    static const char *const want[PANE_COUNT] = {"Registers",   "Disassembly", "Memory",
                                                 "Stack",       "Page tables", "Descriptors",
                                                 "Devices",     "Traps",       "Console"};
    for (int p = 0; p < PANE_COUNT; p++)
        ck_assert_str_eq(t->pane[p].cls->title, want[p]);
}
END_TEST

START_TEST(test_show_pane)
{
    t->cols = 80;
    t->rows = 24;
    tui_layout(t);
    tui_show_pane(t, PANE_PT);
    const struct slot *s = &t->slot[1];
    ck_assert_int_eq(s->panes[s->active], PANE_PT);
    /* A resize keeps the focused pane in front. */
    t->focus = PANE_STACK;
    t->cols = 81;
    tui_layout(t);
    ck_assert_int_eq(t->slot[0].panes[t->slot[0].active], PANE_STACK);
}
END_TEST

/* --- the log --- */

static const char *log_line_at(int k)
{
    return t->log[k % TUI_LOG_LINES];
}

START_TEST(test_log_lines)
{
    tui_log(t, "one\ntwo");
    ck_assert_int_eq(t->log_n, 1);
    ck_assert_str_eq(log_line_at(0), "one");
    tui_log(t, " halves\n\tthree\n");
    ck_assert_int_eq(t->log_n, 3);
    ck_assert_str_eq(log_line_at(1), "two halves");
    ck_assert_str_eq(log_line_at(2), " three"); /* a tab would break the columns */
    for (int k = 0; k < TUI_LOG_LINES + 5; k++)
        tui_log(t, "x\n");
    ck_assert_int_eq(t->log_n, 3 + TUI_LOG_LINES + 5);
    ck_assert_str_eq(log_line_at(t->log_n - 1), "x");
}
END_TEST

START_TEST(test_log_breakpoints)
{
    tui_log(t, "Breakpoint 1 at 0x00007c00\n");
    tui_log(t, "Temporary breakpoint 2 at 0x00100010\n");
    tui_log(t, "Breakpoint 1, 0x00007c00\n");          /* a stop, not a new one */
    tui_log(t, "Breakpoint 3 at physical 0x000f0000\n"); /* no linear address: no mark */
    ck_assert_int_eq(t->n_bp, 2);
    ck_assert_int_eq(t->bp[0].id, 1);
    ck_assert_uint_eq(t->bp[0].addr, 0x7c00);
    ck_assert_int_eq(t->bp[1].id, 2);
    ck_assert_uint_eq(t->bp[1].addr, 0x100010);
}
END_TEST

/* --- the console buffer --- */

START_TEST(test_console)
{
    struct tui_console *con = tui_console_create();
    ck_assert_ptr_nonnull(con);
    const struct chardev *cd = tui_console_chardev(con);
    chardev_write(cd, (const uint8_t *)"hello\n", 6);
    ck_assert_uint_eq(con->head, 6);
    ck_assert_int_eq(memcmp(con->buf, "hello\n", 6), 0);
    uint64_t gen = con->generation;
    /* More than the ring holds: the newest bytes stay. */
    size_t size = sizeof con->buf;
    uint8_t block[1000];
    for (size_t k = 0; k < sizeof block; k++)
        block[k] = (uint8_t)('a' + k % 26);
    for (size_t n = 0; n < size / sizeof block + 2; n++)
        chardev_write(cd, block, sizeof block);
    ck_assert_uint_gt(con->generation, gen);
    size_t last = (con->head - 1) % size;
    ck_assert_int_eq(con->buf[last], block[sizeof block - 1]);
    tui_console_destroy(con);
}
END_TEST

static Suite *tui_suite(void)
{
    Suite *s = suite_create("tui");
    TCase *tc = tcase_create("tui");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_layouts);
    tcase_add_test(tc, test_titles);
    tcase_add_test(tc, test_show_pane);
    tcase_add_test(tc, test_log_lines);
    tcase_add_test(tc, test_log_breakpoints);
    tcase_add_test(tc, test_console);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tui_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
