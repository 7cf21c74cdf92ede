/*
 * test_cmd.c - the debugger's command language (ui/tui/cmd.h) through
 * cmd_exec() with a capturing cmd_io, on the tiny multiboot kernel of
 * debug_util.h (its listing is there: the addresses below come from it).
 *
 * Each test types commands and compares what they print, line by line, or
 * checks the machine afterwards through the debugger's views. Every run
 * command is tried under both interpreter cores.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debug_util.h"
#include "tui/cmd.h"

/* What the commands printed since the last cmd_run() call. */
struct capture {
    char text[16384]; /* all of it */
    size_t len;       /* bytes in text */
    int polls;        /* times poll() was called */
    bool interrupt;   /* poll() answers this */
};

static void cap_out(void *ctx, const char *s)
{
    struct capture *cap = ctx;
    size_t n = strlen(s);
    ck_assert_msg(n > 0 && s[n - 1] == '\n', "output is whole lines: '%s'", s);
    ck_assert_uint_lt(cap->len + n, sizeof cap->text);
    memcpy(cap->text + cap->len, s, n + 1);
    cap->len += n;
}

static bool cap_poll(void *ctx)
{
    struct capture *cap = ctx;
    cap->polls++;
    return cap->interrupt;
}

static struct capture cap;
static const struct cmd_io io = {cap_out, cap_poll, &cap};

/* Execute line; the output is in cap.text. */
static int run(struct cmd *c, const char *line)
{
    cap.len = 0;
    cap.text[0] = '\0';
    return cmd_exec(c, line, &io);
}

/* Execute line and expect exactly want as its output. */
static void expect(struct cmd *c, const char *line, const char *want)
{
    int r = run(c, line);
    ck_assert_msg(r == CMD_OK, "'%s' returned %d: %s", line, r, cap.text);
    ck_assert_msg(strcmp(cap.text, want) == 0, "'%s' printed\n%s---- instead of\n%s", line,
                  cap.text, want);
}

/* Execute line and expect CMD_ERROR with one line starting with prefix. */
static void expect_error(struct cmd *c, const char *line, const char *prefix)
{
    int r = run(c, line);
    ck_assert_msg(r == CMD_ERROR, "'%s' returned %d: %s", line, r, cap.text);
    ck_assert_msg(strncmp(cap.text, prefix, strlen(prefix)) == 0, "'%s' printed '%s'", line,
                  cap.text);
    ck_assert_msg(strchr(cap.text, '\n') == cap.text + cap.len - 1, "one line: '%s'", cap.text);
}

static const enum emu_core cores[2] = {EMU_CORE_SWITCH, EMU_CORE_THREADED};

static struct cmd *machine(int core, struct dbg **d)
{
    *d = k_machine(cores[core]);
    struct cmd *c = cmd_create(*d);
    ck_assert_ptr_nonnull(c);
    return c;
}

static void done(struct cmd *c, struct dbg *d)
{
    cmd_destroy(c);
    k_free(d);
}

START_TEST(test_break_continue_registers)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    expect(c, "info registers eip", "eip 0x00100020\n");
    expect(c, "break 0x100048", "Breakpoint 1 at 0x00100048\n");
    expect(c, "continue", "Breakpoint 1, 0x00100048\n"
                          "=> 0x00100048: 40                   inc eax\n");
    ck_assert(cmd_ran(c));
    expect(c, "info registers eax ebx", "eax 0x00000001\nebx 0x00000002\n");
    expect(c, "info break", "Num  Type        Hits  What\n"
                            "1    breakpoint  1     0x00100048\n");
    /* The whole file: 8 GPRs, EIP, EFLAGS, 8 segment registers, GDTR, IDTR, 4 CRs. */
    ck_assert_int_eq(run(c, "info registers"), CMD_OK);
    int lines = 0;
    for (const char *p = cap.text; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    ck_assert_int_eq(lines, 24);
    ck_assert_ptr_nonnull(strstr(cap.text, "\neip 0x00100048\n"));
    ck_assert_ptr_nonnull(strstr(cap.text, "\ncs 0x0008 base 0x00000000 limit 0xffffffff"));
    done(c, d);
}
END_TEST

