/*
 * test_atapi.c - an ATAPI CD-ROM drive on the secondary channel, driven
 * only through its ports and INTRQ, with a small ISO-like image in memory.
 * Expectations from ATA/ATAPI-6 (the signature, IDENTIFY PACKET DEVICE,
 * the PACKET protocol with its interrupt reasons and byte counts),
 * SPC-2 (INQUIRY, REQUEST SENSE, sense keys) and MMC-2 (READ CAPACITY,
 * READ(10)/(12), READ TOC, MODE SENSE, GET CONFIGURATION).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ata_util.h"
#include "unit_util.h"

#define CD_SECTORS 64 /* a 128 KiB "disc" */
#define IR_COD     0x01
#define IR_IO      0x02

struct cd_rig {
    struct rig *r;        /* the secondary channel, CD-ROM as master */
    struct blockdev cd;   /* the disc */
    int blocks;           /* DRQ blocks of the last reply */
    uint8_t reply[32768]; /* the last reply */
};

/* Each 2048-byte sector: its LBA (big-endian) then a pattern; sector 16 is
 * an ISO 9660 primary volume descriptor's first bytes. */
static uint8_t cd_byte(uint32_t lba, uint32_t k)
{
    return k < 4 ? (uint8_t)(lba >> (24 - 8 * k)) : (uint8_t)(lba * 3 + k);
}

static struct cd_rig *setup(void)
{
    struct cd_rig *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    c->r = rig_new(ATA_SECONDARY_CMD, ATA_SECONDARY_CTL, 1);
    ck_assert_int_eq(blockdev_mem_init(&c->cd, CD_SECTORS * 2048, true), 0);
    uint8_t *p = blockdev_mem_data(&c->cd);
    for (uint32_t s = 0; s < CD_SECTORS; s++)
        for (uint32_t k = 0; k < 2048; k++)
            p[s * 2048 + k] = cd_byte(s, k);
    memcpy(p + 16 * 2048 + 4, "\001CD001", 6);
    ck_assert_int_eq(ata_attach_cdrom(c->r->ch, ATA_MASTER, &c->cd), 0);
    return c;
}

static void teardown(struct cd_rig *c)
{
    rig_free(c->r);
    blockdev_mem_free(&c->cd);
    free(c);
}

/* PACKET with a byte count limit, then the 12-byte command packet. The
 * device asks for the packet with CoD, DRQ and no interrupt. */
static void send_packet(struct cd_rig *c, const uint8_t cdb[12], uint16_t limit)
{
    struct rig *r = c->r;
    int edges = r->edges;
    out8(r, R_FEAT, 0);
    out8(r, R_MID, (uint8_t)limit);
    out8(r, R_HIGH, (uint8_t)(limit >> 8));
    out8(r, R_DEVICE, 0xa0);
    out8(r, R_CMD, 0xa0);
    ck_assert_int_eq(r->edges, edges);
    ck_assert_uint_eq(in8(r, R_STATUS) & (SR_BSY | SR_DRQ | SR_ERR), SR_DRQ);
    ck_assert_uint_eq(in8(r, R_COUNT) & 3, IR_COD);
    write_data(r, cdb, 12);
}

/* Take the reply: for each DRQ block, an interrupt, IO and a byte count;
 * then the status phase with CoD and IO and one more interrupt. Returns
 * the bytes received; the final status is left in *status. */
static uint32_t take_reply(struct cd_rig *c, uint8_t *status)
{
    struct rig *r = c->r;
    uint32_t total = 0;
    c->blocks = 0;
    for (;;) {
        int edges = r->edges;
        ck_assert_int_eq(r->level, 1);
        uint8_t st = in8(r, R_STATUS);
        ck_assert_int_eq(r->level, 0);
        ck_assert_uint_eq(st & SR_BSY, 0);
        if (!(st & SR_DRQ)) {
            ck_assert_uint_eq(in8(r, R_COUNT) & 3, IR_COD | IR_IO);
            *status = st;
            return total;
        }
        ck_assert_uint_eq(in8(r, R_COUNT) & 3, IR_IO);
        uint32_t n = in8(r, R_MID) | (uint32_t)in8(r, R_HIGH) << 8;
        ck_assert_uint_gt(n, 0);
        ck_assert_uint_le(total + n, sizeof c->reply);
        for (uint32_t k = 0; k < n; k += 2) {
            uint16_t w = in16(r, R_DATA);
            c->reply[total + k] = (uint8_t)w;
            if (k + 1 < n)
                c->reply[total + k + 1] = (uint8_t)(w >> 8);
        }
        total += n;
        c->blocks++;
        ck_assert_int_eq(r->edges, edges + 1);
    }
}

