/*
 * test_blockdev.c - the host end of a disk: the range checks every guest
 * access goes through, the memory backend, and the file backend on a
 * temporary file.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blockdev.h"
#include "unit_util.h"

/* A backend that records whether it was called at all. */
static int calls;

static int counting_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    (void)opaque;
    (void)offset;
    memset(buf, 0xee, len);
    calls++;
    return 0;
}

START_TEST(test_range_checks)
{
    struct blockdev bd = {counting_read, NULL, 10 * 512 + 100, NULL}; /* 10 sectors and a tail */
    uint8_t buf[2048];
    calls = 0;
    ck_assert_uint_eq(blockdev_sectors(&bd, 512), 10);
    ck_assert_uint_eq(blockdev_sectors(&bd, 2048), 2);
    ck_assert_uint_eq(blockdev_sectors(&bd, 0), 0);
    ck_assert_int_eq(blockdev_read(&bd, 9, 1, 512, buf), BLOCKDEV_OK);
    ck_assert_int_eq(blockdev_read(&bd, 9, 2, 512, buf), BLOCKDEV_ERANGE);
    ck_assert_int_eq(blockdev_read(&bd, 10, 1, 512, buf), BLOCKDEV_ERANGE);
    ck_assert_int_eq(blockdev_read(&bd, UINT64_MAX, 2, 512, buf), BLOCKDEV_ERANGE);
    ck_assert_int_eq(blockdev_read(&bd, 1, UINT32_MAX, 512, buf), BLOCKDEV_ERANGE);
    ck_assert_int_eq(blockdev_read(&bd, 10, 0, 512, buf), BLOCKDEV_OK); /* empty, at the end */
    ck_assert_int_eq(blockdev_read(&bd, 2, 1, 2048, buf), BLOCKDEV_ERANGE);
    ck_assert_int_eq(calls, 1);
    ck_assert_int_eq(blockdev_write(&bd, 0, 1, 512, buf), BLOCKDEV_EROFS);
    ck_assert_int_eq(blockdev_write(&bd, 10, 1, 512, buf), BLOCKDEV_ERANGE);
}
END_TEST

START_TEST(test_memory)
{
    struct blockdev bd;
    uint8_t in[1024], out[1024];
    ck_assert_int_eq(blockdev_mem_init(&bd, 4096, false), 0);
    ck_assert_uint_eq(bd.size, 4096);
    for (int k = 0; k < 1024; k++)
        in[k] = (uint8_t)(k ^ 0x5a);
    ck_assert_int_eq(blockdev_write(&bd, 3, 2, 512, in), BLOCKDEV_OK);
    ck_assert_mem_eq(blockdev_mem_data(&bd) + 1536, in, 1024);
    ck_assert_int_eq(blockdev_read(&bd, 3, 2, 512, out), BLOCKDEV_OK);
    ck_assert_mem_eq(in, out, 1024);
    ck_assert_uint_eq(blockdev_mem_data(&bd)[0], 0); /* zeroed */
    ck_assert_int_eq(blockdev_write(&bd, 7, 2, 512, in), BLOCKDEV_ERANGE);
    blockdev_mem_free(&bd);
    ck_assert_int_eq(blockdev_mem_init(&bd, 4096, true), 0);
    ck_assert_int_eq(blockdev_write(&bd, 0, 1, 512, in), BLOCKDEV_EROFS);
    blockdev_mem_free(&bd);
}
END_TEST

/* The file backend writes through to the file, never grows it, and reports
 * a file that shrank under it as an I/O error. */
START_TEST(test_file)
{
    char path[] = "/tmp/lab86-blockdev-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    uint8_t sector[512], back[512];
    memset(sector, 0, sizeof sector);
    for (int k = 0; k < 8; k++) {
        sector[0] = (uint8_t)k;
        ck_assert_int_eq(write(fd, sector, 512), 512);
    }
    struct blockdev bd;
    ck_assert_int_eq(blockdev_file_init(&bd, fd, false), 0);
    ck_assert_uint_eq(blockdev_sectors(&bd, 512), 8);
    ck_assert_int_eq(blockdev_read(&bd, 5, 1, 512, back), BLOCKDEV_OK);
    ck_assert_uint_eq(back[0], 5);
    memset(sector, 0xab, sizeof sector);
    ck_assert_int_eq(blockdev_write(&bd, 6, 1, 512, sector), BLOCKDEV_OK);
    ck_assert_int_eq(pread(fd, back, 512, 6 * 512), 512);
    ck_assert_mem_eq(back, sector, 512);
    ck_assert_int_eq(blockdev_write(&bd, 8, 1, 512, sector), BLOCKDEV_ERANGE);
    ck_assert_int_eq(lseek(fd, 0, SEEK_END), 8 * 512);
    ck_assert_int_eq(ftruncate(fd, 4 * 512), 0);
    ck_assert_int_eq(blockdev_read(&bd, 6, 1, 512, back), BLOCKDEV_EIO);
    struct blockdev ro;
    ck_assert_int_eq(blockdev_file_init(&ro, fd, true), 0);
    ck_assert_int_eq(blockdev_write(&ro, 0, 1, 512, sector), BLOCKDEV_EROFS);
    close(fd);
    ck_assert_int_eq(blockdev_file_init(&bd, fd, false), -1); /* closed */
}
END_TEST

static Suite *blockdev_suite(void)
{
    Suite *s = suite_create("blockdev");
    TCase *tc = tcase_create("backends");
    tcase_add_test(tc, test_range_checks);
    tcase_add_test(tc, test_memory);
    tcase_add_test(tc, test_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(blockdev_suite());
}