START_TEST(test_step_repeat_next_finish)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    expect(c, "stepi", "=> 0x00100025: b8 01 00 00 00       mov eax, 1\n");
    expect(c, "", "=> 0x0010002a: bb 02 00 00 00       mov ebx, 2\n"); /* repeats stepi */
    expect(c, "si 2", "=> 0x00100048: 40                   inc eax\n");     /* into the call */
    expect(c, "finish", "Run till exit from 0x00100048\n"
                        "=> 0x00100034: a3 00 02 10 00       mov dword ptr [0x100200], eax\n");
    ck_assert_uint_eq(k_reg(d, DBG_EAX), 5);
    /* next over a call: back to the start and over func. */
    expect(c, "set $eip = 0x10002f", "");
    expect(c, "next", "=> 0x00100034: a3 00 02 10 00       mov dword ptr [0x100200], eax\n");
    ck_assert_uint_eq(k_reg(d, DBG_EAX), 9);
    expect(c, "until 0x10003f", "=> 0x0010003f: ee                   out dx, al\n");
    done(c, d);
}
END_TEST

START_TEST(test_watch_and_exit)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    int status = -1;
    expect(c, "watch 0x100200", "Watchpoint 1: [0x00100200] 4 bytes write\n");
    expect(c, "c", "Watchpoint 1: [0x00100200] 4 bytes written (now 0x00000005)\n"
                   "=> 0x00100039: b0 03                mov al, 3\n");
    ck_assert(!cmd_guest_ended(c, &status));
    expect(c, "continue", "[the guest exited with code 3: status 7]\n");
    ck_assert(cmd_guest_ended(c, &status));
    ck_assert_int_eq(status, 7);
    expect_error(c, "continue", "continue: the guest has ended the run (status 7)");
    expect_error(c, "stepi", "stepi: the guest has ended");
    done(c, d);
}
END_TEST

START_TEST(test_tbreak_condition_delete)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    expect(c, "tbreak *0x100058", "Temporary breakpoint 1 at 0x00100058\n");
    expect(c, "break 0x100048 if eax == 99", "Breakpoint 2 at 0x00100048\n");
    expect(c, "info break", "Num  Type        Hits  What\n"
                            "1    tbreakpoint 0     0x00100058\n"
                            "2    breakpoint  0     0x00100048 if eax == 99\n");
    expect(c, "continue", "Temporary breakpoint 1, 0x00100058\n"
                          "=> 0x00100058: 40                   inc eax\n");
    expect(c, "info break", "Num  Type        Hits  What\n"
                            "2    breakpoint  0     0x00100048 if eax == 99\n");
    expect(c, "condition 2 $eax == 3", "");
    expect_error(c, "condition 9 eax", "condition: no breakpoint 9");
    expect_error(c, "condition 2 eax ==", "condition: ");
    expect(c, "delete 2", "");
    expect_error(c, "delete 2", "delete: no breakpoint number 2");
    expect(c, "info break", "No breakpoints or watchpoints.\n");
    expect(c, "continue", "[the guest exited with code 3: status 7]\n");
    done(c, d);
}
END_TEST

