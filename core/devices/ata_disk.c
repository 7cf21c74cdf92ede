/*
 * ata_disk.c - the ATA command set of a hard disk (ATA/ATAPI-6 clause 8),
 * on top of the channel in ata.c.
 *
 * Addressing. A command names its first sector in one of three ways:
 *   - CHS (device register LBA = 0): cylinder in LBA mid/high, head in the
 *     device register's low nibble, sector (from 1) in LBA low, translated
 *     through the current geometry: LBA = (C * heads + H) * spt + S - 1;
 *   - LBA28 (LBA = 1): bits 27:24 in the device register, 23:0 in LBA
 *     high/mid/low; a count of 0 means 256 sectors;
 *   - LBA48 (the EXT commands, whatever the LBA bit says): 48 bits in the
 *     two-deep LBA registers, the previous write of each being the high
 *     byte; a 16-bit count, 0 meaning 65536.
 * The whole range is checked before any data moves: a command that reaches
 * past the end of the disk, or a CHS address outside the geometry, fails at
 * once with IDNF and moves nothing. As a transfer goes, the address and
 * count registers are rewritten after each block in the command's own form,
 * so that they name the next sector (the sector that failed, on an error),
 * as drives and the Bochs and QEMU models do.
 *
 * Geometry. IDENTIFY reports the conventional translation of a disk of N
 * sectors: 16 heads, 63 sectors per track, N / (16 * 63) cylinders, at most
 * 16383 (the ATA limit for CHS; larger disks are reached by LBA) and at
 * least 1. INITIALIZE DEVICE PARAMETERS sets another heads/spt pair.
 *
 * Protocols (clause 9). PIO data-in (READ SECTORS, READ MULTIPLE, IDENTIFY):
 * each DRQ block raises INTRQ when its data is ready; none after the last.
 * PIO data-out (WRITE ...): the first block is asked for without an
 * interrupt, each later one and the completion with one, after the block has
 * been written to the backend. A block is one sector, or the multiple count
 * for READ/WRITE MULTIPLE (the last block of a command may be shorter).
 *
 * Not emulated: the write cache (FLUSH CACHE succeeds at once: every write
 * has already reached the backend), READ/WRITE DMA, security, SMART, HPA
 * and the other optional feature sets; IDENTIFY does not claim them, and
 * their commands are aborted.
 */
#include <stdio.h>
#include <string.h>

#include "devices/ata_internal.h"

#define ATA_DEF_HEADS    16
#define ATA_DEF_SPT      63
#define ATA_MAX_CYLS     16383             /* CHS cylinders IDENTIFY may report */
#define ATA_CHS_MAX      16514064u         /* 16383 * 16 * 63: CHS-addressable sectors */
#define ATA_MAX_CUR_CYLS 65535             /* cylinders after INITIALIZE DEVICE PARAMETERS */
#define ATA_LBA28_MAX    0x0fffffffu       /* sectors addressable by LBA28 */
#define ATA_LBA48_MAX    0xffffffffffffull /* sectors addressable by LBA48 */
#define ATA_ID_WORDS     256

/* IDENTIFY DEVICE words (ATA-6 table "IDENTIFY DEVICE information"). */
#define ID_CONFIG         0      /* general configuration */
#define ID_CONFIG_FIXED   0x0040 /* fixed (not removable) device, ATA */
#define ID_CYLS           1
#define ID_HEADS          3
#define ID_TRACK_BYTES    4 /* obsolete: unformatted bytes per track */
#define ID_SECTOR_BYTES   5 /* obsolete: unformatted bytes per sector; the Bochs BIOS's
                               ata_detect still takes its sector size from here */
