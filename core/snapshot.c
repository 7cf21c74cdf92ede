/*
 * snapshot.c - saving the whole machine to bytes, and comparing two
 * snapshots (the format and the device interface are described in
 * snapshot.h; restoring is snapshot_load.c; the public entry points,
 * emu_save() and emu_load(), are at the end).
 *
 * Saving walks the machine in a fixed order: what it is ("machine"), each
 * CPU and its TLB ("cpu", "tlb" the BSP's; "cpu1", "tlb1" ... the APs' of
 * --smp N), the SMP scheduler's turn, the board's wires, the bus's movable
 * parts, the clock's timers, every device the board lists
 * (board_snap_regions(): the local APICs and the I/O APIC among them),
 * RAM.
 * Loading (snapshot_load.c) parses the whole buffer first, checks the magic, version, length,
 * checksum, that the machine is the same kind and that every section is
 * there with this build's size; only then does it write anything, so a
 * refused snapshot leaves the machine as it was.
 *
 * After a load the threaded core's block cache is flushed (its blocks were
 * decoded from the old RAM); the TLB is not, because it was restored
 * exactly: its walk count and entries feed the cycle model, so a flushed
 * TLB would make the restored machine's later page walks, and cycles,
 * differ from the original's.
 */
#include "snapshot_impl.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "emu.h"

/* struct cpu's members that are wiring or the run loop's business, not
 * state; the TLB is saved on its own ("tlb": host pointers as offsets).
 * poke is the threaded core's hint to a running block (cpu.h), stale once
 * the core has returned: the switch core never clears it, so saved it
 * would make the two cores' snapshots of one state differ. */
static const struct snap_keep cpu_keep[] = {
    SNAP_KEEP(struct cpu, deadline),   SNAP_KEEP(struct cpu, stop_request),
    SNAP_KEEP(struct cpu, bus),        SNAP_KEEP(struct cpu, tlb),
    SNAP_KEEP(struct cpu, intr_ack),   SNAP_KEEP(struct cpu, intr_opaque),
    SNAP_KEEP(struct cpu, apic),       SNAP_KEEP(struct cpu, tcache),
    SNAP_KEEP(struct cpu, single_step_only), SNAP_KEEP(struct cpu, attention),
    SNAP_KEEP(struct cpu, dbg),        SNAP_KEEP(struct cpu, dbg_opaque),
    SNAP_KEEP(struct cpu, dbg_break),  SNAP_KEEP(struct cpu, fpu.ferr),
    SNAP_KEEP(struct cpu, poke), /* the threaded core's notice to itself (cpu.h) */
    SNAP_KEEP(struct cpu, tsc_clock), /* wiring: the TSC's clock (smp.c) */
    SNAP_KEEP(struct cpu, lf), /* the threaded core's lazy flags: settled, LF_NONE, whenever
                                  a snapshot can be taken (lazy_flags.h); the rest stale */
};

/* FNV-1a's step over 64-bit little-endian words, then the tail bytes:
 * eight times fewer multiplications than byte by byte, which matters for
 * hashing all of RAM at every save and load. */
uint64_t snap_hash(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        uint64_t w;
        memcpy(&w, b + k, sizeof w);
        h = (h ^ w) * 0x100000001b3ull;
    }
    for (; k < n; k++)
        h = (h ^ b[k]) * 0x100000001b3ull;
    return h;
}

/* --- writing --- */

struct writer {
    uint8_t *buf;  /* what was written */
    size_t len;    /* bytes used */
    size_t cap;    /* bytes allocated */
    bool oom;      /* a realloc failed: everything after is dropped */
};

static void *w_reserve(struct writer *w, size_t n)
{
    if (w->oom)
        return NULL;
    if (n > w->cap - w->len) {
        size_t cap = w->cap ? w->cap : 4096;
        while (n > cap - w->len)
            cap *= 2;
        uint8_t *p = realloc(w->buf, cap);
        if (!p) {
            w->oom = true;
            return NULL;
        }
        w->buf = p;
        w->cap = cap;
    }
    void *p = w->buf + w->len;
    w->len += n;
    return p;
}

