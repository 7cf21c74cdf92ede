/*
 * test_fwcfg.c - QEMU's firmware configuration device (devices/fwcfg.c),
 * driven through its two ports only: the selector at 0x510 and the data
 * byte at 0x511, read the way SeaBIOS reads them (a word OUT, then INs).
 */
#include <check.h>
#include <stdlib.h>

#include "unit_util.h"

#include "bus.h"
#include "devices/fwcfg.h"

struct rig {
    struct bus bus;   /* the ports */
    struct fwcfg *fw; /* the device under test */
};

static struct rig *rig_new(const struct fwcfg_config *cfg)
{
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bus_init(&r->bus, 1 << 20), 0);
    r->fw = fwcfg_create(&r->bus, FWCFG_PORT, cfg);
    ck_assert_ptr_nonnull(r->fw);
    return r;
}

static void rig_free(struct rig *r)
{
    fwcfg_destroy(r->fw);
    bus_free(&r->bus);
    free(r);
}

static const struct fwcfg_config two_cpus = {
    .ram_size = 32u << 20, .cpus = 2, .boot_device = 'c', .irq0_override = true};

/* Select key and read n bytes of it into out, a byte at a time. */
static void read_item(struct rig *r, uint16_t key, uint8_t *out, int n)
{
    bus_out(&r->bus, FWCFG_PORT, key, 2);
    for (int k = 0; k < n; k++)
        out[k] = (uint8_t)bus_in(&r->bus, FWCFG_PORT + 1, 1);
}

/* Select key and read it as an n-byte little-endian number. */
static uint64_t read_le(struct rig *r, uint16_t key, int n)
{
    uint8_t b[8];
    uint64_t v = 0;
    read_item(r, key, b, n);
    for (int k = n - 1; k >= 0; k--)
        v = v << 8 | b[k];
    return v;
}

START_TEST(test_signature_and_id)
{
    struct rig *r = rig_new(&two_cpus);
    uint8_t sig[4];
    read_item(r, FWCFG_SIGNATURE, sig, 4);
    ck_assert_mem_eq(sig, "QEMU", 4);
    /* Bit 0: the traditional (port) interface; bit 1, DMA, is not offered. */
    ck_assert_uint_eq(read_le(r, FWCFG_ID, 4), 1);
    rig_free(r);
}
END_TEST

/* The items describe the machine the board was given. */
START_TEST(test_machine_items)
{
    struct rig *r = rig_new(&two_cpus);
    ck_assert_uint_eq(read_le(r, FWCFG_RAM_SIZE, 8), 32u << 20);
    ck_assert_uint_eq(read_le(r, FWCFG_NB_CPUS, 2), 2);
    ck_assert_uint_eq(read_le(r, FWCFG_MAX_CPUS, 2), 2);
    ck_assert_uint_eq(read_le(r, FWCFG_BOOT_DEVICE, 2), 'c');
    ck_assert_uint_eq(read_le(r, FWCFG_IRQ0_OVERRIDE, 4), 1);
    rig_free(r);

    const struct fwcfg_config one = {.ram_size = 4u << 20, .cpus = 1, .boot_device = 'd'};
    r = rig_new(&one);
    ck_assert_uint_eq(read_le(r, FWCFG_RAM_SIZE, 8), 4u << 20);
    ck_assert_uint_eq(read_le(r, FWCFG_MAX_CPUS, 2), 1);
    ck_assert_uint_eq(read_le(r, FWCFG_BOOT_DEVICE, 2), 'd');
    ck_assert_uint_eq(read_le(r, FWCFG_IRQ0_OVERRIDE, 4), 0);
    rig_free(r);
}
END_TEST

/* QEMU's -boot menu=off (its default): the menu item is present and 0, so
 * SeaBIOS neither offers the menu nor waits for its key. An absent item
 * would read 0 as well; the test reads past the item to see that it is
 * really two bytes long before the zeros of "past the end". */
START_TEST(test_boot_menu_off)
{
    struct rig *r = rig_new(&two_cpus);
    ck_assert_uint_eq(read_le(r, FWCFG_BOOT_MENU, 2), 0);
    ck_assert_uint_eq(fwcfg_item_size(r->fw, FWCFG_BOOT_MENU), 2);
    ck_assert_uint_eq(fwcfg_item_size(r->fw, FWCFG_NUMA), 0);
    rig_free(r);
}
END_TEST

