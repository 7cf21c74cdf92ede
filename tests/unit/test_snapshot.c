/*
 * test_snapshot.c - whole-machine snapshots (core/snapshot.c): a restored
 * machine runs on exactly as the original did (CPU, RAM, every device, the
 * timers, the output), under both cores and across them; save, load, save
 * again gives the same bytes, for every device's state; a snapshot loaded
 * into a second machine holds no pointer into the first; and every bad
 * file is refused with one clear line and the machine left as it was,
 * truncated, foreign, of another version, damaged, fuzzed, for another
 * machine, or with a disk that changed since.
 */
#include "board.h"
#include "blockdev.h"
#include "interp/insn.h"
#include "snap_util.h"

#define SG_N 1200000u /* cycles run before the snapshot */
#define SG_M 1000000u /* and after it */

static const enum emu_core cores[] = {EMU_CORE_SWITCH, EMU_CORE_THREADED};

/* Load buf into m, which must accept it. */
static void load_ok(struct emu *m, const uint8_t *buf, size_t len)
{
    char err[256];
    ck_assert_msg(emu_load(m, buf, len, err, sizeof err) == 0, "%s", err);
}

/* Restore then run equals run: machine A runs N cycles, is saved, runs M
 * more; machine B (the same or the other core) loads the snapshot and runs
 * M: both agree in everything and printed the same since the snapshot;
 * then both run to the guest's end with the same exit and cycle count. */
START_TEST(test_restore_then_run)
{
    struct sg_machine *a = sg_new(cores[_i & 1]), *b = sg_new(cores[_i >> 1]);
    size_t len;
    sg_run_to(a, SG_N);
    uint8_t *snap = sg_save(a->m, &len);
    size_t con0 = a->console.len, ser0 = a->serial.len;
    ck_assert_uint_gt(con0, 0);
    sg_run_to(a, SG_N + SG_M);
    load_ok(b->m, snap, len);
    sg_run_to(b, SG_N + SG_M);
    sg_assert_same(a->m, b->m);
    ck_assert_str_eq(a->console.text + con0, b->console.text);
    ck_assert_str_eq(a->serial.text + ser0, b->serial.text);
    ck_assert_int_eq(emu_run(a->m, SG_END), EMU_STOP_EXIT);
    ck_assert_int_eq(emu_run(b->m, SG_END), EMU_STOP_EXIT);
    ck_assert_uint_eq(emu_exit_code(a->m), 0x10);
    ck_assert_uint_eq(emu_exit_code(b->m), 0x10);
    ck_assert_uint_eq(emu_cycles(a->m), emu_cycles(b->m));
    sg_assert_same(a->m, b->m);
    ck_assert_str_eq(a->console.text + con0, b->console.text);
    free(snap);
    sg_free(a);
    sg_free(b);
}
END_TEST

/* The same machine, restored in place: the run after the restore gives
 * the very bytes of the run before it. */
START_TEST(test_restore_in_place)
{
    struct sg_machine *a = sg_new(cores[_i]);
    size_t len, xlen, ylen;
    char out[1024];
    sg_run_to(a, SG_N);
    uint8_t *snap = sg_save(a->m, &len);
    sg_run_to(a, SG_N + SG_M);
    uint8_t *x = sg_save(a->m, &xlen);
    load_ok(a->m, snap, len);
    ck_assert_uint_lt(emu_cycles(a->m), SG_N + 1000);
    sg_run_to(a, SG_N + SG_M);
    uint8_t *y = sg_save(a->m, &ylen);
    int n = snap_compare(x, xlen, y, ylen, true, out, sizeof out);
    ck_assert_msg(n == 0, "%d sections differ:\n%s", n, out);
    ck_assert_uint_eq(xlen, ylen);
    ck_assert(memcmp(x, y, xlen) == 0);
    free(snap);
    free(x);
    free(y);
    sg_free(a);
}
END_TEST

/* Every device's state survives save, load, save byte for byte: each
 * region's bytes but its kept ones are filled with a pattern first, so a
 * byte the format lost shows. On both boards (the pc board adds PCI). */
START_TEST(test_every_device_round_trip)
{
    struct emu_config cfg = {.ram_size = SG_RAM, .board = _i ? EMU_BOARD_PC : EMU_BOARD_ISA};
    struct sg_machine *a = sg_new_cfg(cfg), *b = sg_new_cfg(cfg);
    struct snap_region r[SNAP_MAX_REGIONS];
    size_t n = board_snap_regions(a->m, r, SNAP_MAX_REGIONS), len, len2;
    char out[2048];
    ck_assert_uint_ge(n, _i ? 19 : 15);
    for (size_t k = 0; k < n; k++) {
        uint8_t *p = r[k].state;
        uint8_t *keep = calloc(1, r[k].size);
        for (size_t j = 0; j < r[k].n_keep; j++)
            memset(keep + r[k].keep[j].offset, 1, r[k].keep[j].size);
        for (size_t j = 0; j < r[k].size; j++)
            if (!keep[j])
                p[j] = (uint8_t)(j * 7 + k + 1);
        free(keep);
    }
    uint8_t *s1 = sg_save(a->m, &len);
    load_ok(b->m, s1, len);
    uint8_t *s2 = sg_save(b->m, &len2);
    int d = snap_compare(s1, len, s2, len2, true, out, sizeof out);
    ck_assert_msg(d == 0, "%d sections differ:\n%s", d, out);
    ck_assert(len == len2 && memcmp(s1, s2, len) == 0);
    free(s1);
    free(s2);
    sg_free(b);
    sg_free(a); /* its devices hold the pattern, but destroying needs only the wiring */
}
END_TEST

