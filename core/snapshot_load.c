/*
 * snapshot_load.c - reading a snapshot back (snap_load(), emu_load()): the
 * header and the section table parsed, the machine and every section's
 * size checked against this machine and this build, and only then the
 * state written, so that a refused snapshot changes nothing (snapshot.h
 * has the format; snapshot.c writes it).
 */
#include "snapshot_impl.h"

#include <stdio.h>
#include <stdlib.h>

#include "interp/exec.h"
#include "interp/tcache.h"
#include "mmu/mmu.h"

static const char *const drive_names[SNAP_DRIVES] = {"hda", "hdb", "cdrom", "fda", "fdb"};

/* --- reading --- */


/* The header and the section table: 0, or -1 with a reason. */
static int parse_header(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    uint32_t version, flags;
    if (len < SNAP_HEADER_LEN || memcmp(buf, SNAP_MAGIC, SNAP_MAGIC_LEN) != 0) {
        snprintf(err, errlen, "not a lab86 snapshot (no %s magic)", SNAP_MAGIC);
        return -1;
    }
    memcpy(&version, buf + SNAP_MAGIC_LEN, sizeof version);
    memcpy(&flags, buf + SNAP_MAGIC_LEN + 4, sizeof flags);
    uint64_t total = rd_u64(buf + SNAP_MAGIC_LEN + 8);
    if (version != SNAP_VERSION) {
        snprintf(err, errlen, "snapshot format version %u; this lab86 reads version %u", version,
                 SNAP_VERSION);
        return -1;
    }
    if (total > len) {
        snprintf(err, errlen, "truncated snapshot (%zu of %llu bytes)", len,
                 (unsigned long long)total);
        return -1;
    }
    if (total != len) {
        snprintf(err, errlen, "corrupt snapshot (%zu bytes, the header says %llu)", len,
                 (unsigned long long)total);
        return -1;
    }
    if ((flags & SNAP_F_CHECKSUM) && len >= SNAP_HEADER_LEN + 8 &&
        snap_hash(SNAP_FNV_INIT, buf, len - 8) != rd_u64(buf + len - 8)) {
        snprintf(err, errlen, "corrupt snapshot (checksum mismatch)");
        return -1;
    }
    return 0;
}

int snap_parse(const uint8_t *buf, size_t len, struct parsed *p, char *err, size_t errlen)
{
    if (parse_header(buf, len, err, errlen) != 0)
        return -1;
    size_t at = SNAP_HEADER_LEN;
    p->n = 0;
    while (at < len) {
        struct section *s = &p->s[p->n];
        if (p->n == SNAP_MAX_SECTIONS || len - at < SNAP_NAME_LEN + 8) {
            snprintf(err, errlen, "corrupt snapshot (bad section table at byte %zu)", at);
            return -1;
        }
        memcpy(s->name, buf + at, SNAP_NAME_LEN);
        s->name[SNAP_NAME_LEN] = '\0';
        s->len = rd_u64(buf + at + SNAP_NAME_LEN);
        at += SNAP_NAME_LEN + 8;
        if (s->len > len - at) {
            snprintf(err, errlen, "corrupt snapshot (section '%s' runs past the end)", s->name);
            return -1;
        }
        s->data = buf + at;
        at += s->len;
        p->n++;
    }
    return 0;
}

const struct section *snap_find(const struct parsed *p, const char *name)
{
    for (int k = 0; k < p->n; k++)
        if (strcmp(p->s[k].name, name) == 0)
            return &p->s[k];
    return NULL;
}

/* Section name with exactly len bytes, or -1 with a reason. */
static int need(const struct parsed *p, const char *name, uint64_t len, const struct section **out,
                char *err, size_t errlen)
{
    const struct section *s = snap_find(p, name);
    if (!s) {
        snprintf(err, errlen, "snapshot has no '%s' section (saved by another build or board?)",
                 name);
        return -1;
    }
    if (s->len != len) {
        snprintf(err, errlen,
                 "snapshot's '%s' section is %llu bytes, this build's is %llu (saved by "
                 "another build of lab86)",
                 name, (unsigned long long)s->len, (unsigned long long)len);
        return -1;
    }
    *out = s;
    return 0;
}