/* The file directory: a big-endian count, and no files. */
START_TEST(test_file_dir_empty)
{
    struct rig *r = rig_new(&two_cpus);
    ck_assert_uint_eq(fwcfg_item_size(r->fw, FWCFG_FILE_DIR), 4);
    ck_assert_uint_eq(read_le(r, FWCFG_FILE_DIR, 4), 0);
    rig_free(r);
}
END_TEST

/* Reads beyond an item and of keys nobody defined give 0; selecting again
 * starts the item over; the write-channel bit (0x4000) does not change which
 * item is read. */
START_TEST(test_offsets_and_unknown_keys)
{
    struct rig *r = rig_new(&two_cpus);
    uint8_t b[8];
    read_item(r, FWCFG_SIGNATURE, b, 6);
    ck_assert_mem_eq(b, "QEMU\0\0", 6);
    read_item(r, FWCFG_SIGNATURE, b, 2); /* the offset went back to 0 */
    ck_assert_mem_eq(b, "QE", 2);
    ck_assert_uint_eq(read_le(r, 0x1234, 4), 0);
    ck_assert_uint_eq(read_le(r, 0x8003, 4), 0); /* E820_TABLE: no entries */
    ck_assert_uint_eq(read_le(r, 0xffff, 4), 0);
    ck_assert_uint_eq(read_le(r, 0x4000 | FWCFG_NB_CPUS, 2), 2);
    rig_free(r);
}
END_TEST

/* Data writes are ignored (QEMU 2.4 and later), and so are byte writes to
 * the selector: they neither select nor move the offset. */
START_TEST(test_writes_ignored)
{
    struct rig *r = rig_new(&two_cpus);
    uint8_t b[4];
    bus_out(&r->bus, FWCFG_PORT, FWCFG_SIGNATURE, 2);
    bus_out(&r->bus, FWCFG_PORT + 1, 0x55, 1);
    bus_out(&r->bus, FWCFG_PORT, FWCFG_NB_CPUS, 1);
    for (int k = 0; k < 4; k++)
        b[k] = (uint8_t)bus_in(&r->bus, FWCFG_PORT + 1, 1);
    ck_assert_mem_eq(b, "QEMU", 4);
    /* A dword write straddles the two ports: bytes, none a selection. */
    bus_out(&r->bus, FWCFG_PORT, FWCFG_NB_CPUS, 4);
    ck_assert_uint_eq(bus_in(&r->bus, FWCFG_PORT + 1, 1), 0);
    rig_free(r);
}
END_TEST

/* The selector is write only: its byte floats high; a word read at 0x510
 * takes one data byte, the high half. */
START_TEST(test_selector_reads)
{
    struct rig *r = rig_new(&two_cpus);
    bus_out(&r->bus, FWCFG_PORT, FWCFG_SIGNATURE, 2);
    ck_assert_uint_eq(bus_in(&r->bus, FWCFG_PORT, 1), 0xff);
    ck_assert_uint_eq(bus_in(&r->bus, FWCFG_PORT, 2), 0xff | 'Q' << 8);
    ck_assert_uint_eq(bus_in(&r->bus, FWCFG_PORT + 1, 1), 'E');
    rig_free(r);
}
END_TEST

/* A reset selects the signature at offset 0, as at power-on. */
START_TEST(test_reset)
{
    struct rig *r = rig_new(&two_cpus);
    uint8_t b[2];
    read_item(r, FWCFG_RAM_SIZE, b, 2);
    fwcfg_reset(r->fw);
    b[0] = (uint8_t)bus_in(&r->bus, FWCFG_PORT + 1, 1);
    b[1] = (uint8_t)bus_in(&r->bus, FWCFG_PORT + 1, 1);
    ck_assert_mem_eq(b, "QE", 2);
    rig_free(r);
}
END_TEST

static Suite *fwcfg_suite(void)
{
    Suite *s = suite_create("fwcfg");
    TCase *t = tcase_create("core");
    tcase_add_test(t, test_signature_and_id);
    tcase_add_test(t, test_machine_items);
    tcase_add_test(t, test_boot_menu_off);
    tcase_add_test(t, test_file_dir_empty);
    tcase_add_test(t, test_offsets_and_unknown_keys);
    tcase_add_test(t, test_writes_ignored);
    tcase_add_test(t, test_selector_reads);
    tcase_add_test(t, test_reset);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(fwcfg_suite());
}
