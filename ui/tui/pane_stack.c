/*
 * pane_stack.c - the Stack pane: the words at SS:ESP upwards, dwords for a
 * 32-bit stack (SS.B set) and words for a 16-bit one, each with its offset
 * from the stack pointer. The slot EBP points at is marked, so a student
 * can see a function's frame: saved EBP, return address, arguments.
 *
 * Reads go through dbg_read_linear(): never a fault, "--------" when a
 * word cannot be read (beyond a segment's page mapping, say).
 */
#include <stdio.h>

#include "tui_impl.h"

static void stack_draw(struct tui *t, struct pane *p, struct area a)
{
    const struct dbg_cpu_view *v = &t->cpu;
    bool big = (v->seg[DBG_SS].attr & 0x400) != 0; /* SS.B: ESP, else SP */
    int size = big ? 4 : 2;
    uint64_t sp = big ? v->gpr[DBG_ESP] & 0xffffffff : v->gpr[DBG_ESP] & 0xffff;
    uint64_t bp = big ? v->gpr[DBG_EBP] & 0xffffffff : v->gpr[DBG_EBP] & 0xffff;
    uint64_t base = v->seg[DBG_SS].base;
    tui_print(t, a, 0, ST_DIM, "ss:%s %04x:%0*llx  linear %08llx", big ? "esp" : "sp",
              v->seg[DBG_SS].sel, big ? 8 : 4, (unsigned long long)sp,
              (unsigned long long)(base + sp));
    for (int r = 1; r < a.h; r++) {
        int k = r - 1 + p->scroll;
        uint64_t off = sp + (uint64_t)k * (uint64_t)size;
        uint8_t b[4] = {0}, ok[4] = {0};
        size_t got = dbg_read_linear(t->d, base + off, b, (size_t)size, ok);
        uint32_t val = b[0] | b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        char text[16];
        if (got == (size_t)size)
            snprintf(text, sizeof text, "%0*x", 2 * size, val);
        else
            snprintf(text, sizeof text, "%.*s", 2 * size, "--------");
        tui_print(t, a, r, off == bp ? ST_CURRENT : ST_NORMAL, "%s+%-4x %08llx  %s%s",
                  big ? "esp" : "sp", (unsigned)(k * size),
                  (unsigned long long)(base + off), text, off == bp ? "  <- ebp" : "");
    }
}

static bool stack_key(struct tui *t, struct pane *p, int key)
{
    (void)t;
    if (key == KEY_DOWN || key == KEY_NPAGE)
        p->scroll += key == KEY_DOWN ? 1 : p->area.h - 1;
    else if (key == KEY_UP || key == KEY_PPAGE)
        p->scroll -= key == KEY_UP ? 1 : p->area.h - 1;
    else if (key == KEY_HOME)
        p->scroll = 0;
    else
        return false;
    if (p->scroll < 0)
        p->scroll = 0;
    return true;
}

const struct pane_class pane_stack = {"Stack", stack_draw, stack_key};
