/*
 * tui_layout.c - where the panes go, and the drawing helpers they share.
 *
 * The screen is a grid of slots above the command area. A slot is a
 * rectangle with a one-row title bar that lists its panes as tabs; it shows
 * one of them. At 80x24 two slots hold all nine panes (Registers and Stack
 * on the left, the rest on the right); wider and taller terminals get more
 * slots, so that at 200x60 seven panes show at once. Tab (tui.c) moves the
 * focus through the panes in enum order and brings the focused one to the
 * front of its slot.
 *
 * Below the slots: the command output (a few lines), the readline prompt,
 * and the status line with the function keys and the machine's state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tui_impl.h"

/* One slot of a layout, in fractions of the panes' region (per mille). */
struct slot_spec {
    int y, x, h, w;        /* per mille of the region's rows and columns */
    int panes[PANE_COUNT]; /* the tabs, ended by PANE_NONE */
};

#define END PANE_NONE

/* 80x24 and anything too small for more: two slots. */
static const struct slot_spec small_layout[] = {
    {0, 0, 1000, 480, {PANE_REGS, PANE_STACK, END}},
    {0, 480, 1000, 520,
     {PANE_DISASM, PANE_MEM, PANE_PT, PANE_DESC, PANE_DEV, PANE_TRAPS, PANE_CONSOLE, END}},
};

/* 120x36 and up: three columns. */
static const struct slot_spec medium_layout[] = {
    {0, 0, 600, 300, {PANE_REGS, END}},
    {600, 0, 400, 300, {PANE_STACK, END}},
    {0, 300, 600, 380, {PANE_DISASM, END}},
    {600, 300, 400, 380, {PANE_MEM, END}},
    {0, 680, 1000, 320, {PANE_PT, PANE_DESC, PANE_DEV, PANE_TRAPS, PANE_CONSOLE, END}},
};

/* 160x48 and up: seven panes at once. */
static const struct slot_spec large_layout[] = {
    {0, 0, 480, 230, {PANE_REGS, END}},
    {480, 0, 520, 230, {PANE_STACK, END}},
    {0, 230, 560, 370, {PANE_DISASM, END}},
    {560, 230, 440, 370, {PANE_MEM, END}},
    {0, 600, 360, 400, {PANE_PT, END}},
    {360, 600, 300, 400, {PANE_DESC, PANE_DEV, PANE_TRAPS, END}},
    {660, 600, 340, 400, {PANE_CONSOLE, END}},
};

/* Where spec puts its slot in region r. */
static struct area spec_area(const struct slot_spec *s, struct area r)
{
    int y0 = r.y + r.h * s->y / 1000, y1 = r.y + r.h * (s->y + s->h) / 1000;
    int x0 = r.x + r.w * s->x / 1000, x1 = r.x + r.w * (s->x + s->w) / 1000;
    /* A column that does not reach the right edge leaves one for the rule. */
    if (x1 < r.x + r.w)
        x1--;
    return (struct area){y0, x0, y1 - y0, x1 - x0};
}

/* The slots of layout spec[0..n) in region r, keeping which tab each shows. */
static void apply(struct tui *t, const struct slot_spec *spec, int n, struct area r)
{
    t->n_slots = n;
    for (int k = 0; k < n; k++) {
        struct slot *s = &t->slot[k];
        s->area = spec_area(&spec[k], r);
        s->n = 0;
        s->active = 0;
        for (int j = 0; j < PANE_COUNT && spec[k].panes[j] != END; j++)
            s->panes[s->n++] = spec[k].panes[j];
    }
}

void tui_layout(struct tui *t)
{
    /* The command area: the log grows with the terminal. */
    int log_h = t->rows >= 48 ? 8 : t->rows >= 36 ? 6 : 3;
    if (t->rows < 16)
        log_h = 1;
    int panes_h = t->rows - log_h - 2;
    t->log_area = (struct area){panes_h, 0, log_h, t->cols};
    t->line_area = (struct area){panes_h + log_h, 0, 1, t->cols};
    t->status_area = (struct area){t->rows - 1, 0, 1, t->cols};
    struct area r = {0, 0, panes_h > 2 ? panes_h : 2, t->cols};
    if (t->cols >= 160 && t->rows >= 48)
        apply(t, large_layout, sizeof large_layout / sizeof large_layout[0], r);
    else if (t->cols >= 120 && t->rows >= 36)
        apply(t, medium_layout, sizeof medium_layout / sizeof medium_layout[0], r);
    else
        apply(t, small_layout, sizeof small_layout / sizeof small_layout[0], r);
    for (int k = 0; k < PANE_COUNT; k++)
        t->pane[k].area.h = 0;
    if (t->focus != PANE_NONE)
        tui_show_pane(t, t->focus);
}

void tui_show_pane(struct tui *t, int id)
{
    for (int k = 0; k < t->n_slots; k++)
        for (int j = 0; j < t->slot[k].n; j++)
            if (t->slot[k].panes[j] == id)
                t->slot[k].active = j;
}

/* Print into a at row r from column col, at most a.w - col columns. */
static void vprint(struct tui *t, struct area a, int r, int col, enum tui_style s, bool blank,
                   const char *fmt, va_list ap)
{
    if (r < 0 || r >= a.h || col >= a.w)
        return;
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    int room = a.w - col;
    attrset(t->style[s]);
    mvaddnstr(a.y + r, a.x + col, buf, room);
    if (blank) {
        int n = (int)strlen(buf);
        attrset(t->style[ST_NORMAL]);
        for (int k = n; k < room; k++)
            addch(' ');
    }
    attrset(t->style[ST_NORMAL]);
}

