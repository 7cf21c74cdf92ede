/*
 * ata_internal.h - inside the ATA device: the register map, the drive state and
 * the calls between its four files. Not for the board (that is ata.h).
 *
 * The device is split where the standard splits it:
 *   ata.c       the channel: registers, drive selection, resets, INTRQ
 *               (ATA/ATAPI-6 clauses 5-7), and the commands every drive takes;
 *   ata_pio.c   the data register and the PIO block protocol (clause 9): the
 *               DRQ window, a command's end;
 *   ata_disk.c  the ATA command set of a hard disk (clause 8);
 *   atapi.c     the PACKET command and the SCSI/MMC commands of a CD-ROM
 *               (SFF-8020i, MMC-2).
 * The drive state is shared by the four, so it is defined here rather than
 * privately in one .c file; nothing outside core/devices/ata*.c sees it.
 */
#ifndef LAB86_ATA_INTERNAL_H
#define LAB86_ATA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "devices/ata.h"

/* Command block registers: offsets from the base port (ATA/ATAPI-6 clause 7). */
#define ATA_REG_DATA     0 /* data: 16 bits wide */
#define ATA_REG_ERROR    1 /* error (read) */
#define ATA_REG_FEATURE  1 /* features (write) */
#define ATA_REG_COUNT    2 /* sector count; ATAPI: interrupt reason */
#define ATA_REG_LBA_LOW  3 /* LBA 7:0 (and 31:24); CHS: sector number */
#define ATA_REG_LBA_MID  4 /* LBA 15:8 (and 39:32); CHS: cylinder low; ATAPI: byte count low */
#define ATA_REG_LBA_HIGH 5 /* LBA 23:16 (and 47:40); CHS: cylinder high; ATAPI: count high */
#define ATA_REG_DEVICE   6 /* device/head */
#define ATA_REG_STATUS   7 /* status (read: clears a pending interrupt) */
#define ATA_REG_COMMAND  7 /* command (write) */
#define ATA_CMD_PORTS    8 /* command block size in ports */
#define ATA_CTL_PORTS    1 /* control block: alternate status / device control */

/* Device register. Bits 7 and 5 are obsolete: stored and read back. */
#define ATA_DEV_HEAD 0x0f /* CHS: head number; LBA28: LBA 27:24 */
#define ATA_DEV_DEV  0x10 /* 0: device 0 (master), 1: device 1 (slave) */
#define ATA_DEV_LBA  0x40 /* 1: LBA addressing, 0: CHS */

/* Device control register (write only, at the control port). */
#define ATA_DC_NIEN 0x02 /* 1: INTRQ disabled (not asserted by this device) */
#define ATA_DC_SRST 0x04 /* 1: software reset of both devices, held while set */
#define ATA_DC_HOB  0x80 /* 1: reads return the previous (high order) register bytes */

/* Status register (and alternate status, which does not clear INTRQ). */
#define ATA_SR_BSY  0x80 /* busy: the device owns the registers */
#define ATA_SR_DRDY 0x40 /* device ready to accept commands */
#define ATA_SR_DF   0x20 /* device fault */
#define ATA_SR_DSC  0x10 /* device seek complete (obsolete; ATAPI: SERV, kept 0) */
#define ATA_SR_DRQ  0x08 /* data request: the data register is ready */
#define ATA_SR_CORR 0x04 /* corrected data (obsolete, always 0) */
#define ATA_SR_IDX  0x02 /* index mark (obsolete, always 0) */
#define ATA_SR_ERR  0x01 /* the last command ended in error: see the error register */