static void w_bytes(struct writer *w, const void *p, size_t n)
{
    void *q = w_reserve(w, n);
    if (q && n)
        memcpy(q, p, n);
}

static void w_u64(struct writer *w, uint64_t v)
{
    w_bytes(w, &v, sizeof v);
}

/* A section header; returns the offset of its length, patched by s_end(). */
static size_t s_begin(struct writer *w, const char *name)
{
    char field[SNAP_NAME_LEN] = {0};
    strncpy(field, name, SNAP_NAME_LEN - 1);
    w_bytes(w, field, SNAP_NAME_LEN);
    size_t at = w->len;
    w_u64(w, 0);
    return at;
}

static void s_end(struct writer *w, size_t at)
{
    if (w->oom)
        return;
    uint64_t len = w->len - at - sizeof(uint64_t);
    memcpy(w->buf + at, &len, sizeof len);
}

/* Is page k of p[0..n) all zero bytes? */
bool snap_zero_page(const uint8_t *p, size_t n, size_t k)
{
    size_t len = n - k * SNAP_PAGE < SNAP_PAGE ? n - k * SNAP_PAGE : SNAP_PAGE;
    const uint8_t *q = p + k * SNAP_PAGE;
    uint64_t any = 0;
    size_t at = 0;
    for (; at + 32 <= len; at += 32) { /* four words a round: the loop is memory-bound */
        uint64_t w[4];
        memcpy(w, q + at, sizeof w);
        any |= w[0] | w[1] | w[2] | w[3];
        if (any)
            return false;
    }
    for (; at < len; at++)
        any |= q[at];
    return any == 0;
}

/* p[0..n) in the sparse encoding (snapshot.h): u64 n, a bitmap of the
 * pages that hold a non-zero byte, those pages. Returns where each page
 * went in the writer's buffer (0: left out), for w_region's masking;
 * NULL when out of memory. */
static size_t *w_sparse(struct writer *w, const uint8_t *p, size_t n)
{
    size_t pages = (n + SNAP_PAGE - 1) / SNAP_PAGE;
    size_t *where = calloc(pages ? pages : 1, sizeof *where);
    if (!where) {
        w->oom = true;
        return NULL;
    }
    w_u64(w, n);
    size_t map = w->len;
    uint8_t *bits = w_reserve(w, (pages + 7) / 8);
    if (bits)
        memset(bits, 0, (pages + 7) / 8);
    for (size_t k = 0; k < pages && !w->oom; k++) {
        if (snap_zero_page(p, n, k))
            continue;
        size_t len = n - k * SNAP_PAGE < SNAP_PAGE ? n - k * SNAP_PAGE : SNAP_PAGE;
        where[k] = w->len;
        w_bytes(w, p + k * SNAP_PAGE, len);
        if (!w->oom)
            w->buf[map + k / 8] |= (uint8_t)(1u << (k % 8));
    }
    return where;
}

/* A state struct, with its kept members zeroed in the copy (a file holds
 * no host pointers, and two saves of one state give the same bytes); a
 * large one sparse (its zero pages left out). */
static void w_region(struct writer *w, const struct snap_region *r)
{
    size_t at = s_begin(w, r->name);
    if (r->size >= SNAP_SPARSE_MIN) {
        size_t *where = w_sparse(w, r->state, r->size);
        for (size_t k = 0; where && !w->oom && k < r->n_keep; k++)
            for (size_t b = r->keep[k].offset; b < r->keep[k].offset + r->keep[k].size; b++)
                if (where[b / SNAP_PAGE])
                    w->buf[where[b / SNAP_PAGE] + b % SNAP_PAGE] = 0;
        free(where);
    } else {
        uint8_t *p = w_reserve(w, r->size);
        if (p) {
            memcpy(p, r->state, r->size);
            for (size_t k = 0; k < r->n_keep; k++)
                memset(p + r->keep[k].offset, 0, r->keep[k].size);
        }
    }
    s_end(w, at);
}

