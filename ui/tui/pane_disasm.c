/*
 * pane_disasm.c - the Disassembly pane: instructions around CS:EIP, the
 * next one to execute marked with '>', breakpoints with '*', and a cursor
 * (the selected line) that F9 sets or clears a breakpoint on.
 *
 * The text comes from the debugger core (dbg_disasm: Capstone spells it,
 * lab86's own decoder decides the length, so the lines follow exactly what
 * the CPU would execute). x86 code cannot be decoded backwards, so to show
 * a few instructions before EIP the pane tries start addresses a little
 * below it and keeps the first from which decoding lands exactly on EIP; in
 * data or in the middle of an instruction that guess can be wrong, which is
 * why EIP's own line is always decoded from EIP itself.
 *
 * With a guest kernel's symbols loaded (dbg_symbolize, dbg_addr_line), a
 * function's first instruction gets a "<name>:" row above it and a new
 * source line a "file.c:42" row.
 *
 * The cursor follows EIP after every stop until the user moves it (the
 * pane is then "pinned"); Enter goes back to following.
 */
#include <stdio.h>
#include <string.h>

#include "tui_impl.h"

#define MAX_LINES 128
#define BACK_BYTES 48 /* how far below an address to look for a start */

struct dline {
    uint64_t lin;    /* linear address */
    int len;         /* bytes, 0: unreadable */
    char text[64];   /* the instruction */
};

/* Decode n lines from lin. */
static int decode_lines(struct tui *t, uint64_t lin, struct dline *out, int n)
{
    for (int k = 0; k < n; k++) {
        out[k].lin = lin;
        out[k].len = dbg_disasm(t->d, lin, out[k].text, sizeof out[k].text);
        if (out[k].len <= 0) {
            snprintf(out[k].text, sizeof out[k].text, "(unreadable)");
            out[k].len = 0;
        }
        lin += out[k].len > 0 ? (uint64_t)out[k].len : 1;
    }
    return n;
}

/* An address about want instructions before lin, from which decoding lands
 * on lin exactly; lin itself when nothing does. */
static uint64_t back_from(struct tui *t, uint64_t lin, int want)
{
    for (uint64_t k = BACK_BYTES; k > 0; k--) {
        if (k > lin)
            continue;
        uint64_t addrs[BACK_BYTES + 1];
        int n = 0;
        uint64_t a = lin - k;
        char text[64];
        while (a < lin && n <= BACK_BYTES) {
            int len = dbg_disasm(t->d, a, text, sizeof text);
            if (len <= 0)
                break;
            addrs[n++] = a;
            a += (uint64_t)len;
        }
        if (a == lin && n > 0)
            return addrs[n > want ? n - want : 0];
    }
    return lin;
}

/* A row of the pane: an instruction, or a label above one (its symbol, or
 * its source line when the kernel has DWARF line information). */
struct drow {
    int kind;          /* 0 instruction, 1 symbol label, 2 source line */
    struct dline line; /* the instruction (kind 0), or the one labelled */
};

/* The rows from instruction address top, at most n. */
static int layout_rows(struct tui *t, uint64_t top, struct drow *rows, int n)
{
    struct dline lines[MAX_LINES];
    int count = decode_lines(t, top, lines, n);
    int r = 0;
    char last_file[128] = "";
    int last_line = -1;
    for (int k = 0; k < count && r < n; k++) {
        char sym[96], file[128];
        int line;
        if (dbg_symbolize(t->d, lines[k].lin, sym, sizeof sym) == 0 && !strchr(sym, '+')) {
            rows[r] = (struct drow){1, lines[k]};
            snprintf(rows[r++].line.text, sizeof rows[0].line.text, "<%.60s>:", sym);
        }
        if (r < n && dbg_addr_line(t->d, lines[k].lin, file, sizeof file, &line) == 0 &&
            (line != last_line || strcmp(file, last_file) != 0)) {
            rows[r] = (struct drow){2, lines[k]};
            snprintf(rows[r++].line.text, sizeof rows[0].line.text, "%.50s:%d", file, line);
            snprintf(last_file, sizeof last_file, "%s", file);
            last_line = line;
        }
        if (r < n)
            rows[r++] = (struct drow){0, lines[k]};
    }
    return r;
}

