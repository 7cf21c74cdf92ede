/*
 * cmd_break.c - breakpoints and watchpoints: break, tbreak, lbreak,
 * vbreak, pbreak, delete, watch, rwatch, awatch, pwatch, condition; catch
 * for the debugger core's other stops (an I/O port, a text on a serial
 * port, a hypervisor-trap kind, an interrupt vector, a mode switch, a CR3
 * write), as gdb's catch is for events that are not an address; and the
 * list `info break` shows.
 *
 * An address is read by cmd_parse_addr() (cmd_addr.c). What kind of
 * breakpoint it becomes follows what was typed:
 *
 *     break 0x7c00       linear address (CS.base + EIP), gdb's `break *ADDR`
 *     break 0x0:0x7c00   CS = 0x0 and EIP = 0x7c00, whatever CS's base is then
 *     break -p 0xf0000   physical address (also pbreak, Bochs' pb)
 *     break ADDR if EXPR stops only when EXPR is not 0 (see condition)
 *
 * All of them live in the debugger core, outside the guest's memory (no
 * INT3 is written). The core numbers breakpoints and watchpoints from one
 * counter, as gdb does, and keeps no list a front end can walk; the
 * interpreter keeps what it set (cmd_impl.h's struct cmd_bp) and forgets a
 * temporary one once the core has dropped it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cmd_impl.h"

/* Remember what was set, for `info break`; the entry, or NULL when full. */
static struct cmd_bp *track(struct cmd *c, int id, const char *type, bool temporary,
                            const char *what)
{
    for (int k = 0; k < CMD_BP_MAX; k++) {
        if (c->bp[k].id == 0) {
            c->bp[k] = (struct cmd_bp){.id = id, .type = type, .temporary = temporary};
            snprintf(c->bp[k].what, sizeof c->bp[k].what, "%s", what);
            return &c->bp[k];
        }
    }
    return NULL;
}

static struct cmd_bp *tracked(struct cmd *c, int id)
{
    for (int k = 0; k < CMD_BP_MAX; k++)
        if (id > 0 && c->bp[k].id == id)
            return &c->bp[k];
    return NULL;
}

/* The table stays packed in the order things were set, which is id order
 * (the core's ids only grow): `info break` and cmd_breakpoints() list it
 * as it is. */
void cmd_prune_breaks(struct cmd *c)
{
    int n = 0;
    for (int k = 0; k < CMD_BP_MAX; k++)
        if (c->bp[k].id && dbg_hits(c->d, c->bp[k].id) >= 0)
            c->bp[n++] = c->bp[k];
    for (; n < CMD_BP_MAX; n++)
        c->bp[n] = (struct cmd_bp){0};
}

/* Split "ADDR if COND" at the word "if": addr gets the part before, the
 * condition is returned (NULL when there is none). */
static const char *split_if(const char *args, char *addr, size_t n)
{
    const char *cond = NULL;
    size_t len = strlen(args);
    for (const char *p = args; (p = strstr(p, "if")) != NULL; p += 2) {
        bool starts = p == args || isspace((unsigned char)p[-1]);
        bool ends = p[2] == '\0' || isspace((unsigned char)p[2]);
        if (starts && ends) {
            cond = cmd_skip(p + 2);
            len = (size_t)(p - args);
            break;
        }
    }
    if (len >= n)
        len = n - 1;
    memcpy(addr, args, len);
    addr[len] = '\0';
    return cond;
}

/* Set a condition on id and remember its text; 0, or -1 after an error line. */
static int set_condition(struct cmd *c, const char *name, int id, const char *cond,
                         const struct cmd_io *io)
{
    char err[256], text[CMD_LINE_MAX];
    if (cond && cmd_rewrite(c, cond, text, sizeof text, err, sizeof err) != 0) {
        cmd_fail(io, name, "%s", err);
        return -1;
    }
    if (dbg_break_condition(c->d, id, cond ? text : NULL, err, sizeof err) != 0) {
        cmd_fail(io, name, "%s", err);
        return -1;
    }
    struct cmd_bp *b = tracked(c, id);
    if (b)
        snprintf(b->cond, sizeof b->cond, "%s", cond ? cond : "");
    return 0;
}

/* The kinds of address a break command may force. */
enum force { FORCE_NONE, FORCE_LINEAR, FORCE_SEGOFF, FORCE_PHYSICAL };

