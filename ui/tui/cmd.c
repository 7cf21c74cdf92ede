/*
 * cmd.c - the debugger's command language: one line in, the answer out.
 *
 * A line is a command word and its arguments. The word is gdb's name
 * ("break", "stepi", "info"), one of its aliases (gdb's "b", "si", Bochs'
 * "lb", "pb", "r", "disasm"), or a unique prefix of a name, as gdb allows ("cont",
 * "disas"). A '/' ends the word too and starts a format: x/8xb, p/x. A
 * line starting with '#' is a comment. An empty line repeats the last step
 * or run command (stepi, next, continue, ...), as in gdb, so a student can
 * step with the Enter key alone.
 *
 * The table below is the whole language: each entry names the handler (in
 * the family's file, see cmd_impl.h), whether an empty line repeats it,
 * and its one help line; cmd_help() and completion are made from it.
 *
 * Nothing here runs the machine by itself: the run commands go through
 * core/debug, in slices, and poll the front end between them (cmd_run.c).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cmd_impl.h"
#include "lm_session.h"

#define SOURCE_DEPTH_MAX 8 /* `source` within `source`: deeper is a loop */

static cmd_fn cmd_source, cmd_lua, cmd_help_cmd, cmd_quit;

/* One command of the language. */
struct command {
    const char *name;    /* gdb's name */
    const char *aliases; /* other names, space-separated, matched exactly */
    cmd_fn *fn;          /* the handler */
    bool repeats;        /* an empty line after it runs it again */
    const char *help;    /* one line: usage and meaning */
};