#define ID_SPT            6
#define ID_SERIAL         10 /* 20 characters */
#define ID_FIRMWARE       23 /* 8 characters */
#define ID_MODEL          27 /* 40 characters */
#define ID_MAX_MULTIPLE   47 /* 0x80nn: nn sectors per block at most */
#define ID_CAPS           49
#define ID_CAPS_LBA       0x0200 /* LBA supported */
#define ID_CAPS_IORDY     0x0800 /* IORDY supported */
#define ID_CAPS2          50
#define ID_CAPS2_VALID    0x4000 /* bit 14 shall be one */
#define ID_PIO_TIMING     51     /* obsolete PIO mode, in the high byte */
#define ID_VALID          53
#define ID_VALID_54_58    0x0001 /* current CHS words are valid */
#define ID_VALID_64_70    0x0002 /* PIO mode words are valid */
#define ID_CUR_CYLS       54
#define ID_CUR_HEADS      55
#define ID_CUR_SPT        56
#define ID_CUR_CAPACITY   57 /* 2 words */
#define ID_MULTIPLE       59 /* 0x01nn: multiple mode on, nn sectors */
#define ID_MULTIPLE_VALID 0x0100
#define ID_LBA28_SECTORS  60 /* 2 words */
#define ID_PIO_MODES      64 /* bit 0: mode 3, bit 1: mode 4 */
#define ID_PIO_MODES_3_4  0x0003
#define ID_MIN_MW_CYCLE   65  /* 65-68: cycle times in ns */
#define ID_CYCLE_NS       120 /* PIO mode 4's cycle time */
#define ID_MAJOR          80
#define ID_MAJOR_ATA1_6   0x007e /* ATA-1 .. ATA/ATAPI-6 */
#define ID_CMDSET2        83     /* command sets supported (2) */
#define ID_CMDSET3        84
#define ID_CMDSET2_EN     86 /* ... enabled (2) */
#define ID_CMDSET3_EN     87
#define ID_VALID_WORD     0x4000 /* bits 15:14 = 01: the word is valid */
#define ID_LBA48          0x0400 /* 48-bit address feature set */
#define ID_FLUSH          0x1000 /* FLUSH CACHE */
#define ID_FLUSH_EXT      0x2000 /* FLUSH CACHE EXT */
#define ID_LBA48_SECTORS  100    /* 4 words */

#define DISK_MODEL    "LAB86 HARDDISK"
#define DISK_FIRMWARE "1.0"

/* --- geometry and addresses --- */

static uint16_t default_cyls(const struct ata_drive *d)
{
    uint64_t c = d->sectors / (ATA_DEF_HEADS * ATA_DEF_SPT);
    return (uint16_t)(c > ATA_MAX_CYLS ? ATA_MAX_CYLS : c ? c : 1);
}

void ata_disk_init(struct ata_drive *d)
{
    uint64_t n = blockdev_sectors(d->bd, ATA_SECTOR);
    d->sectors = n > ATA_LBA48_MAX ? ATA_LBA48_MAX : n;
    d->cur_cyls = default_cyls(d);
    d->cur_heads = ATA_DEF_HEADS;
    d->cur_spt = ATA_DEF_SPT;
    d->multiple = 0; /* off until SET MULTIPLE MODE (power-on default) */
}

/* Sectors the current CHS translation covers (IDENTIFY words 57-58). */
static uint32_t chs_capacity(const struct ata_drive *d)
{
    return (uint32_t)d->cur_cyls * d->cur_heads * d->cur_spt;
}

/* Write the address of sector lba and the count left back into the task
 * file, in the form the command used. */
static void set_address(struct ata_drive *d, uint64_t lba)
{
    uint32_t left = d->xfer_left;
    if (d->xfer_addr == ATA_ADDR_CHS) {
        uint32_t track = (uint32_t)(lba / d->cur_spt);
        uint32_t cyl = track / d->cur_heads;
        d->lba_low = (uint8_t)(lba % d->cur_spt + 1);
        d->lba_mid = (uint8_t)cyl;
        d->lba_high = (uint8_t)(cyl >> 8);
        d->device = (uint8_t)((d->device & ~ATA_DEV_HEAD) | (track % d->cur_heads));
    } else {
        d->lba_low = (uint8_t)lba;
        d->lba_mid = (uint8_t)(lba >> 8);
        d->lba_high = (uint8_t)(lba >> 16);
    }
    if (d->xfer_addr == ATA_ADDR_LBA28)
        d->device = (uint8_t)((d->device & ~ATA_DEV_HEAD) | ((lba >> 24) & ATA_DEV_HEAD));
    if (d->xfer_addr == ATA_ADDR_LBA48) {
        d->hob_lba_low = (uint8_t)(lba >> 24);
        d->hob_lba_mid = (uint8_t)(lba >> 32);
        d->hob_lba_high = (uint8_t)(lba >> 40);
        d->hob_count = (uint8_t)(left >> 8);
    }
    d->count = (uint8_t)left;
}