/* The sections of CPU k (0 the BSP): its struct cpu and its TLB. */
static const char *const cpu_names[EMU_MAX_CPUS] = {"cpu",  "cpu1", "cpu2", "cpu3",
                                                    "cpu4", "cpu5", "cpu6", "cpu7"};
static const char *const tlb_names[EMU_MAX_CPUS] = {"tlb",  "tlb1", "tlb2", "tlb3",
                                                    "tlb4", "tlb5", "tlb6", "tlb7"};
_Static_assert(EMU_MAX_CPUS == 8, "name every CPU's sections");

const char *snap_tlb_name(uint32_t k)
{
    return tlb_names[k];
}

struct snap_region snap_cpu_region(struct emu *m, uint32_t k)
{
    /* Up to the decode memo, a cache that ends the struct (cpu.h). */
    struct snap_region r = SNAP_REGION(cpu_names[k], board_cpu(m, k), cpu_keep);
    r.size = offsetof(struct cpu, memo);
    return r;
}

/* The firmware's identity: the BIOS and, on the pc board, the ROM sides. */
static uint64_t firmware_hash(const struct emu *m)
{
    uint64_t h = snap_hash(SNAP_FNV_INIT, m->fw.flash, m->fw.flash_len);
    if (m->shadow_rom)
        h = snap_hash(h, m->shadow_rom, BOARD_SHADOW_SIZE);
    if (m->vga_rom)
        h = snap_hash(h, m->vga_rom, FW_VGA_BIOS_MAX);
    return h;
}

/* A disk's contents through its backend, in 64 KiB pieces; false when a
 * read fails. */
bool snap_disk_hash(const struct blockdev *bd, uint64_t *out)
{
    enum { PIECE = 65536 };
    uint8_t *buf = malloc(PIECE);
    uint64_t h = SNAP_FNV_INIT;
    bool ok = buf != NULL;
    for (uint64_t at = 0; ok && at < bd->size; at += PIECE) {
        size_t n = bd->size - at < PIECE ? (size_t)(bd->size - at) : PIECE;
        ok = bd->read(bd->opaque, at, buf, n) == 0;
        h = snap_hash(h, buf, n);
    }
    free(buf);
    *out = h;
    return ok;
}

const struct blockdev *snap_drive(const struct emu *m, int k)
{
    const struct emu_config *c = &m->cfg;
    const struct blockdev *d[SNAP_DRIVES] = {c->hda, c->hdb, c->cdrom, c->fda, c->fdb};
    return d[k];
}

void snap_describe(const struct emu *m, enum snap_mode mode, struct snap_machine *s)
{
    memset(s, 0, sizeof *s);
    s->ram_size = m->bus.ram_size;
    s->board = m->cfg.board;
    s->hz = emu_cpu_hz(m);
    s->fw_len = m->fw.flash_len;
    s->fw_hash = firmware_hash(m);
    s->n_cpus = snap_n_cpus(m);
    for (int k = 0; k < SNAP_DRIVES; k++) {
        const struct blockdev *bd = snap_drive(m, k);
        if (!bd)
            continue;
        s->drive_size[k] = bd->size + 1;
        s->drive_flags[k] = bd->write ? DRIVE_WRITABLE : 0;
        if (mode == SNAP_FILE && bd->write && bd->size <= SNAP_HASH_DISK_MAX &&
            snap_disk_hash(bd, &s->drive_hash[k]))
            s->drive_flags[k] |= DRIVE_HASHED;
    }
}