/* A sparse section of size raw bytes: its bitmap's pages all there, and
 * nothing more. */
static bool sparse_ok(const struct section *s, uint64_t raw)
{
    uint64_t pages = (raw + SNAP_PAGE - 1) / SNAP_PAGE, bytes = 8 + (pages + 7) / 8;
    if (s->len < bytes || rd_u64(s->data) != raw)
        return false;
    for (uint64_t k = 0; k < pages; k++)
        if (s->data[8 + k / 8] >> (k % 8) & 1)
            bytes += raw - k * SNAP_PAGE < SNAP_PAGE ? raw - k * SNAP_PAGE : SNAP_PAGE;
    return bytes == s->len;
}

/* Sparse section name of raw bytes when unpacked, or -1 with a reason. */
static int need_sparse(const struct parsed *p, const char *name, uint64_t raw,
                       const struct section **out, char *err, size_t errlen)
{
    const struct section *s = snap_find(p, name);
    if (!s) {
        snprintf(err, errlen, "snapshot has no '%s' section (saved by another build or board?)",
                 name);
        return -1;
    }
    if (s->len < 8 || rd_u64(s->data) != raw) {
        snprintf(err, errlen,
                 "snapshot's '%s' section holds %llu bytes, this build's is %llu (saved by "
                 "another build of lab86)",
                 name, (unsigned long long)(s->len < 8 ? 0 : rd_u64(s->data)),
                 (unsigned long long)raw);
        return -1;
    }
    if (!sparse_ok(s, raw)) {
        snprintf(err, errlen, "corrupt snapshot (section '%s' does not add up)", name);
        return -1;
    }
    *out = s;
    return 0;
}

/* Unpack a sparse section over dst[0..raw), skipping the kept ranges. */
static void apply_sparse(const struct section *s, uint8_t *dst, size_t raw,
                         const struct snap_region *r, uint8_t *keep)
{
    size_t pages = (raw + SNAP_PAGE - 1) / SNAP_PAGE, kept = 0;
    const uint8_t *src = s->data + 8 + (pages + 7) / 8;
    for (size_t k = 0; r && k < r->n_keep; kept += r->keep[k].size, k++)
        memcpy(keep + kept, dst + r->keep[k].offset, r->keep[k].size);
    for (size_t k = 0; k < pages; k++) {
        size_t len = raw - k * SNAP_PAGE < SNAP_PAGE ? raw - k * SNAP_PAGE : SNAP_PAGE;
        if (s->data[8 + k / 8] >> (k % 8) & 1) {
            memcpy(dst + k * SNAP_PAGE, src, len);
            src += len;
        } else if (!snap_zero_page(dst, raw, k)) {
            memset(dst + k * SNAP_PAGE, 0, len);
        }
    }
    kept = 0;
    for (size_t k = 0; r && k < r->n_keep; kept += r->keep[k].size, k++)
        memcpy(dst + r->keep[k].offset, keep + kept, r->keep[k].size);
}

static const char *board_name(uint64_t b)
{
    return b == EMU_BOARD_PC ? "pc" : b == EMU_BOARD_ISA ? "isa" : "unknown";
}

