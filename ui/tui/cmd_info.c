/*
 * cmd_info.c - the state of the machine as text: info registers, tab,
 * mem, gdt, idt, tss, break, device, cycles, and page (one page walk).
 *
 * Everything here reads core/debug's views (copies; memory read without
 * side effects) and prints; nothing changes the machine. The layouts are
 * for a student reading them and a test comparing them:
 *
 *     info registers    one register a line, its name then its value in
 *                       hex ("eip 0x00007c00"); segments add their hidden
 *                       base, limit and attributes, EFLAGS its set flags
 *     info tab          the page tables' mappings, linear range -> physical
 *                       range and rights, runs of contiguous pages with the
 *                       same rights merged (Bochs' info tab)
 *     info mem          linear ranges with the same rights merged, as QEMU's
 *                       info mem: "0x00000000-0x003fffff 0x00400000 -rw"
 *     page ADDR         each level of the walk, its entry's flags decoded,
 *                       the physical address or the #PF it would raise
 *
 * The page tables are read the way dbg_walk() reads them: two-level 32-bit
 * paging, with 4 MiB pages when CR4.PSE allows them. PAE tables (CR4.PAE)
 * are not walked here: the CPU core does not implement PAE either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cmd_impl.h"

const char *const cmd_info_words[] = {"registers", "tab",     "mem",    "gdt",
                                      "idt",       "tss",     "break",  "watchpoints",
                                      "traps",     "symbols", "device", "cycles",
                                      NULL};

#define PTE_P 0x001u  /* present */
#define PTE_RW 0x002u /* writable */
#define PTE_US 0x004u /* user-mode access */
#define PDE_PS 0x080u /* a 4 MiB page (with CR4.PSE) */
#define CR0_PG 0x80000000u
#define CR4_PSE 0x10u
#define CR4_PAE 0x20u

/* --- info registers --- */