/* A command expected to succeed: returns the reply length. */
static uint32_t run_ok(struct cd_rig *c, const uint8_t cdb[12], uint16_t limit)
{
    uint8_t st;
    send_packet(c, cdb, limit);
    uint32_t n = take_reply(c, &st);
    ck_assert_uint_eq(st, SR_DRDY);
    return n;
}

/* A command expected to end in CHECK CONDITION with this sense. */
static void run_check(struct cd_rig *c, const uint8_t cdb[12], uint8_t key, uint8_t asc)
{
    struct rig *r = c->r;
    uint8_t st;
    static const uint8_t sense[12] = {0x03, 0, 0, 0, 18};
    send_packet(c, cdb, 0xfffe);
    ck_assert_uint_eq(take_reply(c, &st), 0);
    ck_assert_uint_eq(st, SR_DRDY | SR_ERR);
    ck_assert_uint_eq(in8(r, R_ERROR), key << 4);
    ck_assert_uint_eq(run_ok(c, sense, 0xfffe), 18);
    ck_assert_uint_eq(c->reply[0], 0x70);
    ck_assert_uint_eq(c->reply[2] & 0x0f, key);
    ck_assert_uint_eq(c->reply[12], asc);
}

static uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

START_TEST(test_signature)
{
    struct cd_rig *c = setup();
    struct rig *r = c->r;
    uint8_t buf[512];
    for (int k = 0; k < 2; k++) {
        if (k == 0) {
            ata_reset(r->ch);
        } else {
            out8(r, R_CTL, 0x04);
            out8(r, R_CTL, 0x00);
        }
        ck_assert_uint_eq(in8(r, R_COUNT), 0x01);
        ck_assert_uint_eq(in8(r, R_LOW), 0x01);
        ck_assert_uint_eq(in8(r, R_MID), 0x14);
        ck_assert_uint_eq(in8(r, R_HIGH), 0xeb);
        ck_assert_uint_eq(in8(r, R_STATUS), 0x00); /* packet device: DRDY clear */
        ck_assert_uint_eq(in8(r, R_ERROR), 0x01);
    }
    /* ATA commands are aborted with the signature: IDENTIFY, READ SECTORS */
    static const uint8_t ata_cmds[] = {0xec, 0x20, 0xc4};
    for (size_t k = 0; k < sizeof ata_cmds; k++) {
        out8(r, R_MID, 0);
        out8(r, R_HIGH, 0);
        out8(r, R_CMD, ata_cmds[k]);
        ck_assert_int_eq(r->edges, (int)k + 1);
        ck_assert_uint_eq(in8(r, R_STATUS) & (SR_ERR | SR_DRQ), SR_ERR);
        ck_assert_uint_eq(in8(r, R_ERROR), ER_ABRT);
        ck_assert_uint_eq(in8(r, R_MID), 0x14);
        ck_assert_uint_eq(in8(r, R_HIGH), 0xeb);
        ck_assert_uint_eq(in16(r, R_DATA), 0xffff);
    }
    /* DEVICE RESET in the middle of a reply: signature, no interrupt */
    static const uint8_t inquiry[12] = {0x12, 0, 0, 0, 36};
    send_packet(c, inquiry, 0xfffe);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DRQ);
    int edges = r->edges;
    out8(r, R_CMD, 0x08);
    ck_assert_int_eq(r->edges, edges);
    ck_assert_uint_eq(in8(r, R_STATUS), 0x00);
    ck_assert_uint_eq(in8(r, R_MID), 0x14);
    ck_assert_uint_eq(in8(r, R_ERROR), 0x01);
    read_data(r, buf, 2);
    ck_assert_uint_eq(buf[0] | buf[1] << 8, 0xffff);
    teardown(c);
}
END_TEST

