/*
 * moo.c - the MOO test-vector reader (see moo.h).
 *
 * Parsing is a walk over nested chunk lists. struct span is a bounded view
 * of bytes with a cursor; next_chunk() takes one chunk header off it and
 * refuses any length that would run past the span, so every later read of
 * a payload only needs to check the payload's own fields against c->len.
 * The helpers return NULL on success or a short message naming what was
 * malformed; moo_next() prefixes it with the test index.
 */
#include "moo.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* The largest decompressed file accepted: far above any real one (about 1 MiB). */
#define MOO_MAX_FILE (256u << 20)

/* Offsets inside fixed-layout payloads (README: "The MOO format"). */
#define HDR_LEN       12 /* MOO : major, minor, reserved[2], test_count, cpu_id[4] */
#define META_MODE_OFF 27 /* META: cpu_mode after major..seed */
#define EXCP_LEN      5  /* EXCP: vector, flags address */
#define HASH_LEN      20 /* HASH: SHA-1 */
#define RAM_ENTRY     5  /* RAM : u32 address, u8 value */

/* A bounded byte range and a cursor into it. */
struct span {
    const uint8_t *p; /* first byte */
    size_t len;       /* bytes in the range */
    size_t pos;       /* cursor */
};

/* One chunk: its type and its payload. */
struct chunk {
    char type[5];     /* four ASCII characters, NUL-terminated */
    const uint8_t *p; /* payload */
    uint32_t len;     /* payload length */
};

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int set_err(struct moo_file *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->err, sizeof f->err, fmt, ap);
    va_end(ap);
    return -1;
}

/* Take the next chunk off s: 1, 0 at the end, -1 if it overruns the span. */
static int next_chunk(struct span *s, struct chunk *c)
{
    if (s->pos == s->len)
        return 0;
    if (s->len - s->pos < 8)
        return -1;
    const uint8_t *h = s->p + s->pos;
    uint32_t n = le32(h + 4);
    if (n > s->len - s->pos - 8)
        return -1;
    memcpy(c->type, h, 4);
    c->type[4] = '\0';
    c->p = h + 8;
    c->len = n;
    s->pos += 8 + (size_t)n;
    return 1;
}

static bool is(const struct chunk *c, const char *type)
{
    return memcmp(c->type, type, 4) == 0;
}

/* A REGS or RMSK payload: a mask, then one u16 per set bit. */
static const char *parse_regs(const struct chunk *c, struct moo_regs *r)
{
    if (c->len < 2)
        return "short REGS/RMSK";
    memset(r, 0, sizeof *r);
    r->mask = le16(c->p);
    if (r->mask >> MOO_NREGS)
        return "REGS/RMSK mask names unknown registers";
    size_t off = 2;
    for (int k = 0; k < MOO_NREGS; k++) {
        if (!(r->mask & (1u << k)))
            continue;
        if (off + 2 > c->len)
            return "REGS/RMSK shorter than its mask";
        r->r[k] = le16(c->p + off);
        off += 2;
    }
    return NULL;
}

static const char *parse_ram(const struct chunk *c, struct moo_ram *ram)
{
    if (c->len < 4)
        return "short RAM";
    uint32_t n = le32(c->p);
    if (n > (c->len - 4) / RAM_ENTRY)
        return "RAM count overruns the chunk";
    ram->p = c->p + 4;
    ram->count = n;
    return NULL;
}

/* An INIT or FINA container: REGS, RAM, RMSK; QUEU and others skipped. */
static const char *parse_state(const struct chunk *c, struct moo_state *st)
{
    struct span s = {c->p, c->len, 0};
    struct chunk k;
    const char *e = NULL;
    bool regs = false;
    int rc;

    memset(st, 0, sizeof *st);
    while (!e && (rc = next_chunk(&s, &k)) > 0) {
        if (is(&k, "REGS")) {
            e = parse_regs(&k, &st->regs);
            regs = true;
        } else if (is(&k, "RAM ")) {
            e = parse_ram(&k, &st->ram);
        } else if (is(&k, "RMSK")) {
            e = parse_regs(&k, &st->rmsk);
            st->has_rmsk = true;
        }
    }
    if (e)
        return e;
    if (rc < 0)
        return "chunk overruns INIT/FINA";
    return regs ? NULL : "INIT/FINA without REGS";
}

/* A u32-length-prefixed byte string (NAME, BYTS). */
static const char *parse_lstring(const struct chunk *c, const uint8_t **p, uint32_t *n)
{
    if (c->len < 4 || le32(c->p) > c->len - 4)
        return "NAME/BYTS length overruns the chunk";
    *p = c->p + 4;
    *n = le32(c->p);
    return NULL;
}

static const char *parse_name(const struct chunk *c, struct moo_test *t)
{
    const uint8_t *p;
    uint32_t n;
    const char *e = parse_lstring(c, &p, &n);
    if (e)
        return e;
    if (n > sizeof t->name - 1)
        n = sizeof t->name - 1;
    memcpy(t->name, p, n);
    t->name[n] = '\0';
    return NULL;
}

