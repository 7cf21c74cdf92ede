/*
 * atapi.c - an ATAPI CD-ROM drive: the PACKET command protocol (ATA/ATAPI-6
 * PACKET command and packet protocol, SFF-8020i) carrying SCSI/MMC commands (SPC, MMC-2), on top
 * of the channel in ata.c.
 *
 * A packet device speaks SCSI through the ATA registers. The host writes
 * the byte count limit (the most it will take per DRQ block) into LBA
 * mid/high and the PACKET command; the device asks for the 12-byte command
 * packet with DRQ and an interrupt reason of "command, to the device"
 * (CoD = 1, IO = 0 in the sector count register), without an interrupt
 * (IDENTIFY PACKET word 0 says "DRQ within 50 us"). The host writes six
 * words; the device runs the command, then for each block of the reply sets
 * the byte count in LBA mid/high, the reason "data, to the host" (IO = 1),
 * DRQ, and interrupts. When the reply is all read it enters the status
 * phase: CoD = IO = 1, DRDY, DRQ clear, and interrupts once more. A command
 * that fails ends in the status phase with ERR and the SCSI sense key in
 * the error register's high nibble ("CHECK CONDITION"); the host then asks
 * REQUEST SENSE for the details (sense key, ASC, ASCQ).
 *
 * DRQ blocks. A reply is staged in the drive's 16 KiB buffer; READ stages
 * up to 8 sectors at a time. A DRQ block is the rest of the staged data or
 * the byte count limit (rounded down to even), whichever is smaller, so
 * SeaBIOS (limit 2048) gets a sector per block and the Bochs BIOS (0xFFF0)
 * 16 KiB. A zero limit, which the standard does not allow, is taken as the
 * largest even one. A reply longer than the host's allocation length is cut
 * to it.
 *
 * Emulated: the ATA commands of a packet device (PACKET, IDENTIFY PACKET
 * DEVICE, DEVICE RESET, and those in ata.c), with every other ATA command
 * aborted with the packet signature in the registers, which is how drivers
 * tell a CD-ROM from a disk; and the MMC commands BIOSes, GRUB, ISOLINUX
 * and Linux's sr driver use: TEST UNIT READY, REQUEST SENSE, INQUIRY, READ
 * CAPACITY, READ(10), READ(12), MODE SENSE(10) (pages 01h and 2Ah), START
 * STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL, READ TOC (formats 0 and 1: one
 * data track, one session, as an ISO 9660 image is) and GET CONFIGURATION
 * (the header and the profile list). Any other command is CHECK CONDITION,
 * ILLEGAL REQUEST, "invalid command operation code".
 *
 * Not emulated: DMA, audio, raw and mode 2 sectors (READ CD), writing, the
 * tray (START STOP UNIT is accepted and the disc stays; the host swaps discs
 * with ata_cdrom_change(), which the guest sees as UNIT ATTENTION, "medium
 * may have changed"), GET EVENT STATUS NOTIFICATION (drivers fall back to
 * TEST UNIT READY) and overlapped commands.
 */
#include <stdio.h>
#include <string.h>

#include "devices/ata_internal.h"

/* SCSI/MMC operation codes. */
#define SCSI_TEST_UNIT_READY  0x00
#define SCSI_REQUEST_SENSE    0x03
#define SCSI_INQUIRY          0x12
#define SCSI_START_STOP_UNIT  0x1b
#define SCSI_PREVENT_ALLOW    0x1e
#define SCSI_READ_CAPACITY    0x25
#define SCSI_READ_10          0x28
#define MMC_READ_TOC          0x43
#define MMC_GET_CONFIGURATION 0x46
#define SCSI_MODE_SENSE_10    0x5a
#define SCSI_READ_12          0xa8