static const struct command commands[] = {
    {"break", "b", cmd_break, false,
     "break ADDR [if COND]     breakpoint: 0x7c00 (linear), *EXPR, SEG:OFF, -p PHYS"},
    {"tbreak", "tb", cmd_tbreak, false, "tbreak ADDR [if COND]    a breakpoint deleted when hit"},
    {"lbreak", "lb", cmd_lbreak, false, "lbreak ADDR              breakpoint at a linear address"},
    {"vbreak", "vb", cmd_vbreak, false, "vbreak SEG:OFF           breakpoint at CS:EIP = SEG:OFF"},
    {"pbreak", "pb", cmd_pbreak, false, "pbreak ADDR              breakpoint at a physical address"},
    {"delete", "d del", cmd_delete, false, "delete [N...]            delete breakpoints (all without N)"},
    {"condition", "cond", cmd_condition, false,
     "condition N [EXPR]       stop at breakpoint N only when EXPR is not 0"},
    {"watch", "", cmd_watch, false,
     "watch [-p] [-c] ADDR [LEN]  stop after a write to [ADDR, ADDR+LEN) (LEN 4); -c: only "
     "when it changes the value"},
    {"rwatch", "", cmd_rwatch, false, "rwatch [-p] ADDR [LEN]   stop after a read"},
    {"awatch", "", cmd_awatch, false, "awatch [-p] ADDR [LEN]   stop after a read or a write"},
    {"pwatch", "", cmd_pwatch, false, "pwatch ADDR [LEN]        watch a physical range (writes)"},
    {"catch", "", cmd_catch, false,
     "catch io PORT[-LAST] [in|out] | serial [com1|com2] TEXT | trap KIND | vector N | mode | cr3"},
    {"continue", "c cont", cmd_continue, true, "continue                 run until something stops it"},
    {"cycles", "", cmd_cycles, true, "cycles N                 run N cycles (or until something stops it)"},
    {"stepi", "si", cmd_stepi, true, "stepi [N]                N instructions (into calls and interrupts)"},
    {"step", "s", cmd_step, true, "step [N]                 a source line (an instruction without lines)"},
    {"next", "n nexti ni", cmd_next, true, "next [N]                 an instruction, over CALL, INT and REP"},
    {"finish", "fin", cmd_finish, true, "finish                   until the current function returns"},
    {"until", "u", cmd_until, true, "until ADDR               run until CS:EIP is at ADDR"},
    {"record", "rec", cmd_record, false, "record [stop]            keep the history rstepi and rcontinue need"},
    {"rstepi", "rsi reverse-stepi", cmd_rstepi, true, "rstepi [N]               back N instructions"},
    {"rcontinue", "rc reverse-continue", cmd_rcontinue, true,
     "rcontinue                back to the previous breakpoint or watchpoint hit"},
    {"x", "", cmd_x, false, "x/NFU ADDR               memory: F x d u o t c s i, U b h w g"},
    {"xp", "", cmd_xp, false, "xp/NFU ADDR              physical memory"},
    {"print", "p", cmd_print, false, "print[/F] EXPR           the value of EXPR ($eax+4, [esp], ...)"},
    {"set", "", cmd_set, false,
     "set $REG = EXPR | {byte|word|dword} ADDR = EXPR | disassembly-flavor intel|att | "
     "step-interrupts on|off"},
    {"info", "i", cmd_info, false,
     "info registers|tab|mem|gdt|idt|tss|break|traps|symbols|device NAME|cycles"},
    {"registers", "r reg", NULL, false, "registers                the same as info registers"},
    {"disassemble", "disas disasm", cmd_disassemble, false,
     "disassemble [ADDR [N]]   N instructions (8) from ADDR (CS:EIP)"},
    {"page", "", cmd_page, false, "page ADDR                the page walk of a linear address"},
    {"savevm", "", cmd_savevm, false, "savevm FILE              save the whole machine to FILE"},
    {"loadvm", "", cmd_loadvm, false, "loadvm FILE              restore the machine from FILE"},
    {"source", "", cmd_source, false,
     "source FILE              run the commands in FILE (a Lua script when it ends in .lua)"},
    {"lua", "", cmd_lua, false, "lua CHUNK                run Lua (lab86.current is this machine)"},
    {"help", "h", cmd_help_cmd, false, "help [COMMAND]           this list, or one command's line"},
    {"quit", "q exit", cmd_quit, false, "quit                     leave the debugger"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* --- output --- */

void cmd_out(const struct cmd_io *io, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = strlen(line);
    line[len] = '\n';
    line[len + 1] = '\0';
    if (io && io->out)
        io->out(io->ctx, line);
}

int cmd_fail(const struct cmd_io *io, const char *name, const char *fmt, ...)
{
    char why[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    cmd_out(io, "%s: %s", name, why);
    return CMD_ERROR;
}

/* --- life --- */

struct cmd *cmd_create(struct dbg *d)
{
    struct cmd *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->d = d;
    c->x_format = 'x';
    c->x_size = 4;
    return c;
}

void cmd_destroy(struct cmd *c)
{
    if (c && c->lua)
        lm_session_destroy(c->lua);
    free(c);
}

bool cmd_ran(const struct cmd *c)
{
    return c->ran;
}

void cmd_set_max_cycles(struct cmd *c, uint64_t max_cycles)
{
    c->max_cycles = max_cycles;
}

bool cmd_guest_ended(const struct cmd *c, int *status)
{
    if (c->ended && status)
        *status = c->end_status;
    return c->ended;
}

/* --- dispatch --- */

/* Is word one of the space-separated names in list? */
static bool in_list(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, " ");
        if (len == n && strncmp(p, word, n) == 0)
            return true;
        p += len;
        p += *p == ' ';
    }
    return false;
}

/* The command word names: exactly, then as a unique prefix of a name.
 * NULL with *ambiguous set when several names start with it. */
static const struct command *lookup(const char *word, bool *ambiguous)
{
    const struct command *found = NULL;
    *ambiguous = false;
    for (size_t k = 0; k < NCOMMANDS; k++)
        if (strcmp(commands[k].name, word) == 0 || in_list(commands[k].aliases, word))
            return &commands[k];
    for (size_t k = 0; k < NCOMMANDS; k++) {
        if (strncmp(commands[k].name, word, strlen(word)) != 0)
            continue;
        if (found)
            *ambiguous = true;
        found = &commands[k];
    }
    return *ambiguous ? NULL : found;
}

int cmd_exec_line(struct cmd *c, const char *line, const struct cmd_io *io)
{
    char word[32], fmt[32] = "";
    const char *p = cmd_skip(line);
    size_t n = 0;
    if (*p == '\0' || *p == '#')
        return CMD_OK;
    while (p[n] && !isspace((unsigned char)p[n]) && p[n] != '/')
        n++;
    if (n == 0 || n >= sizeof word)
        return cmd_fail(io, "lab86", "not a command: '%.*s' (try help)", (int)(n ? n : 1), p);
    memcpy(word, p, n);
    word[n] = '\0';
    p += n;
    if (*p == '/') {
        size_t f = strcspn(++p, " \t");
        if (f >= sizeof fmt)
            return cmd_fail(io, word, "format too long: '/%.*s'", (int)f, p);
        memcpy(fmt, p, f);
        fmt[f] = '\0';
        p += f;
    }
    bool ambiguous;
    const struct command *cmd = lookup(word, &ambiguous);
    if (!cmd)
        return cmd_fail(io, word, ambiguous ? "ambiguous command (try help)"
                                            : "unknown command (try help)");
    if (cmd->repeats && strlen(line) < sizeof c->repeat)
        snprintf(c->repeat, sizeof c->repeat, "%s", line);
    if (!cmd->fn) /* "registers": Bochs' r, an alias with arguments of its own */
        return cmd_info(c, "", "registers", io);
    return cmd->fn(c, fmt, cmd_skip(p), io);
}

int cmd_exec(struct cmd *c, const char *line, const struct cmd_io *io)
{
    c->ran = false;
    if (*cmd_skip(line) == '\0')
        return c->repeat[0] ? cmd_exec_line(c, c->repeat, io) : CMD_OK;
    return cmd_exec_line(c, line, io);
}

/* --- source, help, quit --- */

/* The Lua session's output goes to the command now running. */
static void lua_out(void *ctx, const char *text)
{
    struct cmd *c = ctx;
    if (c->lua_io && c->lua_io->out)
        c->lua_io->out(c->lua_io->ctx, text);
}

/* Run a Lua chunk (or, with file, the Lua file it names) in the debugger's
 * one Lua session (scripts/lua/lm_session.h): what one chunk defines, the
 * next sees. A chunk that runs the machine counts as a run command. */
static int run_lua(struct cmd *c, const char *text, bool file, const struct cmd_io *io)
{
    if (!c->lua && !(c->lua = lm_session_create(c->d, lua_out, c)))
        return cmd_fail(io, "lua", "out of memory");
    c->lua_io = io;
    int r = lm_session_exec(c->lua, text, file);
    c->lua_io = NULL;
    return r == 0 ? CMD_OK : CMD_ERROR;
}

bool cmd_lua_stop(struct cmd *c, enum dbg_stop why, const struct cmd_io *io)
{
    c->lua_io = io;
    int r = lm_session_stop(c->lua, why);
    c->lua_io = NULL;
    return r != 0;
}

int cmd_lua_file(struct cmd *c, const char *path, const struct cmd_io *io)
{
    return run_lua(c, path, true, io);
}

static int cmd_lua(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    while (*args == ' ' || *args == '\t')
        args++;
    if (!*args)
        return cmd_fail(io, "lua", "which chunk? (lua print(lab86.current.cpu.eip))");
    return run_lua(c, args, false, io);
}

/* Run FILE's lines; the first error (or quit) ends it, as in gdb. A file
 * whose name ends in .lua is a Lua script instead. */
static int cmd_source(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    char path[256], line[CMD_LINE_MAX];
    if (!cmd_word(&args, path, sizeof path))
        return cmd_fail(io, "source", "which file? (source FILE)");
    size_t plen = strlen(path);
    if (plen > 4 && strcmp(path + plen - 4, ".lua") == 0)
        return run_lua(c, path, true, io);
    if (c->source_depth >= SOURCE_DEPTH_MAX)
        return cmd_fail(io, "source", "%s: nested more than %d deep", path, SOURCE_DEPTH_MAX);
    FILE *f = fopen(path, "r");
    if (!f)
        return cmd_fail(io, "source", "%s: cannot open", path);
    int r = CMD_OK;
    c->source_depth++;
    while (r == CMD_OK && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        r = cmd_exec_line(c, line, io);
    }
    c->source_depth--;
    fclose(f);
    return r;
}

const char *cmd_help(void)
{
    static char text[4096];
    if (!text[0]) {
        size_t n = 0;
        for (size_t k = 0; k < NCOMMANDS && n < sizeof text; k++)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s\n", commands[k].help);
        if (n < sizeof text)
            snprintf(text + n, sizeof text - n,
                     "an empty line repeats the last step or run command\n");
    }
    return text;
}

static int cmd_help_cmd(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)c, (void)fmt;
    char word[32];
    bool ambiguous;
    if (!cmd_word(&args, word, sizeof word)) {
        for (size_t k = 0; k < NCOMMANDS; k++) {
            const struct command *cm = &commands[k];
            if (cm->aliases[0])
                cmd_out(io, "%s  (also: %s)", cm->help, cm->aliases);
            else
                cmd_out(io, "%s", cm->help);
        }
        return CMD_OK;
    }
    const struct command *cm = lookup(word, &ambiguous);
    if (!cm)
        return cmd_fail(io, "help", "%s: %s", word, ambiguous ? "ambiguous" : "no such command");
    cmd_out(io, "%s", cm->help);
    return CMD_OK;
}

