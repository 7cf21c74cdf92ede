/*
 * cmd_addr.c - the words every command parses: expressions and addresses.
 *
 * Expressions are core/debug's language (expr.c: registers, numbers,
 * [addr], C's operators). The command line adds gdb's spellings in front
 * of it, by rewriting the text before it is evaluated:
 *
 *     $eax, $ax, $al ...   the register (gdb writes registers with '$')
 *     $pc $sp $fp $ps      eip, esp, ebp, eflags (gdb's generic names)
 *     $1, $2 ... and $     a value `print` showed earlier (the last one)
 *
 * A name that is not a register is a symbol of the loaded kernel
 * (core/debug/symbols.c), replaced by its address: `break main`, `x/4x
 * buf+8`.
 *
 * An address is an expression (a linear address), the same after a '*'
 * (gdb's `break *0x7c00`), FILE:LINE (the first code of a source line, from
 * the DWARF line table: `break kernel.c:42`), or SEG:OFF with an expression on each side
 * (`0x0:0x7c00`, `cs:eip`). SEG:OFF is turned into a linear address the
 * way the CPU would with the segment as it is now: selector * 16 in real
 * and virtual-8086 mode, the descriptor's base in protected mode (GDT
 * entries, or the hidden base of a segment register holding that
 * selector). A breakpoint keeps SEG:OFF itself (cmd_break.c), so it still
 * matches when the segment's base changes later.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/cmd_impl.h"

/* The registers the expression language knows, as gdb spells them;
 * completion offers them with or without the '$'. */
const char *const cmd_register_names[] = {
    "$eax", "$ecx", "$edx", "$ebx", "$esp", "$ebp", "$esi", "$edi", "$eip", "$eflags",
    "$cs",  "$ss",  "$ds",  "$es",  "$fs",  "$gs",  "$cr0", "$cr2", "$cr3", "$cr4",
    "$ax",  "$cx",  "$dx",  "$bx",  "$sp",  "$bp",  "$si",  "$di",  "$al",  "$cl",
    "$dl",  "$bl",  "$ah",  "$ch",  "$dh",  "$bh",  "$cpl", NULL,
};

bool cmd_is_register(const char *name)
{
    for (int k = 0; cmd_register_names[k]; k++)
        if (strcasecmp(cmd_register_names[k] + 1, name) == 0)
            return true;
    return false;
}

const char *cmd_skip(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

bool cmd_word(const char **s, char *out, size_t n)
{
    const char *p = cmd_skip(*s);
    size_t len = 0;
    while (p[len] && !isspace((unsigned char)p[len]))
        len++;
    if (len == 0 || n == 0)
        return false;
    if (len >= n)
        len = n - 1;
    memcpy(out, p, len);
    out[len] = '\0';
    *s = cmd_skip(p + len);
    return true;
}

/* gdb's generic register names. */
static const char *generic_name(const char *name)
{
    static const char *const map[][2] = {{"pc", "eip"}, {"sp", "esp"}, {"fp", "ebp"},
                                         {"ps", "eflags"}};
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (strcmp(map[k][0], name) == 0)
            return map[k][1];
    return name;
}

/* One "$..." at *p rewritten into out; advances *p. -1 with a reason when
 * it names nothing. */
static int rewrite_dollar(struct cmd *c, const char **p, char *out, size_t n, char *err,
                          size_t errlen)
{
    const char *s = *p + 1;
    char name[32];
    size_t len = 0;
    while ((isalnum((unsigned char)s[len]) || s[len] == '_') && len < sizeof name - 1)
        len++;
    memcpy(name, s, len);
    name[len] = '\0';
    *p = s + len;
    if (len == 0 || isdigit((unsigned char)name[0])) { /* value history: $, $1, $2 */
        int k = len ? atoi(name) : c->n_history;
        if (k < 1 || k > c->n_history || c->n_history - k >= CMD_HISTORY) {
            snprintf(err, errlen, "history is empty or has no $%s", name);
            return -1;
        }
        snprintf(out, n, "0x%llx", (unsigned long long)c->history[(k - 1) % CMD_HISTORY]);
        return 0;
    }
    const char *reg = generic_name(name);
    if (!cmd_is_register(reg)) {
        snprintf(err, errlen, "no register $%s", name);
        return -1;
    }
    snprintf(out, n, "%s", reg);
    return 0;
}

/* A name at *p that is not a register: a symbol's address, rewritten as a
 * number. Names the expression language knows are copied as they are. */
static int rewrite_name(struct cmd *c, const char **p, char *out, size_t n, char *err,
                        size_t errlen)
{
    static const char *const keywords[] = {"byte", "word", "dword"};
    char name[128];
    size_t len = 0;
    const char *s = *p;
    while ((isalnum((unsigned char)s[len]) || s[len] == '_' || s[len] == '.') &&
           len < sizeof name - 1)
        len++;
    memcpy(name, s, len);
    name[len] = '\0';
    *p = s + len;
    bool known = cmd_is_register(name);
    for (size_t k = 0; k < 3; k++)
        known |= strcmp(name, keywords[k]) == 0;
    uint64_t addr;
    if (known || dbg_symbol_addr(c->d, name, &addr) != 0) {
        snprintf(out, n, "%s", name); /* the evaluator says what is wrong with it */
        return 0;
    }
    if (addr > 0xffffffffull) {
        snprintf(err, errlen, "%s: address 0x%llx is beyond 32 bits", name,
                 (unsigned long long)addr);
        return -1;
    }
    snprintf(out, n, "0x%llx", (unsigned long long)addr);
    return 0;
}

int cmd_rewrite(struct cmd *c, const char *text, char *buf, size_t size, char *err,
                size_t errlen)
{
    size_t n = 0;
    for (const char *p = text; *p;) {
        char piece[160];
        int r = 0;
        if (*p == '$') {
            r = rewrite_dollar(c, &p, piece, sizeof piece, err, errlen);
        } else if (isalpha((unsigned char)*p) || *p == '_') {
            r = rewrite_name(c, &p, piece, sizeof piece, err, errlen);
        } else if (isdigit((unsigned char)*p)) { /* a number, 0x7c00 included */
            size_t len = 0;
            while (isalnum((unsigned char)p[len]) && len < sizeof piece - 1)
                len++;
            memcpy(piece, p, len);
            piece[len] = '\0';
            p += len;
        } else {
            piece[0] = *p++;
            piece[1] = '\0';
        }
        size_t len = strlen(piece);
        if (r != 0)
            return -1;
        if (n + len >= size) {
            snprintf(err, errlen, "expression too long");
            return -1;
        }
        memcpy(buf + n, piece, len);
        n += len;
    }
    buf[n] = '\0';
    return 0;
}

int cmd_eval(struct cmd *c, const char *text, uint64_t *value, char *err, size_t errlen)
{
    char buf[CMD_LINE_MAX];
    if (cmd_rewrite(c, text, buf, sizeof buf, err, errlen) != 0)
        return -1;
    return dbg_eval(c->d, buf, value, err, errlen);
}

void cmd_symbolize(struct cmd *c, uint64_t lin, const char *before, const char *after, char *out,
                   size_t n)
{
    char sym[128];
    out[0] = '\0';
    if (dbg_symbol_count(c->d) && dbg_symbolize(c->d, lin, sym, sizeof sym) == 0)
        snprintf(out, n, "%s%s%s", before, sym, after);
}

bool cmd_segoff_linear(struct cmd *c, uint16_t sel, uint32_t off, uint64_t *lin)
{
    struct dbg_cpu_view v;
    struct dbg_desc desc;
    dbg_get_cpu(c->d, &v);
    if ((v.mode & 3) != DBG_MODE_PROTECTED) {
        *lin = ((uint64_t)sel << 4) + off;
        return true;
    }
    for (int s = DBG_ES; s <= DBG_GS; s++) { /* a loaded selector: its hidden base */
        if (v.seg[s].sel == sel) {
            *lin = (uint32_t)(v.seg[s].base + off);
            return true;
        }
    }
    if ((sel & 4) || dbg_gdt_entry(c->d, sel >> 3, &desc) != 0 || desc.system)
        return false;
    *lin = (uint32_t)(desc.base + off);
    return true;
}

/* Where the ':' of SEG:OFF is, outside brackets and parentheses; NULL if none. */
static const char *segoff_colon(const char *text)
{
    int depth = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '[' || *p == '(')
            depth++;
        else if (*p == ']' || *p == ')')
            depth--;
        else if (*p == ':' && depth == 0)
            return p;
    }
    return NULL;
}

