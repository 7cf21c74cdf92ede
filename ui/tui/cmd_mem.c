/*
 * cmd_mem.c - looking at and changing values: x, xp, print, set,
 * disassemble, and the snapshots savevm and loadvm.
 *
 * x/NFU ADDR follows gdb: N units (1), the format F (x hex, d signed, u
 * unsigned, o octal, t binary, c characters, s strings, i instructions)
 * and the unit size U (b 1, h 2, w 4, g 8 bytes); what is left out is
 * taken from the last x, and a bare `x` goes on where the last one ended.
 * xp is the same at a physical address. Memory is read the way the views
 * read it (no fault, no accessed bit, never a device register), and a unit
 * that cannot be read ends the dump with an error line naming its address.
 *
 *     x/8xb 0x7c00
 *     0x00007c00: 0xfa 0x31 0xc0 0x8e 0xd8 0x8e 0xc0 0x8e
 *
 * print/F EXPR evaluates EXPR (cmd_addr.c) as 32-bit unsigned and shows it
 * as gdb does, "$1 = 31744", the value kept as $1 for later expressions.
 * set changes a register or memory (core/debug/poke.c) and prints nothing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cmd_impl.h"

#define X_MAX_UNITS 4096 /* one x shows at most this many units */
#define X_STRING_MAX 256 /* x/s stops a string after this many bytes */

/* Parse x's "NFU" into count, format and size, starting from the last x's. */
static int parse_xfmt(struct cmd *c, const char *name, const char *fmt, long *count,
                      const struct cmd_io *io)
{
    char *end;
    *count = 1;
    if (isdigit((unsigned char)*fmt)) {
        *count = strtol(fmt, &end, 10);
        fmt = end;
    }
    if (*count < 1 || *count > X_MAX_UNITS)
        return cmd_fail(io, name, "count from 1 to %d", X_MAX_UNITS);
    for (; *fmt; fmt++) {
        const char *sizes = "bhwg";
        if (strchr("xduotcsi", *fmt)) {
            c->x_format = *fmt;
            if (*fmt == 'c' || *fmt == 's')
                c->x_size = 1;
        } else if (strchr(sizes, *fmt)) {
            c->x_size = 1 << (strchr(sizes, *fmt) - sizes);
        } else {
            return cmd_fail(io, name, "unknown format letter '%c' (formats x d u o t c s i, "
                            "sizes b h w g)", *fmt);
        }
    }
    return CMD_OK;
}

/* Read size bytes at addr (linear or physical) as a little-endian value. */
static bool read_unit(struct cmd *c, uint64_t addr, bool phys, int size, uint64_t *v)
{
    uint8_t b[8];
    size_t got = phys ? dbg_read_physical(c->d, addr, b, (size_t)size, NULL)
                      : dbg_read_linear(c->d, addr, b, (size_t)size, NULL);
    *v = 0;
    for (int k = size - 1; k >= 0; k--)
        *v = *v << 8 | b[k];
    return got == (size_t)size;
}

/* One value in format f of size bytes into out. */
static void format_value(char f, int size, uint64_t v, char *out, size_t n)
{
    int bits = size * 8;
    uint64_t sign = 1ull << (bits - 1);
    switch (f) {
    case 'd': snprintf(out, n, "%lld", (long long)((v ^ sign) - sign)); break;
    case 'u': snprintf(out, n, "%llu", (unsigned long long)v); break;
    case 'o': snprintf(out, n, "0%llo", (unsigned long long)v); break;
    case 't':
        for (int k = 0; k < bits && k < (int)n - 1; k++)
            out[k] = (char)('0' + ((v >> (bits - 1 - k)) & 1));
        out[bits < (int)n - 1 ? bits : (int)n - 1] = '\0';
        break;
    case 'c':
        if (isprint((int)(v & 0xff)))
            snprintf(out, n, "%u '%c'", (unsigned)(v & 0xff), (int)(v & 0xff));
        else
            snprintf(out, n, "%u '\\x%02x'", (unsigned)(v & 0xff), (unsigned)(v & 0xff));
        break;
    default: snprintf(out, n, "0x%0*llx", size * 2, (unsigned long long)v); break;
    }
}

/* x/s: count NUL-terminated strings from addr. */
static int dump_strings(struct cmd *c, const char *name, uint64_t addr, bool phys, long count,
                        const struct cmd_io *io)
{
    for (long k = 0; k < count; k++) {
        char s[X_STRING_MAX * 4 + 1];
        size_t n = 0;
        uint64_t start = addr, v;
        for (int i = 0; i < X_STRING_MAX; i++, addr++) {
            if (!read_unit(c, addr, phys, 1, &v))
                return cmd_fail(io, name, "cannot read memory at 0x%08llx",
                                (unsigned long long)addr);
            if (v == 0) {
                addr++;
                break;
            }
            n += (size_t)snprintf(s + n, sizeof s - n, isprint((int)v) && v != '"' && v != '\\'
                                  ? "%c" : v == '\n' ? "\\n" : v == '\r' ? "\\r" : "\\x%02x",
                                  (int)v);
        }
        s[n] = '\0';
        cmd_out(io, "0x%08llx: \"%s\"", (unsigned long long)start, s);
    }
    c->x_next = addr;
    return CMD_OK;
}