/* Sense keys and additional sense codes (SPC-2 annex, MMC-2). */
#define SENSE_NONE            0x00
#define SENSE_NOT_READY       0x02
#define SENSE_MEDIUM_ERROR    0x03
#define SENSE_ILLEGAL_REQUEST 0x05
#define SENSE_UNIT_ATTENTION  0x06
#define ASC_READ_ERROR        0x11 /* unrecovered read error */
#define ASC_INVALID_OPCODE    0x20 /* invalid command operation code */
#define ASC_LBA_OUT_OF_RANGE  0x21 /* logical block address out of range */
#define ASC_INVALID_FIELD     0x24 /* invalid field in CDB */
#define ASC_MEDIUM_CHANGED    0x28 /* not ready to ready change, medium may have changed */
#define ASC_SAVING_PARAMS     0x39 /* saving parameters not supported */
#define ASC_NO_MEDIUM         0x3a /* medium not present */
#define ASC_REMOVAL_PREVENTED 0x53 /* ASCQ 02h: medium removal prevented */

#define PACKET_FEAT_DMA    0x01 /* PACKET features: data by DMA (not emulated) */
#define BYTE_LIMIT_MAX     0xfffe
#define SENSE_LEN          18     /* fixed-format sense data */
#define INQUIRY_LEN        36     /* standard INQUIRY data */
#define TOC_LEADOUT        0xaa   /* track number of the lead-out */
#define TOC_DATA_TRACK     0x14   /* ADR 1 (position), control 4 (data track) */
#define MSF_LEAD_IN        150    /* frames before LBA 0 (2 seconds) */
#define PROFILE_CDROM      0x0008 /* MMC profile: CD-ROM */
#define MODE_HEADER_LEN    8      /* MODE SENSE(10) header, no block descriptors */
#define MODE_PAGE_ERRORS   0x01   /* read error recovery */
#define MODE_PAGE_CAPS     0x2a   /* CD capabilities and mechanical status */
#define MODE_PAGE_ALL      0x3f
#define MODE_PC_SAVED      3 /* page control: saved values */
#define MODE_PC_CHANGEABLE 1 /* page control: which bits may change */

#define CD_MODEL    "LAB86 CD-ROM"
#define CD_FIRMWARE "1.0"

/* IDENTIFY PACKET DEVICE words and the bits set in them. */
#define PID_CONFIG       0
#define PID_CONFIG_CDROM 0x85c0 /* ATAPI, type 05h CD-ROM, removable, DRQ in 50 us, 12 bytes */
#define PID_SERIAL       10
#define PID_FIRMWARE     23
#define PID_MODEL        27
#define PID_CAPS         49
#define PID_CAPS_LBA     0x0200 /* shall be one */
#define PID_CAPS_IORDY   0x0800
#define PID_VALID        53
#define PID_VALID_64_70  0x0002
#define PID_PIO_MODES    64
#define PID_CYCLE        65 /* 65-68: cycle times in ns */
#define PID_MAJOR        80
#define PID_MAJOR_4_6    0x0070 /* ATA/ATAPI-4 .. -6 */
#define PID_CMDSET1      82
#define PID_CMDSET2      83
#define PID_CMDSET3      84
#define PID_CMDSET1_EN   85
#define PID_CMDSET3_EN   87
#define PID_PACKET_RESET 0x0210 /* PACKET feature set, DEVICE RESET */
#define PID_VALID_WORD   0x4000

/* --- big-endian fields of SCSI data --- */

static void be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
    be16(p, v >> 16);
    be16(p + 2, v);
}

static uint32_t get_be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get_be32(const uint8_t *p)
{
    return get_be16(p) << 16 | get_be16(p + 2);
}

/* --- phases --- */

void atapi_init(struct ata_drive *d)
{
    d->sectors = d->bd ? blockdev_sectors(d->bd, ATAPI_SECTOR) : 0;
    d->sense_key = d->asc = d->ascq = 0;
    d->unit_attention = false;
    d->prevent = false;
}

/* Status phase, good: sense cleared, CoD = IO = 1, DRDY, INTRQ. */
static void command_done(struct ata_drive *d)
{
    d->sense_key = d->asc = d->ascq = 0;
    d->count = ATAPI_IR_COD | ATAPI_IR_IO;
    ata_done(d, true);
}

