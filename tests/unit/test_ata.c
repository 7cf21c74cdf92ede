/*
 * test_ata.c - an ATA channel with hard disks, driven only through its
 * ports and its INTRQ line, on in-memory block devices, with expectations
 * from ATA/ATAPI-6: the IDENTIFY DEVICE block, the PIO data-in and
 * data-out protocols with their interrupts, CHS/LBA28/LBA48 addressing and
 * the HOB registers, errors (ABRT, IDNF, UNC), nIEN, SRST and its
 * signature, and the rules for an absent device 1.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ata_util.h"
#include "unit_util.h"

#define DISK_SECTORS 16384 /* 8 MiB: 16 cylinders of 16 heads x 63 sectors */

/* The byte k of sector lba on every test disk: the LBA (64 bits, little
 * endian) in the first 8 bytes, then a pattern. */
static uint8_t pattern(uint64_t lba, uint32_t k)
{
    return k < 8 ? (uint8_t)(lba >> (8 * k)) : (uint8_t)(lba * 7 + k);
}

static void check_sector(const uint8_t *buf, uint64_t lba)
{
    for (uint32_t k = 0; k < 512; k++)
        ck_assert_msg(buf[k] == pattern(lba, k), "sector %llu byte %u", (unsigned long long)lba, k);
}

/* A huge disk that stores nothing: every sector reads as its pattern. */
static int pattern_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    (void)opaque;
    for (size_t i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = pattern((offset + i) / 512, (uint32_t)((offset + i) % 512));
    return 0;
}

struct disk_rig {
    struct rig *r;        /* primary channel */
    struct blockdev disk; /* master: DISK_SECTORS of pattern */
};

/* The disk must stay where the channel was told it is: on the heap. */
static struct disk_rig *setup(void)
{
    struct disk_rig *d = calloc(1, sizeof *d);
    ck_assert_ptr_nonnull(d);
    d->r = rig_new(ATA_PRIMARY_CMD, ATA_PRIMARY_CTL, 0);
    ck_assert_int_eq(blockdev_mem_init(&d->disk, DISK_SECTORS * 512ull, false), 0);
    uint8_t *p = blockdev_mem_data(&d->disk);
    for (uint64_t s = 0; s < DISK_SECTORS; s++)
        for (uint32_t k = 0; k < 512; k++)
            p[s * 512 + k] = pattern(s, k);
    ck_assert_int_eq(ata_attach_disk(d->r->ch, ATA_MASTER, &d->disk), 0);
    return d;
}

static void teardown(struct disk_rig *d)
{
    rig_free(d->r);
    blockdev_mem_free(&d->disk);
    free(d);
}

/* LBA28 task file: count, address, LBA mode, master. */
static void lba28(struct rig *r, uint32_t lba, uint8_t count)
{
    out8(r, R_COUNT, count);
    out8(r, R_LOW, (uint8_t)lba);
    out8(r, R_MID, (uint8_t)(lba >> 8));
    out8(r, R_HIGH, (uint8_t)(lba >> 16));
    out8(r, R_DEVICE, (uint8_t)(0xe0 | ((lba >> 24) & 0x0f)));
}

/* IDENTIFY DEVICE into id[512]. */
static void identify(struct rig *r, uint8_t *id)
{
    out8(r, R_DEVICE, 0xa0);
    out8(r, R_CMD, 0xec);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_DRQ);
    read_data(r, id, 512);
}

/* Status after a command that failed with err: ERR, err, one interrupt. */
static void expect_error(struct rig *r, uint8_t err, int edges)
{
    ck_assert_int_eq(r->edges, edges);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_ERR);
    ck_assert_uint_eq(in8(r, R_ERROR), err);
    ck_assert_int_eq(r->level, 0);
}