/* The CHS address in the task file as an LBA; false if it is not a sector
 * of the current geometry. */
static bool chs_to_lba(const struct ata_drive *d, uint64_t *lba)
{
    uint32_t cyl = d->lba_mid | (uint32_t)d->lba_high << 8;
    uint32_t head = d->device & ATA_DEV_HEAD;
    uint32_t sect = d->lba_low;
    if (sect == 0 || sect > d->cur_spt || head >= d->cur_heads || cyl >= d->cur_cyls)
        return false;
    *lba = ((uint64_t)cyl * d->cur_heads + head) * d->cur_spt + sect - 1;
    return true;
}

/* Decode the command's first sector and count into xfer_lba/xfer_left and
 * check that the whole range is on the disk. On failure the command has
 * been ended with IDNF. */
static bool decode_range(struct ata_drive *d, bool lba48)
{
    uint64_t lba;
    uint32_t count;
    if (lba48) {
        d->xfer_addr = ATA_ADDR_LBA48;
        lba = d->lba_low | (uint64_t)d->lba_mid << 8 | (uint64_t)d->lba_high << 16 |
              (uint64_t)d->hob_lba_low << 24 | (uint64_t)d->hob_lba_mid << 32 |
              (uint64_t)d->hob_lba_high << 40;
        count = d->count | (uint32_t)d->hob_count << 8;
        count = count ? count : 65536;
    } else {
        d->xfer_addr = (d->device & ATA_DEV_LBA) ? ATA_ADDR_LBA28 : ATA_ADDR_CHS;
        lba = d->lba_low | (uint64_t)d->lba_mid << 8 | (uint64_t)d->lba_high << 16 |
              (uint64_t)(d->device & ATA_DEV_HEAD) << 24;
        count = d->count ? d->count : 256;
        if (d->xfer_addr == ATA_ADDR_CHS && !chs_to_lba(d, &lba)) {
            ata_fail(d, ATA_ER_IDNF);
            return false;
        }
    }
    if (lba > d->sectors || count > d->sectors - lba) {
        ata_fail(d, ATA_ER_IDNF);
        return false;
    }
    d->xfer_lba = lba;
    d->xfer_left = count;
    return true;
}

/* --- READ and WRITE --- */

static uint32_t block_sectors(const struct ata_drive *d)
{
    return d->xfer_left < d->xfer_block ? d->xfer_left : d->xfer_block;
}

/* Load the next block from the backend and offer it to the host. */
static void read_block(struct ata_drive *d)
{
    uint32_t n = block_sectors(d);
    int r = blockdev_read(d->bd, d->xfer_lba, n, ATA_SECTOR, d->buf);
    if (r != BLOCKDEV_OK) {
        set_address(d, d->xfer_lba);
        ata_fail(d, r == BLOCKDEV_ERANGE ? ATA_ER_IDNF : ATA_ER_UNC);
        return;
    }
    ata_pio_in(d, ATA_XFER_DISK_READ, 0, n * ATA_SECTOR);
}

/* The host has filled a block: write it, then ask for the next or finish. */
static void write_block(struct ata_drive *d)
{
    uint32_t n = block_sectors(d);
    int r = blockdev_write(d->bd, d->xfer_lba, n, ATA_SECTOR, d->buf);
    if (r != BLOCKDEV_OK) {
        set_address(d, d->xfer_lba);
        ata_fail(d, r == BLOCKDEV_ERANGE ? ATA_ER_IDNF : ATA_ER_ABRT);
        return;
    }
    d->xfer_lba += n;
    d->xfer_left -= n;
    set_address(d, d->xfer_lba);
    if (d->xfer_left > 0)
        ata_pio_out(d, ATA_XFER_DISK_WRITE, block_sectors(d) * ATA_SECTOR, true);
    else
        ata_done(d, true);
}