/* One sub-chunk of a TEST. */
static const char *parse_test_part(const struct chunk *k, struct moo_test *t, unsigned *seen)
{
    if (is(k, "NAME"))
        return parse_name(k, t);
    if (is(k, "BYTS")) {
        *seen |= 1;
        return parse_lstring(k, &t->bytes, &t->nbytes);
    }
    if (is(k, "INIT")) {
        *seen |= 2;
        return parse_state(k, &t->init);
    }
    if (is(k, "FINA")) {
        *seen |= 4;
        return parse_state(k, &t->fina);
    }
    if (is(k, "EXCP")) {
        if (k->len < EXCP_LEN)
            return "short EXCP";
        t->has_excp = true;
        t->excp_vector = k->p[0];
        t->excp_flags_addr = le32(k->p + 1);
    } else if (is(k, "HASH")) {
        if (k->len < HASH_LEN)
            return "short HASH";
        t->has_hash = true;
        memcpy(t->hash, k->p, HASH_LEN);
    }
    return NULL; /* CYCL, GMET and unknown chunks: skipped */
}

static const char *parse_test(const struct chunk *c, struct moo_test *t)
{
    memset(t, 0, sizeof *t);
    if (c->len < 4)
        return "short TEST";
    t->index = le32(c->p);
    strcpy(t->name, "?");

    struct span s = {c->p + 4, c->len - 4, 0};
    struct chunk k;
    const char *e = NULL;
    unsigned seen = 0;
    int rc;
    while (!e && (rc = next_chunk(&s, &k)) > 0)
        e = parse_test_part(&k, t, &seen);
    if (e)
        return e;
    if (rc < 0)
        return "sub-chunk overruns the TEST";
    if (seen != 7)
        return "TEST lacks BYTS, INIT or FINA";
    if (t->init.regs.mask != (1u << MOO_NREGS) - 1)
        return "INIT does not give all 14 registers";
    return NULL;
}

int moo_next(struct moo_file *f, struct moo_test *t)
{
    struct span s = {f->data, f->len, f->pos};
    struct chunk c;
    int rc;

    while ((rc = next_chunk(&s, &c)) > 0) {
        f->pos = s.pos;
        if (is(&c, "TEST")) {
            const char *e = parse_test(&c, t);
            if (e)
                return set_err(f, "test %u: %s", c.len >= 4 ? le32(c.p) : 0, e);
            return 1;
        }
        if (is(&c, "META")) {
            if (c.len <= META_MODE_OFF)
                return set_err(f, "short META chunk");
            f->cpu_mode = c.p[META_MODE_OFF];
        } else if (is(&c, "RMSK")) {
            const char *e = parse_regs(&c, &f->rmsk);
            if (e)
                return set_err(f, "%s", e);
            f->has_rmsk = true;
        }
    }
    if (rc < 0)
        return set_err(f, "chunk at offset %zu overruns the file", s.pos);
    return 0;
}

/* Decompress path into f->data (gzread passes plain files through). */
static int read_file(struct moo_file *f, const char *path)
{
    errno = 0;
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return set_err(f, "cannot open: %s", errno ? strerror(errno) : "out of memory");
    size_t cap = 1u << 20, len = 0;
    uint8_t *buf = malloc(cap);
    int n = 0;
    while (buf) {
        if (len == cap) {
            uint8_t *bigger = cap < MOO_MAX_FILE ? realloc(buf, cap * 2) : NULL;
            if (!bigger)
                break;
            buf = bigger;
            cap *= 2;
        }
        n = gzread(gz, buf + len, (unsigned)(cap - len));
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    /* A stream that stops short ends with n == 0 and Z_BUF_ERROR. */
    int gzerr = Z_OK;
    const char *msg = gzerror(gz, &gzerr);
    int rc = !buf || len == cap              ? set_err(f, "too large, or out of memory")
             : n < 0 || gzerr == Z_BUF_ERROR ? set_err(f, "corrupt or truncated gzip data: %s", msg)
                                             : 0;
    gzclose(gz);
    if (rc) {
        free(buf);
        return rc;
    }
    f->data = buf;
    f->len = len;
    return 0;
}

int moo_open(struct moo_file *f, const char *path)
{
    struct chunk c;

    memset(f, 0, sizeof *f);
    if (read_file(f, path))
        return -1;
    struct span s = {f->data, f->len, 0};
    if (next_chunk(&s, &c) <= 0 || !is(&c, "MOO ") || c.len < HDR_LEN) {
        moo_close(f);
        return set_err(f, "not a MOO file (no MOO header)");
    }
    f->major = c.p[0];
    f->minor = c.p[1];
    f->test_count = le32(c.p + 4);
    memcpy(f->cpu_id, c.p + 8, 4);
    if (f->major != 1) {
        moo_close(f);
        return set_err(f, "MOO version %u.%u not supported (1.x expected)", f->major, f->minor);
    }
    f->pos = s.pos;
    return 0;
}

void moo_ram_entry(const struct moo_ram *r, uint32_t k, uint32_t *addr, uint8_t *val)
{
    const uint8_t *e = r->p + (size_t)k * RAM_ENTRY;
    *addr = le32(e);
    *val = e[4];
}

void moo_close(struct moo_file *f)
{
    free(f->data);
    f->data = NULL;
    f->len = f->pos = 0;
}