START_TEST(test_memory_and_print)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    expect(c, "x/8xb 0x100020", "0x00100020: 0xbc 0x00 0x00 0x18 0x00 0xb8 0x01 0x00\n");
    expect(c, "x/2xw 0x100000", "0x00100000: 0x1badb002 0x00010000\n");
    expect(c, "x", "0x00100008: 0xe4514ffe\n"); /* goes on, as gdb's x does */
    expect(c, "x/2i 0x100020", "=> 0x00100020: bc 00 00 18 00       mov esp, 0x180000\n"
                               "   0x00100025: b8 01 00 00 00       mov eax, 1\n");
    expect(c, "x/3dh 0x100022", "0x00100022: 6144 -18432 1\n");
    expect(c, "x/2c 0x100020", "0x00100020: 188 '\\xbc' 0 '\\x00'\n");
    expect(c, "xp/1xg 0x100000", "0x00100000: 0x000100001badb002\n");
    expect(c, "p 2 + 3 * 4", "$1 = 14\n");
    expect(c, "p/x 255", "$2 = 0xff\n");
    expect(c, "print $1 + $2", "$3 = 269\n");
    expect(c, "p/t 5", "$4 = 00000000000000000000000000000101\n");
    expect(c, "p $pc", "$5 = 1048608\n");
    expect(c, "set $eax = 0x1234", "");
    expect(c, "set $ah = 0x56", "");
    expect(c, "info registers eax ax ah", "eax 0x00005634\nax 0x5634\nah 0x56\n");
    expect(c, "set {word} 0x100200 = 0xbeef", "");
    expect(c, "set {byte} 0x100202 = 0x7f", "");
    expect(c, "x/1xw 0x100200", "0x00100200: 0x907fbeef\n"); /* 0x90: the kernel's NOP fill */
    expect(c, "p [0x100200] & 0xff", "$6 = 239\n");
    done(c, d);
}
END_TEST

/* A patched instruction runs as patched under both cores (the threaded
 * core's decoded block of it is dropped). */
START_TEST(test_patched_code_runs)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    expect(c, "until 0x100048", "=> 0x00100048: 40                   inc eax\n");
    expect(c, "set {byte} 0x100058 = 0x48", ""); /* func2's inc eax becomes dec eax */
    expect(c, "x/1i 0x100058", "   0x00100058: 48                   dec eax\n");
    expect(c, "until 0x100034", "=> 0x00100034: a3 00 02 10 00       mov dword ptr [0x100200], eax\n");
    ck_assert_uint_eq(k_reg(d, DBG_EAX), 3); /* 1, +1, -1, +2 */
    done(c, d);
}
END_TEST

START_TEST(test_errors_are_one_line)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    expect_error(c, "frobnicate", "frobnicate: unknown command");
    expect_error(c, "x/8qb 0x100000", "x: unknown format letter 'q'");
    expect_error(c, "x/4xb 0xfffffffe", "x: cannot read memory at 0x");
    expect_error(c, "break", "break: an address is missing");
    expect_error(c, "break 0x10 +", "break: unexpected end");
    expect_error(c, "vbreak 0x100000", "vbreak: wants SEG:OFF");
    expect_error(c, "p $nosuch", "print: no register $nosuch");
    expect_error(c, "p 1/0", "print: cannot evaluate");
    expect_error(c, "p/q 1", "print: unknown format");
    expect_error(c, "set $cs = 0", "set: a segment register is set by hand only in real or v86 mode");
    expect_error(c, "set {byte} 0xfffff000 = 1", "set: 0xfffff000 is not RAM");
    expect_error(c, "set {quad} 0 = 1", "set: {TYPE} is one of");
    expect_error(c, "stepi 0", "stepi: '0' is not a count");
    expect_error(c, "info nothing", "info: unknown subcommand 'nothing'");
    expect_error(c, "info device nosuch", "info device: no device 'nosuch'");
    expect_error(c, "source /nonexistent/file", "source: /nonexistent/file: cannot open");
    expect_error(c, "break nosuchsymbol", "break: unknown name");
    expect_error(c, "break kernel.c:12", "break: kernel.c:12: no code at that line");
    ck_assert(!cmd_ran(c));
    done(c, d);
}
END_TEST