/* Every break command: parse, set in the core, say so, add the condition. */
static int set_break(struct cmd *c, const char *name, const char *args, bool temporary,
                     enum force force, const struct cmd_io *io)
{
    char text[CMD_LINE_MAX], what[96], err[256];
    struct cmd_addr a;
    args = cmd_skip(args);
    if (strncmp(args, "-p ", 3) == 0) {
        force = FORCE_PHYSICAL;
        args = cmd_skip(args + 3);
    }
    const char *cond = split_if(args, text, sizeof text);
    if (cmd_parse_addr(c, text, &a, err, sizeof err) != 0)
        return cmd_fail(io, name, "%s", err);
    if (force == FORCE_SEGOFF && !a.segoff)
        return cmd_fail(io, name, "wants SEG:OFF (like 0x0:0x7c00)");
    int id;
    char at = 'l';
    if (force == FORCE_PHYSICAL) {
        at = 'p';
        snprintf(what, sizeof what, "physical 0x%08llx", (unsigned long long)a.lin);
        id = dbg_break_physical(c->d, a.lin, temporary);
    } else if (a.segoff && force != FORCE_LINEAR) {
        at = 's';
        snprintf(what, sizeof what, a.off > 0xffff ? "%04x:%08x" : "%04x:%04x", a.sel, a.off);
        id = dbg_break_segoff(c->d, a.sel, a.off, temporary);
    } else {
        snprintf(what, sizeof what, "0x%08llx", (unsigned long long)(uint32_t)a.lin);
        id = dbg_break_linear(c->d, a.lin, temporary);
    }
    if (id < 0)
        return cmd_fail(io, name, "the table is full (%d breakpoints)", DBG_MAX_BREAK);
    struct cmd_bp *b = track(c, id, "breakpoint", temporary, what);
    if (b) {
        b->at = at;
        b->sel = a.sel;
        b->addr = at == 's' ? a.off : (uint32_t)a.lin;
    }
    cmd_out(io, "%s %d at %s", temporary ? "Temporary breakpoint" : "Breakpoint", id, what);
    if (cond && set_condition(c, name, id, cond, io) != 0) {
        dbg_delete(c->d, id);
        cmd_prune_breaks(c);
        return CMD_ERROR;
    }
    return CMD_OK;
}

int cmd_break(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    return set_break(c, "break", args, false, FORCE_NONE, io);
}

int cmd_tbreak(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    return set_break(c, "tbreak", args, true, FORCE_NONE, io);
}

int cmd_lbreak(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    return set_break(c, "lbreak", args, false, FORCE_LINEAR, io);
}

int cmd_vbreak(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    return set_break(c, "vbreak", args, false, FORCE_SEGOFF, io);
}

int cmd_pbreak(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    return set_break(c, "pbreak", args, false, FORCE_PHYSICAL, io);
}

int cmd_delete(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    char word[32], *end;
    if (!*args) { /* everything, as gdb's `delete` without numbers */
        for (int k = 0; k < CMD_BP_MAX; k++)
            if (c->bp[k].id)
                dbg_delete(c->d, c->bp[k].id);
        cmd_prune_breaks(c);
        return CMD_OK;
    }
    while (cmd_word(&args, word, sizeof word)) {
        long id = strtol(word, &end, 10);
        if (*end || id <= 0)
            return cmd_fail(io, "delete", "'%s' is not a breakpoint number", word);
        if (dbg_delete(c->d, (int)id) != 0)
            return cmd_fail(io, "delete", "no breakpoint number %ld", id);
    }
    cmd_prune_breaks(c);
    return CMD_OK;
}

int cmd_condition(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    char word[32], *end;
    if (!cmd_word(&args, word, sizeof word))
        return cmd_fail(io, "condition", "which breakpoint? (condition N EXPR)");
    long id = strtol(word, &end, 10);
    if (*end || id <= 0)
        return cmd_fail(io, "condition", "'%s' is not a breakpoint number", word);
    struct cmd_bp *b = tracked(c, (int)id);
    if (b && strcmp(b->type, "breakpoint") != 0)
        return cmd_fail(io, "condition", "%ld is a %s: conditions are for breakpoints", id,
                        b->type);
    if (set_condition(c, "condition", (int)id, args, io) != 0)
        return CMD_ERROR;
    if (!*args)
        cmd_out(io, "Breakpoint %ld now unconditional.", id);
    return CMD_OK;
}

/* watch, rwatch, awatch, pwatch: [-p] [-c] ADDR [LEN]. Bochs' `watch
 * read|write ADDR` spelling is taken too. -c (watch, pwatch): stop only when
 * a write changes the value, as gdb's watch does; at most 8 bytes. */
