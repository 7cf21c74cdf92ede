/*
 * fdc_internal.h - what the two halves of the floppy controller share:
 * the register map, the command set, the status bytes and the state.
 * fdc.c is the chip's registers, reset and its result phase; fdc_cmd.c
 * the command phase, the commands that move no data and the drives'
 * seek events; fdc_xfer.c the data commands' execution phase. Names follow the Intel 82077AA data sheet (order no. 290166).
 */
#ifndef LAB86_FDC_INTERNAL_H
#define LAB86_FDC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/fdc.h"

#define FDC_UNITS 4 /* drive selects the chip decodes (DS1-DS0); only FDC_DRIVES connect */

/* --- registers: offsets from 0x3F0 --- */

#define FDC_REG_SRA  0 /* read: status register A (PS/2 layout) */
#define FDC_REG_SRB  1 /* read: status register B (PS/2 layout) */
#define FDC_REG_DOR  2 /* read/write: digital output register */
#define FDC_REG_TDR  3 /* read/write: tape drive register */
#define FDC_REG_MSR  4 /* read: main status register */
#define FDC_REG_DSR  4 /* write: data rate select register */
#define FDC_REG_FIFO 5 /* read/write: the data register (FIFO) */
#define FDC_REG_DIR  7 /* read: digital input register (port 0x3F7) */
#define FDC_REG_CCR  7 /* write: configuration control register (port 0x3F7) */

/* SRA, status register A: the drive interface's signals. */
#define FDC_SRA_INTPEND 0x80 /* INT is pending */
#define FDC_SRA_NDRV2   0x40 /* 0: a second drive is installed */
#define FDC_SRA_STEP    0x20 /* step pulse (never seen: steps are instantaneous) */
#define FDC_SRA_NTRK0   0x10 /* 0: the selected drive's head is on track 0 */
#define FDC_SRA_HDSEL   0x08 /* head 1 selected */
#define FDC_SRA_NINDX   0x04 /* 0: index hole under the sensor (never seen) */
#define FDC_SRA_NWP     0x02 /* 0: the selected diskette is write-protected */
#define FDC_SRA_DIR     0x01 /* step direction inward (never seen) */

/* SRB, status register B. */
#define FDC_SRB_ONES   0xc0 /* bits 7-6 read 1 */
#define FDC_SRB_DR0    0x20 /* DOR drive select bit 0 */
#define FDC_SRB_WDATA  0x10 /* toggles on each write data pulse (not modelled: 0) */
#define FDC_SRB_RDATA  0x08 /* toggles on each read data pulse (not modelled: 0) */
#define FDC_SRB_WGATE  0x04 /* write gate (not modelled: 0) */
#define FDC_SRB_MOTEN1 0x02 /* DOR motor enable 1 */
#define FDC_SRB_MOTEN0 0x01 /* DOR motor enable 0 */

/* DOR, digital output register. */
#define FDC_DOR_DSEL     0x03          /* drive select */
#define FDC_DOR_NRESET   0x04          /* 0: hold the controller in reset */
#define FDC_DOR_DMAGATE  0x08          /* AT mode: enable the INT and DRQ outputs */
#define FDC_DOR_MOTEN(n) (0x10 << (n)) /* motor enable of drive n (0-3) */

/* TDR, tape drive register. */
#define FDC_TDR_TAPESEL 0x03 /* which drive is a tape drive (stored only) */

/* MSR, main status register. */
#define FDC_MSR_RQM        0x80       /* request for master: the FIFO is ready for a transfer */
#define FDC_MSR_DIO        0x40       /* direction: 1 controller to host, 0 host to controller */
#define FDC_MSR_NDMA       0x20       /* execution phase in non-DMA mode */
#define FDC_MSR_CB         0x10       /* command busy: a command is in progress */
#define FDC_MSR_DRVBUSY(n) (1 << (n)) /* drive n is seeking */

/* DSR, data rate select register. */
#define FDC_DSR_SWRESET 0x80 /* software reset (self-clearing) */
#define FDC_DSR_PWRDOWN 0x40 /* power down (ignored: the chip stays awake) */
#define FDC_DSR_PRECOMP 0x1c /* write precompensation (stored only) */
#define FDC_DSR_DRATE   0x03 /* data rate (FDC_DRATE_*) */