static int cmd_quit(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)c, (void)fmt, (void)args, (void)io;
    return CMD_QUIT;
}

/* --- completion --- */

/* Add each name of the space-separated list that starts with text. */
static size_t add_list(const char *list, const char *text, const char **out, size_t n, size_t max,
                       char store[][24], size_t *used)
{
    size_t tl = strlen(text);
    for (const char *p = list; *p && n < max && *used < CMD_COMPLETE_MAX;) {
        size_t len = strcspn(p, " ");
        if (len >= tl && len < 24 && strncmp(p, text, tl) == 0) {
            memcpy(store[*used], p, len);
            store[*used][len] = '\0';
            out[n++] = store[(*used)++];
        }
        p += len;
        p += *p == ' ';
    }
    return n;
}

size_t cmd_complete(struct cmd *c, const char *line, int word, const char *text,
                    const char **out, size_t max)
{
    char (*store)[24] = c->complete_store;
    size_t n = 0, used = 0, tl = strlen(text);
    char first[32] = "";
    const char *p = line;
    cmd_word(&p, first, sizeof first);
    first[strcspn(first, "/")] = '\0';
    if (word == 0) {
        for (size_t k = 0; k < NCOMMANDS && n < max; k++) {
            if (strncmp(commands[k].name, text, tl) == 0)
                out[n++] = commands[k].name;
            n = add_list(commands[k].aliases, text, out, n, max, store, &used);
        }
        return n;
    }
    bool ambiguous;
    const struct command *cm = lookup(first, &ambiguous);
    if (word == 1 && cm && cm->fn == cmd_info) {
        for (size_t k = 0; cmd_info_words[k] && n < max; k++)
            if (strncmp(cmd_info_words[k], text, tl) == 0)
                out[n++] = cmd_info_words[k];
        return n;
    }
    if (word == 1 && cm && cm->fn == cmd_help_cmd)
        return cmd_complete(c, "", 0, text, out, max);
    /* Registers, spelled as typed: with or without gdb's '$'; then symbols. */
    bool dollar = text[0] == '$';
    for (size_t k = 0; cmd_register_names[k] && n < max; k++)
        if (strncmp(cmd_register_names[k] + !dollar, text, tl) == 0)
            out[n++] = cmd_register_names[k] + !dollar;
    if (!dollar && n < max) {
        size_t got = dbg_symbol_complete(c->d, text, out + n, max - n);
        n += got < max - n ? got : max - n;
    }
    return n;
}