void ata_disk_block_done(struct ata_drive *d)
{
    if (d->xfer == ATA_XFER_DISK_WRITE) {
        write_block(d);
        return;
    }
    uint32_t n = block_sectors(d);
    d->xfer_lba += n;
    d->xfer_left -= n;
    set_address(d, d->xfer_lba);
    if (d->xfer_left > 0)
        read_block(d);
    else
        ata_done(d, false); /* data-in: no interrupt after the last block */
}

/* READ/WRITE SECTORS (block 1) and MULTIPLE (block = the multiple count,
 * which must have been set: READ MULTIPLE aborts otherwise). */
static void read_write(struct ata_drive *d, bool write, bool lba48, uint32_t block)
{
    if (block == 0) {
        ata_fail(d, ATA_ER_ABRT);
        return;
    }
    if (!decode_range(d, lba48))
        return;
    if (write && !d->bd->write) {
        ata_fail(d, ATA_ER_ABRT); /* read-only image */
        return;
    }
    d->xfer_block = (uint16_t)block;
    if (write)
        ata_pio_out(d, ATA_XFER_DISK_WRITE, block_sectors(d) * ATA_SECTOR, false);
    else
        read_block(d);
}

/* READ VERIFY: the sectors are "read" without moving data; only the range
 * can fail. */
static void read_verify(struct ata_drive *d, bool lba48)
{
    if (decode_range(d, lba48))
        ata_done(d, true);
}

/* --- settings --- */

/* SET MULTIPLE MODE: a power of two up to the maximum; 0 turns it off. */
static void set_multiple(struct ata_drive *d)
{
    uint8_t n = d->count;
    if (n > ATA_MAX_MULTIPLE || (n & (n - 1)) != 0) {
        ata_fail(d, ATA_ER_ABRT);
        return;
    }
    d->multiple = n;
    ata_done(d, true);
}

/* INITIALIZE DEVICE PARAMETERS: sectors per track in the count register,
 * heads - 1 in the device register; the cylinders follow from the size. */
static void init_params(struct ata_drive *d)
{
    uint32_t spt = d->count, heads = (d->device & ATA_DEV_HEAD) + 1u;
    if (spt == 0) {
        ata_fail(d, ATA_ER_ABRT);
        return;
    }
    uint64_t cyls = d->sectors / (heads * spt);
    uint64_t cap = ATA_CHS_MAX / (heads * spt);
    cyls = cyls < cap ? cyls : cap;
    d->cur_cyls = (uint16_t)(cyls < ATA_MAX_CUR_CYLS ? cyls : ATA_MAX_CUR_CYLS);
    d->cur_heads = (uint16_t)heads;
    d->cur_spt = (uint16_t)spt;
    ata_done(d, true);
}

/* --- IDENTIFY DEVICE --- */

static void id_dword(uint8_t *id, int w, uint32_t v)
{
    ata_id_word(id, w, (uint16_t)v);
    ata_id_word(id, w + 1, (uint16_t)(v >> 16));
}

