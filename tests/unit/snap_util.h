/*
 * snap_util.h - machines for the snapshot and reverse-execution suites
 * (test_snapshot.c, test_reverse.c): the real struct emu running
 * tests/snapshot/guest.asm (timer interrupts, demand paging, serial input),
 * which snapshot.mk assembles next to the suite binaries as snap_guest.bin.
 *
 * Each machine captures what the guest prints on the debug console and on
 * COM1, so a test can check that a restored machine prints what the
 * original did, and nothing twice.
 */
#ifndef LAB86_SNAP_UTIL_H
#define LAB86_SNAP_UTIL_H

#include <check.h>
#include <libgen.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "snapshot.h"

#define SG_LOOP_HEAD 0x100300u /* the guest's main loop (guest.asm) */
#define SG_COUNTER   0x113000u + 12 /* its round counter */
#define SG_RAM       (2u << 20) /* the guest stays below 2 MiB */
#define SG_END       20000000u /* cycles: far more than the guest needs (3.4 million) */

/* The guest image, read once by main() from beside the suite binary. */
static uint8_t *sg_image;
static size_t sg_image_len;

static inline void sg_read_image(const char *argv0)
{
    /* Snapshots are a few MiB each: keep freed ones in the heap for the
     * next, rather than mapping fresh pages for every one. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    char path[4096];
    char *copy = strdup(argv0);
    snprintf(path, sizeof path, "%s/snap_guest.bin", dirname(copy));
    free(copy);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s (built by tests/snapshot/snapshot.mk)\n", path);
        exit(1);
    }
    sg_image = malloc(65536);
    sg_image_len = fread(sg_image, 1, 65536, f);
    fclose(f);
}

/* What a machine printed. */
struct sg_out {
    char text[8192]; /* the bytes, NUL-terminated (cut at the end) */
    size_t len;      /* how many */
};

static inline void sg_capture(void *opaque, const uint8_t *buf, size_t len)
{
    struct sg_out *o = opaque;
    for (size_t k = 0; k < len && o->len + 1 < sizeof o->text; k++)
        o->text[o->len++] = (char)buf[k];
    o->text[o->len] = '\0';
}

/* A machine with its outputs. */
struct sg_machine {
    struct emu *m;          /* the machine */
    struct sg_out console;  /* the debug console */
    struct sg_out serial;   /* COM1 */
    struct chardev con_cd;  /* their chardevs */
    struct chardev ser_cd;
};

static inline struct sg_machine *sg_new_cfg(struct emu_config cfg)
{
    char err[200];
    struct sg_machine *s = calloc(1, sizeof *s);
    ck_assert_ptr_nonnull(s);
    s->con_cd = (struct chardev){sg_capture, &s->console};
    s->ser_cd = (struct chardev){sg_capture, &s->serial};
    cfg.console = &s->con_cd;
    cfg.serial = &s->ser_cd;
    s->m = emu_create(&cfg, err, sizeof err);
    ck_assert_msg(s->m != NULL, "%s", err);
    ck_assert_msg(emu_load_multiboot(s->m, sg_image, sg_image_len, NULL, err, sizeof err) == 0,
                  "%s", err);
    return s;
}

static inline struct sg_machine *sg_new(enum emu_core core)
{
    struct emu_config cfg = {.ram_size = SG_RAM, .core = core};
    return sg_new_cfg(cfg);
}

static inline void sg_free(struct sg_machine *s)
{
    emu_destroy(s->m);
    free(s);
}

/* Run to exactly cycle `at` at least (the last instruction may pass it). */
static inline enum emu_stop sg_run_to(struct sg_machine *s, uint64_t at)
{
    uint64_t now = emu_cycles(s->m);
    return emu_run(s->m, at > now ? at - now : 0);
}

/* Save m (file format) into a new buffer. */
static inline uint8_t *sg_save(struct emu *m, size_t *len)
{
    uint8_t *buf;
    char err[200];
    ck_assert_msg(emu_save(m, &buf, len, err, sizeof err) == 0, "%s", err);
    return buf;
}

/* Machines a and b are the same: CPU and RAM (emu_diff), every device
 * section (snap_diff). */
static inline void sg_assert_same(struct emu *a, struct emu *b)
{
    char out[2048];
    int n = emu_diff(a, b, true, out, sizeof out);
    ck_assert_msg(n == 0, "emu_diff: %d differences:\n%s", n, out);
    n = snap_diff(a, b, out, sizeof out);
    ck_assert_msg(n == 0, "snap_diff: %d differences:\n%s", n, out);
}

#endif