START_TEST(test_identify_packet)
{
    struct cd_rig *c = setup();
    struct rig *r = c->r;
    uint8_t id[512];
    char s[41];
    out8(r, R_DEVICE, 0xa0);
    out8(r, R_CMD, 0xa1);
    ck_assert_int_eq(r->edges, 1);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DRQ);
    read_data(r, id, 512);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY);
    ck_assert_int_eq(r->edges, 1);
    ck_assert_uint_eq(id_word(id, 0) >> 14, 2);         /* ATAPI */
    ck_assert_uint_eq((id_word(id, 0) >> 8) & 0x1f, 5); /* CD-ROM */
    ck_assert_uint_ne(id_word(id, 0) & 0x80, 0);        /* removable */
    ck_assert_uint_eq(id_word(id, 0) & 3, 0);           /* 12-byte packets */
    ck_assert_uint_ne(id_word(id, 49) & 0x0200, 0);
    ck_assert_uint_eq(id_word(id, 49) & 0x0100, 0); /* no DMA */
    id_string(id, 27, 20, s);
    ck_assert_str_eq(s, "LAB86 CD-ROM");
    id_string(id, 10, 10, s);
    ck_assert_str_eq(s, "LAB86-CD10");
    ck_assert_uint_eq(id[510], 0xa5);
    uint8_t sum = 0;
    for (int k = 0; k < 512; k++)
        sum = (uint8_t)(sum + id[k]);
    ck_assert_uint_eq(sum, 0);
    teardown(c);
}
END_TEST

/* INQUIRY, cut to the allocation length (an odd one: the last word is
 * padded); TEST UNIT READY; READ CAPACITY. */
START_TEST(test_inquiry_capacity)
{
    struct cd_rig *c = setup();
    static const uint8_t inquiry[12] = {0x12, 0, 0, 0, 36};
    static const uint8_t short_inquiry[12] = {0x12, 0, 0, 0, 5};
    static const uint8_t evpd[12] = {0x12, 1, 0, 0, 36};
    static const uint8_t tur[12] = {0x00};
    static const uint8_t capacity[12] = {0x25};
    ck_assert_uint_eq(run_ok(c, inquiry, 0xfffe), 36);
    ck_assert_uint_eq(c->reply[0], 0x05);
    ck_assert_uint_eq(c->reply[1], 0x80);
    ck_assert_mem_eq(c->reply + 8, "LAB86   ", 8);
    ck_assert_mem_eq(c->reply + 16, "CD-ROM", 6);
    ck_assert_uint_eq(run_ok(c, short_inquiry, 0xfffe), 5);
    ck_assert_uint_eq(c->reply[4], 31);
    run_check(c, evpd, 0x05, 0x24);
    ck_assert_uint_eq(run_ok(c, tur, 0xfffe), 0);
    ck_assert_uint_eq(run_ok(c, capacity, 0xfffe), 8);
    ck_assert_uint_eq(be32_at(c->reply), CD_SECTORS - 1);
    ck_assert_uint_eq(be32_at(c->reply + 4), 2048);
    teardown(c);
}
END_TEST

/* READ(10) of sector 16: one 2048-byte DRQ block, then status; with a
 * 512-byte limit, four blocks; READ(12) of 10 sectors: the 16 KiB buffer
 * is refilled once. */
START_TEST(test_read)
{
    struct cd_rig *c = setup();
    struct rig *r = c->r;
    static const uint8_t read10[12] = {0x28, 0, 0, 0, 0, 16, 0, 0, 1};
    static const uint8_t read12[12] = {0xa8, 0, 0, 0, 0, 30, 0, 0, 0, 10};
    static const uint8_t read0[12] = {0x28, 0, 0, 0, 0, 5, 0, 0, 0};
    ck_assert_uint_eq(run_ok(c, read10, 0xfffe), 2048);
    ck_assert_int_eq(c->blocks, 1);
    ck_assert_int_eq(r->edges, 2); /* the data, then the status */
    ck_assert_mem_eq(c->reply + 4, "\001CD001", 6);
    ck_assert_uint_eq(be32_at(c->reply), 16);
    ck_assert_uint_eq(run_ok(c, read10, 512), 2048);
    ck_assert_int_eq(c->blocks, 4);
    ck_assert_uint_eq(c->reply[2047], cd_byte(16, 2047));
    ck_assert_uint_eq(run_ok(c, read12, 0xfff0), 10 * 2048);
    ck_assert_int_eq(c->blocks, 2); /* 8 sectors staged, then 2 */
    for (uint32_t s = 0; s < 10; s++)
        for (uint32_t k = 0; k < 2048; k += 97)
            ck_assert_uint_eq(c->reply[s * 2048 + k], cd_byte(30 + s, k));
    ck_assert_uint_eq(run_ok(c, read0, 0xfffe), 0); /* no sectors: status only */
    ck_assert_uint_eq(run_ok(c, read10, 0), 2048);  /* a zero limit: the largest */
    ck_assert_int_eq(c->blocks, 1);
    teardown(c);
}
END_TEST