/* A snapshot carries no pointer into the machine it came from: the first
 * machine is freed before the second runs (the sanitizer build catches a
 * pointer copied across). */
START_TEST(test_no_pointer_crosses)
{
    struct sg_machine *a = sg_new(cores[_i]), *b = sg_new(cores[_i]);
    size_t len;
    sg_run_to(a, SG_N);
    uint8_t *snap = sg_save(a->m, &len);
    sg_free(a);
    load_ok(b->m, snap, len);
    ck_assert_int_eq(emu_run(b->m, SG_END), EMU_STOP_EXIT);
    ck_assert_uint_eq(emu_exit_code(b->m), 0x10);
    free(snap);
    sg_free(b);
}
END_TEST

/* R8, which this CPU never writes, is insn.h's EA_NONE: the register
 * ea_offset() adds for a missing base or index, so it must stay 0. A file
 * in which it is not (made up, or saved by a bug) loads with it 0, else
 * every [disp] operand after the load would be off by its value. */
START_TEST(test_r8_stays_zero)
{
    struct sg_machine *a = sg_new(cores[_i]), *b = sg_new(cores[_i]);
    size_t len;
    ck_assert_uint_ge(EA_NONE, 8);
    ck_assert_uint_eq(board_cpu(a->m, 0)->gpr[EA_NONE], 0);
    sg_run_to(a, SG_N);
    board_cpu(a->m, 0)->gpr[EA_NONE] = 0x55; /* as a made-up file would have it */
    uint8_t *snap = sg_save(a->m, &len);
    load_ok(b->m, snap, len);
    ck_assert_uint_eq(board_cpu(b->m, 0)->gpr[EA_NONE], 0);
    ck_assert_int_eq(emu_run(b->m, SG_END), EMU_STOP_EXIT);
    ck_assert_uint_eq(emu_exit_code(b->m), 0x10);
    free(snap);
    sg_free(a);
    sg_free(b);
}
END_TEST

/* emu_load() must refuse buf[0..len) with a message containing want, and
 * leave m exactly as it was. */
static void refused(struct emu *m, const uint8_t *buf, size_t len, const char *want)
{
    char err[256] = "", out[512];
    size_t blen, alen;
    uint8_t *before = sg_save(m, &blen);
    ck_assert_int_eq(emu_load(m, buf, len, err, sizeof err), -1);
    ck_assert_msg(strstr(err, want) != NULL, "error \"%s\" lacks \"%s\"", err, want);
    ck_assert_ptr_null(strchr(err, '\n'));
    uint8_t *after = sg_save(m, &alen);
    ck_assert_msg(snap_compare(before, blen, after, alen, true, out, sizeof out) == 0,
                  "a refused load changed the machine:\n%s", out);
    free(before);
    free(after);
}

START_TEST(test_rejects)
{
    struct sg_machine *a = sg_new(EMU_CORE_SWITCH);
    size_t len;
    sg_run_to(a, SG_N);
    uint8_t *snap = sg_save(a->m, &len);
    uint8_t *bad = malloc(len + 1);
    sg_run_to(a, SG_N + SG_M); /* the target has moved on: a refusal must not move it back */
    refused(a->m, snap, 0, "not a lab86 snapshot");
    refused(a->m, snap, 7, "not a lab86 snapshot");
    refused(a->m, snap, 40, "truncated");
    refused(a->m, snap, len / 2, "truncated");
    refused(a->m, snap, len - 1, "truncated");
    memcpy(bad, snap, len);
    bad[0] ^= 1;
    refused(a->m, bad, len, "not a lab86 snapshot");
    memcpy(bad, snap, len);
    bad[SNAP_MAGIC_LEN] = 99;
    refused(a->m, bad, len, "version 99");
    memcpy(bad, snap, len);
    bad[len - 4096] ^= 0x40; /* inside RAM */
    refused(a->m, bad, len, "checksum");
    memcpy(bad, snap, len);
    bad[len] = 0;
    refused(a->m, bad, len + 1, "corrupt");
    free(bad);
    free(snap);
    sg_free(a);
}
END_TEST

