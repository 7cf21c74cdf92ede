/*
 * blockdev_cow.h - a copy-on-write overlay on a struct blockdev: the
 * backend behind `lab86 run --snapshot`.
 *
 * The overlay is itself a struct blockdev of the same size as its base. Its
 * reads return what the guest wrote during the run, and the base's bytes
 * everywhere else; its writes go to memory only, so the base (usually a
 * disk image file, opened read-only for the purpose) is never written. When
 * the overlay is freed, the writes are gone. A disk controller cannot tell
 * an overlay from any other backend (blockdev.h).
 */
#ifndef LAB86_BLOCKDEV_COW_H
#define LAB86_BLOCKDEV_COW_H

#include "blockdev.h"

/* The overlay copies the base in clusters of this many bytes, the first
 * time the guest writes into one. */
#define BLOCKDEV_COW_CLUSTER 65536u

/* Make bd a writable overlay on base, which must outlive it (its write
 * callback, if any, is never called). Returns 0, or -1 when out of memory. */
int blockdev_cow_init(struct blockdev *bd, const struct blockdev *base);

/* Free the overlay and everything written to it; bd is zeroed. */
void blockdev_cow_free(struct blockdev *bd);

/* The bytes the overlay holds in memory: clusters written, times the
 * cluster size (for tests and --stats-like reports). */
uint64_t blockdev_cow_bytes(const struct blockdev *bd);

#endif