/* CPU cpu's TLB. */
static void w_tlb(struct writer *w, struct emu *m, uint32_t cpu)
{
    struct tlb t = board_cpu(m, cpu)->tlb;
    for (unsigned k = 0; k < TLB_ENTRIES; k++) {
        /* Only a pointer into RAM is saved (as its offset); one into a ROM
         * or the shadow's ROM side (bus_read_page) is dropped, and the
         * restored entry reads through the bus instead: slower, as exact. */
        uintptr_t h = (uintptr_t)t.e[k].host, ram = (uintptr_t)m->bus.ram;
        bool in_ram = h >= ram && h - ram < m->bus.ram_size;
        uint64_t off = in_ram ? (uint64_t)(h - ram) : TLB_NO_HOST;
        memcpy(&t.e[k].host, &off, sizeof off); /* a pointer's bytes hold the offset */
    }
    /* The fast tags are derived (a load derives them again), and they
     * depend on which pages hold the threaded core's cached code (tlb.h),
     * which is no part of the machine: the same machine saves the same
     * bytes, whichever core ran it and whatever it cached. */
    memset(t.fast, 0, sizeof t.fast);
    memset(t.addend, 0, sizeof t.addend); /* host addresses, derived too */
    size_t at = s_begin(w, tlb_names[cpu]);
    w_bytes(w, &t, sizeof t);
    s_end(w, at);
}

static void w_board(struct writer *w, const struct emu *m)
{
    struct snap_board b;
    memset(&b, 0, sizeof b);
    memcpy(b.pam, m->pam, sizeof b.pam);
    for (int k = 0; k < PIIX3_NPIRQ; k++)
        b.pirq[k] = m->pirq[k];
    b.intr_level = m->intr_level;
    b.a20_kbc = m->a20_kbc;
    b.a20_port92 = m->a20_port92;
    b.reset_pending = m->reset_pending;
    b.powered_off = m->powered_off;
    b.exited = m->exited;
    b.exit_code = m->exit_code;
    size_t at = s_begin(w, "board");
    w_bytes(w, &b, sizeof b);
    s_end(w, at);
}

/* The SMP scheduler's turn (smp.c): whether the BSP is inside one whose
 * APs have not run yet, and where it ends. Written for one CPU too (all
 * zero), so that every snapshot has the same sections. */
static void w_smp(struct writer *w, const struct emu *m)
{
    struct snap_smp t = {.open = m->turn.open, .until = m->turn.until};
    size_t at = s_begin(w, "smp");
    w_bytes(w, &t, sizeof t);
    s_end(w, at);
}

static void w_bus(struct writer *w, const struct emu *m)
{
    size_t at = s_begin(w, "bus");
    w_u64(w, m->bus.hole_start);
    w_u64(w, m->bus.hole_end);
    w_u64(w, (uint64_t)m->bus.n_mmio);
    for (int k = 0; k < m->bus.n_mmio; k++)
        w_u64(w, m->bus.mmio[k].base);
    s_end(w, at);
}

static void w_clock(struct writer *w, const struct emu *m)
{
    size_t at = s_begin(w, "clock");
    w_u64(w, (uint64_t)m->clock.n);
    for (int k = 0; k < m->clock.n; k++) {
        char name[SNAP_NAME_LEN] = {0};
        strncpy(name, m->clock.timers[k]->name ? m->clock.timers[k]->name : "", sizeof name - 1);
        w_bytes(w, name, sizeof name);
        w_u64(w, m->clock.timers[k]->when);
    }
    s_end(w, at);
}