/* A snapshot of another kind of machine: one line saying what differs. */
START_TEST(test_rejects_other_machine)
{
    struct sg_machine *a = sg_new(EMU_CORE_SWITCH);
    struct emu_config ram = {.ram_size = 16u << 20};
    struct emu_config board = {.ram_size = SG_RAM, .board = EMU_BOARD_PC};
    struct emu_config mhz = {.ram_size = SG_RAM, .cpu_mhz = 50};
    struct sg_machine *b = sg_new_cfg(ram), *c = sg_new_cfg(board), *d = sg_new_cfg(mhz);
    size_t len;
    sg_run_to(a, SG_N);
    uint8_t *snap = sg_save(a->m, &len);
    refused(b->m, snap, len, "2 MiB of RAM; this one has 16");
    refused(c->m, snap, len, "isa board; this machine is pc");
    refused(d->m, snap, len, "100 MHz; this one at 50");
    free(snap);
    sg_free(a);
    sg_free(b);
    sg_free(c);
    sg_free(d);
}
END_TEST

/* A small deterministic generator for the fuzzer. */
static uint32_t xorshift(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Damaged snapshots never crash the loader: a file snapshot (checksummed)
 * with flipped bytes or cut short is always refused; an in-memory one
 * (not checksummed) with its header and section table damaged is refused
 * or loaded, never read out of bounds (the sanitizer build). */
START_TEST(test_fuzz)
{
    struct sg_machine *a = sg_new(EMU_CORE_SWITCH), *t = sg_new(EMU_CORE_SWITCH);
    size_t len, mlen;
    char err[256];
    uint32_t seed = 12345;
    sg_run_to(a, SG_N);
    uint8_t *snap = sg_save(a->m, &len), *mem;
    ck_assert_int_eq(snap_save(a->m, SNAP_MEMORY, &mem, &mlen, err, sizeof err), 0);
    for (int round = 0; round < 60; round++) {
        size_t n = round % 4 == 3 ? xorshift(&seed) % len : len, at[4];
        uint8_t bit[4];
        int flips = 1 + (int)(xorshift(&seed) % 4);
        for (int k = 0; k < flips; k++) {
            at[k] = xorshift(&seed) % n;
            bit[k] = (uint8_t)(1u << (xorshift(&seed) % 8));
            snap[at[k]] ^= bit[k];
        }
        err[0] = '\0';
        ck_assert_int_eq(emu_load(a->m, snap, n, err, sizeof err), -1);
        ck_assert_uint_gt(strlen(err), 0);
        for (int k = flips - 1; k >= 0; k--)
            snap[at[k]] ^= bit[k];
    }
    for (int round = 0; round < 60; round++) {
        size_t at = xorshift(&seed) % 2048; /* the header, "machine", the section table */
        uint8_t bit = (uint8_t)(1u << (xorshift(&seed) % 8));
        mem[at] ^= bit;
        emu_load(t->m, mem, mlen, err, sizeof err);
        mem[at] ^= bit;
    }
    free(mem);
    free(snap);
    sg_free(a);
    sg_free(t);
}
END_TEST

/* Disks are not in a snapshot: a writable one that changed since is
 * refused by name; a read-only one is not hashed; a missing one is named. */
START_TEST(test_disk_changed)
{
    struct blockdev hda, cd;
    ck_assert_int_eq(blockdev_mem_init(&hda, 1u << 20, false), 0);
    ck_assert_int_eq(blockdev_mem_init(&cd, 1u << 20, true), 0);
    struct emu_config cfg = {.ram_size = SG_RAM, .hda = &hda, .cdrom = &cd};
    struct emu_config none = {.ram_size = SG_RAM, .cdrom = &cd};
    struct sg_machine *a = sg_new_cfg(cfg), *b = sg_new_cfg(none);
    size_t len;
    char err[256];
    sg_run_to(a, SG_N);
    uint8_t *snap = sg_save(a->m, &len);
    blockdev_mem_data(&hda)[12345] ^= 1;
    refused(a->m, snap, len, "hda changed since the snapshot was saved");
    blockdev_mem_data(&hda)[12345] ^= 1;
    blockdev_mem_data(&cd)[777] ^= 1; /* read-only media are not checked */
    ck_assert_msg(emu_load(a->m, snap, len, err, sizeof err) == 0, "%s", err);
    refused(b->m, snap, len, "saved with hda; this machine has none");
    free(snap);
    sg_free(a);
    sg_free(b);
    blockdev_mem_free(&hda);
    blockdev_mem_free(&cd);
}
END_TEST

static Suite *snapshot_suite(void)
{
    Suite *s = suite_create("snapshot");
    TCase *t = tcase_create("snapshot");
    tcase_set_timeout(t, 60);
    tcase_add_loop_test(t, test_restore_then_run, 0, 4);
    tcase_add_loop_test(t, test_restore_in_place, 0, 2);
    tcase_add_loop_test(t, test_every_device_round_trip, 0, 2);
    tcase_add_loop_test(t, test_no_pointer_crosses, 0, 2);
    tcase_add_loop_test(t, test_r8_stays_zero, 0, 2);
    tcase_add_test(t, test_rejects);
    tcase_add_test(t, test_rejects_other_machine);
    tcase_add_test(t, test_fuzz);
    tcase_add_test(t, test_disk_changed);
    suite_add_tcase(s, t);
    return s;
}

int main(int argc, char **argv)
{
    (void)argc;
    sg_read_image(argv[0]);
    SRunner *sr = srunner_create(snapshot_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