/* x/i: count instructions from a linear address. */
static int dump_insns(struct cmd *c, uint64_t addr, long count, const struct cmd_io *io)
{
    struct dbg_cpu_view v;
    dbg_get_cpu(c->d, &v);
    uint64_t here = (uint32_t)(v.seg[DBG_CS].base + v.eip);
    for (long k = 0; k < count; k++) {
        int len = cmd_show_insn(c, io, addr, addr == here ? "=> " : "   ");
        if (len == 0)
            return CMD_ERROR;
        addr += (uint64_t)len;
    }
    c->x_next = addr;
    return CMD_OK;
}

/* x and xp: the dump itself. */
static int examine(struct cmd *c, const char *name, const char *fmt, const char *args, bool phys,
                   const struct cmd_io *io)
{
    struct cmd_addr a;
    char err[256];
    long count;
    if (parse_xfmt(c, name, fmt, &count, io) != CMD_OK)
        return CMD_ERROR;
    if (*args && cmd_parse_addr(c, args, &a, err, sizeof err) != 0)
        return cmd_fail(io, name, "%s", err);
    uint64_t addr = *args ? a.lin : c->x_next;
    if (c->x_format == 'i' && phys)
        return cmd_fail(io, name, "format 'i' needs a linear address (use x/i)");
    c->x_next_phys = phys;
    if (c->x_format == 's')
        return dump_strings(c, name, addr, phys, count, io);
    if (c->x_format == 'i')
        return dump_insns(c, addr, count, io);
    int size = c->x_size, per_line = size == 8 ? 2 : size == 4 ? 4 : 8;
    for (long k = 0; k < count; k += per_line) {
        char line[1024], val[80];
        size_t n = (size_t)snprintf(line, sizeof line, "0x%08llx:", (unsigned long long)addr);
        for (long i = k; i < count && i < k + per_line; i++, addr += (uint64_t)size) {
            uint64_t v;
            if (!read_unit(c, addr, phys, size, &v)) {
                if (i > k)
                    cmd_out(io, "%s", line);
                c->x_next = addr;
                return cmd_fail(io, name, "cannot read memory at 0x%08llx",
                                (unsigned long long)addr);
            }
            format_value(c->x_format, size, v, val, sizeof val);
            n += (size_t)snprintf(line + n, sizeof line - n, " %s", val);
        }
        cmd_out(io, "%s", line);
    }
    c->x_next = addr;
    return CMD_OK;
}

int cmd_x(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    return examine(c, "x", fmt, args, !*args && c->x_next_phys, io);
}

int cmd_xp(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    return examine(c, "xp", fmt, args, true, io);
}

int cmd_print(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    uint64_t v;
    char err[256], val[80];
    if (fmt[0] && (fmt[1] || !strchr("xduotc", fmt[0])))
        return cmd_fail(io, "print", "unknown format '/%s' (x d u o t c)", fmt);
    if (!*args)
        return cmd_fail(io, "print", "an expression is missing (print EXPR)");
    if (cmd_eval(c, args, &v, err, sizeof err) != 0)
        return cmd_fail(io, "print", "%s", err);
    c->history[c->n_history % CMD_HISTORY] = v;
    c->n_history++;
    if (!fmt[0])
        snprintf(val, sizeof val, "%llu", (unsigned long long)v);
    else if (fmt[0] == 'x')
        snprintf(val, sizeof val, "0x%llx", (unsigned long long)v);
    else
        format_value(fmt[0], 4, v, val, sizeof val);
    cmd_out(io, "$%d = %s", c->n_history, val);
    return CMD_OK;
}

/* set {TYPE} [-p] ADDR = EXPR: the memory store. */
static int set_memory(struct cmd *c, const char *lhs, const char *rhs, const struct cmd_io *io)
{
    static const struct { const char *name; int size; } types[] = {
        {"byte", 1}, {"char", 1}, {"word", 2}, {"short", 2}, {"dword", 4}, {"int", 4},
        {"long", 4}};
    char err[256];
    const char *close = strchr(lhs, '}');
    int size = 0;
    for (size_t k = 0; close && k < sizeof types / sizeof types[0]; k++)
        if ((size_t)(close - lhs - 1) == strlen(types[k].name) &&
            strncmp(lhs + 1, types[k].name, strlen(types[k].name)) == 0)
            size = types[k].size;
    if (!size)
        return cmd_fail(io, "set", "{TYPE} is one of byte word dword (char short int)");
    const char *at = cmd_skip(close + 1);
    bool phys = strncmp(at, "-p ", 3) == 0;
    struct cmd_addr a;
    uint64_t v;
    if (cmd_parse_addr(c, phys ? at + 3 : at, &a, err, sizeof err) != 0 ||
        cmd_eval(c, rhs, &v, err, sizeof err) != 0)
        return cmd_fail(io, "set", "%s", err);
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    size_t done = phys ? dbg_write_physical(c->d, a.lin, b, (size_t)size)
                       : dbg_write_linear(c->d, a.lin, b, (size_t)size);
    if (done != (size_t)size)
        return cmd_fail(io, "set", "0x%08llx is not RAM (ROM, a device or unmapped)",
                        (unsigned long long)(a.lin + done));
    return CMD_OK;
}