/* One drive of the saved machine against this one's. */
static int check_drive(const struct snap_machine *f, const struct snap_machine *h, int k,
                       const struct blockdev *bd, char *err, size_t errlen)
{
    const char *name = drive_names[k];
    if (f->drive_size[k] != h->drive_size[k]) {
        if (!f->drive_size[k] || !h->drive_size[k])
            snprintf(err, errlen, "snapshot was saved %s %s; this machine has %s", 
                     f->drive_size[k] ? "with" : "without", name,
                     h->drive_size[k] ? "one" : "none");
        else
            snprintf(err, errlen, "snapshot's %s is %llu bytes; this machine's is %llu", name,
                     (unsigned long long)(f->drive_size[k] - 1),
                     (unsigned long long)(h->drive_size[k] - 1));
        return -1;
    }
    uint64_t now;
    if ((f->drive_flags[k] & DRIVE_HASHED) && bd && snap_disk_hash(bd, &now) &&
        now != f->drive_hash[k]) {
        snprintf(err, errlen, "%s changed since the snapshot was saved", name);
        return -1;
    }
    return 0;
}

static int check_machine(struct emu *m, const struct section *s, char *err, size_t errlen)
{
    struct snap_machine f, h;
    memcpy(&f, s->data, sizeof f);
    snap_describe(m, SNAP_MEMORY, &h);
    if (f.ram_size != h.ram_size)
        snprintf(err, errlen, "snapshot is of a machine with %llu MiB of RAM; this one has %llu",
                 (unsigned long long)(f.ram_size >> 20), (unsigned long long)(h.ram_size >> 20));
    else if (f.board != h.board)
        snprintf(err, errlen, "snapshot is of the %s board; this machine is %s",
                 board_name(f.board), board_name(h.board));
    else if (f.n_cpus != h.n_cpus)
        snprintf(err, errlen, "snapshot is of a machine with %llu CPUs; this one has %llu",
                 (unsigned long long)f.n_cpus, (unsigned long long)h.n_cpus);
    else if (f.hz != h.hz)
        snprintf(err, errlen, "snapshot's CPU runs at %llu MHz; this one at %llu",
                 (unsigned long long)(f.hz / 1000000), (unsigned long long)(h.hz / 1000000));
    else if (f.fw_len != h.fw_len || f.fw_hash != h.fw_hash)
        snprintf(err, errlen, "snapshot was saved with %s; this machine has %s",
                 f.fw_len ? "other firmware (BIOS or VGA BIOS)" : "a directly loaded kernel",
                 h.fw_len ? "firmware" : "none");
    else {
        for (int k = 0; k < SNAP_DRIVES; k++)
            if (check_drive(&f, &h, k, snap_drive(m, k), err, errlen) != 0)
                return -1;
        return 0;
    }
    return -1;
}

/* Everything the load will use, found and checked. */
struct plan {
    const struct section *cpu[EMU_MAX_CPUS], *tlb[EMU_MAX_CPUS]; /* by CPU: 0 the BSP */
    const struct section *smp, *board, *bus, *clock, *ram;
    const struct section *dev[SNAP_MAX_REGIONS];
    struct snap_region regions[SNAP_MAX_REGIONS];
    size_t n;
};

static int check_sizes(struct emu *m, const struct parsed *p, struct plan *pl, char *err,
                       size_t errlen)
{
    const struct bus *b = &m->bus;
    uint64_t bus_len = 3 * 8 + (uint64_t)b->n_mmio * 8;
    uint64_t clock_len = 8 + (uint64_t)m->clock.n * (SNAP_NAME_LEN + 8);
    for (uint32_t k = 0; k < snap_n_cpus(m); k++) {
        struct snap_region cpu = snap_cpu_region(m, k);
        if (need(p, cpu.name, cpu.size, &pl->cpu[k], err, errlen) ||
            need(p, snap_tlb_name(k), sizeof(struct tlb), &pl->tlb[k], err, errlen))
            return -1;
    }
    if (need(p, "smp", sizeof(struct snap_smp), &pl->smp, err, errlen) ||
        need(p, "board", sizeof(struct snap_board), &pl->board, err, errlen) ||
        need(p, "bus", bus_len, &pl->bus, err, errlen) ||
        need(p, "clock", clock_len, &pl->clock, err, errlen) ||
        need_sparse(p, "ram", b->ram_size, &pl->ram, err, errlen))
        return -1;
    pl->n = board_snap_regions(m, pl->regions, SNAP_MAX_REGIONS);
    for (size_t k = 0; k < pl->n; k++) {
        const struct snap_region *r = &pl->regions[k];
        if (r->size >= SNAP_SPARSE_MIN
                ? need_sparse(p, r->name, r->size, &pl->dev[k], err, errlen)
                : need(p, r->name, r->size, &pl->dev[k], err, errlen))
            return -1;
    }
    for (int k = 0; k < m->clock.n; k++) {
        const char *name = m->clock.timers[k]->name ? m->clock.timers[k]->name : "";
        const uint8_t *field = pl->clock->data + 8 + (size_t)k * (SNAP_NAME_LEN + 8);
        if (strncmp((const char *)field, name, SNAP_NAME_LEN - 1) != 0) {
            snprintf(err, errlen, "snapshot's timer %d is '%.15s'; this machine's is '%s'", k,
                     (const char *)field, name);
            return -1;
        }
    }
    return 0;
}