void tui_print(struct tui *t, struct area a, int r, enum tui_style s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(t, a, r, 0, s, true, fmt, ap);
    va_end(ap);
}

void tui_print_at(struct tui *t, struct area a, int r, int col, enum tui_style s,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(t, a, r, col, s, false, fmt, ap);
    va_end(ap);
}

void tui_scroll_to_cursor(struct pane *p, int h, int n)
{
    if (p->cursor >= n)
        p->cursor = n - 1;
    if (p->cursor < 0)
        p->cursor = 0;
    if (p->cursor < p->scroll)
        p->scroll = p->cursor;
    if (h > 0 && p->cursor >= p->scroll + h)
        p->scroll = p->cursor - h + 1;
    if (p->scroll < 0)
        p->scroll = 0;
}

bool tui_list_key(struct pane *p, int key, int h, int n)
{
    switch (key) {
    case KEY_UP: p->cursor--; break;
    case KEY_DOWN: p->cursor++; break;
    case KEY_PPAGE: p->cursor -= h > 1 ? h - 1 : 1; break;
    case KEY_NPAGE: p->cursor += h > 1 ? h - 1 : 1; break;
    case KEY_HOME: p->cursor = 0; break;
    case KEY_END: p->cursor = n - 1; break;
    default: return false;
    }
    tui_scroll_to_cursor(p, h, n);
    return true;
}

/* The title bar of slot s: every tab's name, the shown one in brackets,
 * the focused one highlighted. When the full names do not fit, the tabs
 * not shown are cut to their first three letters. */
static void draw_title(struct tui *t, const struct slot *s)
{
    struct area a = s->area;
    tui_print(t, a, 0, ST_TITLE, "%s", "");
    int full = 0;
    for (int j = 0; j < s->n; j++)
        full += (int)strlen(t->pane[s->panes[j]].cls->title) + 2;
    int col = 0;
    for (int j = 0; j < s->n; j++) {
        int id = s->panes[j];
        const char *name = t->pane[id].cls->title;
        int len = j == s->active || full <= a.w ? (int)strlen(name) : 3;
        enum tui_style st = id == t->focus ? ST_FOCUS : ST_TITLE;
        if (j == s->active)
            tui_print_at(t, a, 0, col, st, "[%s]", name);
        else if (s->n > 1)
            tui_print_at(t, a, 0, col, ST_TITLE, " %.*s ", len, name);
        col += len + 2;
    }
}

/* The vertical rule right of a slot that does not reach the screen's edge. */
static void draw_rule(struct tui *t, const struct slot *s)
{
    int x = s->area.x + s->area.w;
    if (x >= t->cols)
        return;
    attrset(t->style[ST_DIM]);
    for (int y = s->area.y; y < s->area.y + s->area.h; y++)
        mvaddch(y, x, ACS_VLINE);
    attrset(t->style[ST_NORMAL]);
}

static void draw_slot(struct tui *t, struct slot *s)
{
    draw_title(t, s);
    draw_rule(t, s);
    int id = s->panes[s->active];
    struct pane *p = &t->pane[id];
    struct area in = {s->area.y + 1, s->area.x, s->area.h - 1, s->area.w};
    for (int k = 0; k < s->n; k++)
        t->pane[s->panes[k]].area.h = 0;
    p->area = in;
    for (int r = 0; r < in.h; r++)
        tui_print(t, in, r, ST_NORMAL, "%s", "");
    if (in.h > 0 && in.w > 0)
        p->cls->draw(t, p, in);
}

/* The status line: the keys, then the machine's state on the right. */
static void draw_status(struct tui *t)
{
    struct area a = t->status_area;
    if (t->ask[0]) {
        tui_print(t, a, 0, ST_STATUS, "%s %s", t->ask, t->answer);
        return;
    }
    char state[160];
    if (t->message[0])
        snprintf(state, sizeof state, "%s", t->message);
    else if (t->running)
        snprintf(state, sizeof state, "running  cycle %llu  (F5/Ctrl-C: stop)",
                 (unsigned long long)t->cpu.cycles);
    else
        snprintf(state, sizeof state, "%s cpl%u  cycle %llu", dbg_mode_name(t->cpu.mode),
                 t->cpu.cpl, (unsigned long long)t->cpu.cycles);
    const char *keys = a.w >= 100 ? "F5 Continue F7 Step F8 Next F9 Break Tab Focus ? Help"
                                  : "F5 Cont F7 Step F8 Next F9 Brk Tab ? Help";
    tui_print(t, a, 0, ST_STATUS, "%s", keys);
    int len = (int)strlen(state), min = (int)strlen(keys) + 1;
    int col = a.w - len - 1 > min ? a.w - len - 1 : min;
    tui_print_at(t, a, 0, col, ST_STATUS, " %s", state);
}

void tui_draw(struct tui *t)
{
    if (t->rows < 12 || t->cols < 40) {
        erase();
        mvaddstr(0, 0, "lab86: the terminal is too small (80x24 or more, please)");
        refresh();
        return;
    }
    if (t->help) {
        struct area a = {0, 0, t->log_area.y, t->cols};
        tui_help_draw(t, a);
    } else {
        for (int k = 0; k < t->n_slots; k++)
            draw_slot(t, &t->slot[k]);
    }
    draw_status(t);
    tui_line_draw(t);
    refresh();
}