static int set_watch(struct cmd *c, const char *name, const char *args, int kind, bool physical,
                     const struct cmd_io *io)
{
    static const char *const kinds[] = {"", "read", "write", "access"};
    char text[CMD_LINE_MAX], err[256], what[96];
    struct cmd_addr a;
    uint64_t len = 4;
    args = cmd_skip(args);
    bool change = false;
    for (;;) {
        if (strncmp(args, "-p ", 3) == 0)
            physical = true;
        else if (strncmp(args, "-c ", 3) == 0 && kind == DBG_WATCH_WRITE)
            change = true;
        else
            break;
        args = cmd_skip(args + 3);
    }
    if (strncmp(args, "read ", 5) == 0 || strncmp(args, "write ", 6) == 0) {
        kind = args[0] == 'r' ? DBG_WATCH_READ : DBG_WATCH_WRITE;
        args = cmd_skip(args + 5);
    }
    /* The length is the last word when there are two. */
    snprintf(text, sizeof text, "%s", args);
    char *sp = strrchr(text, ' ');
    if (sp && sp[1]) {
        if (cmd_eval(c, sp + 1, &len, err, sizeof err) != 0)
            return cmd_fail(io, name, "length: %s", err);
        *sp = '\0';
    }
    if (cmd_parse_addr(c, text, &a, err, sizeof err) != 0)
        return cmd_fail(io, name, "%s", err);
    if (len == 0 || len > 0x100000)
        return cmd_fail(io, name, "length %llu: from 1 to 1 MiB", (unsigned long long)len);
    if (change && len > DBG_WATCH_CHANGE_MAX)
        return cmd_fail(io, name, "-c watches at most %d bytes", DBG_WATCH_CHANGE_MAX);
    int k = kind | (change ? DBG_WATCH_CHANGE : 0);
    int id = physical ? dbg_watch_physical(c->d, a.lin, len, k) : dbg_watch_linear(c->d, a.lin, len, k);
    if (id < 0)
        return cmd_fail(io, name, "the table is full (%d watchpoints)", DBG_MAX_WATCH);
    snprintf(what, sizeof what, "%s[0x%08llx] %llu byte%s %s", physical ? "physical " : "",
             (unsigned long long)a.lin, (unsigned long long)len, len == 1 ? "" : "s",
             change ? "changed" : kinds[kind]);
    track(c, id, "watchpoint", false, what);
    cmd_out(io, "Watchpoint %d: %s", id, what);
    return CMD_OK;
}

int cmd_watch(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    return set_watch(c, "watch", args, DBG_WATCH_WRITE, false, io);
}

int cmd_rwatch(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    return set_watch(c, "rwatch", args, DBG_WATCH_READ, false, io);
}

int cmd_awatch(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    return set_watch(c, "awatch", args, DBG_WATCH_ACCESS, false, io);
}

int cmd_pwatch(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    return set_watch(c, "pwatch", args, DBG_WATCH_WRITE, true, io);
}

/* --- catch: the debugger core's other stops --- */

/* catch io PORT[-LAST] [in|out] */
static int catch_io(struct cmd *c, const char *args, const struct cmd_io *io)
{
    static const char *const dirs[] = {"", "in", "out", "in/out"};
    char range[64], dir[8] = "", text[96], *end;
    if (!cmd_word(&args, range, sizeof range))
        return cmd_fail(io, "catch", "catch io PORT[-LAST] [in|out]");
    cmd_word(&args, dir, sizeof dir);
    unsigned long lo = strtoul(range, &end, 0), hi = lo;
    if (*end == '-')
        hi = strtoul(end + 1, &end, 0);
    int kind = !dir[0] ? DBG_IO_BOTH : !strcmp(dir, "in") ? DBG_IO_IN
                                     : !strcmp(dir, "out") ? DBG_IO_OUT : 0;
    if (*end || lo > hi || hi > 0xffff || !kind || *args)
        return cmd_fail(io, "catch", "catch io PORT[-LAST] [in|out] (ports 0 to 0xffff)");
    int id = dbg_break_io(c->d, (uint16_t)lo, (uint16_t)hi, kind);
    if (id < 0)
        return cmd_fail(io, "catch", "the I/O stop table is full");
    snprintf(text, sizeof text, "I/O ports 0x%04lx-0x%04lx %s", lo, hi, dirs[kind]);
    track(c, id, "catchpoint", false, text);
    cmd_out(io, "Catchpoint %d: %s", id, text);
    return CMD_OK;
}

