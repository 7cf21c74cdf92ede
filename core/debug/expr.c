/*
 * expr.c - the debugger's expression language: breakpoint conditions
 * ("eax == 5 && [esp+4] != 0") and the command line's `print`.
 *
 * An expression is parsed once, by recursive descent, into a small tree,
 * and evaluated at each hit against the CPU as it is then. The grammar is
 * C's, reduced to what a condition needs:
 *
 *     expr    = binary(0)
 *     binary(n) = binary(n+1) { op(n) binary(n+1) }     levels below, loosest first
 *     unary   = ( "-" | "~" | "!" ) unary | primary
 *     primary = number | register | "(" expr ")" | [ "byte" | "word" | "dword" ] "[" expr "]"
 *
 *     level 0 ||   1 &&   2 |   3 ^   4 &   5 == !=   6 < <= > >=   7 << >>   8 + -   9 * / %
 *
 * Numbers are decimal or 0x hex; registers are the i386's (eax..edi, their
 * 16- and 8-bit parts, eip, eflags, the segment selectors, cr0..cr4, and
 * cpl). [addr] is the dword at a linear address, read as the debugger
 * reads (never a fault). Arithmetic is 32-bit unsigned, as the registers
 * are; comparisons and logic give 0 or 1.
 */
#include "debug/dbg_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPR_MAX_NODES 64 /* a condition longer than this is a mistake */

enum node_kind { N_NUM, N_REG, N_MEM, N_UNARY, N_BINARY };

struct node {
    enum node_kind kind; /* what it is */
    int op;              /* N_UNARY/N_BINARY: index into ops[]; N_REG: regs[]; N_MEM: size */
    int a, b;            /* operand nodes */
    uint32_t value;      /* N_NUM */
};

struct dbg_expr {
    int root;                          /* the top node */
    struct node node[EXPR_MAX_NODES];  /* the tree, children before parents */
};

/* Binary operators, longest spelling first within a prefix, with their level. */
static const struct { const char *text; int level; } ops[] = {
    {"||", 0}, {"&&", 1}, {"==", 5}, {"!=", 5}, {"<=", 6}, {">=", 6}, {"<<", 7}, {">>", 7},
    {"|", 2},  {"^", 3},  {"&", 4},  {"<", 6},  {">", 6},  {"+", 8},  {"-", 8},  {"*", 9},
    {"/", 9},  {"%", 9},
};
#define NOPS ((int)(sizeof ops / sizeof ops[0]))
#define LEVELS 10

/* Registers by name: what they are and where. */
enum reg_kind { R_GPR, R_HIGH8, R_EIP, R_FLAGS, R_SEG, R_CR, R_CPL };
static const struct { const char *name; enum reg_kind kind; int n; int size; } regs[] = {
    {"eax", R_GPR, 0, 4}, {"ecx", R_GPR, 1, 4}, {"edx", R_GPR, 2, 4}, {"ebx", R_GPR, 3, 4},
    {"esp", R_GPR, 4, 4}, {"ebp", R_GPR, 5, 4}, {"esi", R_GPR, 6, 4}, {"edi", R_GPR, 7, 4},
    {"ax", R_GPR, 0, 2},  {"cx", R_GPR, 1, 2},  {"dx", R_GPR, 2, 2},  {"bx", R_GPR, 3, 2},
    {"sp", R_GPR, 4, 2},  {"bp", R_GPR, 5, 2},  {"si", R_GPR, 6, 2},  {"di", R_GPR, 7, 2},
    {"al", R_GPR, 0, 1},  {"cl", R_GPR, 1, 1},  {"dl", R_GPR, 2, 1},  {"bl", R_GPR, 3, 1},
    {"ah", R_HIGH8, 0, 1}, {"ch", R_HIGH8, 1, 1}, {"dh", R_HIGH8, 2, 1}, {"bh", R_HIGH8, 3, 1},
    {"eip", R_EIP, 0, 4}, {"eflags", R_FLAGS, 0, 4}, {"cpl", R_CPL, 0, 4},
    {"es", R_SEG, 0, 2},  {"cs", R_SEG, 1, 2},  {"ss", R_SEG, 2, 2},  {"ds", R_SEG, 3, 2},
    {"fs", R_SEG, 4, 2},  {"gs", R_SEG, 5, 2},  {"cr0", R_CR, 0, 4}, {"cr2", R_CR, 2, 4},
    {"cr3", R_CR, 3, 4},  {"cr4", R_CR, 4, 4},
};
#define NREGS ((int)(sizeof regs / sizeof regs[0]))

