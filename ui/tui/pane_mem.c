/*
 * pane_mem.c - the Memory pane: bytes in hex and ASCII, at linear
 * addresses (through the current page tables) or physical ones.
 *
 * Reads go through dbg_read_linear()/dbg_read_physical(), which never
 * fault, never set accessed or dirty bits and never touch a device: a byte
 * that cannot be read shows as "--". The pane can follow a register (f
 * cycles through none, esp, esi, edi, eip, eax, ebx, ecx, edx, ebp): the
 * first line is then that register's address after every stop. g asks
 * for an address (any expression of the debugger's: "esp+8", "0xb8000"),
 * p switches between linear and physical. Bytes the last command changed
 * (a step's store, say) are highlighted, as in the Registers pane.
 */
#include <stdio.h>
#include <string.h>

#include "tui_impl.h"

/* What Memory can follow; 0 is nothing. */
static const struct {
    const char *name; /* as shown */
    int reg;          /* DBG_EAX.., or -1 for EIP */
} follow[] = {{"", 0}, {"esp", DBG_ESP}, {"esi", DBG_ESI}, {"edi", DBG_EDI}, {"eip", -1},
              {"eax", DBG_EAX}, {"ebx", DBG_EBX}, {"ecx", DBG_ECX}, {"edx", DBG_EDX},
              {"ebp", DBG_EBP}};
#define N_FOLLOW (int)(sizeof follow / sizeof follow[0])

/* The followed register's linear address (data registers through DS, the
 * stack through SS, EIP through CS). */
static uint64_t follow_addr(const struct tui *t, int mode)
{
    const struct dbg_cpu_view *v = &t->cpu;
    int reg = follow[mode].reg;
    if (reg < 0)
        return tui_pc(t);
    int seg = reg == DBG_ESP || reg == DBG_EBP ? DBG_SS : reg == DBG_EDI ? DBG_ES : DBG_DS;
    uint64_t off = v->code32 ? v->gpr[reg] & 0xffffffff : v->gpr[reg] & 0xffff;
    return v->seg[seg].base + off;
}

/* Bytes a line: 16 when the pane is wide enough, else 8. */
static int line_bytes(struct area a)
{
    return a.w >= 10 + 16 * 3 + 17 ? 16 : 8;
}

/* The bytes the pane showed before the last command, to highlight what it
 * changed (pane_mem_snapshot); one Memory pane in the process. */
#define SNAP_MAX 4096
static struct {
    uint64_t addr;         /* first byte */
    bool physical;         /* the address kind */
    size_t len;            /* bytes kept, 0: none */
    uint8_t b[SNAP_MAX];   /* their values */
    uint8_t ok[SNAP_MAX];  /* readable then */
} snap;

static void read_bytes(struct tui *t, bool physical, uint64_t at, uint8_t *b, uint8_t *ok,
                       size_t n)
{
    if (physical)
        dbg_read_physical(t->d, at, b, n, ok);
    else
        dbg_read_linear(t->d, at, b, n, ok);
}

void pane_mem_snapshot(struct tui *t)
{
    const struct pane *p = &t->pane[PANE_MEM];
    size_t n = (size_t)(p->area.h > 1 ? p->area.h - 1 : 0) * 16;
    snap.addr = p->addr;
    snap.physical = p->flag;
    snap.len = n < SNAP_MAX ? n : SNAP_MAX;
    read_bytes(t, snap.physical, snap.addr, snap.b, snap.ok, snap.len);
}

/* Did the byte at address at change in the last command that ran? */
static bool byte_changed(const struct tui *t, const struct pane *p, uint64_t at, uint8_t v)
{
    uint64_t k = at - snap.addr;
    return t->have_prev && p->flag == snap.physical && at >= snap.addr && k < snap.len &&
           snap.ok[k] && snap.b[k] != v;
}

/* One line: address, per bytes in hex (changed ones highlighted), ASCII. */
static void draw_row(struct tui *t, struct pane *p, struct area a, int r, uint64_t at, int per)
{
    uint8_t b[16], ok[16];
    char ascii[17];
    read_bytes(t, p->flag, at, b, ok, (size_t)per);
    tui_print(t, a, r, ST_NORMAL, "%08llx", (unsigned long long)at);
    for (int k = 0; k < per; k++) {
        enum tui_style st = byte_changed(t, p, at + (uint64_t)k, b[k]) ? ST_CHANGED : ST_NORMAL;
        if (ok[k])
            tui_print_at(t, a, r, 10 + 3 * k, st, "%02x", b[k]);
        else
            tui_print_at(t, a, r, 10 + 3 * k, ST_DIM, "--");
        ascii[k] = ok[k] && b[k] >= 0x20 && b[k] < 0x7f ? (char)b[k] : '.';
    }
    ascii[per] = '\0';
    tui_print_at(t, a, r, 10 + 3 * per + 1, ST_NORMAL, "%s", ascii);
}

static void mem_draw(struct tui *t, struct pane *p, struct area a)
{
    if (p->mode)
        p->addr = follow_addr(t, p->mode);
    int per = line_bytes(a);
    tui_print(t, a, 0, ST_DIM, "%s %08llx%s%s  (g goto, p phys/lin, f follow)",
              p->flag ? "physical" : "linear", (unsigned long long)p->addr,
              p->mode ? " follows " : "", follow[p->mode].name);
    for (int r = 1; r < a.h; r++)
        draw_row(t, p, a, r, p->addr + (uint64_t)(r - 1) * (uint64_t)per, per);
}

static void goto_done(struct tui *t, const char *answer)
{
    uint64_t v;
    char err[128];
    if (dbg_eval(t->d, answer, &v, err, sizeof err) != 0) {
        snprintf(t->message, sizeof t->message, "goto: %s", err);
        return;
    }
    t->pane[PANE_MEM].addr = v;
    t->pane[PANE_MEM].mode = 0;
}

static bool mem_key(struct tui *t, struct pane *p, int key)
{
    int per = line_bytes(p->area);
    int page = p->area.h > 2 ? p->area.h - 2 : 1;
    uint64_t step = 0;
    bool down = true;
    switch (key) {
    case KEY_DOWN: step = (uint64_t)per; break;
    case KEY_UP: step = (uint64_t)per, down = false; break;
    case KEY_NPAGE: step = (uint64_t)per * (uint64_t)page; break;
    case KEY_PPAGE: step = (uint64_t)per * (uint64_t)page, down = false; break;
    case 'p': p->flag = !p->flag; return true;
    case 'f': p->mode = (p->mode + 1) % N_FOLLOW; return true;
    case 'g': tui_ask(t, "Memory: go to address:", goto_done); return true;
    default: return false;
    }
    p->mode = 0; /* scrolling stops following */
    p->addr = down ? p->addr + step : (p->addr >= step ? p->addr - step : 0);
    return true;
}

const struct pane_class pane_mem = {"Memory", mem_draw, mem_key};