START_TEST(test_identify)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    uint8_t id[512];
    char s[41];
    identify(r, id);
    ck_assert_int_eq(r->edges, 1); /* data ready: one interrupt, none after */
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    ck_assert_uint_eq(id_word(id, 0) & 0x8000, 0); /* ATA device */
    id_string(id, 27, 20, s);
    ck_assert_str_eq(s, "LAB86 HARDDISK");
    id_string(id, 10, 10, s);
    ck_assert_str_eq(s, "LAB86-HD00");
    id_string(id, 23, 4, s);
    ck_assert_str_eq(s, "1.0");
    ck_assert_uint_eq(id_word(id, 1), DISK_SECTORS / (16 * 63)); /* cylinders */
    ck_assert_uint_eq(id_word(id, 3), 16);
    ck_assert_uint_eq(id_word(id, 6), 63);
    ck_assert_uint_eq(id_word(id, 47), 0x8010);     /* multiple: 16 */
    ck_assert_uint_ne(id_word(id, 49) & 0x0200, 0); /* LBA */
    ck_assert_uint_eq(id_word(id, 60) | (uint32_t)id_word(id, 61) << 16, DISK_SECTORS);
    ck_assert_uint_ne(id_word(id, 83) & 0x0400, 0); /* LBA48 supported */
    ck_assert_uint_ne(id_word(id, 86) & 0x0400, 0); /* ... and enabled */
    ck_assert_uint_eq(id_word(id, 83) >> 14, 1);    /* word valid */
    ck_assert_uint_eq(id_word(id, 100), DISK_SECTORS);
    ck_assert_uint_eq(id_word(id, 101) | id_word(id, 102) | id_word(id, 103), 0);
    ck_assert_uint_eq(id_word(id, 59), 0); /* multiple off */
    ck_assert_uint_eq(id[510], 0xa5);
    uint8_t sum = 0;
    for (int k = 0; k < 512; k++)
        sum = (uint8_t)(sum + id[k]);
    ck_assert_uint_eq(sum, 0);
    teardown(d);
}
END_TEST

/* READ SECTORS, LBA28: a DRQ block and an interrupt per sector, no
 * interrupt after the last; the registers name the next sector. */
START_TEST(test_read_lba28)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    uint8_t buf[512];
    lba28(r, 5, 3);
    out8(r, R_CMD, 0x20);
    for (int s = 0; s < 3; s++) {
        ck_assert_int_eq(r->edges, s + 1);
        ck_assert_int_eq(r->level, 1);
        ck_assert_uint_eq(in8(r, R_CTL), SR_DRDY | SR_DSC | SR_DRQ); /* alt: no ack */
        ck_assert_int_eq(r->level, 1);
        ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_DRQ);
        ck_assert_int_eq(r->level, 0);
        read_data(r, buf, 512);
        check_sector(buf, 5 + (uint64_t)s);
    }
    ck_assert_int_eq(r->edges, 3);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    ck_assert_uint_eq(in8(r, R_LOW), 8);
    ck_assert_uint_eq(in8(r, R_COUNT), 0);
    ck_assert_uint_eq(in16(r, R_DATA), 0xffff); /* no data phase */
    ck_assert_uint_eq(rig_field(r, 0, "drq_left"), 0);
    teardown(d);
}
END_TEST

/* READ SECTORS, CHS: (C, H, S) = (1, 2, 4) is LBA (1*16+2)*63+3; the
 * registers advance across the track boundary. A bad CHS: IDNF. */