/* Errors: an unknown command is ILLEGAL REQUEST / invalid opcode, a read
 * past the end is LBA OUT OF RANGE; REQUEST SENSE reports it once. */
START_TEST(test_request_sense)
{
    struct cd_rig *c = setup();
    static const uint8_t bogus[12] = {0xff};
    static const uint8_t sense[12] = {0x03, 0, 0, 0, 18};
    static const uint8_t past_end[12] = {0x28, 0, 0, 0, 0, CD_SECTORS - 1, 0, 0, 2};
    static const uint8_t huge[12] = {0xa8, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t read_cd[12] = {0xbe};
    run_check(c, bogus, 0x05, 0x20);
    ck_assert_uint_eq(run_ok(c, sense, 0xfffe), 18); /* reported once only */
    ck_assert_uint_eq(c->reply[2], 0x00);
    ck_assert_uint_eq(c->reply[12], 0x00);
    run_check(c, past_end, 0x05, 0x21);
    run_check(c, huge, 0x05, 0x21);
    run_check(c, read_cd, 0x05, 0x20);
    /* PACKET by DMA is not there: ABRT */
    struct rig *r = c->r;
    out8(r, R_FEAT, 0x01);
    out8(r, R_CMD, 0xa0);
    ck_assert_uint_eq(in8(r, R_STATUS) & (SR_ERR | SR_DRQ), SR_ERR);
    ck_assert_uint_eq(in8(r, R_ERROR), ER_ABRT);
    teardown(c);
}
END_TEST

/* READ TOC formats 0 (in LBA and MSF) and 1, from SFF-8020i's byte 9 too. */
START_TEST(test_read_toc)
{
    struct cd_rig *c = setup();
    static const uint8_t toc[12] = {0x43, 0, 0, 0, 0, 0, 0, 0, 100};
    static const uint8_t toc_msf[12] = {0x43, 0x02, 0, 0, 0, 0, 0, 0, 100};
    static const uint8_t leadout[12] = {0x43, 0, 0, 0, 0, 0, 0xaa, 0, 100};
    static const uint8_t session[12] = {0x43, 0, 0, 0, 0, 0, 0, 0, 100, 0x40};
    static const uint8_t track5[12] = {0x43, 0, 0, 0, 0, 0, 5, 0, 100};
    static const uint8_t raw[12] = {0x43, 0, 2, 0, 0, 0, 0, 0, 100};
    uint8_t *t = c->reply;
    ck_assert_uint_eq(run_ok(c, toc, 0xfffe), 20);
    ck_assert_uint_eq(t[0] << 8 | t[1], 18);
    ck_assert_uint_eq(t[2], 1);
    ck_assert_uint_eq(t[3], 1);
    ck_assert_uint_eq(t[5], 0x14); /* data track */
    ck_assert_uint_eq(t[6], 1);
    ck_assert_uint_eq(be32_at(t + 8), 0);
    ck_assert_uint_eq(t[14], 0xaa);
    ck_assert_uint_eq(be32_at(t + 16), CD_SECTORS);
    ck_assert_uint_eq(run_ok(c, toc_msf, 0xfffe), 20);
    ck_assert_uint_eq(be32_at(t + 8), 0x00000200);  /* 00:02:00 */
    ck_assert_uint_eq(be32_at(t + 16), 0x00000240); /* 150 + 64 frames: 00:02:64 */
    ck_assert_uint_eq(t[17], 0);
    ck_assert_uint_eq(t[18], 2);
    ck_assert_uint_eq(t[19], 64);
    ck_assert_uint_eq(run_ok(c, leadout, 0xfffe), 12);
    ck_assert_uint_eq(t[6], 0xaa);
    ck_assert_uint_eq(run_ok(c, session, 0xfffe), 12);
    ck_assert_uint_eq(t[1], 10);
    ck_assert_uint_eq(t[6], 1);
    ck_assert_uint_eq(be32_at(t + 8), 0);
    run_check(c, track5, 0x05, 0x24);
    run_check(c, raw, 0x05, 0x24);
    teardown(c);
}
END_TEST

/* MODE SENSE(10) page 2Ah and all pages; GET CONFIGURATION's profile. */
START_TEST(test_mode_sense_config)
{
    struct cd_rig *c = setup();
    static const uint8_t caps[12] = {0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 255};
    static const uint8_t all[12] = {0x5a, 0, 0x3f, 0, 0, 0, 0, 0, 255};
    static const uint8_t saved[12] = {0x5a, 0, 0xea, 0, 0, 0, 0, 0, 255};
    static const uint8_t config[12] = {0x46, 0, 0, 0, 0, 0, 0, 0, 255};
    uint8_t *m = c->reply;
    ck_assert_uint_eq(run_ok(c, caps, 0xfffe), 28);
    ck_assert_uint_eq(m[0] << 8 | m[1], 26);
    ck_assert_uint_eq(m[8], 0x2a);
    ck_assert_uint_eq(m[9], 18);
    ck_assert_uint_eq(run_ok(c, all, 0xfffe), 36);
    ck_assert_uint_eq(m[8], 0x01);
    ck_assert_uint_eq(m[16], 0x2a);
    run_check(c, saved, 0x05, 0x39);
    ck_assert_uint_eq(run_ok(c, config, 0xfffe), 16);
    ck_assert_uint_eq(be32_at(m), 12);
    ck_assert_uint_eq(m[6] << 8 | m[7], 0x0008); /* current profile: CD-ROM */
    ck_assert_uint_eq(m[12] << 8 | m[13], 0x0008);
    teardown(c);
}
END_TEST

/* No disc: NOT READY, medium not present. A disc arrives: UNIT ATTENTION
 * once (INQUIRY does not consume it), then ready. Eject while prevented:
 * ILLEGAL REQUEST. */
START_TEST(test_medium)
{
    struct cd_rig *c = setup();
    static const uint8_t tur[12] = {0x00};
    static const uint8_t inquiry[12] = {0x12, 0, 0, 0, 36};
    static const uint8_t capacity[12] = {0x25};
    static const uint8_t prevent[12] = {0x1e, 0, 0, 0, 1};
    static const uint8_t allow[12] = {0x1e, 0, 0, 0, 0};
    static const uint8_t eject[12] = {0x1b, 0, 0, 0, 0x02};
    ata_cdrom_change(c->r->ch, ATA_MASTER, NULL);
    run_check(c, tur, 0x06, 0x28);
    run_check(c, tur, 0x02, 0x3a);
    run_check(c, capacity, 0x02, 0x3a);
    ata_cdrom_change(c->r->ch, ATA_MASTER, &c->cd);
    ck_assert_uint_eq(run_ok(c, inquiry, 0xfffe), 36);
    run_check(c, tur, 0x06, 0x28);
    ck_assert_uint_eq(run_ok(c, tur, 0xfffe), 0);
    ck_assert_uint_eq(run_ok(c, prevent, 0xfffe), 0);
    run_check(c, eject, 0x05, 0x53);
    ck_assert_uint_eq(run_ok(c, allow, 0xfffe), 0);
    ck_assert_uint_eq(run_ok(c, eject, 0xfffe), 0);
    ck_assert_uint_eq(run_ok(c, tur, 0xfffe), 0); /* no tray: the disc stays */
    ata_cdrom_change(c->r->ch, ATA_SLAVE, NULL);  /* no drive there: ignored */
    teardown(c);
}
END_TEST

/* A disc the host cannot read past sector 20: MEDIUM ERROR after the
 * readable blocks; mode pages: changeable values, unknown pages. */
static int bad_disc(void *opaque, uint64_t offset, void *buf, size_t len)
{
    (void)opaque;
    memset(buf, 0x11, len);
    return offset + len > 20 * 2048 ? -1 : 0;
}

START_TEST(test_medium_error)
{
    struct cd_rig *c = setup();
    struct blockdev bad = {bad_disc, NULL, 40 * 2048, NULL};
    static const uint8_t read10[12] = {0x28, 0, 0, 0, 0, 4, 0, 0, 20};
    static const uint8_t changeable[12] = {0x5a, 0, 0x6a, 0, 0, 0, 0, 0, 255};
    static const uint8_t page5[12] = {0x5a, 0, 0x05, 0, 0, 0, 0, 0, 255};
    static const uint8_t sense[12] = {0x03, 0, 0, 0, 18};
    static const uint8_t prevent[12] = {0x1e, 0, 0, 0, 1};
    uint8_t st;
    ata_cdrom_change(c->r->ch, ATA_MASTER, &bad);
    run_check(c, read10, 0x06, 0x28);
    send_packet(c, read10, 0xfffe);
    ck_assert_uint_eq(take_reply(c, &st), 16 * 2048); /* sectors 4-19 were readable */
    ck_assert_uint_eq(st, SR_DRDY | SR_ERR);
    ck_assert_uint_eq(run_ok(c, sense, 0xfffe), 18);
    ck_assert_uint_eq(c->reply[2], 0x03);
    ck_assert_uint_eq(c->reply[12], 0x11);
    ck_assert_uint_eq(run_ok(c, prevent, 0xfffe), 0);
    ck_assert_uint_eq(run_ok(c, changeable, 0xfffe), 28);
    ck_assert_uint_eq(c->reply[8], 0x2a);
    ck_assert_uint_eq(c->reply[12], 0x00); /* nothing changeable */
    ck_assert_uint_eq(c->reply[14], 0x00);
    run_check(c, page5, 0x05, 0x24);
    teardown(c);
}
END_TEST

/* A CD-ROM as slave behind a disk, as a PC often has it: selection works
 * and SRST gives each its own signature. */
START_TEST(test_slave_behind_disk)
{
    struct rig *r = rig_new(ATA_PRIMARY_CMD, ATA_PRIMARY_CTL, 0);
    struct blockdev disk, cd;
    ck_assert_int_eq(blockdev_mem_init(&disk, 1 << 20, false), 0);
    ck_assert_int_eq(blockdev_mem_init(&cd, 4 * 2048, true), 0);
    ck_assert_int_eq(ata_attach_disk(r->ch, ATA_MASTER, &disk), 0);
    ck_assert_int_eq(ata_attach_cdrom(r->ch, ATA_SLAVE, &cd), 0);
    out8(r, R_CTL, 0x04);
    out8(r, R_CTL, 0x00);
    ck_assert_uint_eq(in8(r, R_MID), 0x00);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DSC);
    out8(r, R_DEVICE, 0xb0);
    ck_assert_uint_eq(in8(r, R_MID), 0x14);
    ck_assert_uint_eq(in8(r, R_HIGH), 0xeb);
    ck_assert_uint_eq(in8(r, R_STATUS), 0x00);
    out8(r, R_CMD, 0xa1); /* IDENTIFY PACKET to the slave */
    ck_assert_int_eq(r->level, 1);
    out8(r, R_DEVICE, 0xa0); /* the master is selected: its INTRQ (none) drives */
    ck_assert_int_eq(r->level, 0);
    out8(r, R_DEVICE, 0xb0);
    ck_assert_int_eq(r->level, 1);
    ck_assert_uint_eq(in8(r, R_STATUS), SR_DRDY | SR_DRQ);
    rig_free(r);
    blockdev_mem_free(&disk);
    blockdev_mem_free(&cd);
}
END_TEST

static Suite *atapi_suite(void)
{
    Suite *s = suite_create("atapi");
    TCase *tc = tcase_create("cdrom");
    tcase_add_test(tc, test_signature);
    tcase_add_test(tc, test_identify_packet);
    tcase_add_test(tc, test_inquiry_capacity);
    tcase_add_test(tc, test_read);
    tcase_add_test(tc, test_request_sense);
    tcase_add_test(tc, test_read_toc);
    tcase_add_test(tc, test_mode_sense_config);
    tcase_add_test(tc, test_medium);
    tcase_add_test(tc, test_medium_error);
    tcase_add_test(tc, test_slave_behind_disk);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(atapi_suite());
}
