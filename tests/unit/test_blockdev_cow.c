/*
 * test_blockdev_cow.c - the copy-on-write overlay behind --snapshot: reads
 * see the run's own writes, the base is never written, writes across
 * cluster edges and into a short last cluster, the range checks, and a base
 * that fails to read.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blockdev.h"
#include "blockdev_cow.h"
#include "unit_util.h"

/* A memory base of size bytes, byte i = i * 7 (a pattern no write repeats). */
static void make_base(struct blockdev *base, uint64_t size)
{
    ck_assert_int_eq(blockdev_mem_init(base, size, false), 0);
    uint8_t *d = blockdev_mem_data(base);
    for (uint64_t i = 0; i < size; i++)
        d[i] = (uint8_t)(i * 7);
}

START_TEST(test_reads_see_writes_base_untouched)
{
    struct blockdev base, cow;
    uint64_t size = 3 * BLOCKDEV_COW_CLUSTER + 1024; /* a short last cluster */
    make_base(&base, size);
    uint8_t *before = malloc(size);
    memcpy(before, blockdev_mem_data(&base), size);
    ck_assert_int_eq(blockdev_cow_init(&cow, &base), 0);
    ck_assert_uint_eq(cow.size, size);
    ck_assert_uint_eq(blockdev_cow_bytes(&cow), 0);

    uint8_t sector[512], back[1024];
    memset(sector, 0xA5, sizeof sector);
    ck_assert_int_eq(blockdev_write(&cow, 20, 1, 512, sector), BLOCKDEV_OK);
    ck_assert_int_eq(blockdev_read(&cow, 20, 1, 512, back), BLOCKDEV_OK);
    ck_assert_mem_eq(back, sector, 512);
    /* its neighbour in the same cluster still reads as the base */
    ck_assert_int_eq(blockdev_read(&cow, 21, 1, 512, back), BLOCKDEV_OK);
    ck_assert_mem_eq(back, before + 21 * 512, 512);
    ck_assert_uint_eq(blockdev_cow_bytes(&cow), BLOCKDEV_COW_CLUSTER);

    /* two sectors across the first cluster edge, and the very last sector */
    uint64_t edge = BLOCKDEV_COW_CLUSTER / 512 - 1;
    uint8_t two[1024];
    memset(two, 0x3C, sizeof two);
    ck_assert_int_eq(blockdev_write(&cow, edge, 2, 512, two), BLOCKDEV_OK);
    ck_assert_int_eq(blockdev_read(&cow, edge, 2, 512, back), BLOCKDEV_OK);
    ck_assert_mem_eq(back, two, 1024);
    uint64_t last = size / 512 - 1;
    ck_assert_int_eq(blockdev_write(&cow, last, 1, 512, sector), BLOCKDEV_OK);
    ck_assert_int_eq(blockdev_read(&cow, last - 1, 2, 512, back), BLOCKDEV_OK);
    ck_assert_mem_eq(back, before + (last - 1) * 512, 512);
    ck_assert_mem_eq(back + 512, sector, 512);
    ck_assert_int_eq(blockdev_write(&cow, last + 1, 1, 512, sector), BLOCKDEV_ERANGE);

    ck_assert_mem_eq(blockdev_mem_data(&base), before, size); /* never written */
    blockdev_cow_free(&cow);
    ck_assert_ptr_null(cow.opaque);
    blockdev_mem_free(&base);
    free(before);
}
END_TEST

/* The overlay is writable even on a read-only base (a disk image opened
 * read-only for --snapshot). */
START_TEST(test_read_only_base)
{
    struct blockdev base, cow;
    make_base(&base, 8 * 512);
    base.write = NULL;
    uint8_t sector[512], back[512];
    memset(sector, 0x11, sizeof sector);
    ck_assert_int_eq(blockdev_write(&base, 0, 1, 512, sector), BLOCKDEV_EROFS);
    ck_assert_int_eq(blockdev_cow_init(&cow, &base), 0);
    ck_assert_int_eq(blockdev_write(&cow, 7, 1, 512, sector), BLOCKDEV_OK);
    ck_assert_int_eq(blockdev_read(&cow, 7, 1, 512, back), BLOCKDEV_OK);
    ck_assert_mem_eq(back, sector, 512);
    ck_assert_uint_eq(blockdev_mem_data(&base)[7 * 512], (uint8_t)(7 * 512 * 7));
    blockdev_cow_free(&cow);
    blockdev_mem_free(&base);
}
END_TEST

static int failing_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    (void)opaque;
    (void)offset;
    (void)buf;
    (void)len;
    return -1;
}

/* A base that cannot be read: reads and first writes are host I/O errors. */
START_TEST(test_failing_base)
{
    struct blockdev base = {failing_read, NULL, 4 * 512, NULL}, cow;
    uint8_t sector[512] = {0};
    ck_assert_int_eq(blockdev_cow_init(&cow, &base), 0);
    ck_assert_int_eq(blockdev_read(&cow, 0, 1, 512, sector), BLOCKDEV_EIO);
    ck_assert_int_eq(blockdev_write(&cow, 0, 1, 512, sector), BLOCKDEV_EIO);
    ck_assert_uint_eq(blockdev_cow_bytes(&cow), 0);
    blockdev_cow_free(&cow);
}
END_TEST

static Suite *blockdev_cow_suite(void)
{
    Suite *s = suite_create("blockdev_cow");
    TCase *tc = tcase_create("overlay");
    tcase_add_test(tc, test_reads_see_writes_base_untouched);
    tcase_add_test(tc, test_read_only_base);
    tcase_add_test(tc, test_failing_base);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(blockdev_cow_suite());
}