/* gdb's aliases (b, cont, s, n, d, disas) and unique prefixes. */
START_TEST(test_aliases_and_prefixes)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    expect(c, "b 0x100048", "Breakpoint 1 at 0x00100048\n");
    expect(c, "cont", "Breakpoint 1, 0x00100048\n"
                      "=> 0x00100048: 40                   inc eax\n");
    expect(c, "s", "=> 0x00100049: e8 0a 00 00 00       call 0x100058\n");
    expect(c, "n", "=> 0x0010004e: 01 d8                add eax, ebx\n");
    expect(c, "d 1", "");
    expect(c, "disas 0x100048 2", "   0x00100048: 40                   inc eax\n"
                                  "   0x00100049: e8 0a 00 00 00       call 0x100058\n");
    expect(c, "# a comment", "");
    ck_assert_int_eq(run(c, "q"), CMD_QUIT);
    ck_assert_int_eq(run(c, "quit"), CMD_QUIT);
    done(c, d);
}
END_TEST

START_TEST(test_limit_and_poll)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    cmd_set_max_cycles(c, 12);
    ck_assert_int_eq(run(c, "continue"), CMD_OK);
    ck_assert_msg(strncmp(cap.text, "[cycle limit 12 reached]\n=> ", 28) == 0, "%s", cap.text);
    expect_error(c, "stepi", "stepi: the cycle limit 12 is reached");
    cmd_set_max_cycles(c, 0);
    /* The exit becomes "jmp $": the run never ends until poll() says so. */
    expect(c, "set {word} 0x10003f = 0xfeeb", "");
    cap.interrupt = true;
    cap.polls = 0;
    ck_assert_int_eq(run(c, "continue"), CMD_OK);
    cap.interrupt = false;
    ck_assert_int_eq(cap.polls, 1);
    ck_assert_str_eq(cap.text, "Interrupted.\n=> 0x0010003f: eb fe                jmp 0x10003f\n");
    done(c, d);
}
END_TEST

START_TEST(test_views)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    expect(c, "page 0x100020", "linear 0x00100020: paging off, physical 0x00100020\n");
    expect(c, "info tab", "paging is off (CR0.PG = 0): linear addresses are physical\n");
    ck_assert_int_eq(run(c, "info gdt"), CMD_OK);
    ck_assert_ptr_nonnull(strstr(cap.text, "GDT[0x08] "));
    ck_assert_ptr_nonnull(strstr(cap.text, "code 32-bit"));
    expect(c, "info cycles", "cycles 0 instructions 0\n");
    ck_assert_int_eq(run(c, "info device"), CMD_OK);
    ck_assert_ptr_nonnull(strstr(cap.text, "pic.master\n"));
    ck_assert_int_eq(run(c, "info device pic"), CMD_OK);
    ck_assert_ptr_nonnull(strstr(cap.text, "pic.master:\n"));
    ck_assert_ptr_nonnull(strstr(cap.text, "pic.slave:\n"));
    ck_assert_int_eq(run(c, "help"), CMD_OK);
    ck_assert_ptr_nonnull(strstr(cap.text, "break ADDR"));
    ck_assert_ptr_nonnull(strstr(cmd_help(), "x/NFU ADDR"));
    done(c, d);
}
END_TEST

START_TEST(test_source)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    char path[] = "/tmp/lab86-test-cmd-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *script = "break 0x100058\ncontinue\np/x $eax\nbogus\np 1\n";
    ck_assert_int_eq(write(fd, script, strlen(script)), (int)strlen(script));
    close(fd);
    char line[64];
    snprintf(line, sizeof line, "source %s", path);
    /* The first error stops the file, as in gdb: "p 1" never runs. */
    ck_assert_int_eq(run(c, line), CMD_ERROR);
    ck_assert_str_eq(cap.text, "Breakpoint 1 at 0x00100058\n"
                               "Breakpoint 1, 0x00100058\n"
                               "=> 0x00100058: 40                   inc eax\n"
                               "$1 = 0x2\n"
                               "bogus: unknown command (try help)\n");
    unlink(path);
    done(c, d);
}
END_TEST

START_TEST(test_complete)
{
    struct dbg *d;
    struct cmd *c = machine(0, &d);
    const char *out[32];
    size_t n = cmd_complete(c, "br", 0, "br", out, 32);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(out[0], "break");
    n = cmd_complete(c, "info re", 1, "re", out, 32);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(out[0], "registers");
    n = cmd_complete(c, "p $ea", 1, "$ea", out, 32);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(out[0], "$eax");
    n = cmd_complete(c, "x/4x es", 1, "es", out, 32);
    ck_assert_uint_eq(n, 3); /* esp, esi, es */
    done(c, d);
}
END_TEST