/* Status phase, CHECK CONDITION: the sense is kept for REQUEST SENSE and
 * its key goes to the error register (as Bochs and QEMU, without ABRT). */
static void check_condition(struct ata_drive *d, uint8_t key, uint8_t asc, uint8_t ascq)
{
    d->sense_key = key;
    d->asc = asc;
    d->ascq = ascq;
    d->count = ATAPI_IR_COD | ATAPI_IR_IO;
    ata_fail(d, (uint8_t)(key << ATA_ER_SENSE_SHIFT));
}

static void illegal(struct ata_drive *d, uint8_t asc)
{
    check_condition(d, SENSE_ILLEGAL_REQUEST, asc, 0);
}

/* Offer the next DRQ block of the staged reply, buf[buf_pos..buf_len). */
static void send_block(struct ata_drive *d)
{
    uint32_t limit = d->byte_limit ? d->byte_limit & ~1u : BYTE_LIMIT_MAX;
    uint32_t n = d->buf_len - d->buf_pos;
    if (limit == 0)
        limit = 2; /* a limit of 1: one word at a time */
    if (n > limit)
        n = limit;
    d->lba_mid = (uint8_t)n;
    d->lba_high = (uint8_t)(n >> 8);
    d->count = ATAPI_IR_IO;
    ata_pio_in(d, ATA_XFER_ATAPI_DATA, d->buf_pos, n);
}

/* Stage the next sectors of a READ, or end the command when none are left. */
static void next_block(struct ata_drive *d)
{
    if (d->buf_pos < d->buf_len) {
        send_block(d);
        return;
    }
    if (d->xfer_left == 0) {
        command_done(d);
        return;
    }
    uint32_t n =
        d->xfer_left < ATA_BUF_SIZE / ATAPI_SECTOR ? d->xfer_left : ATA_BUF_SIZE / ATAPI_SECTOR;
    if (blockdev_read(d->bd, d->xfer_lba, n, ATAPI_SECTOR, d->buf) != BLOCKDEV_OK) {
        check_condition(d, SENSE_MEDIUM_ERROR, ASC_READ_ERROR, 0);
        return;
    }
    d->xfer_lba += n;
    d->xfer_left -= n;
    d->buf_pos = 0;
    d->buf_len = n * ATAPI_SECTOR;
    send_block(d);
}

/* A reply of len bytes built in buf, cut to the host's allocation length. */
static void reply(struct ata_drive *d, uint32_t len, uint32_t alloc)
{
    d->buf_pos = 0;
    d->buf_len = len < alloc ? len : alloc;
    d->xfer_left = 0;
    next_block(d);
}

/* --- the commands --- */

/* Commands that need a disc: NOT READY, "medium not present", without one. */
static bool medium_ready(struct ata_drive *d)
{
    if (d->bd && d->sectors > 0)
        return true;
    check_condition(d, SENSE_NOT_READY, ASC_NO_MEDIUM, 0);
    return false;
}

static void request_sense(struct ata_drive *d)
{
    uint8_t *b = d->buf;
    memset(b, 0, SENSE_LEN);
    b[0] = 0x70; /* current error, fixed format */
    b[2] = d->sense_key;
    b[7] = SENSE_LEN - 8; /* additional sense length */
    b[12] = d->asc;
    b[13] = d->ascq;
    reply(d, SENSE_LEN, d->packet[4]);
}

static void inquiry(struct ata_drive *d)
{
    uint8_t *b = d->buf;
    if (d->packet[1] & 0x01) { /* EVPD: no vital product data pages */
        illegal(d, ASC_INVALID_FIELD);
        return;
    }
    memset(b, 0, INQUIRY_LEN);
    b[0] = 0x05;                            /* peripheral device type: CD/DVD */
    b[1] = 0x80;                            /* removable medium */
    b[3] = 0x21;                            /* ATAPI version 2, response data format 1 */
    b[4] = INQUIRY_LEN - 5;                 /* additional length */
    memcpy(b + 8, "LAB86   ", 8);           /* vendor */
    memcpy(b + 16, "CD-ROM          ", 16); /* product */
    memcpy(b + 32, "1.0 ", 4);              /* revision */
    reply(d, INQUIRY_LEN, d->packet[4]);
}