START_TEST(test_read_chs)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    uint8_t buf[512];
    uint32_t lba = (1 * 16 + 2) * 63 + 62 - 1; /* sector 62 of that track */
    out8(r, R_COUNT, 3);
    out8(r, R_LOW, 62);
    out8(r, R_MID, 1);
    out8(r, R_HIGH, 0);
    out8(r, R_DEVICE, 0xa2);
    out8(r, R_CMD, 0x20);
    for (uint32_t s = 0; s < 3; s++) {
        ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_DRQ);
        read_data(r, buf, 512);
        check_sector(buf, lba + s);
    }
    ck_assert_int_eq(r->edges, 3);
    /* next: sector 2 of head 3 (after 62, 63, 1 of head 3) */
    ck_assert_uint_eq(in8(r, R_LOW), 2);
    ck_assert_uint_eq(in8(r, R_DEVICE), 0xa3);
    ck_assert_uint_eq(in8(r, R_MID), 1);
    /* sector 0 does not exist in CHS */
    out8(r, R_LOW, 0);
    out8(r, R_CMD, 0x20);
    expect_error(r, ER_IDNF, 4);
    /* nor does cylinder 16 of a 16-cylinder disk */
    out8(r, R_LOW, 1);
    out8(r, R_MID, 16);
    out8(r, R_CMD, 0x20);
    expect_error(r, ER_IDNF, 5);
    teardown(d);
}
END_TEST

/* WRITE SECTORS: the first block is asked for without an interrupt, each
 * written block interrupts; then READ SECTORS gives the data back. */
START_TEST(test_write_read_back)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    uint8_t out[1024], back[512];
    for (int k = 0; k < 1024; k++)
        out[k] = (uint8_t)(k * 13 + 1);
    lba28(r, 100, 2);
    out8(r, R_CMD, 0x30);
    ck_assert_int_eq(r->edges, 0);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_DRQ);
    write_data(r, out, 512);
    ck_assert_int_eq(r->edges, 1);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_DRQ);
    write_data(r, out + 512, 512);
    ck_assert_int_eq(r->edges, 2);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    ck_assert_mem_eq(blockdev_mem_data(&d->disk) + 100 * 512, out, 1024);
    check_sector(blockdev_mem_data(&d->disk) + 102 * 512, 102); /* untouched */
    lba28(r, 101, 1);
    out8(r, R_CMD, 0x20);
    in8(r, R_STATUS);
    read_data(r, back, 512);
    ck_assert_mem_eq(back, out + 512, 512);
    teardown(d);
}
END_TEST

/* READ MULTIPLE of 10 sectors in blocks of 4: 4, 4, 2, three interrupts;
 * WRITE MULTIPLE likewise; bad counts and MULTIPLE while off: ABRT. */
START_TEST(test_multiple)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    uint8_t buf[4 * 512];
    lba28(r, 20, 10);
    out8(r, R_CMD, 0xc4); /* multiple mode is off after power-on */
    expect_error(r, ER_ABRT, 1);
    out8(r, R_COUNT, 3); /* not a power of two */
    out8(r, R_CMD, 0xc6);
    expect_error(r, ER_ABRT, 2);
    out8(r, R_COUNT, 4);
    out8(r, R_CMD, 0xc6);
    ck_assert_int_eq(r->edges, 3);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    lba28(r, 20, 10);
    out8(r, R_CMD, 0xc4);
    static const int blocks[] = {4, 4, 2};
    uint64_t lba = 20;
    for (int b = 0; b < 3; b++) {
        ck_assert_int_eq(r->edges, 4 + b);
        ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_DRQ);
        ck_assert_uint_eq(rig_field(r, 0, "drq_left"), blocks[b] * 512u);
        read_data(r, buf, blocks[b] * 512u);
        for (int s = 0; s < blocks[b]; s++)
            check_sector(buf + s * 512, lba++);
    }
    ck_assert_int_eq(r->edges, 6);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    /* WRITE MULTIPLE of 6: blocks of 4 and 2 */
    memset(buf, 0x5a, sizeof buf);
    lba28(r, 40, 6);
    out8(r, R_CMD, 0xc5);
    ck_assert_uint_eq(rig_field(r, 0, "drq_left"), 4 * 512);
    write_data(r, buf, 4 * 512);
    ck_assert_int_eq(r->edges, 7);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_DRQ); /* acknowledge */
    ck_assert_uint_eq(rig_field(r, 0, "drq_left"), 2 * 512);
    write_data(r, buf, 2 * 512);
    ck_assert_int_eq(r->edges, 8);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    ck_assert_uint_eq(blockdev_mem_data(&d->disk)[46 * 512 - 1], 0x5a);
    check_sector(blockdev_mem_data(&d->disk) + 46 * 512, 46);
    /* IDENTIFY word 59 reports the setting */
    identify(r, buf);
    ck_assert_uint_eq(id_word(buf, 59), 0x0104);
    teardown(d);
}
END_TEST