static void identify(struct ata_drive *d)
{
    uint8_t *id = d->buf;
    char serial[21];
    uint32_t cur = chs_capacity(d);
    memset(id, 0, 2 * ATA_ID_WORDS);
    snprintf(serial, sizeof serial, "LAB86-HD%u%u", d->channel, d->unit);
    ata_id_word(id, ID_CONFIG, ID_CONFIG_FIXED);
    ata_id_word(id, ID_CYLS, default_cyls(d));
    ata_id_word(id, ID_HEADS, ATA_DEF_HEADS);
    ata_id_word(id, ID_TRACK_BYTES, ATA_SECTOR * ATA_DEF_SPT);
    ata_id_word(id, ID_SECTOR_BYTES, ATA_SECTOR);
    ata_id_word(id, ID_SPT, ATA_DEF_SPT);
    ata_id_string(id, ID_SERIAL, 10, serial);
    ata_id_string(id, ID_FIRMWARE, 4, DISK_FIRMWARE);
    ata_id_string(id, ID_MODEL, 20, DISK_MODEL);
    ata_id_word(id, ID_MAX_MULTIPLE, 0x8000 | ATA_MAX_MULTIPLE);
    ata_id_word(id, ID_CAPS, ID_CAPS_LBA | ID_CAPS_IORDY);
    ata_id_word(id, ID_CAPS2, ID_CAPS2_VALID);
    ata_id_word(id, ID_PIO_TIMING, 0x0200);
    ata_id_word(id, ID_VALID, ID_VALID_54_58 | ID_VALID_64_70);
    ata_id_word(id, ID_CUR_CYLS, d->cur_cyls);
    ata_id_word(id, ID_CUR_HEADS, d->cur_heads);
    ata_id_word(id, ID_CUR_SPT, d->cur_spt);
    id_dword(id, ID_CUR_CAPACITY, cur < d->sectors ? cur : (uint32_t)d->sectors);
    ata_id_word(id, ID_MULTIPLE, d->multiple ? ID_MULTIPLE_VALID | d->multiple : 0);
    id_dword(id, ID_LBA28_SECTORS,
             (uint32_t)(d->sectors < ATA_LBA28_MAX ? d->sectors : ATA_LBA28_MAX));
    ata_id_word(id, ID_PIO_MODES, ID_PIO_MODES_3_4);
    for (int w = ID_MIN_MW_CYCLE; w <= ID_MIN_MW_CYCLE + 3; w++)
        ata_id_word(id, w, ID_CYCLE_NS);
    ata_id_word(id, ID_MAJOR, ID_MAJOR_ATA1_6);
    ata_id_word(id, ID_CMDSET2, ID_VALID_WORD | ID_LBA48 | ID_FLUSH | ID_FLUSH_EXT);
    ata_id_word(id, ID_CMDSET3, ID_VALID_WORD);
    ata_id_word(id, ID_CMDSET2_EN, ID_LBA48 | ID_FLUSH | ID_FLUSH_EXT);
    ata_id_word(id, ID_CMDSET3_EN, ID_VALID_WORD);
    id_dword(id, ID_LBA48_SECTORS, (uint32_t)d->sectors);
    id_dword(id, ID_LBA48_SECTORS + 2, (uint32_t)(d->sectors >> 32));
    ata_id_checksum(id);
    ata_pio_in(d, ATA_XFER_IDENTIFY, 0, 2 * ATA_ID_WORDS);
}

/* --- dispatch --- */

void ata_disk_command(struct ata_drive *d, uint8_t cmd)
{
    if ((cmd & 0xf0) == ATA_CMD_RECALIBRATE || (cmd & 0xf0) == ATA_CMD_SEEK) {
        ata_done(d, true); /* no heads to move */
        return;
    }
    switch (cmd) {
    case ATA_CMD_IDENTIFY: identify(d); break;
    case ATA_CMD_READ_SECTORS:
    case ATA_CMD_READ_SECTORS_NR: read_write(d, false, false, 1); break;
    case ATA_CMD_READ_SECTORS_EXT: read_write(d, false, true, 1); break;
    case ATA_CMD_READ_MULTIPLE: read_write(d, false, false, d->multiple); break;
    case ATA_CMD_READ_MULTIPLE_EXT: read_write(d, false, true, d->multiple); break;
    case ATA_CMD_WRITE_SECTORS:
    case ATA_CMD_WRITE_SECTORS_NR: read_write(d, true, false, 1); break;
    case ATA_CMD_WRITE_SECTORS_EXT: read_write(d, true, true, 1); break;
    case ATA_CMD_WRITE_MULTIPLE: read_write(d, true, false, d->multiple); break;
    case ATA_CMD_WRITE_MULTIPLE_EXT: read_write(d, true, true, d->multiple); break;
    case ATA_CMD_READ_VERIFY:
    case ATA_CMD_READ_VERIFY_NR: read_verify(d, false); break;
    case ATA_CMD_READ_VERIFY_EXT: read_verify(d, true); break;
    case ATA_CMD_SET_MULTIPLE: set_multiple(d); break;
    case ATA_CMD_INIT_PARAMS: init_params(d); break;
    case ATA_CMD_FLUSH_CACHE:
    case ATA_CMD_FLUSH_CACHE_EXT: ata_done(d, true); break; /* writes are through */
    default: ata_fail(d, ATA_ER_ABRT); break;               /* PACKET, IDENTIFY PACKET, DMA, ... */
    }
}