static void read_capacity(struct ata_drive *d)
{
    if (!medium_ready(d))
        return;
    uint64_t last = d->sectors - 1;
    be32(d->buf, last > UINT32_MAX ? UINT32_MAX : (uint32_t)last);
    be32(d->buf + 4, ATAPI_SECTOR);
    reply(d, 8, 8);
}

static void read_sectors(struct ata_drive *d, uint64_t lba, uint32_t count)
{
    if (!medium_ready(d))
        return;
    if (lba > d->sectors || count > d->sectors - lba) {
        illegal(d, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    d->xfer_lba = lba;
    d->xfer_left = count;
    d->buf_pos = d->buf_len = 0;
    next_block(d); /* a count of 0: straight to the status phase */
}

/* One mode page at p (header and parameters); changeable: parameters 0. */
static uint32_t mode_page(const struct ata_drive *d, uint8_t *p, uint8_t page, bool changeable)
{
    static const uint8_t errors[] = {MODE_PAGE_ERRORS, 6, 0x00, 0x05, 0, 0, 0, 0};
    static const uint8_t caps[] = {
        MODE_PAGE_CAPS, /* page code */
        18,             /* page length: the bytes after this one */
        0x00,           /* reads: CD-ROM only (no CD-R, CD-RW, DVD) */
        0x00,           /* writes: nothing */
        0x71,           /* audio play, mode 2 form 1 and 2, multisession */
        0x60,           /* CD-DA stream accurate, R-W deinterleaved */
        0x29,           /* lock, eject, tray loading mechanism */
        0x00,           /* no separate volume or channel mute */
        0x02,           /* maximum speed 706 kB/s (4x), high byte */
        0xc2,           /* ... low byte */
        0x00,           /* volume levels: 2, high byte */
        0x02,           /* ... low byte */
        0x02,           /* buffer 512 KiB, high byte */
        0x00,           /* ... low byte */
        0x02,           /* current speed 706 kB/s, high byte */
        0xc2,           /* ... low byte */
        0,              /* reserved */
        0,              /* digital output format */
        0,              /* reserved */
        0,              /* reserved */
    };
    const uint8_t *src = page == MODE_PAGE_ERRORS ? errors : caps;
    uint32_t len = page == MODE_PAGE_ERRORS ? sizeof errors : sizeof caps;
    memcpy(p, src, len);
    if (page == MODE_PAGE_CAPS && d->prevent)
        p[6] |= 0x02; /* lock state: locked */
    if (changeable)
        memset(p + 2, 0, len - 2);
    return len;
}

static void mode_sense(struct ata_drive *d)
{
    uint8_t pc = d->packet[2] >> 6, page = d->packet[2] & 0x3f;
    uint8_t *b = d->buf;
    uint32_t len = MODE_HEADER_LEN;
    if (pc == MODE_PC_SAVED) {
        illegal(d, ASC_SAVING_PARAMS);
        return;
    }
    if (page != MODE_PAGE_ERRORS && page != MODE_PAGE_CAPS && page != MODE_PAGE_ALL) {
        illegal(d, ASC_INVALID_FIELD);
        return;
    }
    memset(b, 0, MODE_HEADER_LEN);
    if (page != MODE_PAGE_CAPS)
        len += mode_page(d, b + len, MODE_PAGE_ERRORS, pc == MODE_PC_CHANGEABLE);
    if (page != MODE_PAGE_ERRORS)
        len += mode_page(d, b + len, MODE_PAGE_CAPS, pc == MODE_PC_CHANGEABLE);
    be16(b, len - 2);                         /* mode data length */
    b[2] = d->bd && d->sectors ? 0x01 : 0x70; /* medium type: CD-ROM data / no disc */
    reply(d, len, get_be16(d->packet + 7));
}

/* A TOC address: LBA, or minute/second/frame counted from the lead-in. */
static void toc_address(uint8_t *p, uint64_t lba, bool msf)
{
    if (!msf) {
        be32(p, (uint32_t)lba);
        return;
    }
    uint64_t f = lba + MSF_LEAD_IN;
    p[0] = 0;
    p[1] = (uint8_t)(f / (75 * 60));
    p[2] = (uint8_t)(f / 75 % 60);
    p[3] = (uint8_t)(f % 75);
}

static uint32_t toc_track(uint8_t *p, uint8_t track, uint64_t lba, bool msf)
{
    p[0] = 0;
    p[1] = TOC_DATA_TRACK;
    p[2] = track;
    p[3] = 0;
    toc_address(p + 4, lba, msf);
    return 8;
}

/* READ TOC: format 0 (the tracks from the starting one, and the lead-out)
 * and 1 (the first track of the last session). SFF-8020i put the format in
 * byte 9; MMC moved it to byte 2. */
static void read_toc(struct ata_drive *d)
{
    const uint8_t *c = d->packet;
    bool msf = (c[1] & 0x02) != 0;
    uint8_t format = (c[2] & 0x0f) ? (c[2] & 0x0f) : (uint8_t)(c[9] >> 6);
    uint8_t *b = d->buf;
    uint32_t len = 4;
    if (!medium_ready(d))
        return;
    if (format > 1 || (format == 0 && c[6] > 1 && c[6] != TOC_LEADOUT)) {
        illegal(d, ASC_INVALID_FIELD);
        return;
    }
    b[2] = 1; /* first track, or first session */
    b[3] = 1; /* last track, or last session */
    if (format == 1) {
        len += toc_track(b + len, 1, 0, msf);
    } else {
        if (c[6] <= 1)
            len += toc_track(b + len, 1, 0, msf);
        len += toc_track(b + len, TOC_LEADOUT, d->sectors, msf);
    }
    be16(b, len - 2);
    reply(d, len, get_be16(c + 7));
}

/* GET CONFIGURATION: the feature header with the current profile, and the
 * profile list feature (0000h) when the host's request covers it. */
static void get_configuration(struct ata_drive *d)
{
    uint8_t *b = d->buf;
    bool disc = d->bd && d->sectors;
    uint32_t len = 8;
    memset(b, 0, 16);
    be16(b + 6, disc ? PROFILE_CDROM : 0);
    if (get_be16(d->packet + 2) == 0) {
        b[10] = 0x03; /* version 0, persistent, current */
        b[11] = 4;    /* one profile descriptor */
        be16(b + 12, PROFILE_CDROM);
        b[14] = disc;
        len += 8;
    }
    be32(b, len - 4); /* data length: the bytes after this field */
    reply(d, len, get_be16(d->packet + 7));
}

static void start_stop_unit(struct ata_drive *d)
{
    bool eject = (d->packet[4] & 0x03) == 0x02; /* LoEj = 1, Start = 0 */
    if (eject && d->prevent)
        check_condition(d, SENSE_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED, 0x02);
    else
        command_done(d); /* no tray: the disc stays in */
}

static void run_packet(struct ata_drive *d)
{
    const uint8_t *c = d->packet;
    uint8_t op = c[0];
    if (d->unit_attention && op != SCSI_INQUIRY && op != SCSI_REQUEST_SENSE &&
        op != MMC_GET_CONFIGURATION) {
        d->unit_attention = false;
        check_condition(d, SENSE_UNIT_ATTENTION, ASC_MEDIUM_CHANGED, 0);
        return;
    }
    switch (op) {
    case SCSI_TEST_UNIT_READY:
        if (medium_ready(d))
            command_done(d);
        break;
    case SCSI_REQUEST_SENSE: request_sense(d); break;
    case SCSI_INQUIRY: inquiry(d); break;
    case SCSI_READ_CAPACITY: read_capacity(d); break;
    case SCSI_READ_10: read_sectors(d, get_be32(c + 2), get_be16(c + 7)); break;
    case SCSI_READ_12: read_sectors(d, get_be32(c + 2), get_be32(c + 6)); break;
    case SCSI_MODE_SENSE_10: mode_sense(d); break;
    case SCSI_START_STOP_UNIT: start_stop_unit(d); break;
    case SCSI_PREVENT_ALLOW:
        d->prevent = (c[4] & 0x01) != 0;
        command_done(d);
        break;
    case MMC_READ_TOC: read_toc(d); break;
    case MMC_GET_CONFIGURATION: get_configuration(d); break;
    default: illegal(d, ASC_INVALID_OPCODE); break;
    }
}

void atapi_block_done(struct ata_drive *d)
{
    if (d->xfer == ATA_XFER_PACKET) {
        memcpy(d->packet, d->buf, ATAPI_PACKET_LEN);
        run_packet(d);
    } else {
        next_block(d);
    }
}

/* --- the ATA commands of a packet device --- */

static void identify_packet(struct ata_drive *d)
{
    uint8_t *id = d->buf;
    char serial[21];
    memset(id, 0, 512);
    snprintf(serial, sizeof serial, "LAB86-CD%u%u", d->channel, d->unit);
    ata_id_word(id, PID_CONFIG, PID_CONFIG_CDROM);
    ata_id_string(id, PID_SERIAL, 10, serial);
    ata_id_string(id, PID_FIRMWARE, 4, CD_FIRMWARE);
    ata_id_string(id, PID_MODEL, 20, CD_MODEL);
    ata_id_word(id, PID_CAPS, PID_CAPS_LBA | PID_CAPS_IORDY);
    ata_id_word(id, PID_VALID, PID_VALID_64_70);
    ata_id_word(id, PID_PIO_MODES, 0x0003); /* PIO modes 3 and 4 */
    for (int w = PID_CYCLE; w <= PID_CYCLE + 3; w++)
        ata_id_word(id, w, 120);
    ata_id_word(id, PID_MAJOR, PID_MAJOR_4_6);
    ata_id_word(id, PID_CMDSET1, PID_PACKET_RESET);
    ata_id_word(id, PID_CMDSET2, PID_VALID_WORD);
    ata_id_word(id, PID_CMDSET3, PID_VALID_WORD);
    ata_id_word(id, PID_CMDSET1_EN, PID_PACKET_RESET);
    ata_id_word(id, PID_CMDSET3_EN, PID_VALID_WORD);
    ata_id_checksum(id);
    ata_pio_in(d, ATA_XFER_IDENTIFY, 0, 512);
}

/* PACKET: latch the byte count limit and ask for the command packet. */
static void start_packet(struct ata_drive *d)
{
    if (d->feature & PACKET_FEAT_DMA) {
        ata_fail(d, ATA_ER_ABRT);
        return;
    }
    d->byte_limit = (uint16_t)(d->lba_mid | d->lba_high << 8);
    d->count = ATAPI_IR_COD; /* command packet, to the device */
    ata_pio_out(d, ATA_XFER_PACKET, ATAPI_PACKET_LEN, false);
}

/* DEVICE RESET: the drive alone returns to its signature, with the
 * diagnostic code and status 00h; no interrupt. */
static void device_reset(struct ata_drive *d)
{
    ata_set_signature(d);
    d->error = ATA_DIAG_PASSED;
    d->status = 0;
    d->sense_key = d->asc = d->ascq = 0;
}

void atapi_command(struct ata_drive *d, uint8_t cmd)
{
    switch (cmd) {
    case ATA_CMD_PACKET: start_packet(d); break;
    case ATA_CMD_IDENTIFY_PACKET: identify_packet(d); break;
    case ATA_CMD_DEVICE_RESET: device_reset(d); break;
    default:
        /* IDENTIFY DEVICE, READ SECTORS, ...: aborted, and the signature tells
         * the host it is talking to a packet device (IDENTIFY DEVICE). */
        ata_set_signature(d);
        ata_fail(d, ATA_ER_ABRT);
        break;
    }
}