/* catch serial [com1|com2] TEXT: the text may be in double quotes. */
static int catch_serial(struct cmd *c, const char *args, const struct cmd_io *io)
{
    char text[96], shown[112];
    uint16_t port = 0;
    if (strncmp(args, "com1 ", 5) == 0 || strncmp(args, "com2 ", 5) == 0) {
        port = args[3] == '1' ? 0x3f8 : 0x2f8;
        args = cmd_skip(args + 5);
    }
    size_t n = strlen(args);
    if (n >= 2 && args[0] == '"' && args[n - 1] == '"')
        args++, n -= 2;
    if (n == 0 || n >= sizeof text)
        return cmd_fail(io, "catch", "catch serial [com1|com2] TEXT (1 to %zu characters)",
                        sizeof text - 1);
    memcpy(text, args, n);
    text[n] = '\0';
    int id = dbg_stop_on_serial(c->d, port, text);
    if (id < 0)
        return cmd_fail(io, "catch", "the serial stop table is full, or the text is too long");
    snprintf(shown, sizeof shown, "serial \"%s\"", text);
    track(c, id, "catchpoint", false, shown);
    cmd_out(io, "Catchpoint %d: %s", id, shown);
    return CMD_OK;
}

/* catch trap KIND | vector N | mode | cr3, each with "off" to stop catching. */
static int catch_switch(struct cmd *c, const char *what, const char *args,
                        const struct cmd_io *io)
{
    char word[32] = "", off[8] = "", *end;
    bool needs = strcmp(what, "trap") == 0 || strcmp(what, "vector") == 0;
    if (needs && !cmd_word(&args, word, sizeof word))
        return cmd_fail(io, "catch", "catch %s %s [off]", what, what[0] == 't' ? "KIND" : "N");
    cmd_word(&args, off, sizeof off);
    bool on = strcmp(off, "off") != 0;
    if ((off[0] && on) || *args)
        return cmd_fail(io, "catch", "only 'off' may follow");
    if (strcmp(what, "trap") == 0) {
        int kind = dbg_trap_kind(word);
        if (kind < 0)
            return cmd_fail(io, "catch", "no trap kind '%s' (info traps lists them)", word);
        dbg_stop_on_trap(c->d, kind, on);
    } else if (strcmp(what, "vector") == 0) {
        unsigned long v = strtoul(word, &end, 0);
        if (*end || v > 255)
            return cmd_fail(io, "catch", "a vector is 0 to 255");
        dbg_stop_on_vector(c->d, (int)v, on);
    } else if (strcmp(what, "mode") == 0) {
        dbg_stop_on_mode_switch(c->d, on);
    } else {
        dbg_stop_on_cr3_write(c->d, on);
    }
    cmd_out(io, "%s %s%s%s.", on ? "Catching" : "Not catching", what, word[0] ? " " : "", word);
    return CMD_OK;
}

int cmd_catch(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    char what[16];
    if (!cmd_word(&args, what, sizeof what))
        return cmd_fail(io, "catch", "what? (io, serial, trap, vector, mode, cr3)");
    if (strcmp(what, "io") == 0)
        return catch_io(c, args, io);
    if (strcmp(what, "serial") == 0)
        return catch_serial(c, args, io);
    if (strcmp(what, "trap") == 0 || strcmp(what, "vector") == 0 || strcmp(what, "mode") == 0 ||
        strcmp(what, "cr3") == 0)
        return catch_switch(c, what, args, io);
    return cmd_fail(io, "catch", "cannot catch '%s' (io, serial, trap, vector, mode, cr3)", what);
}

size_t cmd_breakpoints(struct cmd *c, struct cmd_break_info *out, size_t max)
{
    size_t n = 0;
    cmd_prune_breaks(c);
    for (int k = 0; k < CMD_BP_MAX; k++) {
        const struct cmd_bp *b = &c->bp[k];
        if (!b->id)
            continue;
        if (n < max) {
            struct cmd_break_info *i = &out[n];
            *i = (struct cmd_break_info){b->id, b->type, b->temporary, false, 0};
            if (b->at == 'l')
                i->linear = true, i->lin = b->addr;
            else if (b->at == 's')
                i->linear = cmd_segoff_linear(c, b->sel, (uint32_t)b->addr, &i->lin);
        }
        n++;
    }
    return n;
}

void cmd_list_breaks(struct cmd *c, const struct cmd_io *io)
{
    bool any = false;
    cmd_prune_breaks(c);
    for (int k = 0; k < CMD_BP_MAX; k++) {
        const struct cmd_bp *b = &c->bp[k];
        if (!b->id)
            continue;
        if (!any)
            cmd_out(io, "Num  Type        Hits  What");
        any = true;
        cmd_out(io, "%-4d %-11s %-5lld %s%s%s", b->id, b->temporary ? "tbreakpoint" : b->type,
                (long long)dbg_hits(c->d, b->id), b->what, b->cond[0] ? " if " : "", b->cond);
    }
    if (!any)
        cmd_out(io, "No breakpoints or watchpoints.");
}
