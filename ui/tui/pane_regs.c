/*
 * pane_regs.c - the Registers pane: the general registers, EIP and EFLAGS
 * (with the set flags spelled out), the segment registers with their
 * hidden descriptor caches, the control registers, GDTR and IDTR, and the
 * mode. A value that differs from the stop before the last one is drawn
 * highlighted, so a step shows at a glance what the instruction changed.
 *
 * Everything comes from one dbg_get_cpu() copy (tui.c keeps it in t->cpu
 * and the one before in t->prev). Wider panes get one register a line with
 * room for the caches' attribute bits.
 */
#include <stdio.h>

#include "tui_impl.h"

static const char *const gpr_names[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
static const char *const seg_names[DBG_NSEG] = {"es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr"};

/* The order registers are shown in: the way people say them. */
static const int gpr_order[8] = {DBG_EAX, DBG_EBX, DBG_ECX, DBG_EDX,
                                 DBG_ESI, DBG_EDI, DBG_EBP, DBG_ESP};

static enum tui_style changed(const struct tui *t, bool differs)
{
    return t->have_prev && differs ? ST_CHANGED : ST_NORMAL;
}

/* "eax 00001234" at row r, column col. */
static void reg32(struct tui *t, struct area a, int r, int col, const char *name, uint64_t v,
                  uint64_t old)
{
    tui_print_at(t, a, r, col, ST_DIM, "%-3s", name);
    tui_print_at(t, a, r, col + 4, changed(t, v != old), "%08llx", (unsigned long long)v);
}

static int draw_gprs(struct tui *t, struct area a, int r)
{
    const struct dbg_cpu_view *v = &t->cpu, *o = &t->prev;
    for (int k = 0; k < 8; k += 2, r++) {
        tui_print(t, a, r, ST_NORMAL, "%s", "");
        reg32(t, a, r, 0, gpr_names[gpr_order[k]], v->gpr[gpr_order[k]], o->gpr[gpr_order[k]]);
        reg32(t, a, r, 14, gpr_names[gpr_order[k + 1]], v->gpr[gpr_order[k + 1]],
              o->gpr[gpr_order[k + 1]]);
    }
    tui_print(t, a, r, ST_NORMAL, "%s", "");
    reg32(t, a, r, 0, "eip", v->eip, o->eip);
    reg32(t, a, r, 14, "efl", v->eflags, o->eflags);
    r++;
    tui_print(t, a, r, changed(t, v->eflags != o->eflags), "  %s", v->flags);
    return r + 1;
}

/* "cs 0008 00000000 ffffffff c9b": selector, base, limit, attributes. */
static int draw_segs(struct tui *t, struct area a, int r)
{
    const struct dbg_cpu_view *v = &t->cpu, *o = &t->prev;
    bool wide = a.w >= 44;
    for (int k = 0; k < DBG_NSEG; k++, r++) {
        const struct dbg_seg *s = &v->seg[k], *p = &o->seg[k];
        bool diff = s->sel != p->sel || s->base != p->base || s->limit != p->limit ||
                    s->attr != p->attr;
        tui_print(t, a, r, ST_NORMAL, "%s", "");
        tui_print_at(t, a, r, 0, ST_DIM, "%-4s", seg_names[k]);
        tui_print_at(t, a, r, 5, changed(t, diff), "%04x %08llx %08x %03x", s->sel,
                     (unsigned long long)s->base, s->limit, s->attr);
        if (wide)
            tui_print_at(t, a, r, 33, ST_DIM, "dpl%d%s%s", (s->attr >> 5) & 3,
                         s->attr & 0x80 ? " P" : "", s->attr & 0x400 ? " D" : "");
    }
    return r;
}

static int draw_system(struct tui *t, struct area a, int r)
{
    const struct dbg_cpu_view *v = &t->cpu, *o = &t->prev;
    tui_print(t, a, r, ST_NORMAL, "%s", "");
    reg32(t, a, r, 0, "cr0", v->cr[0], o->cr[0]);
    reg32(t, a, r, 14, "cr2", v->cr[2], o->cr[2]);
    r++;
    tui_print(t, a, r, ST_NORMAL, "%s", "");
    reg32(t, a, r, 0, "cr3", v->cr[3], o->cr[3]);
    reg32(t, a, r, 14, "cr4", v->cr[4], o->cr[4]);
    r++;
    tui_print(t, a, r++, ST_NORMAL, "gdt %08llx/%04x idt %08llx/%04x",
              (unsigned long long)v->gdt_base, v->gdt_limit, (unsigned long long)v->idt_base,
              v->idt_limit);
    tui_print(t, a, r++, ST_NORMAL, "%s cpl%u%s %s", dbg_mode_name(v->mode), v->cpl,
              v->code32 ? " 32-bit" : " 16-bit", v->halted ? "halted" : "");
    tui_print(t, a, r++, ST_DIM, "cycle %llu insn %llu", (unsigned long long)v->cycles,
              (unsigned long long)v->instructions);
    return r;
}

static void regs_draw(struct tui *t, struct pane *p, struct area a)
{
    (void)p;
    int r = draw_gprs(t, a, 0);
    r = draw_segs(t, a, r);
    draw_system(t, a, r);
}

const struct pane_class pane_regs = {"Registers", regs_draw, NULL};