int snap_save(struct emu *m, enum snap_mode mode, uint8_t **out, size_t *len, char *err,
              size_t errlen)
{
    struct writer w = {0};
    struct snap_machine desc;
    struct snap_region regions[SNAP_MAX_REGIONS];
    size_t n = board_snap_regions(m, regions, SNAP_MAX_REGIONS);
    uint32_t hdr[2] = {SNAP_VERSION, mode == SNAP_FILE ? SNAP_F_CHECKSUM : 0};

    w_reserve(&w, m->bus.ram_size + (1u << 20)); /* one allocation, nearly always */
    w.len = 0;
    w_bytes(&w, SNAP_MAGIC, SNAP_MAGIC_LEN);
    w_bytes(&w, hdr, sizeof hdr);
    w_u64(&w, 0); /* the total, patched below */
    snap_describe(m, mode, &desc);
    size_t at = s_begin(&w, "machine");
    w_bytes(&w, &desc, sizeof desc);
    s_end(&w, at);
    for (uint32_t k = 0; k < snap_n_cpus(m); k++) {
        struct snap_region cpu = snap_cpu_region(m, k);
        w_region(&w, &cpu);
        w_tlb(&w, m, k);
    }
    w_smp(&w, m);
    w_board(&w, m);
    w_bus(&w, m);
    w_clock(&w, m);
    for (size_t k = 0; k < n; k++)
        w_region(&w, &regions[k]);
    at = s_begin(&w, "ram");
    free(w_sparse(&w, m->bus.ram, m->bus.ram_size));
    s_end(&w, at);
    at = s_begin(&w, "end");
    w_u64(&w, 0);
    s_end(&w, at);
    if (w.oom) {
        free(w.buf);
        snprintf(err, errlen, "out of memory for the snapshot");
        return -1;
    }
    uint64_t total = w.len;
    memcpy(w.buf + SNAP_MAGIC_LEN + sizeof hdr, &total, sizeof total);
    if (mode == SNAP_FILE) {
        uint64_t h = snap_hash(SNAP_FNV_INIT, w.buf, w.len - sizeof h);
        memcpy(w.buf + w.len - sizeof h, &h, sizeof h);
    }
    *out = w.buf;
    *len = w.len;
    return 0;
}

/* --- comparing --- */

/* Append one line to out. */
static void note(char **out, size_t *left, const char *name, uint64_t at)
{
    if (*left <= 1)
        return;
    int k = snprintf(*out, *left, "section %s differs at byte %llu\n", name,
                     (unsigned long long)at);
    size_t used = k < 0 ? 0 : (size_t)k < *left ? (size_t)k : *left - 1;
    *out += used;
    *left -= used;
}

int snap_compare(const uint8_t *x, size_t nx, const uint8_t *y, size_t ny, bool ram, char *out,
                 size_t len)
{
    char err[128];
    struct parsed *p = malloc(sizeof *p), *q = malloc(sizeof *q);
    int n = -1;
    if (len)
        out[0] = '\0';
    if (p && q && snap_parse(x, nx, p, err, sizeof err) == 0 && snap_parse(y, ny, q, err, sizeof err) == 0) {
        n = 0;
        for (int k = 0; k < p->n; k++) {
            const struct section *s = &p->s[k], *t = snap_find(q, s->name);
            if ((!ram && strcmp(s->name, "ram") == 0) || strcmp(s->name, "end") == 0)
                continue;
            uint64_t at = 0;
            if (t && t->len == s->len)
                while (at < s->len && s->data[at] == t->data[at])
                    at++;
            if (!t || t->len != s->len || at < s->len) {
                n++;
                note(&out, &len, s->name, at);
            }
        }
    }
    free(p);
    free(q);
    return n;
}

int snap_diff(struct emu *a, struct emu *b, char *out, size_t len)
{
    uint8_t *x = NULL, *y = NULL;
    size_t nx, ny;
    char err[128];
    int n = -1;
    if (len)
        out[0] = '\0';
    if (snap_save(a, SNAP_MEMORY, &x, &nx, err, sizeof err) == 0 &&
        snap_save(b, SNAP_MEMORY, &y, &ny, err, sizeof err) == 0)
        n = snap_compare(x, nx, y, ny, false, out, len);
    free(x);
    free(y);
    return n;
}

/* --- the public interface (emu.h) --- */

int emu_save(struct emu *m, uint8_t **out, size_t *len, char *err, size_t errlen)
{
    return snap_save(m, SNAP_FILE, out, len, err, errlen);
}

int emu_load(struct emu *m, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    return snap_load(m, buf, len, err, errlen);
}