/* The parser's state. */
struct parser {
    const char *text;      /* the whole expression, for column numbers */
    const char *p;         /* the next character */
    struct dbg_expr *e;    /* the tree being built */
    int n;                 /* nodes used */
    char *err;             /* where a reason goes */
    size_t errlen;         /* its size */
    bool failed;           /* an error was reported: the first one stands */
};

static int fail(struct parser *ps, const char *what)
{
    if (!ps->failed)
        snprintf(ps->err, ps->errlen, "%s at column %d", what, (int)(ps->p - ps->text) + 1);
    ps->failed = true;
    return -1;
}

static void skip_space(struct parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

/* Consume text if it comes next. */
static bool accept(struct parser *ps, const char *text)
{
    skip_space(ps);
    size_t n = strlen(text);
    if (strncmp(ps->p, text, n) != 0)
        return false;
    ps->p += n;
    return true;
}

static int add_node(struct parser *ps, struct node nd)
{
    if (ps->failed)
        return -1;
    if (ps->n == EXPR_MAX_NODES)
        return fail(ps, "expression too long");
    ps->e->node[ps->n] = nd;
    return ps->n++;
}

static int parse_binary(struct parser *ps, int level);

/* A name: a register, or the size keyword of a memory operand. */
static int parse_name(struct parser *ps)
{
    const char *start = ps->p;
    while (isalnum((unsigned char)*ps->p))
        ps->p++;
    size_t len = (size_t)(ps->p - start);
    static const char *const sizes[] = {"byte", "word", "dword"};
    for (int k = 0; k < 3; k++) {
        if (len == strlen(sizes[k]) && strncmp(start, sizes[k], len) == 0) {
            if (!accept(ps, "["))
                return fail(ps, "expected '['");
            int a = parse_binary(ps, 0);
            if (!accept(ps, "]"))
                return fail(ps, "expected ']'");
            return add_node(ps, (struct node){N_MEM, 1 << k, a, -1, 0});
        }
    }
    for (int k = 0; k < NREGS; k++)
        if (len == strlen(regs[k].name) && strncasecmp(start, regs[k].name, len) == 0)
            return add_node(ps, (struct node){N_REG, k, -1, -1, 0});
    ps->p = start;
    return fail(ps, "unknown name");
}

static int parse_primary(struct parser *ps)
{
    skip_space(ps);
    if (isdigit((unsigned char)*ps->p)) {
        char *end;
        unsigned long long v = strtoull(ps->p, &end, 0);
        if (v > 0xffffffffull || isalnum((unsigned char)*end))
            return fail(ps, "bad number");
        ps->p = end;
        return add_node(ps, (struct node){N_NUM, 0, -1, -1, (uint32_t)v});
    }
    if (isalpha((unsigned char)*ps->p))
        return parse_name(ps);
    bool paren = accept(ps, "("), mem = !paren && accept(ps, "[");
    if (!paren && !mem)
        return fail(ps, *ps->p ? "unexpected character" : "unexpected end");
    int a = parse_binary(ps, 0);
    if (!accept(ps, paren ? ")" : "]"))
        return fail(ps, paren ? "expected ')'" : "expected ']'");
    return paren ? a : add_node(ps, (struct node){N_MEM, 4, a, -1, 0});
}

static int parse_unary(struct parser *ps)
{
    static const char unary[] = "-~!";
    skip_space(ps);
    const char *u = *ps->p ? strchr(unary, *ps->p) : NULL;
    if (u && ps->p[1] != '=') {
        ps->p++;
        int a = parse_unary(ps);
        return add_node(ps, (struct node){N_UNARY, (int)(u - unary), a, -1, 0});
    }
    return parse_primary(ps);
}

/* The operator of level that comes next, or -1 (not consumed). */
static int next_op(struct parser *ps, int level)
{
    skip_space(ps);
    for (int k = 0; k < NOPS; k++) {
        size_t n = strlen(ops[k].text);
        if (strncmp(ps->p, ops[k].text, n) == 0)
            return ops[k].level == level ? k : -1; /* the longest match decides */
    }
    return -1;
}

static int parse_binary(struct parser *ps, int level)
{
    if (level == LEVELS)
        return parse_unary(ps);
    int a = parse_binary(ps, level + 1);
    for (int op; !ps->failed && (op = next_op(ps, level)) >= 0;) {
        ps->p += strlen(ops[op].text);
        int b = parse_binary(ps, level + 1);
        a = add_node(ps, (struct node){N_BINARY, op, a, b, 0});
    }
    return a;
}

struct dbg_expr *dbg_expr_parse(const char *text, char *err, size_t errlen)
{
    struct dbg_expr *e = calloc(1, sizeof *e);
    struct parser ps = {text, text, e, 0, err, errlen, false};
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    skip_space(&ps);
    if (!*ps.p)
        fail(&ps, "empty expression");
    e->root = parse_binary(&ps, 0);
    skip_space(&ps);
    if (!ps.failed && *ps.p)
        fail(&ps, "unexpected character");
    if (ps.failed) {
        free(e);
        return NULL;
    }
    return e;
}

void dbg_expr_free(struct dbg_expr *e)
{
    free(e);
}

/* A register's value now. */
static uint32_t reg_value(const struct cpu *c, int k)
{
    int n = regs[k].n;
    switch (regs[k].kind) {
    case R_GPR: return (uint32_t)c->gpr[n] & size_mask(regs[k].size);
    case R_HIGH8: return (uint32_t)(c->gpr[n] >> 8) & 0xff;
    case R_EIP: return (uint32_t)c->eip;
    case R_FLAGS: return c->eflags;
    case R_SEG: return c->seg[n].sel;
    case R_CR: return (uint32_t)(n == 0 ? c->cr0 : n == 2 ? c->cr2 : n == 3 ? c->cr3 : c->cr4);
    case R_CPL: return c->cpl;
    }
    return 0;
}

/* A binary operator on a and b: 0, or -1 for a division by zero. */
static int apply(int op, uint32_t a, uint32_t b, uint32_t *out)
{
    const char *t = ops[op].text;
    if ((t[0] == '/' || t[0] == '%') && b == 0)
        return -1;
    switch (t[0] << 8 | t[1]) {
    case '|' << 8 | '|': *out = a || b; break;
    case '&' << 8 | '&': *out = a && b; break;
    case '=' << 8 | '=': *out = a == b; break;
    case '!' << 8 | '=': *out = a != b; break;
    case '<' << 8 | '=': *out = a <= b; break;
    case '>' << 8 | '=': *out = a >= b; break;
    case '<' << 8 | '<': *out = b > 31 ? 0 : a << b; break;
    case '>' << 8 | '>': *out = b > 31 ? 0 : a >> b; break;
    case '|' << 8: *out = a | b; break;
    case '^' << 8: *out = a ^ b; break;
    case '&' << 8: *out = a & b; break;
    case '<' << 8: *out = a < b; break;
    case '>' << 8: *out = a > b; break;
    case '+' << 8: *out = a + b; break;
    case '-' << 8: *out = a - b; break;
    case '*' << 8: *out = a * b; break;
    case '/' << 8: *out = a / b; break;
    default: *out = a % b; break;
    }
    return 0;
}

static int eval(struct dbg *d, const struct dbg_expr *e, int k, uint32_t *out)
{
    const struct node *nd = &e->node[k];
    uint32_t a, b;
    uint8_t bytes[4] = {0};
    switch (nd->kind) {
    case N_NUM: *out = nd->value; return 0;
    case N_REG: *out = reg_value(d->c, nd->op); return 0;
    case N_MEM:
        if (eval(d, e, nd->a, &a) || dbg_read_linear(d, a, bytes, (size_t)nd->op, NULL) !=
                                         (size_t)nd->op)
            return -1;
        *out = bytes[0] | bytes[1] << 8 | bytes[2] << 16 | (uint32_t)bytes[3] << 24;
        return 0;
    case N_UNARY:
        if (eval(d, e, nd->a, &a))
            return -1;
        *out = nd->op == 0 ? 0u - a : nd->op == 1 ? ~a : !a;
        return 0;
    case N_BINARY:
        if (eval(d, e, nd->a, &a) || eval(d, e, nd->b, &b))
            return -1;
        return apply(nd->op, a, b, out);
    }
    return -1;
}

int dbg_expr_eval(struct dbg *d, const struct dbg_expr *e, uint64_t *value)
{
    uint32_t v = 0;
    int r = eval(d, e, e->root, &v);
    *value = v;
    return r;
}

int dbg_eval(struct dbg *d, const char *text, uint64_t *value, char *err, size_t errlen)
{
    struct dbg_expr *e = dbg_expr_parse(text, err, errlen);
    if (!e)
        return -1;
    int r = dbg_expr_eval(d, e, value);
    if (r)
        snprintf(err, errlen, "cannot evaluate (unreadable memory or division by zero)");
    dbg_expr_free(e);
    return r;
}
