/*
 * ata_util.h - a rig for the ATA suites: one channel on a bus, its INTRQ
 * line recorded, and port helpers. The channel is driven only through its
 * ports and observed through its ports, its line and its field table.
 */
#ifndef LAB86_ATA_UTIL_H
#define LAB86_ATA_UTIL_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "blockdev.h"
#include "bus.h"
#include "devfield.h"
#include "devices/ata.h"

/* Register ports of the channel under test, as the rig maps it. */
#define R_DATA   (r->cmd + 0)
#define R_ERROR  (r->cmd + 1)
#define R_FEAT   (r->cmd + 1)
#define R_COUNT  (r->cmd + 2)
#define R_LOW    (r->cmd + 3)
#define R_MID    (r->cmd + 4)
#define R_HIGH   (r->cmd + 5)
#define R_DEVICE (r->cmd + 6)
#define R_STATUS (r->cmd + 7)
#define R_CMD    (r->cmd + 7)
#define R_CTL    (r->ctl)

#define SR_BSY  0x80
#define SR_DRDY 0x40
#define SR_DSC  0x10
#define SR_DRQ  0x08
#define SR_ERR  0x01
#define ER_ABRT 0x04
#define ER_IDNF 0x10

struct rig {
    struct bus bus;         /* the ports */
    struct ata_channel *ch; /* the channel under test */
    uint16_t cmd, ctl;      /* its command block base and control port */
    int level;              /* INTRQ as last driven */
    int edges;              /* rising edges of INTRQ seen */
};

static inline void rig_irq(void *opaque, int n, int level)
{
    struct rig *r = opaque;
    (void)n;
    if (level && !r->level)
        r->edges++;
    r->level = level;
}

static inline struct rig *rig_new(uint16_t cmd, uint16_t ctl, int index)
{
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bus_init(&r->bus, 4096), 0);
    r->cmd = cmd;
    r->ctl = ctl;
    r->ch = ata_create(&r->bus, cmd, ctl, (struct irq_line){rig_irq, r, 14}, index);
    ck_assert_ptr_nonnull(r->ch);
    return r;
}

static inline void rig_free(struct rig *r)
{
    ata_destroy(r->ch);
    bus_free(&r->bus);
    free(r);
}

static inline void out8(struct rig *r, uint16_t port, uint8_t v)
{
    bus_out(&r->bus, port, v, 1);
}

static inline uint8_t in8(struct rig *r, uint16_t port)
{
    return (uint8_t)bus_in(&r->bus, port, 1);
}

static inline uint16_t in16(struct rig *r, uint16_t port)
{
    return (uint16_t)bus_in(&r->bus, port, 2);
}

static inline void out16(struct rig *r, uint16_t port, uint16_t v)
{
    bus_out(&r->bus, port, v, 2);
}

/* Read n bytes (n even) from the data register, a word at a time. */
static inline void read_data(struct rig *r, uint8_t *buf, size_t n)
{
    for (size_t k = 0; k < n; k += 2) {
        uint16_t w = in16(r, R_DATA);
        buf[k] = (uint8_t)w;
        buf[k + 1] = (uint8_t)(w >> 8);
    }
}

static inline void write_data(struct rig *r, const uint8_t *buf, size_t n)
{
    for (size_t k = 0; k < n; k += 2)
        out16(r, R_DATA, (uint16_t)(buf[k] | buf[k + 1] << 8));
}

/* Word w of an IDENTIFY block, and an ATA string from it (trailing blanks
 * removed) into s, which has room for 2 * nwords + 1 characters. */
static inline uint16_t id_word(const uint8_t *id, int w)
{
    return (uint16_t)(id[2 * w] | id[2 * w + 1] << 8);
}

static inline void id_string(const uint8_t *id, int w, int nwords, char *s)
{
    int n = 2 * nwords;
    for (int k = 0; k < n; k++)
        s[k] = (char)id[2 * w + (k ^ 1)];
    while (n > 0 && s[n - 1] == ' ')
        n--;
    s[n] = 0;
}

/* A field of a drive's table, by name. */
static inline uint64_t rig_field(struct rig *r, int unit, const char *name)
{
    struct devinfo info[ATA_UNITS];
    ck_assert_uint_eq(ata_devinfo(r->ch, info, ATA_UNITS), ATA_UNITS);
    for (size_t k = 0; k < info[unit].n_fields; k++)
        if (strcmp(info[unit].fields[k].name, name) == 0)
            return devfield_get(&info[unit].fields[k], info[unit].state, 0);
    ck_abort_msg("no field %s", name);
    return 0;
}

#endif
