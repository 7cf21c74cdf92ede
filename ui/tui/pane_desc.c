/*
 * pane_desc.c - the Descriptors pane: the GDT and the IDT decoded, entry
 * by entry, as the debugger core reads them (dbg_gdt_entry,
 * dbg_idt_entry): base, limit, DPL, present, and the type spelled out
 * ("code 32-bit RX", "32-bit interrupt gate"). In real mode the interrupt
 * table is the IVT instead (Intel SDM vol. 3, 20.1.4: 256 far pointers of
 * offset:segment at IDTR.base), shown as segment:offset.
 *
 * One scrolling list: the GDT's entries, then the IDT's (or IVT's).
 */
#include <stdio.h>
#include <string.h>

#include "tui_impl.h"

#define MAX_GDT 8192 /* a GDT limit of 0xffff holds 8192 descriptors */

/* How many lines the list has, and what line k is. */
static int gdt_count(const struct tui *t)
{
    return t->cpu.gdt_limit ? (t->cpu.gdt_limit + 1) / 8 : 0;
}

static int idt_count(const struct tui *t)
{
    bool real = (t->cpu.mode & 3) == DBG_MODE_REAL;
    int n = (t->cpu.idt_limit + 1) / (real ? 4 : 8);
    return n > 256 ? 256 : n;
}

static void draw_gdt_line(struct tui *t, struct area a, int r, int k, enum tui_style st)
{
    struct dbg_desc e;
    if (dbg_gdt_entry(t->d, (unsigned)k, &e) != 0) {
        tui_print(t, a, r, ST_DIM, "gdt %04x  (unreadable)", k * 8);
        return;
    }
    if (e.lo == 0 && e.hi == 0)
        tui_print(t, a, r, st, "gdt %04x  null", k * 8);
    else if (e.system && strstr(e.type, "gate"))
        tui_print(t, a, r, st, "gdt %04x  %04x:%08x dpl%u %s %s", k * 8, e.selector, e.offset,
                  e.dpl, e.present ? "P" : "-", e.type);
    else
        tui_print(t, a, r, st, "gdt %04x  %08llx %08x dpl%u %s %s", k * 8,
                  (unsigned long long)e.base, e.limit, e.dpl, e.present ? "P" : "-", e.type);
}

static void draw_idt_line(struct tui *t, struct area a, int r, int k, enum tui_style st)
{
    if ((t->cpu.mode & 3) == DBG_MODE_REAL) {
        uint8_t b[4], ok[4];
        dbg_read_linear(t->d, t->cpu.idt_base + 4 * (uint64_t)k, b, 4, ok);
        tui_print(t, a, r, st, "ivt %02x    %04x:%04x", k, b[2] | b[3] << 8, b[0] | b[1] << 8);
        return;
    }
    struct dbg_desc e;
    if (dbg_idt_entry(t->d, (unsigned)k, &e) != 0) {
        tui_print(t, a, r, ST_DIM, "idt %02x    (unreadable)", k);
        return;
    }
    if (e.lo == 0 && e.hi == 0)
        tui_print(t, a, r, ST_DIM, "idt %02x    empty", k);
    else
        tui_print(t, a, r, st, "idt %02x    %04x:%08x dpl%u %s %s", k, e.selector, e.offset,
                  e.dpl, e.present ? "P" : "-", e.type);
}

static void desc_draw(struct tui *t, struct pane *p, struct area a)
{
    int ng = gdt_count(t), ni = idt_count(t), n = ng + ni;
    tui_print(t, a, 0, ST_DIM, "GDT %08llx/%04x %d  IDT %08llx/%04x %d",
              (unsigned long long)t->cpu.gdt_base, t->cpu.gdt_limit, ng,
              (unsigned long long)t->cpu.idt_base, t->cpu.idt_limit, ni);
    struct area l = {a.y + 1, a.x, a.h - 1, a.w};
    tui_scroll_to_cursor(p, l.h, n);
    for (int r = 0; r < l.h && p->scroll + r < n; r++) {
        int k = p->scroll + r;
        enum tui_style st = k == p->cursor && t->focus == PANE_DESC ? ST_CURSOR : ST_NORMAL;
        if (k < ng)
            draw_gdt_line(t, l, r, k, st);
        else
            draw_idt_line(t, l, r, k - ng, st);
    }
}

static bool desc_key(struct tui *t, struct pane *p, int key)
{
    int n = gdt_count(t) + idt_count(t);
    return tui_list_key(p, key, p->area.h - 1, n);
}

const struct pane_class pane_desc = {"Descriptors", desc_draw, desc_key};