/* READ SECTORS EXT above 2^28 on a 2^30-sector disk that stores nothing;
 * the HOB bit reads back the high bytes of the next address. */
START_TEST(test_lba48)
{
    struct rig *r = rig_new(ATA_PRIMARY_CMD, ATA_PRIMARY_CTL, 0);
    struct blockdev big = {pattern_read, NULL, (1ull << 30) * 512, NULL};
    uint8_t buf[512];
    uint64_t lba = 0x30000001;
    ck_assert_int_eq(ata_attach_disk(r->ch, ATA_MASTER, &big), 0);
    identify(r, buf);
    ck_assert_uint_eq(id_word(buf, 60) | (uint32_t)id_word(buf, 61) << 16, 0x0fffffff);
    ck_assert_uint_eq(id_word(buf, 100) | (uint32_t)id_word(buf, 101) << 16, 1u << 30);
    out8(r, R_COUNT, 0); /* count 15:8 */
    out8(r, R_COUNT, 2); /* count 7:0 */
    out8(r, R_LOW, (uint8_t)(lba >> 24));
    out8(r, R_LOW, (uint8_t)lba);
    out8(r, R_MID, (uint8_t)(lba >> 32));
    out8(r, R_MID, (uint8_t)(lba >> 8));
    out8(r, R_HIGH, (uint8_t)(lba >> 40));
    out8(r, R_HIGH, (uint8_t)(lba >> 16));
    out8(r, R_DEVICE, 0x40);
    out8(r, R_CMD, 0x24);
    for (int s = 0; s < 2; s++) {
        ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_DRQ);
        read_data(r, buf, 512);
        check_sector(buf, lba + (uint64_t)s);
    }
    ck_assert_int_eq(r->edges, 3); /* IDENTIFY and two sectors */
    ck_assert_uint_eq(in8(r, R_LOW), 0x03);
    out8(r, R_CTL, 0x80); /* HOB */
    ck_assert_uint_eq(in8(r, R_LOW), 0x30);
    ck_assert_uint_eq(in8(r, R_MID), 0x00);
    out8(r, R_CTL, 0x00);
    ck_assert_uint_eq(in8(r, R_LOW), 0x03);
    /* a register write clears HOB */
    out8(r, R_CTL, 0x80);
    out8(r, R_FEAT, 0);
    ck_assert_uint_eq(in8(r, R_LOW), 0x03);
    /* the LBA28 command reads the low bytes only: LBA 0x0003 + 0x0000_0000 */
    out8(r, R_COUNT, 1);
    out8(r, R_DEVICE, 0xe0);
    out8(r, R_CMD, 0x20);
    in8(r, R_STATUS);
    read_data(r, buf, 512);
    check_sector(buf, 0x000003);
    rig_free(r);
}
END_TEST

/* Past the end: IDNF, ERR, an interrupt, nothing transferred; writes too;
 * and the largest 48-bit address cannot wrap around the check. */
START_TEST(test_beyond_end)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    lba28(r, DISK_SECTORS - 1, 2);
    out8(r, R_CMD, 0x20);
    expect_error(r, ER_IDNF, 1);
    ck_assert_uint_eq(rig_field(r, 0, "drq_left"), 0);
    lba28(r, DISK_SECTORS, 1);
    out8(r, R_CMD, 0x30);
    expect_error(r, ER_IDNF, 2);
    for (int k = 0; k < 2; k++) { /* LBA 0xFFFF_FFFF_FFFF, count 0xFFFF */
        out8(r, R_COUNT, 0xff);
        out8(r, R_LOW, 0xff);
        out8(r, R_MID, 0xff);
        out8(r, R_HIGH, 0xff);
    }
    out8(r, R_DEVICE, 0x40);
    out8(r, R_CMD, 0x24);
    expect_error(r, ER_IDNF, 3);
    out8(r, R_CMD, 0x42); /* READ VERIFY EXT: the same range */
    expect_error(r, ER_IDNF, 4);
    lba28(r, DISK_SECTORS - 1, 1); /* the last sector itself is fine */
    out8(r, R_CMD, 0x20);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_DRQ);
    teardown(d);
}
END_TEST