static const char *const gpr_names[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
/* gdb's order of the segment registers, as DBG_ES.. indices. */
static const int seg_order[6] = {DBG_CS, DBG_SS, DBG_DS, DBG_ES, DBG_FS, DBG_GS};
static const char *const seg_names[DBG_NSEG] = {"es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr"};

static void show_seg(const struct dbg_cpu_view *v, int s, const struct cmd_io *io)
{
    const struct dbg_seg *g = &v->seg[s];
    cmd_out(io, "%s 0x%04x base 0x%08llx limit 0x%08x attr 0x%04x", seg_names[s], g->sel,
            (unsigned long long)g->base, g->limit, g->attr);
}

/* The whole register file, one a line. */
static void show_all_registers(const struct dbg_cpu_view *v, const struct cmd_io *io)
{
    for (int r = 0; r < 8; r++)
        cmd_out(io, "%s 0x%08llx", gpr_names[r], (unsigned long long)(uint32_t)v->gpr[r]);
    cmd_out(io, "eip 0x%08llx", (unsigned long long)v->eip);
    cmd_out(io, "eflags 0x%08x [%s]", v->eflags, v->flags);
    for (int k = 0; k < 6; k++)
        show_seg(v, seg_order[k], io);
    show_seg(v, DBG_LDTR, io);
    show_seg(v, DBG_TR, io);
    cmd_out(io, "gdtr 0x%08llx limit 0x%04x", (unsigned long long)v->gdt_base, v->gdt_limit);
    cmd_out(io, "idtr 0x%08llx limit 0x%04x", (unsigned long long)v->idt_base, v->idt_limit);
    for (int k = 0; k < 5; k++)
        if (k != 1)
            cmd_out(io, "cr%d 0x%08llx", k, (unsigned long long)v->cr[k]);
}

/* Registers by name, each as the expression language reads it. */
static int show_registers(struct cmd *c, const char *args, const struct cmd_io *io)
{
    struct dbg_cpu_view v;
    char word[32], err[256];
    dbg_get_cpu(c->d, &v);
    if (!*args) {
        show_all_registers(&v, io);
        return CMD_OK;
    }
    while (cmd_word(&args, word, sizeof word)) {
        const char *name = word[0] == '$' ? word + 1 : word;
        uint64_t val;
        if (!cmd_is_register(name))
            return cmd_fail(io, "info registers", "no register named '%s'", word);
        if (cmd_eval(c, name, &val, err, sizeof err) != 0)
            return cmd_fail(io, "info registers", "%s", err);
        bool seg = strlen(name) == 2 && name[1] == 's' && strchr("cdefgs", name[0]);
        int digits = name[0] == 'e' || name[0] == 'c' ? 8 : name[1] == 'l' || name[1] == 'h' ? 2 : 4;
        if (seg) {
            for (int s = DBG_ES; s <= DBG_GS; s++)
                if (strcmp(seg_names[s], name) == 0)
                    show_seg(&v, s, io);
            continue;
        }
        if (strcmp(name, "eflags") == 0)
            cmd_out(io, "eflags 0x%08x [%s]", v.eflags, v.flags);
        else
            cmd_out(io, "%s 0x%0*llx", name, digits, (unsigned long long)val);
    }
    return CMD_OK;
}

/* --- the page tables: info tab and info mem --- */

/* A run of pages being merged. */
struct page_run {
    bool open;       /* a run is being built */
    uint64_t lin;    /* its first linear address */
    uint64_t phys;   /* and physical one */
    uint64_t len;    /* bytes */
    unsigned rights; /* PTE_US | PTE_RW of the effective rights */
};

static void run_flush(struct page_run *r, const struct cmd_io *io)
{
    if (!r->open)
        return;
    cmd_out(io, "0x%08llx-0x%08llx -> 0x%08llx-0x%08llx %cr%c", (unsigned long long)r->lin,
            (unsigned long long)(r->lin + r->len - 1), (unsigned long long)r->phys,
            (unsigned long long)(r->phys + r->len - 1), r->rights & PTE_US ? 'u' : '-',
            r->rights & PTE_RW ? 'w' : '-');
    r->open = false;
}

static void run_add(struct page_run *r, uint64_t lin, uint64_t phys, uint64_t len, unsigned rights,
                    const struct cmd_io *io)
{
    if (r->open && r->lin + r->len == lin && r->rights == rights && r->phys + r->len == phys) {
        r->len += len;
        return;
    }
    run_flush(r, io);
    *r = (struct page_run){true, lin, phys, len, rights};
}

/* A 4 KiB table of 1024 entries at physical address at; false if unreadable. */
static bool read_table(struct cmd *c, uint64_t at, uint32_t *t)
{
    uint8_t raw[4096];
    if (dbg_read_physical(c->d, at, raw, sizeof raw, NULL) != sizeof raw)
        return false;
    for (int k = 0; k < 1024; k++)
        t[k] = raw[4 * k] | raw[4 * k + 1] << 8 | raw[4 * k + 2] << 16 |
               (uint32_t)raw[4 * k + 3] << 24;
    return true;
}

/* Walk the whole two-level tree, feeding each present page to r. */
static int walk_tree(struct cmd *c, const char *name, struct page_run *r, const struct cmd_io *io)
{
    struct dbg_cpu_view v;
    dbg_get_cpu(c->d, &v);
    if (!(v.cr[0] & CR0_PG)) {
        cmd_out(io, "paging is off (CR0.PG = 0): linear addresses are physical");
        return CMD_OK;
    }
    if (v.cr[4] & CR4_PAE)
        return cmd_fail(io, name, "PAE page tables are not walked");
    uint32_t *pd = malloc(2 * 1024 * sizeof *pd), *pt = pd ? pd + 1024 : NULL;
    if (!pd)
        return cmd_fail(io, name, "out of memory");
    if (!read_table(c, v.cr[3] & ~0xfffull, pd)) {
        free(pd);
        return cmd_fail(io, name, "the page directory at 0x%08llx is not readable",
                        (unsigned long long)(v.cr[3] & ~0xfffull));
    }
    for (uint32_t i = 0; i < 1024; i++) {
        uint32_t pde = pd[i];
        uint64_t base = (uint64_t)i << 22;
        if (!(pde & PTE_P))
            continue;
        if ((pde & PDE_PS) && (v.cr[4] & CR4_PSE)) {
            run_add(r, base, pde & 0xffc00000u, 1u << 22, pde & (PTE_US | PTE_RW), io);
            continue;
        }
        if (!read_table(c, pde & ~0xfffu, pt))
            continue;
        for (uint32_t j = 0; j < 1024; j++)
            if (pt[j] & PTE_P)
                run_add(r, base + ((uint64_t)j << 12), pt[j] & ~0xfffu, 4096,
                        pde & pt[j] & (PTE_US | PTE_RW), io);
    }
    run_flush(r, io);
    free(pd);
    return CMD_OK;
}

/* --- descriptor tables --- */

/* "[N [M]]": the range of entries to show, within count. */
static int entry_range(const char *name, const char *args, unsigned count, unsigned *lo,
                       unsigned *hi, const struct cmd_io *io)
{
    char *end;
    *lo = 0, *hi = count ? count - 1 : 0;
    if (!*args)
        return CMD_OK;
    *lo = *hi = (unsigned)strtoul(args, &end, 0);
    if (*cmd_skip(end))
        *hi = (unsigned)strtoul(cmd_skip(end), &end, 0);
    if (*cmd_skip(end) || *hi < *lo)
        return cmd_fail(io, name, "wants [FIRST [LAST]] entry numbers");
    return CMD_OK;
}

static void show_desc(const char *table, unsigned k, const struct dbg_desc *e,
                      const struct cmd_io *io)
{
    char where[64];
    if (!e->lo && !e->hi) {
        cmd_out(io, "%s[0x%02x] (empty)", table, k);
        return;
    }
    bool gate = e->system && strstr(e->type, "gate");
    if (gate)
        snprintf(where, sizeof where, "%04x:%08x", e->selector, e->offset);
    else
        snprintf(where, sizeof where, "base 0x%08llx limit 0x%08x", (unsigned long long)e->base,
                 e->limit);
    cmd_out(io, "%s[0x%02x] %08x %08x %s dpl %u %s%s", table, k, e->hi, e->lo, where, e->dpl,
            e->type, e->present ? "" : " not present");
}

static int show_gdt(struct cmd *c, const char *args, const struct cmd_io *io)
{
    struct dbg_cpu_view v;
    struct dbg_desc e;
    unsigned lo, hi;
    dbg_get_cpu(c->d, &v);
    unsigned count = ((unsigned)v.gdt_limit + 1) / 8;
    if (entry_range("info gdt", args, count, &lo, &hi, io) != CMD_OK)
        return CMD_ERROR;
    cmd_out(io, "GDT at 0x%08llx limit 0x%04x: %u entries", (unsigned long long)v.gdt_base,
            v.gdt_limit, count);
    for (unsigned k = lo; k <= hi && k < count; k++) {
        if (dbg_gdt_entry(c->d, k, &e) != 0)
            return cmd_fail(io, "info gdt", "entry 0x%02x is not readable", k);
        show_desc("GDT", k * 8, &e, io);
    }
    return CMD_OK;
}

/* Real mode's interrupt vector table: segment:offset pairs. */
static int show_ivt(struct cmd *c, const struct dbg_cpu_view *v, unsigned lo, unsigned hi,
                    const struct cmd_io *io)
{
    unsigned count = ((unsigned)v->idt_limit + 1) / 4;
    cmd_out(io, "IVT at 0x%08llx limit 0x%04x (real mode): %u vectors",
            (unsigned long long)v->idt_base, v->idt_limit, count);
    for (unsigned k = lo; k <= hi && k < count; k++) {
        uint8_t b[4];
        if (dbg_read_linear(c->d, v->idt_base + 4 * k, b, 4, NULL) != 4)
            return cmd_fail(io, "info idt", "vector 0x%02x is not readable", k);
        cmd_out(io, "IVT[0x%02x] %04x:%04x", k, b[2] | b[3] << 8, b[0] | b[1] << 8);
    }
    return CMD_OK;
}

static int show_idt(struct cmd *c, const char *args, const struct cmd_io *io)
{
    struct dbg_cpu_view v;
    struct dbg_desc e;
    unsigned lo, hi;
    dbg_get_cpu(c->d, &v);
    bool real = (v.mode & 3) == DBG_MODE_REAL;
    unsigned count = ((unsigned)v.idt_limit + 1) / (real ? 4 : 8);
    if (count > 256)
        count = 256;
    if (entry_range("info idt", args, count, &lo, &hi, io) != CMD_OK)
        return CMD_ERROR;
    if (real)
        return show_ivt(c, &v, lo, hi, io);
    cmd_out(io, "IDT at 0x%08llx limit 0x%04x: %u vectors", (unsigned long long)v.idt_base,
            v.idt_limit, count);
    for (unsigned k = lo; k <= hi && k < count; k++) {
        if (dbg_idt_entry(c->d, k, &e) != 0)
            return cmd_fail(io, "info idt", "vector 0x%02x is not readable", k);
        show_desc("IDT", k, &e, io);
    }
    return CMD_OK;
}

/* The current task's TSS (core/debug's dbg_tss), one field a line. */
static int show_tss(struct cmd *c, const struct cmd_io *io)
{
    static const char *const sregs[6] = {"es", "cs", "ss", "ds", "fs", "gs"};
    struct dbg_tss t;
    if (dbg_tss(c->d, &t) != 0)
        return cmd_fail(io, "info tss", "no usable TSS (TR is 0, or its TSS is unreadable)");
    cmd_out(io, "TR 0x%04x base 0x%08llx limit 0x%08x %d-bit%s", t.sel,
            (unsigned long long)t.base, t.limit, t.is32 ? 32 : 16, t.busy ? " busy" : "");
    cmd_out(io, "link 0x%04x", t.link);
    for (int k = 0; k < 3; k++)
        cmd_out(io, "esp%d 0x%08x ss%d 0x%04x", k, t.esp[k], k, t.ss[k]);
    cmd_out(io, "cr3 0x%08x", t.cr3);
    cmd_out(io, "eip 0x%08x", t.eip);
    cmd_out(io, "eflags 0x%08x", t.eflags);
    for (int r = 0; r < 8; r++)
        cmd_out(io, "%s 0x%08x", gpr_names[r], t.gpr[r]);
    for (int k = 0; k < 6; k++)
        cmd_out(io, "%s 0x%04x", sregs[k], t.sreg[k]);
    cmd_out(io, "ldt 0x%04x", t.ldt);
    cmd_out(io, "iomap 0x%04x%s", t.iomap, t.trap ? " T" : "");
    return CMD_OK;
}

/* info mem: core/debug's merged ranges, as QEMU prints them. */
static int show_mem(struct cmd *c, const struct cmd_io *io)
{
    struct dbg_cpu_view v;
    dbg_get_cpu(c->d, &v);
    if (!(v.cr[0] & CR0_PG)) {
        cmd_out(io, "paging is off (CR0.PG = 0): linear addresses are physical");
        return CMD_OK;
    }
    size_t n = dbg_mem_ranges(c->d, NULL, 0);
    struct dbg_mem_range *r = calloc(n ? n : 1, sizeof *r);
    if (!r)
        return cmd_fail(io, "info mem", "out of memory");
    n = dbg_mem_ranges(c->d, r, n);
    for (size_t k = 0; k < n; k++)
        cmd_out(io, "0x%08llx-0x%08llx 0x%08llx %cr%c", (unsigned long long)r[k].lin,
                (unsigned long long)(r[k].lin + r[k].len - 1), (unsigned long long)r[k].len,
                r[k].user ? 'u' : '-', r[k].write ? 'w' : '-');
    if (n == 0)
        cmd_out(io, "no page is present");
    free(r);
    return CMD_OK;
}

/* info traps: the hypervisor-trap counters by kind (DESIGN.md). */
static int show_traps(struct cmd *c, const struct cmd_io *io)
{
    uint64_t counts[TRAP_COUNT];
    dbg_traps(c->d, counts);
    for (int k = 0; k < TRAP_COUNT; k++)
        cmd_out(io, "%-10s %llu", dbg_trap_name(k), (unsigned long long)counts[k]);
    return CMD_OK;
}

/* info symbols [NAME|ADDR]: how many are loaded, or one looked up. */
static int show_symbols(struct cmd *c, const char *args, const struct cmd_io *io)
{
    char sym[160], err[256];
    uint64_t addr;
    if (!*args) {
        cmd_out(io, "%zu symbols loaded", dbg_symbol_count(c->d));
        return CMD_OK;
    }
    if (cmd_eval(c, args, &addr, err, sizeof err) != 0)
        return cmd_fail(io, "info symbols", "%s", err);
    cmd_symbolize(c, addr, "", "", sym, sizeof sym);
    cmd_out(io, "0x%08llx %s", (unsigned long long)addr, sym[0] ? sym : "(no symbol)");
    return CMD_OK;
}

/* --- devices --- */

/* Hex digits of a field type's values. */
static int field_digits(enum devfield_type t)
{
    switch (t) {
    case DF_U16: return 4;
    case DF_U32: return 8;
    case DF_U64: return 16;
    case DF_BOOL: return 1;
    case DF_U8:
    case DF_BYTES: break;
    }
    return 2;
}

static void show_field(const struct devfield *f, const void *state, const struct cmd_io *io)
{
    char val[200];
    size_t n = 0, shown = f->count > 16 ? 16 : f->count;
    for (size_t k = 0; k < shown && n < sizeof val; k++)
        n += (size_t)snprintf(val + n, sizeof val - n, "%s%s%0*llx", k ? " " : "",
                              f->type == DF_BOOL ? "" : "0x", field_digits(f->type),
                              (unsigned long long)devfield_get(f, state, k));
    if (shown < f->count && n < sizeof val)
        snprintf(val + n, sizeof val - n, " ... (%zu)", f->count);
    cmd_out(io, "  %s %s  # %s", f->name, val, f->doc);
}

static int show_devices(struct cmd *c, const char *args, const struct cmd_io *io)
{
    const struct devinfo *dev;
    size_t n = dbg_devices(c->d, &dev), len = strlen(args);
    bool any = false;
    if (!*args) {
        for (size_t k = 0; k < n; k++)
            cmd_out(io, "%s", dev[k].name);
        return CMD_OK;
    }
    for (size_t k = 0; k < n; k++) {
        /* NAME matches itself and its sub-units: "pic" is pic.master and pic.slave. */
        if (strncmp(dev[k].name, args, len) != 0 || (dev[k].name[len] && dev[k].name[len] != '.'))
            continue;
        any = true;
        cmd_out(io, "%s:", dev[k].name);
        for (size_t f = 0; f < dev[k].n_fields; f++)
            show_field(&dev[k].fields[f], dev[k].state, io);
    }
    if (!any)
        return cmd_fail(io, "info device", "no device '%s' (info device lists them)", args);
    return CMD_OK;
}

/* --- info --- */

int cmd_info(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    char word[32];
    struct page_run r = {0};
    if (!cmd_word(&args, word, sizeof word))
        return cmd_fail(io, "info", "what? (registers tab mem gdt idt tss break traps symbols "
                        "device cycles)");
    size_t n = strlen(word);
    const char *w = NULL;
    for (int k = 0; cmd_info_words[k]; k++)
        if (strncmp(cmd_info_words[k], word, n) == 0 && !w)
            w = cmd_info_words[k];
    if (!w && strcmp(word, "all-registers") == 0)
        w = "registers";
    if (!w)
        return cmd_fail(io, "info", "unknown subcommand '%s'", word);
    if (strcmp(w, "registers") == 0)
        return show_registers(c, args, io);
    if (strcmp(w, "tab") == 0)
        return walk_tree(c, "info tab", &r, io);
    if (strcmp(w, "mem") == 0)
        return show_mem(c, io);
    if (strcmp(w, "traps") == 0)
        return show_traps(c, io);
    if (strcmp(w, "symbols") == 0)
        return show_symbols(c, args, io);
    if (strcmp(w, "gdt") == 0)
        return show_gdt(c, args, io);
    if (strcmp(w, "idt") == 0)
        return show_idt(c, args, io);
    if (strcmp(w, "tss") == 0)
        return show_tss(c, io);
    if (strcmp(w, "break") == 0 || strcmp(w, "watchpoints") == 0) {
        cmd_list_breaks(c, io);
        return CMD_OK;
    }
    if (strcmp(w, "device") == 0)
        return show_devices(c, args, io);
    if (strcmp(w, "cycles") == 0) {
        struct dbg_cpu_view v;
        dbg_get_cpu(c->d, &v);
        cmd_out(io, "cycles %llu instructions %llu", (unsigned long long)v.cycles,
                (unsigned long long)v.instructions);
        return CMD_OK;
    }
    char name[40];
    snprintf(name, sizeof name, "info %s", w);
    return cmd_fail(io, name, "not available in this build");
}

/* --- page --- */

/* An entry's flags: P RW US PWT PCD A D, then PS (a PDE) or PAT (a PTE), G. */
static void entry_flags(uint64_t e, bool pde, char *out, size_t n)
{
    static const char *const names[9] = {"P", "RW", "US", "PWT", "PCD", "A", "D", NULL, "G"};
    size_t k = 0;
    out[0] = '\0';
    for (int b = 0; b < 9 && k < n; b++)
        if (e & (1u << b))
            k += (size_t)snprintf(out + k, n - k, "%s%s", k ? " " : "",
                                  b == 7 ? (pde ? "PS" : "PAT") : names[b]);
}

int cmd_page(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    struct cmd_addr a;
    struct dbg_walk w;
    char err[256], flags[64];
    if (cmd_parse_addr(c, args, &a, err, sizeof err) != 0)
        return cmd_fail(io, "page", "%s", err);
    dbg_walk(c->d, a.lin, &w);
    if (!w.paging) {
        cmd_out(io, "linear 0x%08llx: paging off, physical 0x%08llx", (unsigned long long)a.lin,
                (unsigned long long)w.phys);
        return CMD_OK;
    }
    cmd_out(io, "linear 0x%08llx", (unsigned long long)a.lin);
    /* 32-bit paging: PDE, PTE; PAE: PDPTE, PDE, PTE, whose 8-byte entries
     * print in full (a PDPTE has only P and the cache bits). */
    static const char *const names32[] = {"PDE", "PTE"};
    static const char *const names_pae[] = {"PDPTE", "PDE", "PTE"};
    for (int k = 0; k < w.levels && k < 3; k++) {
        bool pde = w.pae ? k == 1 : k == 0;
        entry_flags(w.entry[k], pde, flags, sizeof flags);
        if (w.pae)
            cmd_out(io, "  %s at 0x%09llx = 0x%016llx [%s]", names_pae[k],
                    (unsigned long long)w.addr[k], (unsigned long long)w.entry[k], flags);
        else
            cmd_out(io, "  %s at 0x%08llx = 0x%08llx [%s]", names32[k],
                    (unsigned long long)w.addr[k], (unsigned long long)w.entry[k], flags);
    }
    if (w.ok)
        cmd_out(io, "  physical 0x%08llx (%s page)", (unsigned long long)w.phys,
                w.page_size == 4096 ? "4 KiB" : w.page_size == 0x200000 ? "2 MiB" : "4 MiB");
    else
        cmd_out(io, "  page fault: error code 0x%x (%s)", w.error,
                w.error & 8   ? "reserved bit set"
                : w.error & 1 ? "protection"
                              : "not present");
    return CMD_OK;
}