/* The same commands give the same text and the same cycle count under
 * both cores. */
START_TEST(test_cores_agree)
{
    static const char *const script[] = {"break 0x100058", "continue", "stepi 3", "info cycles",
                                         "watch 0x100200", "continue", "info cycles", "continue"};
    char out[2][4096];
    for (int k = 0; k < 2; k++) {
        struct dbg *d;
        struct cmd *c = machine(k, &d);
        size_t n = 0;
        for (size_t i = 0; i < sizeof script / sizeof script[0]; i++) {
            run(c, script[i]);
            n += (size_t)snprintf(out[k] + n, sizeof out[k] - n, "%s", cap.text);
        }
        done(c, d);
    }
    ck_assert_str_eq(out[0], out[1]);
    ck_assert_ptr_nonnull(strstr(out[0], "cycles "));
}
END_TEST

/* The debugger core's other stops, through catch. */
START_TEST(test_catch)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    expect(c, "catch io 0xf4 out", "Catchpoint 1: I/O ports 0x00f4-0x00f4 out\n");
    expect(c, "catch trap cpuid", "Catching trap cpuid.\n");
    expect(c, "info break", "Num  Type        Hits  What\n"
                            "1    catchpoint  0     I/O ports 0x00f4-0x00f4 out\n");
    expect(c, "continue", "Catchpoint 1: out to port 0x00f4, 1 byte, value 0x03\n"
                          "=> 0x00100040: f4                   hlt\n");
    expect_error(c, "catch io 5-4", "catch: catch io PORT[-LAST] [in|out]");
    expect_error(c, "catch trap nosuch", "catch: no trap kind 'nosuch'");
    expect_error(c, "catch vector 256", "catch: a vector is 0 to 255");
    expect_error(c, "catch frogs", "catch: cannot catch 'frogs'");
    expect_error(c, "condition 1 eax", "condition: 1 is a catchpoint");
    ck_assert_int_eq(run(c, "info traps"), CMD_OK);
    ck_assert_msg(strncmp(cap.text, "io         1\n", 13) == 0, "%s", cap.text); /* the one OUT */
    done(c, d);
}
END_TEST

/* savevm and loadvm: the machine back where the file was written. */
START_TEST(test_savevm_loadvm)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    char path[] = "/tmp/lab86-test-cmd-vm-XXXXXX", line[80];
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    expect(c, "stepi 3", "=> 0x0010002f: e8 14 00 00 00       call 0x100048\n");
    snprintf(line, sizeof line, "savevm %s", path);
    ck_assert_int_eq(run(c, line), CMD_OK);
    expect(c, "continue", "[the guest exited with code 3: status 7]\n");
    snprintf(line, sizeof line, "loadvm %s", path);
    ck_assert_int_eq(run(c, line), CMD_OK);
    ck_assert_ptr_nonnull(strstr(cap.text, "=> 0x0010002f: "));
    ck_assert_uint_eq(k_eip(d), 0x10002f);
    ck_assert_uint_eq(k_reg(d, DBG_EAX), 1);
    /* The run that ended is another timeline: this one runs again. */
    expect(c, "stepi", "=> 0x00100048: 40                   inc eax\n");
    expect_error(c, "loadvm /nonexistent/vm", "loadvm: ");
    unlink(path);
    done(c, d);
}
END_TEST

/* The reverse history: record, then rstepi lands exactly N boundaries back. */
START_TEST(test_reverse)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    expect_error(c, "rstepi", "rstepi: no reverse history (start it with: record)");
    expect(c, "record", "Recording: rstepi and rcontinue can go back from here.\n");
    expect(c, "stepi 3", "=> 0x0010002f: e8 14 00 00 00       call 0x100048\n");
    expect(c, "rstepi 2", "=> 0x00100025: b8 01 00 00 00       mov eax, 1\n");
    ck_assert_uint_eq(k_reg(d, DBG_EAX), 0x2badb002); /* before mov eax, 1 ran */
    done(c, d);
}
END_TEST