/* Commands a disk does not have: ABRT, ERR, interrupt. */
START_TEST(test_unknown_command)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    static const uint8_t bad[] = {0x50, 0xa0, 0xa1, 0x08, 0xc8, 0xff, 0x00};
    for (size_t k = 0; k < sizeof bad; k++) {
        out8(r, R_DEVICE, 0xa0);
        out8(r, R_CMD, bad[k]);
        expect_error(r, ER_ABRT, (int)k + 1);
    }
    out8(r, R_FEAT, 0x03); /* SET FEATURES, transfer mode: PIO 4 yes, UDMA no */
    out8(r, R_COUNT, 0x0c);
    out8(r, R_CMD, 0xef);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    out8(r, R_COUNT, 0x42);
    out8(r, R_CMD, 0xef);
    expect_error(r, ER_ABRT, (int)sizeof bad + 2);
    teardown(d);
}
END_TEST

/* The other non-data commands complete with an interrupt. */
START_TEST(test_misc_commands)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    static const uint8_t ok[] = {0x10, 0x70, 0xe7, 0xea, 0xe0, 0xe1, 0xe5};
    for (size_t k = 0; k < sizeof ok; k++) {
        lba28(r, 7, 1);
        out8(r, R_CMD, ok[k]);
        ck_assert_int_eq(r->edges, (int)k + 1);
        ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    }
    ck_assert_uint_eq(in8(r, R_COUNT), 0xff); /* CHECK POWER MODE: active */
    lba28(r, 7, 1);
    out8(r, R_CMD, 0x40); /* READ VERIFY */
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    ck_assert_uint_eq(in16(r, R_DATA), 0xffff);
    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 32 sectors; CHS follows it */
    uint8_t buf[512];
    out8(r, R_COUNT, 32);
    out8(r, R_DEVICE, 0xa3);
    out8(r, R_CMD, 0x91);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    identify(r, buf);
    ck_assert_uint_eq(id_word(buf, 54), DISK_SECTORS / (4 * 32));
    ck_assert_uint_eq(id_word(buf, 55), 4);
    ck_assert_uint_eq(id_word(buf, 56), 32);
    out8(r, R_COUNT, 1);
    out8(r, R_LOW, 5);
    out8(r, R_MID, 2);
    out8(r, R_HIGH, 0);
    out8(r, R_DEVICE, 0xa1);
    out8(r, R_CMD, 0x20);
    in8(r, R_STATUS);
    read_data(r, buf, 512);
    check_sector(buf, (2 * 4 + 1) * 32 + 4);
    /* EXECUTE DEVICE DIAGNOSTIC: the signature and "passed" */
    out8(r, R_CMD, 0x90);
    ck_assert_uint_eq(in8(r, R_ERROR), 0x01);
    ck_assert_uint_eq(in8(r, R_COUNT), 0x01);
    ck_assert_uint_eq(in8(r, R_MID), 0x00);
    ck_assert_int_eq(r->level, 1);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    teardown(d);
}
END_TEST