/* set disassembly-flavor intel|att */
static int set_flavor(struct cmd *c, const char *args, const struct cmd_io *io)
{
    char word[16] = "";
    cmd_word(&args, word, sizeof word);
    if (strcmp(word, "intel") == 0)
        dbg_set_syntax(c->d, DBG_SYNTAX_INTEL);
    else if (strcmp(word, "att") == 0)
        dbg_set_syntax(c->d, DBG_SYNTAX_ATT);
    else
        return cmd_fail(io, "set", "disassembly-flavor is intel or att");
    return CMD_OK;
}

int cmd_set(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    char lhs[CMD_LINE_MAX], err[256];
    if (strncmp(args, "disassembly-flavor", 18) == 0)
        return set_flavor(c, args + 18, io);
    if (strncmp(args, "step-interrupts", 15) == 0) {
        const char *v = cmd_skip(args + 15);
        if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
            return cmd_fail(io, "set", "step-interrupts is on (step into a hardware interrupt "
                            "taken during a step) or off (over it)");
        dbg_set_step_interrupts(c->d, strcmp(v, "on") == 0);
        return CMD_OK;
    }
    if (strncmp(args, "var ", 4) == 0)
        args = cmd_skip(args + 4);
    const char *eq = strchr(args, '=');
    if (!eq || eq[1] == '=')
        return cmd_fail(io, "set", "wants $REG = EXPR or {TYPE} ADDR = EXPR");
    size_t n = (size_t)(eq - args);
    while (n && isspace((unsigned char)args[n - 1]))
        n--;
    if (n >= sizeof lhs)
        n = sizeof lhs - 1;
    memcpy(lhs, args, n);
    lhs[n] = '\0';
    if (lhs[0] == '{')
        return set_memory(c, lhs, eq + 1, io);
    uint64_t v;
    const char *reg = lhs[0] == '$' ? lhs + 1 : lhs;
    if (!cmd_is_register(reg))
        return cmd_fail(io, "set", "'%s' is not a register ($eax, $eip, $eflags, ...)", lhs);
    if (cmd_eval(c, eq + 1, &v, err, sizeof err) != 0 ||
        dbg_set_reg(c->d, reg, v, err, sizeof err) != 0)
        return cmd_fail(io, "set", "%s", err);
    return CMD_OK;
}

int cmd_disassemble(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    struct cmd_addr a;
    char err[256], text[CMD_LINE_MAX];
    long count = 8;
    struct dbg_cpu_view v;
    dbg_get_cpu(c->d, &v);
    a.lin = (uint32_t)(v.seg[DBG_CS].base + v.eip);
    if (*args && cmd_parse_addr(c, args, &a, err, sizeof err) != 0) {
        /* "ADDR N": the last word is the count. */
        snprintf(text, sizeof text, "%s", args);
        char *sp = strrchr(text, ' '), *end;
        if (!sp || (count = strtol(sp + 1, &end, 0), *end))
            return cmd_fail(io, "disassemble", "%s", err);
        if (count < 1 || count > 1000)
            return cmd_fail(io, "disassemble", "count %ld: from 1 to 1000", count);
        *sp = '\0';
        if (cmd_parse_addr(c, text, &a, err, sizeof err) != 0)
            return cmd_fail(io, "disassemble", "%s", err);
    }
    return dump_insns(c, a.lin, count, io);
}

int cmd_savevm(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    char err[256];
    if (!*args)
        return cmd_fail(io, "savevm", "which file? (savevm FILE)");
    if (dbg_savevm(c->d, args, err, sizeof err) != 0)
        return cmd_fail(io, "savevm", "%s", err);
    cmd_out(io, "Saved the machine to %s.", args);
    return CMD_OK;
}

int cmd_loadvm(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    char err[256];
    if (!*args)
        return cmd_fail(io, "loadvm", "which file? (loadvm FILE)");
    if (dbg_loadvm(c->d, args, err, sizeof err) != 0)
        return cmd_fail(io, "loadvm", "%s", err);
    c->ended = false; /* the machine is wherever the file left it */
    c->ran = true;
    cmd_out(io, "Loaded the machine from %s.", args);
    cmd_show_where(c, io);
    return CMD_OK;
}
