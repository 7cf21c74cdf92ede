/*
 * blockdev_cow.c - the copy-on-write overlay of blockdev_cow.h.
 *
 * The device is cut into clusters of BLOCKDEV_COW_CLUSTER bytes (the last
 * one may be short). A table holds one pointer per cluster: NULL while the
 * guest has not written into it (reads go to the base), else a private copy
 * in memory (reads and writes go there). A first write into a cluster
 * copies the whole cluster from the base, then changes the copy, so a write
 * of part of a sector-sized range never needs to merge old and new bytes
 * later. 64 KiB clusters keep the table small (one pointer per 64 KiB: 128
 * KiB of table for an 8 GiB disk) at the cost of copying 64 KiB on the
 * first write to each.
 *
 * Like every backend, the callbacks are reached only through
 * blockdev_read()/blockdev_write(), which keep every range inside size.
 */
#include "blockdev_cow.h"

#include <stdlib.h>
#include <string.h>

/* The overlay's state: bd->opaque. */
struct cow {
    const struct blockdev *base; /* where unwritten bytes come from */
    uint8_t **cluster;           /* one per cluster: its copy, or NULL: still the base's */
    uint64_t nclusters;          /* entries in cluster */
    uint64_t copied;             /* clusters with a copy */
};

/* Bytes in cluster k: BLOCKDEV_COW_CLUSTER, less for a short last one. */
static size_t cluster_len(const struct cow *c, uint64_t k)
{
    uint64_t start = k * BLOCKDEV_COW_CLUSTER;
    uint64_t left = c->base->size - start;
    return left < BLOCKDEV_COW_CLUSTER ? (size_t)left : BLOCKDEV_COW_CLUSTER;
}

/* Call fn for each piece of [offset, offset+len) that lies in one cluster:
 * the cluster, the offset inside it, the piece's length and its place in
 * the caller's buffer. Stops at, and returns, the first non-zero result. */
typedef int cow_piece_fn(struct cow *c, uint64_t k, size_t at, size_t n, size_t pos, void *ctx);

static int for_each_piece(struct cow *c, uint64_t offset, size_t len, cow_piece_fn *fn, void *ctx)
{
    size_t pos = 0;
    while (pos < len) {
        uint64_t k = offset / BLOCKDEV_COW_CLUSTER;
        size_t at = (size_t)(offset % BLOCKDEV_COW_CLUSTER);
        size_t n = BLOCKDEV_COW_CLUSTER - at;
        if (n > len - pos)
            n = len - pos;
        int r = fn(c, k, at, n, pos, ctx);
        if (r != 0)
            return r;
        offset += n;
        pos += n;
    }
    return 0;
}

static int read_piece(struct cow *c, uint64_t k, size_t at, size_t n, size_t pos, void *buf)
{
    uint8_t *dst = (uint8_t *)buf + pos;
    if (c->cluster[k]) {
        memcpy(dst, c->cluster[k] + at, n);
        return 0;
    }
    return c->base->read(c->base->opaque, k * BLOCKDEV_COW_CLUSTER + at, dst, n);
}

/* The copy of cluster k, made from the base on first use; NULL when out of
 * memory or the base cannot be read (the guest then sees a write error). */
static uint8_t *cluster_copy(struct cow *c, uint64_t k)
{
    if (c->cluster[k])
        return c->cluster[k];
    size_t len = cluster_len(c, k);
    uint8_t *p = malloc(len);
    if (!p)
        return NULL;
    if (c->base->read(c->base->opaque, k * BLOCKDEV_COW_CLUSTER, p, len) != 0) {
        free(p);
        return NULL;
    }
    c->cluster[k] = p;
    c->copied++;
    return p;
}

static int write_piece(struct cow *c, uint64_t k, size_t at, size_t n, size_t pos, void *buf)
{
    uint8_t *copy = cluster_copy(c, k);
    if (!copy)
        return -1;
    memcpy(copy + at, (const uint8_t *)buf + pos, n);
    return 0;
}

static int cow_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    return for_each_piece(opaque, offset, len, read_piece, buf);
}

static int cow_write(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    /* write_piece only reads from buf: the cast keeps one piece-callback type. */
    return for_each_piece(opaque, offset, len, write_piece, (void *)(uintptr_t)buf);
}

int blockdev_cow_init(struct blockdev *bd, const struct blockdev *base)
{
    *bd = (struct blockdev){0};
    struct cow *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    c->base = base;
    c->nclusters = (base->size + BLOCKDEV_COW_CLUSTER - 1) / BLOCKDEV_COW_CLUSTER;
    if (c->nclusters > SIZE_MAX / sizeof *c->cluster ||
        !(c->cluster = calloc(c->nclusters ? (size_t)c->nclusters : 1, sizeof *c->cluster))) {
        free(c);
        return -1;
    }
    *bd = (struct blockdev){cow_read, cow_write, base->size, c};
    return 0;
}

void blockdev_cow_free(struct blockdev *bd)
{
    struct cow *c = bd->opaque;
    if (c) {
        for (uint64_t k = 0; k < c->nclusters; k++)
            free(c->cluster[k]);
        free(c->cluster);
        free(c);
    }
    *bd = (struct blockdev){0};
}

uint64_t blockdev_cow_bytes(const struct blockdev *bd)
{
    const struct cow *c = bd->opaque;
    return c ? c->copied * BLOCKDEV_COW_CLUSTER : 0;
}