/* nIEN keeps INTRQ off the line; clearing it lets a pending one through. */
START_TEST(test_nien)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    uint8_t buf[512];
    out8(r, R_CTL, 0x02);
    lba28(r, 1, 2);
    out8(r, R_CMD, 0x20);
    ck_assert_int_eq(r->edges, 0);
    ck_assert_uint_eq(in8(r, R_CTL), SR_DRDY | SR_DSC | SR_DRQ);
    ck_assert_uint_eq(rig_field(r, 0, "irq_pending"), 1);
    ck_assert_uint_eq(rig_field(r, 0, "nien"), 1);
    read_data(r, buf, 512);
    ck_assert_int_eq(r->edges, 0);
    out8(r, R_CTL, 0x00); /* the second sector's interrupt is still pending */
    ck_assert_int_eq(r->edges, 1);
    ck_assert_int_eq(r->level, 1);
    in8(r, R_STATUS);
    ck_assert_int_eq(r->level, 0);
    read_data(r, buf, 512);
    check_sector(buf, 2);
    teardown(d);
}
END_TEST

/* SRST: BSY while held, then the ATA signature, no interrupt; a transfer
 * in progress is abandoned; device 0 is selected. */
START_TEST(test_srst)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    lba28(r, 9, 4);
    out8(r, R_CMD, 0x20);
    ck_assert_int_eq(r->level, 1);
    out8(r, R_CTL, 0x04);
    ck_assert_int_eq(r->level, 0);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_BSY);
    ck_assert_uint_eq(in8(r, R_CTL), SR_BSY);
    out8(r, R_CMD, 0xec); /* ignored while in reset */
    out8(r, R_CTL, 0x00);
    ck_assert_int_eq(r->edges, 1);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    ck_assert_uint_eq(in8(r, R_ERROR), 0x01);
    ck_assert_uint_eq(in8(r, R_COUNT), 0x01);
    ck_assert_uint_eq(in8(r, R_LOW), 0x01);
    ck_assert_uint_eq(in8(r, R_MID), 0x00);
    ck_assert_uint_eq(in8(r, R_HIGH), 0x00);
    ck_assert_uint_eq(in8(r, R_DEVICE), 0x00);
    ck_assert_uint_eq(in16(r, R_DATA), 0xffff);
    ck_assert_int_eq(r->edges, 1);
    teardown(d);
}
END_TEST

/* Master only: the slave reads 00h status (the firmware's 0x55/0xAA test
 * fails) and ignores commands. No drive at all: the bus floats (0xFF). */
START_TEST(test_absent_devices)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    out8(r, R_DEVICE, 0xb0);
    out8(r, R_COUNT, 0x55);
    out8(r, R_LOW, 0xaa);
    ck_assert_uint_eq(in8(r, R_COUNT), 0x00);
    ck_assert_uint_eq(in8(r, R_LOW), 0x00);
    ck_assert_uint_eq(in8(r, R_STATUS), 0x00);
    ck_assert_uint_eq(in8(r, R_CTL), 0x00);
    ck_assert_uint_eq(in8(r, R_ERROR), 0x00);
    ck_assert_uint_eq(in8(r, R_DEVICE), 0xb0);
    out8(r, R_CMD, 0xec);
    ck_assert_int_eq(r->edges, 0);
    ck_assert_uint_eq(in8(r, R_STATUS), 0x00);
    out8(r, R_DEVICE, 0xa0); /* the master latched the same writes */
    ck_assert_uint_eq(in8(r, R_COUNT), 0x55);
    ck_assert_uint_eq(in8(r, R_LOW), 0xaa);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    teardown(d);

    r = rig_new(ATA_SECONDARY_CMD, ATA_SECONDARY_CTL, 1);
    out8(r, R_COUNT, 0x55);
    for (uint16_t p = 1; p < 8; p++)
        ck_assert_uint_eq(in8(r, (uint16_t)(r->cmd + p)), 0xff);
    ck_assert_uint_eq(in8(r, R_CTL), 0xff);
    ck_assert_uint_eq(in16(r, R_DATA), 0xffff);
    ck_assert_uint_eq(bus_in(&r->bus, R_DATA, 4), 0xffffffffu);
    out8(r, R_CMD, 0xec);
    ck_assert_int_eq(r->edges, 0);
    rig_free(r);
}
END_TEST

