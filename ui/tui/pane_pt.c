/*
 * pane_pt.c - the Page tables pane: the two-level 32-bit page tables that
 * CR3 points at (Intel SDM vol. 3, 4.3: a 4 KiB page directory of 1024
 * entries, each mapping 4 MiB either through a page table of 1024 entries
 * or directly, with PS, as one large page).
 *
 * At the top, the translation of one linear address (EIP's, or one typed
 * after t) level by level, as dbg_walk() makes it: each entry read, its
 * flags, the physical address or the #PF error code the access would
 * raise. Below, every present directory entry with its flags decoded
 * (P RW US PWT PCD A D PS G); Enter opens a directory entry to list the
 * present entries of its page table. The tables are read through the
 * debugger (dbg_walk, dbg_read_physical), so looking never sets an
 * accessed bit; the directory is shown as soon as CR3 points at one, before
 * paging is on.
 */
#include <stdio.h>
#include <string.h>

#include "tui_impl.h"

#define PTE_P   0x001u /* present */
#define PTE_RW  0x002u /* writable */
#define PTE_US  0x004u /* user */
#define PTE_PWT 0x008u /* write-through */
#define PTE_PCD 0x010u /* cache disabled */
#define PTE_A   0x020u /* accessed */
#define PTE_D   0x040u /* dirty (a PTE, or a 4 MiB PDE) */
#define PTE_PS  0x080u /* page size: a 4 MiB page (a PDE, with CR4.PSE) */
#define PTE_G   0x100u /* global (with CR4.PGE) */
#define CR0_PG  0x80000000u
#define CR4_PSE 0x10u
#define CR4_PAE 0x20u

#define MAX_ITEMS 4096

/* The set flags of entry e as names. A PDE that points to a table has no
 * D or G of its own: those bits are shown only where they mean something. */
static void flags_text(uint64_t e, bool pde, bool pse, char *out, size_t len)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{PTE_P, "P"},   {PTE_RW, "RW"}, {PTE_US, "US"}, {PTE_PWT, "PWT"},
                 {PTE_PCD, "PCD"}, {PTE_A, "A"},  {PTE_D, "D"},   {PTE_PS, "PS"},
                 {PTE_G, "G"}};
    bool big = pde && pse && (e & PTE_PS);
    size_t n = 0;
    out[0] = '\0';
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        uint32_t b = names[k].bit;
        if (!(e & b) || ((b == PTE_D || b == PTE_G) && pde && !big) || (b == PTE_PS && !pde))
            continue;
        n += (size_t)snprintf(out + n, len - n, "%s%s", n ? " " : "", names[k].name);
        if (n >= len)
            return;
    }
}

/* One line of the list: a directory entry (pte < 0) or a table entry. */
struct item {
    int pde, pte;   /* indexes */
    uint32_t entry; /* its value */
};

static bool is_expanded(const struct pane *p, int pde)
{
    return (p->expanded[pde / 32] >> (pde % 32)) & 1;
}

