/*
 * fdc_cmd.c - the 82077's commands that move no data, and the command
 * phase that leads to every command: the table of first bytes (opcode,
 * length, accepted modifier bits), SPECIFY, SENSE DRIVE STATUS,
 * RECALIBRATE, SEEK, SENSE INTERRUPT STATUS, DUMPREG, VERSION,
 * PERPENDICULAR MODE, CONFIGURE and LOCK, and the per-drive events that
 * seeks, recalibrations and the polling after a reset end in. fdc.c is the
 * register interface and the result phase, fdc_xfer.c the data commands;
 * the chip and its timing are described at the top of fdc.c, the register
 * map and the command set in fdc_internal.h.
 */
#include "devices/fdc_internal.h"

#include <string.h>

#define FDC_SEEK_NS 100000 /* SEEK or RECALIBRATE, any distance -> INT (see fdc.c) */

/* --- per-drive events: seeks, recalibrations, the polling after a reset --- */

/* Keep event_timer armed for the earliest pending event. */
void fdc_arm_events(struct fdc *f)
{
    uint64_t next = CLOCK_NEVER;
    for (int u = 0; u < FDC_UNITS; u++)
        if (f->ev_due[u] < next)
            next = f->ev_due[u];
    if (next == CLOCK_NEVER)
        clock_disarm(&f->event_timer);
    else
        clock_arm(f->clock, &f->event_timer, next);
}

/* Unit's event of kind comes ns from now (fdc_arm_events() arms the timer). */
void fdc_schedule(struct fdc *f, int unit, enum fdc_event kind, uint64_t ns)
{
    f->ev_kind[unit] = (uint8_t)kind;
    f->ev_due[unit] = clock_now(f->clock) + clock_ns_to_cycles(f->clock, ns);
}

/* The event of unit has come: move the head, post its interrupt status. */
static void event_done(struct fdc *f, int unit)
{
    uint8_t st0 = (uint8_t)unit;
    switch (f->ev_kind[unit]) {
    case FDC_EV_SEEK:
        fdc_move_head(f, unit, f->ev_target[unit]);
        st0 |= (uint8_t)(FDC_ST0_SE | f->ev_head[unit] << 2);
        break;
    case FDC_EV_RECAL:
        if (fdc_drive_of(f, unit)) {
            fdc_move_head(f, unit, 0);
            st0 |= FDC_ST0_SE;
        } else {
            st0 |= FDC_ST0_IC_ABNORMAL | FDC_ST0_SE | FDC_ST0_EC; /* TRK0 never came */
        }
        break;
    default: st0 |= FDC_ST0_IC_POLLING; break;
    }
    f->ev_kind[unit] = FDC_EV_NONE;
    f->ev_due[unit] = CLOCK_NEVER;
    f->sense_pending[unit] = true;
    f->sense_st0[unit] = st0;
    fdc_set_int(f, true);
}

/* The clock timer of the drives' events: every one that is due. */
void fdc_event_timer(void *opaque, uint64_t now)
{
    struct fdc *f = opaque;
    for (int u = 0; u < FDC_UNITS; u++)
        if (f->ev_kind[u] != FDC_EV_NONE && f->ev_due[u] <= now)
            event_done(f, u);
    fdc_arm_events(f);
}

/* --- the commands that move no data --- */

static void invalid(struct fdc *f)
{
    uint8_t st0 = FDC_ST0_IC_INVALID;
    fdc_result(f, &st0, 1, false);
}

static void cmd_specify(struct fdc *f)
{
    f->srt_hut = f->cmd[1];
    f->hlt_nd = f->cmd[2];
}

static void cmd_sense_drive_status(struct fdc *f)
{
    int u = f->cmd[1] & FDC_CMD_DS;
    struct fdc_drive *d = fdc_drive_of(f, u);
    uint8_t st3 = FDC_ST3_RY | FDC_ST3_TS | (f->cmd[1] & (FDC_ST3_HD | FDC_ST3_DS));
    if (d && f->pcn[u] == 0)
        st3 |= FDC_ST3_T0;
    if (d && (!d->inserted || d->read_only))
        st3 |= FDC_ST3_WP; /* an empty 3.5-inch drive senses "protected" */
    fdc_result(f, &st3, 1, false);
}

static void cmd_recalibrate(struct fdc *f)
{
    int u = f->cmd[1] & FDC_CMD_DS;
    f->ev_target[u] = 0;
    f->ev_head[u] = 0;
    fdc_schedule(f, u, FDC_EV_RECAL, FDC_SEEK_NS);
    fdc_arm_events(f);
}

/* SEEK to NCN, or a relative seek by NCN steps in or out. */
static void cmd_seek(struct fdc *f)
{
    int u = f->cmd[1] & FDC_CMD_DS;
    int target = f->cmd[2];
    if (f->cmd[0] & FDC_CMD_RS) {
        target = (f->cmd[0] & FDC_CMD_DIR) ? f->pcn[u] + target : f->pcn[u] - target;
        target = target < 0 ? 0 : target > 255 ? 255 : target;
    }
    f->ev_target[u] = (uint8_t)target;
    f->ev_head[u] = (f->cmd[1] & FDC_CMD_HDS) >> 2;
    fdc_schedule(f, u, FDC_EV_SEEK, FDC_SEEK_NS);
    fdc_arm_events(f);
}