/* Copy a section over a state struct, leaving the kept members alone
 * (scratch holds them meanwhile: the sum of their sizes). */
static void apply_region(const struct snap_region *r, const struct section *s, uint8_t *scratch)
{
    size_t kept = 0;
    if (r->size >= SNAP_SPARSE_MIN) {
        apply_sparse(s, r->state, r->size, r, scratch);
        return;
    }
    for (size_t k = 0; k < r->n_keep; kept += r->keep[k].size, k++)
        memcpy(scratch + kept, (uint8_t *)r->state + r->keep[k].offset, r->keep[k].size);
    memcpy(r->state, s->data, r->size);
    kept = 0;
    for (size_t k = 0; k < r->n_keep; kept += r->keep[k].size, k++)
        memcpy((uint8_t *)r->state + r->keep[k].offset, scratch + kept, r->keep[k].size);
}

/* The TLB, its offsets turned back into host pointers (an offset that is
 * not a whole page inside RAM becomes NULL: the slow path, still exact). */
static void apply_tlb(struct emu *m, struct cpu *c, const uint8_t *data)
{
    struct tlb *t = &c->tlb;
    memcpy(t, data, sizeof *t);
    for (unsigned k = 0; k < TLB_ENTRIES; k++) {
        uint64_t off;
        memcpy(&off, &t->e[k].host, sizeof off);
        bool ok = off != TLB_NO_HOST && off <= m->bus.ram_size && m->bus.ram_size - off >= 4096;
        t->e[k].host = ok ? m->bus.ram + off : NULL;
    }
}

/* After the board and the devices: the read-only host pointers (ROM,
 * locked shadow RAM: bus_read_page) that the snapshot does not hold, found
 * again as the page walk found them, so that the TLB is the one saved
 * (TLB_HOSTR: tlb.h). One the bus no longer gives loses TLB_HOSTR and
 * takes the slow path, which is exact. Then the state the data fast path
 * derives (the TLB's fast tags, each segment's fast_end, the CPU's flat
 * segments) is derived again rather than taken from the file. */
static void restore_read_pages(struct emu *m)
{
    for (uint32_t k = 0; k < snap_n_cpus(m); k++) {
        struct tlb *t = &board_cpu(m, k)->tlb;
        for (unsigned n = 0; n < TLB_ENTRIES; n++) {
            struct tlb_entry *e = &t->e[n];
            if ((e->flags & TLB_HOSTR) && !e->host)
                e->host = (uint8_t *)bus_read_page(&m->bus, e->ppage);
            if (!e->host)
                e->flags &= ~TLB_HOSTR;
        }
        struct cpu *c = board_cpu(m, k);
        c->cpl &= 3; /* indexes the fast tags: a file's made-up CPL stays inside them */
        for (int r = 8; r < 16; r++)
            c->gpr[r] = 0; /* R8-R15 do not exist here: always 0 (ea_offset(), ops.h) */
        t->watched = (c->dr[7] & DR7_ENABLE_MASK) || c->attention;
        mmu_fast_refresh(c); /* derived state, never trusted from the file */
        for (int s = 0; s < SEG_COUNT; s++)
            seg_fast_update(&c->seg[s]); /* cpu.h */
        c->seg_flat = cpu_seg_flat(c);
    }
}