static uint32_t le32(const uint8_t *b)
{
    return b[0] | b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* The present entries of the directory CR3 points at, with the opened
 * tables' entries. Read physically: with paging still off, this is the
 * directory the CPU will use once CR0.PG is set. */
static int list_items(struct tui *t, struct pane *p, struct item *it, int max, bool pse)
{
    uint8_t dir[4096], tab[4096];
    dbg_read_physical(t->d, t->cpu.cr[3] & ~0xfffull, dir, sizeof dir, NULL);
    int n = 0;
    for (int i = 0; i < 1024 && n < max; i++) {
        uint32_t e = le32(dir + 4 * i);
        if (!(e & PTE_P))
            continue;
        it[n++] = (struct item){i, -1, e};
        if (!is_expanded(p, i) || (pse && (e & PTE_PS)))
            continue;
        dbg_read_physical(t->d, e & ~0xfffu, tab, sizeof tab, NULL);
        for (int j = 0; j < 1024 && n < max; j++) {
            uint32_t pe = le32(tab + 4 * j);
            if (pe & PTE_P)
                it[n++] = (struct item){i, j, pe};
        }
    }
    return n;
}

/* The translation of p->addr, level by level; returns the rows used. */
static int draw_walk(struct tui *t, struct pane *p, struct area a, int r, bool pse)
{
    struct dbg_walk w;
    char fl[48];
    dbg_walk(t->d, p->addr, &w);
    tui_print(t, a, r++, ST_NORMAL, "translate %08llx%s (t: another)",
              (unsigned long long)p->addr, p->addr_set ? "" : " = eip");
    static const char *const level[2] = {"PDE", "PTE"};
    static const char *const level_pae[3] = {"PDPTE", "PDE", "PTE"};
    for (int k = 0; k < w.levels && k < 3; k++) {
        if (w.pae) { /* PAE: 8-byte entries, 9 index bits below the 2-bit PDPT index */
            int shift = k == 0 ? 30 : k == 1 ? 21 : 12;
            int idx = (int)(p->addr >> shift) & (k == 0 ? 3 : 0x1ff);
            flags_text(w.entry[k], k == 1, true, fl, sizeof fl);
            tui_print(t, a, r++, ST_NORMAL, " %s[%03x] @%09llx = %016llx %s", level_pae[k], idx,
                      (unsigned long long)w.addr[k], (unsigned long long)w.entry[k], fl);
            continue;
        }
        flags_text(w.entry[k], k == 0, pse, fl, sizeof fl);
        int idx = k == 0 ? (int)(p->addr >> 22) : (int)(p->addr >> 12) & 0x3ff;
        tui_print(t, a, r++, ST_NORMAL, " %s[%03x] @%08llx = %08llx %s", level[k], idx,
                  (unsigned long long)w.addr[k], (unsigned long long)w.entry[k], fl);
    }
    if (w.ok)
        tui_print(t, a, r++, ST_CURRENT, " -> physical %08llx%s", (unsigned long long)w.phys,
                  w.page_size == 0x200000  ? " (2 MiB page)"
                  : w.page_size > 4096     ? " (4 MiB page)"
                                           : "");
    else
        tui_print(t, a, r++, ST_BREAK, " -> #PF, error code %x", w.error);
    return r;
}

static void draw_item(struct tui *t, struct pane *p, struct area a, int r, const struct item *i,
                      bool sel, bool pse)
{
    char fl[48];
    enum tui_style st = sel && t->focus == PANE_PT ? ST_CURSOR : ST_NORMAL;
    if (i->pte < 0) {
        bool big = pse && (i->entry & PTE_PS);
        uint64_t lo = (uint64_t)i->pde << 22;
        flags_text(i->entry, true, pse, fl, sizeof fl);
        tui_print(t, a, r, st, "%c%03x %08llx-%08llx %08x %s", big ? ' '
                  : is_expanded(p, i->pde) ? '-' : '+', i->pde, (unsigned long long)lo,
                  (unsigned long long)(lo + (1u << 22) - 1), i->entry, fl);
    } else {
        uint64_t lin = (uint64_t)i->pde << 22 | (uint64_t)i->pte << 12;
        flags_text(i->entry, false, pse, fl, sizeof fl);
        tui_print(t, a, r, st, "   %03x %08llx -> %08x %s", i->pte, (unsigned long long)lin,
                  i->entry & ~0xfffu, fl);
    }
}

static struct item items[MAX_ITEMS]; /* one pane draws at a time */

static void pt_draw(struct tui *t, struct pane *p, struct area a)
{
    const struct dbg_cpu_view *v = &t->cpu;
    bool paging = (v->cr[0] & CR0_PG) != 0, pse = (v->cr[4] & CR4_PSE) != 0;
    if (!p->addr_set)
        p->addr = tui_pc(t);
    int r = 0;
    tui_print(t, a, r++, ST_DIM, "cr3 %08llx  paging %s%s", (unsigned long long)v->cr[3],
              paging ? "on" : "off (linear = physical)", pse ? "  pse" : "");
    r = draw_walk(t, p, a, r, pse);
    if (!paging && (v->cr[3] & ~0xfffull) == 0)
        return; /* no directory yet */
    if (v->cr[4] & CR4_PAE) {
        /* PAE (SDM vol. 3, 4.4): CR3 locates four 8-byte PDPTEs, each a
         * directory of 512 8-byte entries. The tree below is drawn for
         * 32-bit tables only; the translate line above walks PAE. */
        uint8_t pdpt[32];
        dbg_read_physical(t->d, v->cr[3] & ~0x1full, pdpt, sizeof pdpt, NULL);
        tui_print(t, a, r++, ST_DIM, "PAE: the PDPT at cr3 (t translates through all levels)");
        for (int i = 0; i < 4; i++) {
            uint64_t e = le32(pdpt + 8 * i) | (uint64_t)le32(pdpt + 8 * i + 4) << 32;
            tui_print(t, a, r++, ST_NORMAL, " PDPTE[%d] = %016llx%s", i, (unsigned long long)e,
                      e & PTE_P ? "" : "  (not present)");
        }
        return;
    }
    tui_print(t, a, r++, ST_DIM, "directory at cr3: present entries (Enter opens)");
    int n = list_items(t, p, items, MAX_ITEMS, pse);
    int h = a.h - r;
    tui_scroll_to_cursor(p, h, n);
    for (int k = 0; k < h && p->scroll + k < n; k++)
        draw_item(t, p, a, r + k, &items[p->scroll + k], p->scroll + k == p->cursor, pse);
    if (n == 0)
        tui_print(t, a, r, ST_DIM, "(no present entry)");
}

static void translate_done(struct tui *t, const char *answer)
{
    uint64_t v;
    char err[128];
    struct pane *p = &t->pane[PANE_PT];
    if (!answer[0]) {
        p->addr_set = false; /* back to following EIP */
        return;
    }
    if (dbg_eval(t->d, answer, &v, err, sizeof err) != 0) {
        snprintf(t->message, sizeof t->message, "translate: %s", err);
        return;
    }
    p->addr = v;
    p->addr_set = true;
}

static bool pt_key(struct tui *t, struct pane *p, int key)
{
    bool pse = (t->cpu.cr[4] & CR4_PSE) != 0;
    int n = list_items(t, p, items, MAX_ITEMS, pse);
    int h = p->area.h > 6 ? p->area.h - 6 : 1;
    if (key == 't') {
        tui_ask(t, "Page tables: translate address (empty: eip):", translate_done);
        return true;
    }
    if ((key == '\r' || key == '\n' || key == KEY_ENTER || key == ' ') && p->cursor < n) {
        int pde = items[p->cursor].pde;
        p->expanded[pde / 32] ^= 1u << (pde % 32);
        if (items[p->cursor].pte >= 0) /* closing from inside: the cursor to the entry */
            while (p->cursor > 0 && items[p->cursor].pte >= 0)
                p->cursor--;
        return true;
    }
    return tui_list_key(p, key, h, n);
}

const struct pane_class pane_pt = {"Page tables", pt_draw, pt_key};