/* Error register. */
#define ATA_ER_ICRC        0x80 /* interface CRC error (DMA only) */
#define ATA_ER_UNC         0x40 /* uncorrectable data error */
#define ATA_ER_MC          0x20 /* media changed (removable media) */
#define ATA_ER_IDNF        0x10 /* ID not found: the address is not on the disk */
#define ATA_ER_MCR         0x08 /* media change requested */
#define ATA_ER_ABRT        0x04 /* command aborted: unsupported, or a bad parameter */
#define ATA_ER_TK0NF       0x02 /* track 0 not found (RECALIBRATE) */
#define ATA_ER_AMNF        0x01 /* address mark not found */
#define ATA_ER_SENSE_SHIFT 4    /* ATAPI: sense key in bits 7:4 */
#define ATA_DIAG_PASSED    0x01 /* error register after a reset or diagnostic: all passed */

/* ATAPI interrupt reason, in the sector count register. */
#define ATAPI_IR_COD 0x01 /* 1: command packet or status; 0: user data */
#define ATAPI_IR_IO  0x02 /* 1: to the host; 0: to the device */

/* Signatures: sector count, LBA low, mid, high after a reset. */
#define ATA_SIG_COUNT      0x01
#define ATA_SIG_LBA_LOW    0x01
#define ATAPI_SIG_LBA_MID  0x14
#define ATAPI_SIG_LBA_HIGH 0xeb

/* Commands (ATA/ATAPI-6 clause 8; opcode ranges are one command). */
#define ATA_CMD_DEVICE_RESET       0x08 /* packet devices only */
#define ATA_CMD_RECALIBRATE        0x10 /* 0x10-0x1F */
#define ATA_CMD_READ_SECTORS       0x20
#define ATA_CMD_READ_SECTORS_NR    0x21 /* "without retries" (obsolete alias) */
#define ATA_CMD_READ_SECTORS_EXT   0x24
#define ATA_CMD_READ_MULTIPLE_EXT  0x29
#define ATA_CMD_WRITE_SECTORS      0x30
#define ATA_CMD_WRITE_SECTORS_NR   0x31
#define ATA_CMD_WRITE_SECTORS_EXT  0x34
#define ATA_CMD_WRITE_MULTIPLE_EXT 0x39
#define ATA_CMD_READ_VERIFY        0x40
#define ATA_CMD_READ_VERIFY_NR     0x41
#define ATA_CMD_READ_VERIFY_EXT    0x42
#define ATA_CMD_SEEK               0x70 /* 0x70-0x7F */
#define ATA_CMD_EXEC_DIAGNOSTIC    0x90
#define ATA_CMD_INIT_PARAMS        0x91 /* INITIALIZE DEVICE PARAMETERS */
#define ATA_CMD_PACKET             0xa0
#define ATA_CMD_IDENTIFY_PACKET    0xa1
#define ATA_CMD_READ_MULTIPLE      0xc4
#define ATA_CMD_WRITE_MULTIPLE     0xc5
#define ATA_CMD_SET_MULTIPLE       0xc6
#define ATA_CMD_STANDBY_IMMEDIATE  0xe0
#define ATA_CMD_IDLE_IMMEDIATE     0xe1
#define ATA_CMD_STANDBY            0xe2
#define ATA_CMD_IDLE               0xe3
#define ATA_CMD_CHECK_POWER_MODE   0xe5
#define ATA_CMD_FLUSH_CACHE        0xe7
#define ATA_CMD_FLUSH_CACHE_EXT    0xea
#define ATA_CMD_IDENTIFY           0xec
#define ATA_CMD_SET_FEATURES       0xef

#define ATA_SECTOR       512   /* hard disk sector */
#define ATAPI_SECTOR     2048  /* CD-ROM (mode 1) sector */
#define ATA_BUF_SIZE     16384 /* data buffer: 32 disk or 8 CD sectors */
#define ATA_MAX_MULTIPLE 16    /* sectors per block for READ/WRITE MULTIPLE */
#define ATAPI_PACKET_LEN 12    /* command packet bytes (IDENTIFY PACKET word 0: 12) */