/* What a front end's marks come from: every kind, in id order, seg:off
 * resolved with the segment now, deletions gone. */
START_TEST(test_breakpoint_list)
{
    struct dbg *d;
    struct cmd *c = machine(_i, &d);
    struct cmd_break_info b[8];
    expect(c, "break 0x100048", "Breakpoint 1 at 0x00100048\n");
    expect(c, "tbreak 0x8:0x100058", "Temporary breakpoint 2 at 0008:00100058\n");
    expect(c, "pbreak 0x100040", "Breakpoint 3 at physical 0x00100040\n");
    expect(c, "watch 0x100200", "Watchpoint 4: [0x00100200] 4 bytes write\n");
    expect(c, "delete 1", "");
    expect(c, "break 0x10002f", "Breakpoint 5 at 0x0010002f\n");
    ck_assert_uint_eq(cmd_breakpoints(c, b, 8), 4);
    ck_assert_int_eq(b[0].id, 2);
    ck_assert(b[0].temporary && b[0].linear);
    ck_assert_uint_eq(b[0].lin, 0x100058); /* CS 0x8 has base 0 */
    ck_assert_int_eq(b[1].id, 3);
    ck_assert(!b[1].linear);
    ck_assert_int_eq(b[2].id, 4);
    ck_assert_str_eq(b[2].type, "watchpoint");
    ck_assert_int_eq(b[3].id, 5);
    ck_assert(b[3].linear && b[3].lin == 0x10002f);
    ck_assert_uint_eq(cmd_breakpoints(c, b, 1), 4); /* how many, though one fits */
    expect(c, "continue", "Breakpoint 5, 0x0010002f\n"
                          "=> 0x0010002f: e8 14 00 00 00       call 0x100048\n");
    expect(c, "continue", "Temporary breakpoint 2, 0x00100058\n"
                          "=> 0x00100058: 40                   inc eax\n");
    ck_assert_uint_eq(cmd_breakpoints(c, b, 8), 3); /* the temporary one is gone */
    ck_assert_int_eq(b[0].id, 3);
    done(c, d);
}
END_TEST

static Suite *cmd_suite(void)
{
    Suite *s = suite_create("cmd");
    TCase *t = tcase_create("cmd");
    /* A safety net, not a measurement: a snapshot writes and reads the whole RAM, which a
     * loaded machine can make slow; nothing here asserts how long anything takes. */
    tcase_set_timeout(t, 120);
    tcase_add_loop_test(t, test_break_continue_registers, 0, 2);
    tcase_add_loop_test(t, test_step_repeat_next_finish, 0, 2);
    tcase_add_loop_test(t, test_watch_and_exit, 0, 2);
    tcase_add_loop_test(t, test_tbreak_condition_delete, 0, 2);
    tcase_add_loop_test(t, test_memory_and_print, 0, 2);
    tcase_add_loop_test(t, test_patched_code_runs, 0, 2);
    tcase_add_loop_test(t, test_errors_are_one_line, 0, 2);
    tcase_add_loop_test(t, test_aliases_and_prefixes, 0, 2);
    tcase_add_loop_test(t, test_limit_and_poll, 0, 2);
    tcase_add_loop_test(t, test_views, 0, 2);
    tcase_add_loop_test(t, test_source, 0, 2);
    tcase_add_loop_test(t, test_catch, 0, 2);
    tcase_add_loop_test(t, test_breakpoint_list, 0, 2);
    tcase_add_loop_test(t, test_savevm_loadvm, 0, 2);
    tcase_add_loop_test(t, test_reverse, 0, 2);
    tcase_add_test(t, test_complete);
    tcase_add_test(t, test_cores_agree);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cmd_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