/* DIR, digital input register; CCR, configuration control register. */
#define FDC_DIR_DSKCHG 0x80 /* the selected drive's disk change line */
#define FDC_DIR_UNUSED 0x7f /* not driven in AT mode: float high */
#define FDC_CCR_DRATE  0x03 /* data rate, as DSR bits 1-0 */

/* --- commands: the first byte --- */

#define FDC_CMD_MT      0x80 /* multi-track: continue on head 1 after EOT on head 0 */
#define FDC_CMD_MFM     0x40 /* MFM (double density) recording */
#define FDC_CMD_SK      0x20 /* skip sectors with a deleted data mark */
#define FDC_CMD_LOCKBIT 0x80 /* LOCK: 1 lock, 0 unlock */
#define FDC_CMD_RS      0x80 /* SEEK: relative seek */
#define FDC_CMD_DIR     0x40 /* relative SEEK: 1 step in (higher cylinders), 0 out */
#define FDC_CMD_OPCODE  0x1f /* the command proper */

#define FDC_CMD_SPECIFY            0x03 /* SRT|HUT, HLT|ND; no result */
#define FDC_CMD_SENSE_DRIVE_STATUS 0x04 /* HDS|DS; result ST3 */
#define FDC_CMD_WRITE_DATA         0x05 /* 8 parameters; DMA/PIO data; 7 results */
#define FDC_CMD_READ_DATA          0x06 /* 8 parameters; DMA/PIO data; 7 results */
#define FDC_CMD_RECALIBRATE        0x07 /* DS; seek to track 0, then INT */
#define FDC_CMD_SENSE_INTERRUPT    0x08 /* result ST0, PCN */
#define FDC_CMD_READ_ID            0x0a /* HDS|DS; 7 results */
#define FDC_CMD_FORMAT_TRACK       0x0d /* HDS|DS, N, SC, GPL, D; 4 ID bytes a sector; 7 results */
#define FDC_CMD_DUMPREG            0x0e /* 10 results */
#define FDC_CMD_SEEK               0x0f /* HDS|DS, NCN; then INT */
#define FDC_CMD_VERSION            0x10 /* result 0x90 */
#define FDC_CMD_PERPENDICULAR      0x12 /* OW|D3-D0|GAP|WGATE; no result */
#define FDC_CMD_CONFIGURE          0x13 /* 0, EIS|EFIFO|POLL|FIFOTHR, PRETRK; no result */
#define FDC_CMD_LOCK               0x14 /* result LOCK << 4 */
#define FDC_CMD_PART_ID            0x18 /* the 82078's; the 82077AA rejects it */

#define FDC_VERSION_82077 0x90 /* VERSION's answer on an 82077AA */
#define FDC_CMD_HDS       0x04 /* parameter byte 1: head select */
#define FDC_CMD_DS        0x03 /* parameter byte 1: drive select */
#define FDC_CMD_MAX       9    /* the longest command (READ/WRITE DATA) */
#define FDC_RES_MAX       10   /* the longest result (DUMPREG) */

/* SPECIFY's second byte, CONFIGURE's, PERPENDICULAR MODE's. */
#define FDC_SPEC_ND        0x01           /* non-DMA mode */
#define FDC_CONF_EIS       0x40           /* enable implied seek */
#define FDC_CONF_EFIFO     0x20           /* 1: FIFO disabled */
#define FDC_CONF_POLL      0x10           /* 1: drive polling disabled */
#define FDC_CONF_FIFOTHR   0x0f           /* FIFO threshold - 1 */
#define FDC_CONF_DEFAULT   FDC_CONF_EFIFO /* after a reset: FIFO off, polling on */
#define FDC_PERP_OW        0x80           /* overwrite: D3-D0 take effect */
#define FDC_PERP_D         0x3c           /* perpendicular mode per drive */
#define FDC_PERP_GAP_WGATE 0x03           /* GAP, WGATE: perpendicular mode for all drives */
#define FDC_DUMP_LOCK      0x80           /* DUMPREG byte 7: LOCK */

/* --- status bytes --- */

/* ST0 */
#define FDC_ST0_IC_NORMAL   0x00 /* interrupt code: normal termination */
#define FDC_ST0_IC_ABNORMAL 0x40 /*   abnormal termination */
#define FDC_ST0_IC_INVALID  0x80 /*   invalid command */
#define FDC_ST0_IC_POLLING  0xc0 /*   abnormal termination caused by polling (after reset) */
#define FDC_ST0_SE          0x20 /* seek end */
#define FDC_ST0_EC          0x10 /* equipment check: track 0 not found by RECALIBRATE */
#define FDC_ST0_H           0x04 /* head at the interrupt */
#define FDC_ST0_DS          0x03 /* drive select */