/* What kind of drive sits at a unit. */
enum ata_kind {
    ATA_KIND_NONE,  /* no drive: the registers still latch writes (the cable does) */
    ATA_KIND_DISK,  /* ATA hard disk (ata_disk.c) */
    ATA_KIND_CDROM, /* ATAPI CD-ROM drive (atapi.c) */
};

/* What the data register is doing: the data phase, and whose turn it is when
 * the current DRQ block has been transferred. */
enum ata_xfer {
    ATA_XFER_NONE,       /* no data phase: DRQ clear */
    ATA_XFER_IDENTIFY,   /* data-in of one block prepared at command start */
    ATA_XFER_DISK_READ,  /* data-in of sectors: the next block is read when one is done */
    ATA_XFER_DISK_WRITE, /* data-out of sectors: a full block goes to the disk */
    ATA_XFER_PACKET,     /* data-out of the ATAPI command packet */
    ATA_XFER_ATAPI_DATA, /* data-in of an ATAPI command's reply */
};

/* How a disk command's address was given, so that the registers can be
 * written back in the same form. */
enum ata_addr { ATA_ADDR_CHS, ATA_ADDR_LBA28, ATA_ADDR_LBA48 };

struct ata_channel;

/* One drive (or the empty place for one). */
struct ata_drive {
    struct ata_channel *ch;           /* the channel it sits on */
    const struct blockdev *bd;        /* the disk, or the disc in the drive; NULL: none */
    uint8_t kind;                     /* enum ata_kind */
    uint8_t unit;                     /* ATA_MASTER or ATA_SLAVE */
    uint8_t channel;                  /* the channel's index (names, serial numbers) */
    uint8_t feature;                  /* features, last written */
    uint8_t count;                    /* sector count / interrupt reason */
    uint8_t lba_low;                  /* LBA low / sector number */
    uint8_t lba_mid;                  /* LBA mid / cylinder low / byte count low */
    uint8_t lba_high;                 /* LBA high / cylinder high / byte count high */
    uint8_t hob_feature;              /* features, written before that (LBA48 FIFO) */
    uint8_t hob_count;                /* sector count 15:8 */
    uint8_t hob_lba_low;              /* LBA 31:24 */
    uint8_t hob_lba_mid;              /* LBA 39:32 */
    uint8_t hob_lba_high;             /* LBA 47:40 */
    uint8_t device;                   /* device/head register (ATA_DEV_*) */
    uint8_t status;                   /* status register (ATA_SR_*) */
    uint8_t error;                    /* error register (ATA_ER_*, or sense key for ATAPI) */
    uint8_t command;                  /* last command accepted */
    bool nien;                        /* device control nIEN: interrupts disabled */
    bool srst;                        /* device control SRST: held in reset */
    bool hob;                         /* device control HOB: reads show the hob_ bytes */
    bool irq_pending;                 /* this drive's INTRQ is asserted (if selected, !nien) */
    uint8_t xfer;                     /* enum ata_xfer: the data phase in progress */
    uint32_t buf_pos;                 /* next byte of buf the data register moves */
    uint32_t drq_left;                /* bytes left in the current DRQ block */
    uint32_t buf_len;                 /* ATAPI: valid reply bytes in buf */
    uint64_t xfer_lba;                /* next sector to read or write */
    uint32_t xfer_left;               /* sectors of the command not yet transferred */
    uint16_t xfer_block;              /* sectors per DRQ block (1, or the multiple count) */
    uint8_t xfer_addr;                /* enum ata_addr of the command */
    uint64_t sectors;                 /* capacity in sectors (512 disk, 2048 CD) */
    uint16_t cur_cyls;                /* current CHS translation: cylinders */
    uint16_t cur_heads;               /* ... heads */
    uint16_t cur_spt;                 /* ... sectors per track */
    uint8_t multiple;                 /* sectors per block for READ/WRITE MULTIPLE; 0: off */
    uint8_t packet[ATAPI_PACKET_LEN]; /* ATAPI: the command packet */
    uint16_t byte_limit;              /* ATAPI: byte count limit given with PACKET */
    uint8_t sense_key;                /* ATAPI: sense key of the last command */
    uint8_t asc;                      /* ATAPI: additional sense code */
    uint8_t ascq;                     /* ATAPI: additional sense code qualifier */
    bool unit_attention;              /* ATAPI: the medium changed since the guest last looked */
    bool prevent;                     /* ATAPI: medium removal prevented */
    uint8_t buf[ATA_BUF_SIZE];        /* the sector buffer behind the data register */
};

