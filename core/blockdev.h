/*
 * blockdev.h - the host side of a disk: where the sectors a guest reads and
 * writes live.
 *
 * A disk controller model (devices/ata.c) is the guest-facing half: task
 * file, status bits, interrupts, commands. It knows nothing about files. The
 * other half is a struct blockdev, four plain fields: a read and a write
 * callback on byte ranges, the size in bytes, and the backend's state. The
 * controller never calls the callbacks itself; it goes through
 * blockdev_read()/blockdev_write(), which take a sector number, a count and a
 * sector size (512 for a hard disk, 2048 for a CD), check that the whole
 * range lies inside the device, and only then call the backend. So a backend
 * is never asked for a byte outside [0, size), whatever the guest programs.
 *
 * Two backends come with the core:
 *   - memory (blockdev_mem_init): a zeroed buffer, used by the unit tests and
 *     for small scratch disks;
 *   - file (blockdev_file_init): pread/pwrite on a file descriptor the front
 *     end opened. This is the one place in the core that touches a host file.
 *     The front end keeps everything that can fail in a user-visible way
 *     (the path, open(), permissions, the error message, close()); the core
 *     only reads and writes an open, seekable descriptor. A local image file
 *     answers at page-cache speed, so the call does not stall the run the
 *     way a terminal or socket read would.
 *
 * The hook for `--snapshot` (guest writes kept in memory, the image left
 * untouched) is this interface itself: a snapshot backend is one more
 * struct blockdev whose opaque holds the base blockdev and a table of
 * written sectors; its read returns a written sector from memory and every
 * other sector from the base; its write fills the table. The controller
 * cannot tell the difference, and nothing in devices/ changes. That backend
 * is blockdev_cow.h (it copies clusters of 64 KiB rather than sectors).
 *
 * A read-only medium (a CD image, or a disk opened read-only) has write ==
 * NULL; blockdev_write() then fails with BLOCKDEV_EROFS and the controller
 * reports a write error to the guest.
 */
#ifndef LAB86_BLOCKDEV_H
#define LAB86_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Results of the checked accessors. */
#define BLOCKDEV_OK     0
#define BLOCKDEV_ERANGE (-1) /* the sectors are not all inside the device */
#define BLOCKDEV_EROFS  (-2) /* a write to a read-only medium */
#define BLOCKDEV_EIO    (-3) /* the backend failed (host I/O error) */

/* Bytes [offset, offset+len) of the device, always inside [0, size): return
 * 0, or -1 on a host I/O error. */
typedef int blockdev_read_fn(void *opaque, uint64_t offset, void *buf, size_t len);
typedef int blockdev_write_fn(void *opaque, uint64_t offset, const void *buf, size_t len);

struct blockdev {
    blockdev_read_fn *read;   /* fetch bytes; never NULL */
    blockdev_write_fn *write; /* store bytes; NULL: read-only medium */
    uint64_t size;            /* device size in bytes (a partial last sector is unused) */
    void *opaque;             /* the backend's state */
};

/* Whole sectors of sector_size bytes on bd (a partial tail does not count). */
uint64_t blockdev_sectors(const struct blockdev *bd, uint32_t sector_size);

/* Read count sectors of sector_size bytes from sector lba into buf. Returns
 * BLOCKDEV_OK, or BLOCKDEV_ERANGE (nothing read) if any of them lies outside
 * the device, or BLOCKDEV_EIO. */
int blockdev_read(const struct blockdev *bd, uint64_t lba, uint32_t count, uint32_t sector_size,
                  void *buf);

/* Write count sectors from buf at sector lba: BLOCKDEV_OK, BLOCKDEV_ERANGE,
 * BLOCKDEV_EROFS or BLOCKDEV_EIO. */
int blockdev_write(const struct blockdev *bd, uint64_t lba, uint32_t count, uint32_t sector_size,
                   const void *buf);

/* A zeroed in-memory device of size bytes, writable unless read_only.
 * Returns 0, or -1 when out of memory. Free it with blockdev_mem_free(). */
int blockdev_mem_init(struct blockdev *bd, uint64_t size, bool read_only);
void blockdev_mem_free(struct blockdev *bd);

/* The bytes of a memory device (for tests and loaders to fill or inspect). */
uint8_t *blockdev_mem_data(const struct blockdev *bd);

/* A device on the open, seekable descriptor fd: its size is the file's size
 * now (the device never grows the file); writes go to the file unless
 * read_only. The caller keeps the descriptor open while the device is in use
 * and closes it afterwards. Returns 0, or -1 if fd cannot be sized. */
int blockdev_file_init(struct blockdev *bd, int fd, bool read_only);

#endif