/* ST1 */
#define FDC_ST1_EN 0x80 /* end of cylinder: ran past EOT without TC */
#define FDC_ST1_DE 0x20 /* data error (CRC): here, the host failed to read or write */
#define FDC_ST1_OR 0x10 /* overrun/underrun: DMA (or the host) did not keep up */
#define FDC_ST1_ND 0x04 /* no data: no sector with the ID asked for */
#define FDC_ST1_NW 0x02 /* not writable: the diskette is write-protected */
#define FDC_ST1_MA 0x01 /* missing address mark: no ID found on the track */

/* ST2 */
#define FDC_ST2_DD 0x20 /* data error in the data field */
#define FDC_ST2_WC 0x10 /* wrong cylinder: the IDs on the track carry another C */

/* ST3 */
#define FDC_ST3_WP 0x40 /* write protected */
#define FDC_ST3_RY 0x20 /* the 82077AA has no READY input: reads 1 */
#define FDC_ST3_T0 0x10 /* head on track 0 */
#define FDC_ST3_TS 0x08 /* two-side signal: reads 1 */
#define FDC_ST3_HD 0x04 /* head select */
#define FDC_ST3_DS 0x03 /* drive select */

/* --- state --- */

enum fdc_phase {
    FDC_PHASE_COMMAND, /* RQM, DIO 0: taking command bytes (none yet: idle) */
    FDC_PHASE_EXEC,    /* CB: a data command runs; in non-DMA mode its data uses the FIFO */
    FDC_PHASE_RESULT,  /* RQM, DIO 1, CB: result bytes for the host */
};

/* What a unit's timer event does when it comes (fdc.c). */
enum fdc_event {
    FDC_EV_NONE,  /* nothing pending */
    FDC_EV_SEEK,  /* SEEK ends: the head reaches ev_target */
    FDC_EV_RECAL, /* RECALIBRATE ends: track 0, or an equipment check */
    FDC_EV_POLL,  /* the polling after a reset reports "ready changed" */
};

struct fdc_drive {
    const struct blockdev *bd; /* the diskette; NULL: the drive is empty */
    bool connected;            /* a drive is on the cable */
    bool inserted;             /* a diskette is in it */
    bool read_only;            /* the diskette is write-protected */
    bool dskchg;               /* disk change line: set by a change, cleared by a step */
    uint8_t cylinders;         /* the diskette's tracks per side (0: none) */
    uint8_t heads;             /* its sides */
    uint8_t sectors;           /* its sectors per track */
    uint8_t next_sector;       /* the sector the head meets next (READ ID's answer) */
};

/* The data command in its execution phase (fdc_xfer.c). */
struct fdc_xfer {
    uint8_t op;   /* FDC_CMD_READ_DATA, _WRITE_DATA, _FORMAT_TRACK or _READ_ID */
    uint8_t unit; /* drive select */
    uint8_t head; /* physical head (HDS) */
    uint8_t c;    /* ID of the next sector: cylinder */
    uint8_t h;    /*   head */
    uint8_t r;    /*   record (sector number) */
    uint8_t n;    /*   size code (2: 512 bytes) */
    uint8_t eot;  /* last sector number of a track */
    uint8_t left; /* FORMAT: sectors still to format */
    uint8_t fill; /* FORMAT: the filler byte */
    bool mt;      /* multi-track */
    bool se;      /* an implied seek moved the head (ST0 SE) */
    bool pio;     /* non-DMA mode: the data goes through the FIFO */
    bool ready;   /* non-DMA mode: the FIFO has (or wants) data: RQM */
    uint16_t pos; /* non-DMA mode: next byte of buf */
    uint16_t len; /* non-DMA mode: bytes of buf in this unit (a sector, or an ID) */
};