/* SEG:OFF into a. */
static int parse_segoff(struct cmd *c, const char *text, const char *colon, struct cmd_addr *a,
                        char *err, size_t errlen)
{
    char seg[CMD_LINE_MAX];
    uint64_t sel, off;
    size_t n = (size_t)(colon - text);
    if (n >= sizeof seg)
        n = sizeof seg - 1;
    memcpy(seg, text, n);
    seg[n] = '\0';
    if (cmd_eval(c, seg, &sel, err, errlen) != 0 || cmd_eval(c, colon + 1, &off, err, errlen) != 0)
        return -1;
    if (sel > 0xffff) {
        snprintf(err, errlen, "segment 0x%llx is not a 16-bit selector", (unsigned long long)sel);
        return -1;
    }
    a->segoff = true;
    a->sel = (uint16_t)sel;
    a->off = (uint32_t)off;
    if (!cmd_segoff_linear(c, a->sel, a->off, &a->lin)) {
        snprintf(err, errlen, "selector 0x%04x has no segment base now", a->sel);
        return -1;
    }
    return 0;
}

/* FILE:LINE (a '.' in the left side, digits on the right)? */
static bool is_file_line(const char *text, const char *colon)
{
    const char *dot = memchr(text, '.', (size_t)(colon - text));
    const char *q = colon + 1;
    while (isdigit((unsigned char)*q))
        q++;
    return dot && q > colon + 1 && *cmd_skip(q) == '\0';
}

int cmd_parse_addr(struct cmd *c, const char *text, struct cmd_addr *a, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    text = cmd_skip(text);
    if (*text == '*')
        text++;
    if (!*cmd_skip(text)) {
        snprintf(err, errlen, "an address is missing");
        return -1;
    }
    const char *colon = segoff_colon(text);
    if (colon && is_file_line(text, colon)) {
        char file[256];
        size_t n = (size_t)(colon - text) < sizeof file ? (size_t)(colon - text) : sizeof file - 1;
        memcpy(file, text, n);
        file[n] = '\0';
        if (dbg_line_addr(c->d, file, atoi(colon + 1), &a->lin) != 0) {
            snprintf(err, errlen, "%s: no code at that line%s", text,
                     dbg_symbol_count(c->d) ? "" : " (no symbols loaded: --symbols FILE)");
            return -1;
        }
        return 0;
    }
    if (colon)
        return parse_segoff(c, text, colon, a, err, errlen);
    return cmd_eval(c, text, &a->lin, err, errlen);
}