/* --- ata_pio.c: the data register's words (for ata.c) --- */

/* A word read from or written to the drive's data register. */
uint16_t ata_pio_read16(struct ata_drive *d);
void ata_pio_write16(struct ata_drive *d, uint16_t v);

/* --- ata.c and ata_pio.c: the channel's services to the command sets --- */

/* Status of an idle, ready drive: DRDY|DSC for a disk, DRDY for ATAPI. */
uint8_t ata_ready_status(const struct ata_drive *d);

/* Assert d's INTRQ (reaches the line if d is selected and nIEN is clear). */
void ata_raise_irq(struct ata_drive *d);

/* Start a DRQ block of len bytes at buf[pos]: data-in (to the host) raises
 * INTRQ; data-out raises it only if irq (not for the first block). */
void ata_pio_in(struct ata_drive *d, enum ata_xfer x, uint32_t pos, uint32_t len);
void ata_pio_out(struct ata_drive *d, enum ata_xfer x, uint32_t len, bool irq);

/* End the command: no data phase, ready status, INTRQ if irq. */
void ata_done(struct ata_drive *d, bool irq);

/* End the command in error: ERR in status, err in the error register, INTRQ. */
void ata_fail(struct ata_drive *d, uint8_t err);

/* Load the signature of d's kind into sector count and LBA. */
void ata_set_signature(struct ata_drive *d);

/* --- the IDENTIFY block, shared by both kinds of drive --- */

/* Word w of id, little-endian as the data register delivers it. */
static inline void ata_id_word(uint8_t *id, int w, uint16_t v)
{
    id[2 * w] = (uint8_t)v;
    id[2 * w + 1] = (uint8_t)(v >> 8);
}

/* An ATA string in words w..w+n-1: two characters a word, the first in the
 * high byte, padded with spaces. */
static inline void ata_id_string(uint8_t *id, int w, int n, const char *s)
{
    size_t len = strlen(s);
    for (int k = 0; k < 2 * n; k++)
        id[2 * w + (k ^ 1)] = (size_t)k < len ? (uint8_t)s[k] : ' ';
}

/* Word 255: signature A5h in the low byte and a high byte that makes the
 * sum of all 512 bytes zero (IDENTIFY word 255, integrity word). */
static inline void ata_id_checksum(uint8_t *id)
{
    uint8_t sum = 0;
    id[510] = 0xa5;
    for (int k = 0; k < 511; k++)
        sum = (uint8_t)(sum + id[k]);
    id[511] = (uint8_t)-sum;
}

/* --- ata_disk.c --- */

/* A disk at d has just been attached or reset: default geometry and modes. */
void ata_disk_init(struct ata_drive *d);
/* Execute an ATA command on a disk (the common ones were taken by ata.c). */
void ata_disk_command(struct ata_drive *d, uint8_t cmd);
/* The DRQ block of a READ or WRITE has been transferred. */
void ata_disk_block_done(struct ata_drive *d);

/* --- atapi.c --- */

/* A CD-ROM drive at d has just been attached or reset. */
void atapi_init(struct ata_drive *d);
/* Execute an ATA command on a packet device (PACKET, IDENTIFY PACKET, ...). */
void atapi_command(struct ata_drive *d, uint8_t cmd);
/* The command packet, or a DRQ block of the reply, has been transferred. */
void atapi_block_done(struct ata_drive *d);

#endif