static void cmd_sense_interrupt(struct fdc *f)
{
    for (int u = 0; u < FDC_UNITS; u++) {
        if (!f->sense_pending[u])
            continue;
        f->sense_pending[u] = false;
        fdc_set_int(f, false);
        uint8_t res[2] = {f->sense_st0[u], f->pcn[u]};
        fdc_result(f, res, 2, false);
        return;
    }
    invalid(f); /* no interrupt pending: the data sheet's rule */
}

/* DUMPREG: the PCN of drives 0-3, SPECIFY's two bytes, the last SC/EOT,
 * LOCK with perpendicular mode, CONFIGURE's two bytes. */
static void cmd_dumpreg(struct fdc *f)
{
    uint8_t res[10];
    memcpy(res, f->pcn, FDC_UNITS);
    res[4] = f->srt_hut;
    res[5] = f->hlt_nd;
    res[6] = f->eot;
    res[7] = (uint8_t)((f->lock ? FDC_DUMP_LOCK : 0) | f->perp);
    res[8] = f->config;
    res[9] = f->pretrk;
    fdc_result(f, res, 10, false);
}

static void cmd_version(struct fdc *f)
{
    uint8_t v = FDC_VERSION_82077;
    fdc_result(f, &v, 1, false);
}

static void cmd_perpendicular(struct fdc *f)
{
    uint8_t v = f->cmd[1];
    uint8_t drives = (v & FDC_PERP_OW) ? (v & FDC_PERP_D) : (f->perp & FDC_PERP_D);
    f->perp = (uint8_t)(drives | (v & FDC_PERP_GAP_WGATE));
}

static void cmd_configure(struct fdc *f)
{
    f->config = f->cmd[2] & (FDC_CONF_EIS | FDC_CONF_EFIFO | FDC_CONF_POLL | FDC_CONF_FIFOTHR);
    f->pretrk = f->cmd[3];
}

static void cmd_lock(struct fdc *f)
{
    f->lock = (f->cmd[0] & FDC_CMD_LOCKBIT) != 0;
    uint8_t v = (uint8_t)(f->lock << 4);
    fdc_result(f, &v, 1, false);
}

typedef void fdc_cmd_fn(struct fdc *f);

struct fdc_command {
    uint8_t opcode;  /* FDC_CMD_* (bits 4-0) */
    uint8_t len;     /* bytes, the first included */
    uint8_t mods;    /* the bits 7-5 it accepts (any other set bit: invalid) */
    fdc_cmd_fn *run; /* called with all its bytes in f->cmd */
};

static const struct fdc_command commands[] = {
    {FDC_CMD_SPECIFY, 3, 0, cmd_specify},
    {FDC_CMD_SENSE_DRIVE_STATUS, 2, 0, cmd_sense_drive_status},
    {FDC_CMD_WRITE_DATA, 9, FDC_CMD_MT | FDC_CMD_MFM, fdc_xfer_start},
    {FDC_CMD_READ_DATA, 9, FDC_CMD_MT | FDC_CMD_MFM | FDC_CMD_SK, fdc_xfer_start},
    {FDC_CMD_RECALIBRATE, 2, 0, cmd_recalibrate},
    {FDC_CMD_SENSE_INTERRUPT, 1, 0, cmd_sense_interrupt},
    {FDC_CMD_READ_ID, 2, FDC_CMD_MFM, fdc_xfer_start},
    {FDC_CMD_FORMAT_TRACK, 6, FDC_CMD_MFM, fdc_xfer_start},
    {FDC_CMD_DUMPREG, 1, 0, cmd_dumpreg},
    {FDC_CMD_SEEK, 3, FDC_CMD_RS | FDC_CMD_DIR, cmd_seek},
    {FDC_CMD_VERSION, 1, 0, cmd_version},
    {FDC_CMD_PERPENDICULAR, 2, 0, cmd_perpendicular},
    {FDC_CMD_CONFIGURE, 4, 0, cmd_configure},
    {FDC_CMD_LOCK, 1, FDC_CMD_LOCKBIT, cmd_lock},
    /* FDC_CMD_PART_ID is absent on purpose: the 82077AA does not know it. */
};

static const struct fdc_command *lookup(uint8_t byte)
{
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
        const struct fdc_command *c = &commands[k];
        if ((byte & FDC_CMD_OPCODE) != c->opcode || (byte & ~(FDC_CMD_OPCODE | c->mods)) != 0)
            continue;
        if (c->opcode == FDC_CMD_SEEK && (byte & (FDC_CMD_RS | FDC_CMD_DIR)) == FDC_CMD_DIR)
            return NULL; /* DIR without RS is no command */
        return c;
    }
    return NULL;
}

/* A byte written to the FIFO in the command phase: the first names the
 * command (an unknown one is answered with ST0 = invalid at once), and the
 * last runs it. */
void fdc_command_byte(struct fdc *f, uint8_t v)
{
    const struct fdc_command *c = lookup(f->cmd_len ? f->cmd[0] : v);
    if (!c) {
        invalid(f);
        return;
    }
    f->cmd[f->cmd_len++] = v;
    if (f->cmd_len < c->len)
        return;
    f->cmd_len = 0;
    c->run(f);
}