static void apply_smp(struct emu *m, const uint8_t *data)
{
    struct snap_smp t;
    memcpy(&t, data, sizeof t);
    m->turn.open = t.open != 0;
    m->turn.until = t.until;
}

static void apply_board(struct emu *m, const uint8_t *data)
{
    struct snap_board b;
    memcpy(&b, data, sizeof b);
    memcpy(m->pam, b.pam, sizeof b.pam);
    for (int k = 0; k < PIIX3_NPIRQ; k++)
        m->pirq[k] = b.pirq[k];
    m->intr_level = b.intr_level != 0;
    m->a20_kbc = b.a20_kbc != 0;
    m->a20_port92 = b.a20_port92 != 0;
    m->reset_pending = b.reset_pending != 0;
    m->powered_off = b.powered_off != 0;
    m->exited = b.exited != 0;
    m->exit_code = b.exit_code;
}

static void apply_bus_clock(struct emu *m, const uint8_t *bus, const uint8_t *clock)
{
    m->bus.hole_start = rd_u64(bus);
    m->bus.hole_end = rd_u64(bus + 8);
    for (int k = 0; k < m->bus.n_mmio; k++)
        m->bus.mmio[k].base = rd_u64(bus + 24 + 8 * (size_t)k);
    for (int k = 0; k < m->clock.n; k++)
        m->clock.timers[k]->when = rd_u64(clock + 8 + (size_t)k * (SNAP_NAME_LEN + 8) +
                                          SNAP_NAME_LEN);
}

/* The most bytes one region keeps (apply_region's scratch). */
static size_t largest(const struct plan *pl)
{
    size_t max = sizeof(struct cpu);
    for (size_t k = 0; k < pl->n; k++) {
        size_t kept = 0;
        for (size_t j = 0; j < pl->regions[k].n_keep; j++)
            kept += pl->regions[k].keep[j].size;
        max = kept > max ? kept : max;
    }
    return max;
}

int snap_load(struct emu *m, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    struct parsed *p = malloc(sizeof *p);
    struct plan *pl = malloc(sizeof *pl);
    const struct section *desc;
    uint8_t *scratch = NULL;
    int rc = -1;
    if (!p || !pl)
        snprintf(err, errlen, "out of memory");
    else if (snap_parse(buf, len, p, err, errlen) == 0 &&
             need(p, "machine", sizeof(struct snap_machine), &desc, err, errlen) == 0 &&
             check_machine(m, desc, err, errlen) == 0 && check_sizes(m, p, pl, err, errlen) == 0) {
        scratch = malloc(largest(pl));
        if (!scratch) {
            snprintf(err, errlen, "out of memory");
        } else {
            for (uint32_t k = 0; k < snap_n_cpus(m); k++) {
                struct snap_region cpu = snap_cpu_region(m, k);
                apply_region(&cpu, pl->cpu[k], scratch);
                apply_tlb(m, board_cpu(m, k), pl->tlb[k]->data);
            }
            apply_smp(m, pl->smp->data);
            apply_board(m, pl->board->data);
            apply_bus_clock(m, pl->bus->data, pl->clock->data);
            for (size_t k = 0; k < pl->n; k++)
                apply_region(&pl->regions[k], pl->dev[k], scratch);
            apply_sparse(pl->ram, m->bus.ram, m->bus.ram_size, NULL, NULL);
            restore_read_pages(m);
            if (m->cpu.tcache)
                tcache_flush(m->cpu.tcache); /* its blocks were decoded from the old RAM */
            rc = 0;
        }
    }
    free(scratch);
    free(pl);
    free(p);
    return rc;
}