struct fdc {
    struct clock *clock;                /* virtual time */
    struct dma *dma;                    /* the 8237 pair (channel 2), or NULL */
    struct irq_line irq;                /* INT: IRQ 6 */
    struct clock_timer exec_timer;      /* a data command's execution phase ends */
    struct clock_timer event_timer;     /* the earliest ev_due[] */
    struct fdc_drive drive[FDC_DRIVES]; /* A: and B: */
    uint8_t dor;                        /* digital output register */
    uint8_t tdr;                        /* tape drive register */
    uint8_t rate;                       /* data rate (DSR/CCR bits 1-0) */
    uint8_t precomp;                    /* DSR precompensation bits */
    uint8_t srt_hut;                    /* SPECIFY: step rate and head unload times */
    uint8_t hlt_nd;                     /* SPECIFY: head load time, non-DMA bit */
    uint8_t config;                     /* CONFIGURE: EIS EFIFO POLL FIFOTHR */
    uint8_t pretrk;                     /* CONFIGURE: precompensation start track */
    uint8_t perp;                       /* PERPENDICULAR MODE: D3-D0, GAP, WGATE */
    uint8_t eot;                        /* last EOT or SC given (DUMPREG) */
    bool lock;                          /* LOCK: CONFIGURE survives a software reset */
    bool in_reset;                      /* DOR nRESET is 0 */
    uint8_t phase;                      /* enum fdc_phase */
    uint8_t cmd[FDC_CMD_MAX];           /* the command's bytes */
    uint8_t cmd_len;                    /* bytes of it received */
    uint8_t res[FDC_RES_MAX];           /* the result bytes */
    uint8_t res_len;                    /* how many */
    uint8_t res_pos;                    /* the next one the host reads */
    bool res_int;                       /* the result came with INT: its first read clears it */
    bool int_pending;                   /* the INT output (before the DOR gate) */
    bool irq_level;                     /* level last driven on the line */
    uint8_t pcn[FDC_UNITS];             /* present cylinder numbers: where the heads are */
    uint8_t ev_kind[FDC_UNITS];         /* enum fdc_event pending per unit */
    uint8_t ev_target[FDC_UNITS];       /* SEEK: the new cylinder */
    uint8_t ev_head[FDC_UNITS];         /* SEEK: the head its ST0 names */
    uint64_t ev_due[FDC_UNITS];         /* cycle the event comes at (CLOCK_NEVER: none) */
    bool sense_pending[FDC_UNITS];      /* an interrupt status waits for SENSE INTERRUPT */
    uint8_t sense_st0[FDC_UNITS];       /* its ST0 */
    uint64_t exec_due;                  /* cycle exec_timer fires at (CLOCK_NEVER: idle) */
    struct fdc_xfer x;                  /* the data command in execution */
    uint8_t buf[FDC_SECTOR];            /* one sector (or FORMAT's ID bytes) */
};

/* --- fdc.c's services to fdc_xfer.c --- */

/* The connected drive unit selects, or NULL. */
struct fdc_drive *fdc_drive_of(struct fdc *f, int unit);

/* Drive INT (gated by DOR DMAGATE onto the IRQ line). */
void fdc_set_int(struct fdc *f, bool pending);

/* Enter the result phase with n bytes; with_int: raise INT now, and clear
 * it when the host reads the first byte. */
void fdc_result(struct fdc *f, const uint8_t *bytes, int n, bool with_int);

/* Step unit's head to cylinder cyl; a step with a diskette in clears the
 * disk change line. */
void fdc_move_head(struct fdc *f, int unit, uint8_t cyl);

/* --- fdc_cmd.c: the command phase and the drives' events --- */

/* A byte written to the FIFO in the command phase. */
void fdc_command_byte(struct fdc *f, uint8_t v);

/* Unit's event of kind comes ns from now; fdc_arm_events() then arms the
 * timer for the earliest event pending. */
void fdc_schedule(struct fdc *f, int unit, enum fdc_event kind, uint64_t ns);
void fdc_arm_events(struct fdc *f);

/* The clock timer of the drives' events (clock_fn): every one that is due
 * moves its head and posts its interrupt status. */
void fdc_event_timer(void *opaque, uint64_t now);

/* --- fdc_xfer.c: the data commands --- */

/* All bytes of READ DATA, WRITE DATA, FORMAT TRACK or READ ID are in:
 * start the execution phase (it ends at exec_timer). */
void fdc_xfer_start(struct fdc *f);

/* exec_timer: the drive has found the track; move the data (DMA) or open
 * the FIFO to the host (non-DMA mode), or report READ ID. */
void fdc_xfer_run(struct fdc *f);

/* Non-DMA mode: the host reads or writes the FIFO in the execution phase. */
uint8_t fdc_xfer_pio_read(struct fdc *f);
void fdc_xfer_pio_write(struct fdc *f, uint8_t v);

#endif