/* Is lin on an instruction row from p->addr, not among the last two rows? */
static bool in_view(struct tui *t, struct pane *p, uint64_t lin, int n)
{
    struct drow rows[MAX_LINES];
    int count = layout_rows(t, p->addr, rows, n);
    int last = count > 2 ? count - 2 : count;
    for (int k = 0; k < last; k++)
        if (rows[k].kind == 0 && rows[k].line.lin == lin)
            return true;
    return false;
}

/* An instruction row: breakpoint and EIP marks, address, bytes, text. */
static void draw_line(struct tui *t, struct pane *p, struct area a, int r,
                      const struct dline *l, uint64_t pc)
{
    bool at_pc = l->lin == pc;
    bool brk = tui_break_at(t, l->lin) != 0;
    enum tui_style st = at_pc ? ST_CURRENT : ST_NORMAL;
    if (l->lin == p->sel && t->focus == PANE_DISASM)
        st = ST_CURSOR;
    char bytes[32] = "";
    if (a.w >= 56 && l->len > 0) {
        uint8_t b[8];
        int n = l->len < 7 ? l->len : 7;
        dbg_read_linear(t->d, l->lin, b, (size_t)n, NULL);
        for (int k = 0; k < n; k++)
            snprintf(bytes + 2 * k, sizeof bytes - 2 * (size_t)k, "%02x", b[k]);
    }
    if (a.w >= 56)
        tui_print(t, a, r, st, "  %08llx  %-14s %s", (unsigned long long)l->lin, bytes,
                  l->text);
    else
        tui_print(t, a, r, st, "  %08llx  %s", (unsigned long long)l->lin, l->text);
    if (brk)
        tui_print_at(t, a, r, 0, ST_BREAK, "*");
    if (at_pc)
        tui_print_at(t, a, r, 1, ST_CURRENT, ">");
    else if (l->lin == p->sel)
        tui_print_at(t, a, r, 1, st, "-");
}

static void disasm_draw(struct tui *t, struct pane *p, struct area a)
{
    uint64_t pc = tui_pc(t);
    int n = a.h < MAX_LINES ? a.h : MAX_LINES;
    if (!p->flag)
        p->sel = pc;
    if (!in_view(t, p, p->sel, n))
        p->addr = back_from(t, p->sel, n / 4);
    struct drow rows[MAX_LINES];
    int count = layout_rows(t, p->addr, rows, n);
    for (int r = 0; r < count; r++) {
        if (rows[r].kind == 0)
            draw_line(t, p, a, r, &rows[r].line, pc);
        else
            tui_print(t, a, r, rows[r].kind == 1 ? ST_TITLE : ST_DIM, "%s", rows[r].line.text);
    }
}

/* Move the cursor one line down (dir 1) or up (-1), or a page. */
static void move_cursor(struct tui *t, struct pane *p, int dir, int lines_to_move)
{
    struct dline lines[MAX_LINES];
    p->flag = true;
    for (int k = 0; k < lines_to_move; k++) {
        if (dir > 0) {
            decode_lines(t, p->sel, lines, 2);
            p->sel = lines[1].lin;
        } else {
            p->sel = back_from(t, p->sel, 1);
        }
    }
}

static bool disasm_key(struct tui *t, struct pane *p, int key)
{
    int page = p->area.h > 1 ? p->area.h - 1 : 1;
    switch (key) {
    case KEY_DOWN: move_cursor(t, p, 1, 1); return true;
    case KEY_UP: move_cursor(t, p, -1, 1); return true;
    case KEY_NPAGE: move_cursor(t, p, 1, page); return true;
    case KEY_PPAGE: move_cursor(t, p, -1, page); return true;
    case '\r':
    case '\n':
    case KEY_ENTER: p->flag = false; return true;
    }
    return false;
}

const struct pane_class pane_disasm = {"Disassembly", disasm_draw, disasm_key};
