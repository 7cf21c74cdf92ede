/*
 * blockdev.c - the checked sector accessors and the two backends that come
 * with the core: memory and file descriptor (see blockdev.h).
 *
 * The range check is the guest's only way to reach a backend, so it is
 * written to be correct for every 64-bit sector number and every count:
 * nothing is multiplied until the range is known to lie inside the device,
 * whose size bounds the products.
 */
#include "blockdev.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

uint64_t blockdev_sectors(const struct blockdev *bd, uint32_t sector_size)
{
    return sector_size ? bd->size / sector_size : 0;
}

/* Is [lba, lba+count) inside bd? Written without lba + count, which could
 * wrap around for a hostile 48-bit LBA. */
static bool range_ok(const struct blockdev *bd, uint64_t lba, uint32_t count, uint32_t sector_size)
{
    uint64_t n = blockdev_sectors(bd, sector_size);
    return lba <= n && count <= n - lba;
}

int blockdev_read(const struct blockdev *bd, uint64_t lba, uint32_t count, uint32_t sector_size,
                  void *buf)
{
    if (!range_ok(bd, lba, count, sector_size))
        return BLOCKDEV_ERANGE;
    if (count == 0)
        return BLOCKDEV_OK;
    uint64_t len = (uint64_t)count * sector_size;
    if (bd->read(bd->opaque, lba * sector_size, buf, (size_t)len) != 0)
        return BLOCKDEV_EIO;
    return BLOCKDEV_OK;
}

int blockdev_write(const struct blockdev *bd, uint64_t lba, uint32_t count, uint32_t sector_size,
                   const void *buf)
{
    if (!range_ok(bd, lba, count, sector_size))
        return BLOCKDEV_ERANGE;
    if (!bd->write)
        return BLOCKDEV_EROFS;
    if (count == 0)
        return BLOCKDEV_OK;
    uint64_t len = (uint64_t)count * sector_size;
    if (bd->write(bd->opaque, lba * sector_size, buf, (size_t)len) != 0)
        return BLOCKDEV_EIO;
    return BLOCKDEV_OK;
}

/* --- memory: opaque is the buffer itself --- */

/* No checks here: the callbacks are only reached through blockdev_read()
 * and blockdev_write(), which have already kept the range inside size. */

static int mem_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    memcpy(buf, (const uint8_t *)opaque + offset, len);
    return 0;
}

static int mem_write(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    memcpy((uint8_t *)opaque + offset, buf, len);
    return 0;
}

/* calloc, so a fresh scratch disk reads as zeros on every run. */
int blockdev_mem_init(struct blockdev *bd, uint64_t size, bool read_only)
{
    *bd = (struct blockdev){0};
    if (size > SIZE_MAX)
        return -1;
    uint8_t *data = calloc(1, size ? (size_t)size : 1);
    if (!data)
        return -1;
    bd->read = mem_read;
    bd->write = read_only ? NULL : mem_write;
    bd->size = size;
    bd->opaque = data;
    return 0;
}

void blockdev_mem_free(struct blockdev *bd)
{
    free(bd->opaque);
    *bd = (struct blockdev){0};
}

uint8_t *blockdev_mem_data(const struct blockdev *bd)
{
    return bd->opaque;
}

/* --- file descriptor: opaque holds the descriptor itself --- */

/* pread/pwrite rather than lseek + read: no shared file offset to keep in
 * step, so two devices on one descriptor (or a front end reading the same
 * file) cannot disturb each other. */

static int fd_of(void *opaque)
{
    return (int)(intptr_t)opaque;
}

/* pread until len bytes arrived: a regular file may return fewer than asked
 * (a signal); end of file inside the device means the file shrank under us,
 * which is a host I/O error. */
static int file_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t got = pread(fd_of(opaque), p, len, (off_t)offset);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        p += got;
        offset += (uint64_t)got;
        len -= (size_t)got;
    }
    return 0;
}

static int file_write(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t put = pwrite(fd_of(opaque), p, len, (off_t)offset);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return -1;
        p += put;
        offset += (uint64_t)put;
        len -= (size_t)put;
    }
    return 0;
}

/* The size comes from lseek rather than fstat so that a block device node
 * (whose st_size is 0) works too. */
int blockdev_file_init(struct blockdev *bd, int fd, bool read_only)
{
    *bd = (struct blockdev){0};
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0)
        return -1;
    bd->read = file_read;
    bd->write = read_only ? NULL : file_write;
    bd->size = (uint64_t)end;
    bd->opaque = (void *)(intptr_t)fd;
    return 0;
}