/* 32-bit data accesses move two words, low first; a byte access moves
 * nothing. */
START_TEST(test_32bit_data)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    uint8_t buf[512];
    lba28(r, 33, 1);
    out8(r, R_CMD, 0x20);
    ck_assert_uint_eq(in8(r, R_DATA), 0xff);
    ck_assert_uint_eq(rig_field(r, 0, "drq_left"), 512);
    for (int k = 0; k < 128; k++) {
        uint32_t v = bus_in(&r->bus, R_DATA, 4);
        for (int b = 0; b < 4; b++)
            buf[4 * k + b] = (uint8_t)(v >> (8 * b));
    }
    check_sector(buf, 33);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    lba28(r, 34, 1);
    out8(r, R_CMD, 0x30);
    for (uint32_t k = 0; k < 512; k += 4) {
        uint32_t v = 0;
        for (uint32_t b = 0; b < 4; b++)
            v |= (uint32_t)(uint8_t)(k + b + 1) << (8 * b);
        bus_out(&r->bus, R_DATA, v, 4);
    }
    ck_assert_int_eq(r->edges, 2);
    for (int k = 0; k < 512; k++)
        ck_assert_uint_eq(blockdev_mem_data(&d->disk)[34 * 512 + k], (uint8_t)(k + 1));
    teardown(d);
}
END_TEST

/* A read-only image: writes are aborted, reads work. */
START_TEST(test_read_only)
{
    struct rig *r = rig_new(ATA_PRIMARY_CMD, ATA_PRIMARY_CTL, 0);
    struct blockdev ro;
    ck_assert_int_eq(blockdev_mem_init(&ro, 64 * 512, true), 0);
    ck_assert_int_eq(ata_attach_disk(r->ch, ATA_SLAVE, &ro), 0);
    out8(r, R_COUNT, 1);
    out8(r, R_DEVICE, 0xf0);
    out8(r, R_CMD, 0x30);
    expect_error(r, ER_ABRT, 1);
    out8(r, R_CMD, 0x20);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_DRQ);
    rig_free(r);
    blockdev_mem_free(&ro);
    struct blockdev tiny;
    r = rig_new(ATA_PRIMARY_CMD, ATA_PRIMARY_CTL, 0);
    ck_assert_int_eq(blockdev_mem_init(&tiny, 100, false), 0); /* less than a sector */
    ck_assert_int_eq(ata_attach_disk(r->ch, ATA_MASTER, &tiny), -1);
    ck_assert_int_eq(ata_attach_disk(r->ch, 2, &tiny), -1);
    rig_free(r);
    blockdev_mem_free(&tiny);
}
END_TEST

/* A backend whose sectors from 50 on fail: the host's I/O error becomes
 * UNC on a read and ABRT on a write, with the failing sector's address in
 * the registers, after the good sectors before it were transferred. */
static int failing_io(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    (void)opaque;
    (void)buf;
    return offset + len > 50 * 512 ? -1 : 0;
}

static int failing_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    memset(buf, 0, len);
    return failing_io(opaque, offset, buf, len);
}

START_TEST(test_host_io_error)
{
    struct rig *r = rig_new(ATA_PRIMARY_CMD, ATA_PRIMARY_CTL, 0);
    struct blockdev bad = {failing_read, failing_io, 100 * 512, NULL};
    uint8_t buf[512] = {0};
    ck_assert_int_eq(ata_attach_disk(r->ch, ATA_MASTER, &bad), 0);
    lba28(r, 48, 4);
    out8(r, R_CMD, 0x20);
    for (int s = 0; s < 2; s++) {
        ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_DRQ);
        read_data(r, buf, 512);
    }
    expect_error(r, 0x40, 3); /* UNC */
    ck_assert_uint_eq(in8(r, R_LOW), 50);
    ck_assert_uint_eq(in8(r, R_COUNT), 2);
    lba28(r, 49, 2);
    out8(r, R_CMD, 0x30);
    write_data(r, buf, 512);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC | SR_DRQ);
    write_data(r, buf, 512);
    expect_error(r, ER_ABRT, 5);
    ck_assert_uint_eq(in8(r, R_LOW), 50);
    out8(r, R_COUNT, 0); /* INITIALIZE DEVICE PARAMETERS with 0 sectors a track */
    out8(r, R_CMD, 0x91);
    expect_error(r, ER_ABRT, 6);
    rig_free(r);
}
END_TEST

/* The field tables: names and a live register. */
START_TEST(test_devinfo)
{
    struct rig *r = rig_new(ATA_SECONDARY_CMD, ATA_SECONDARY_CTL, 1);
    struct devinfo info[2];
    ck_assert_uint_eq(ata_devinfo(r->ch, info, 2), 2);
    ck_assert_str_eq(info[0].name, "ata1.master");
    ck_assert_str_eq(info[1].name, "ata1.slave");
    ck_assert_uint_eq(ata_devinfo(r->ch, info, 1), 1);
    ck_assert_uint_eq(rig_field(r, 0, "kind"), 0);
    rig_free(r);
    struct disk_rig *d = setup();
    out8(d->r, (uint16_t)(d->r->cmd + 2), 0x77);
    ck_assert_uint_eq(rig_field(d->r, 0, "count"), 0x77);
    ck_assert_uint_eq(rig_field(d->r, 1, "count"), 0x77); /* both drives latch */
    ck_assert_uint_eq(rig_field(d->r, 0, "kind"), 1);
    ck_assert_uint_eq(rig_field(d->r, 0, "status"), SR_DRDY | SR_DSC);
    teardown(d);
}
END_TEST

/* Random port traffic, commands included, never reaches outside the
 * buffers or the disk (run under SANITIZE=1 to see it). */
START_TEST(test_random_traffic)
{
    struct disk_rig *d = setup();
    struct rig *r = d->r;
    struct blockdev cd;
    ck_assert_int_eq(blockdev_mem_init(&cd, 8 * 2048, true), 0);
    ck_assert_int_eq(ata_attach_cdrom(r->ch, ATA_SLAVE, &cd), 0);
    uint32_t x = 12345;
    for (int k = 0; k < 200000; k++) {
        x = x * 1103515245u + 12345u;
        uint32_t v = x >> 8;
        uint16_t port = (v & 7) == 7 && (v & 0x100) ? R_CTL : (uint16_t)(r->cmd + (v & 7));
        int size = (v & 0x600) == 0x600 ? 4 : (v & 0x600) == 0x400 ? 2 : 1;
        if (v & 0x800)
            bus_out(&r->bus, port, x ^ (x >> 16), size);
        else
            bus_in(&r->bus, port, size);
    }
    ata_reset(r->ch);
    ck_assert_int_eq(r->level, 0);
    teardown(d);
    blockdev_mem_free(&cd);
}
END_TEST

static Suite *ata_suite(void)
{
    Suite *s = suite_create("ata");
    TCase *tc = tcase_create("disk");
    tcase_add_test(tc, test_identify);
    tcase_add_test(tc, test_read_lba28);
    tcase_add_test(tc, test_read_chs);
    tcase_add_test(tc, test_write_read_back);
    tcase_add_test(tc, test_multiple);
    tcase_add_test(tc, test_lba48);
    tcase_add_test(tc, test_beyond_end);
    tcase_add_test(tc, test_unknown_command);
    tcase_add_test(tc, test_misc_commands);
    tcase_add_test(tc, test_nien);
    tcase_add_test(tc, test_srst);
    tcase_add_test(tc, test_absent_devices);
    tcase_add_test(tc, test_32bit_data);
    tcase_add_test(tc, test_read_only);
    tcase_add_test(tc, test_host_io_error);
    tcase_add_test(tc, test_devinfo);
    tcase_add_test(tc, test_random_traffic);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(ata_suite());
}
