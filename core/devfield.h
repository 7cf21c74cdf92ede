/*
 * devfield.h - a device's state described as a table of named fields.
 *
 * Each device keeps its state struct private to its .c file and publishes
 * a table of the fields worth seeing: name, type, where it lives in the
 * struct, a one-line meaning. That one table drives the debugger's Devices
 * pane, Lua's m.dev.pic.imr, and snapshots (which save every field, so a
 * field that matters for behaviour must be in the table).
 *
 *     static const struct devfield pic_fields[] = {
 *         DEVFIELD(struct pic_chip, imr, DF_U8, "interrupt mask register"),
 *         ...
 *     };
 */
#ifndef LAB86_DEVFIELD_H
#define LAB86_DEVFIELD_H

#include <stddef.h>
#include <stdint.h>

enum devfield_type { DF_U8, DF_U16, DF_U32, DF_U64, DF_BOOL, DF_BYTES };

struct devfield {
    const char *name;        /* "imr" */
    enum devfield_type type; /* how to read it */
    size_t offset;           /* offsetof in the device's state struct */
    size_t count;            /* array length (1 for a scalar; bytes for DF_BYTES) */
    const char *doc;         /* one line for the debugger */
};

#define DEVFIELD(st, member, type, doc) {#member, type, offsetof(st, member), 1, doc}
#define DEVFIELD_ARRAY(st, member, type, n, doc) {#member, type, offsetof(st, member), n, doc}

/* One device instance as the machine lists it. A device with several
 * instances of a sub-unit (the PIC pair, the PIT's three channels) lists
 * each as its own entry: "pic.master", "pit.ch0". */
struct devinfo {
    const char *name;              /* "pic.master" */
    const struct devfield *fields; /* its table */
    size_t n_fields;               /* entries in fields */
    void *state;                   /* base the offsets apply to */
};

/* Read field f of state as an unsigned value (element k of an array; a
 * DF_BYTES field gives byte k). */
static inline uint64_t devfield_get(const struct devfield *f, const void *state, size_t k)
{
    const unsigned char *p = (const unsigned char *)state + f->offset;
    switch (f->type) {
    case DF_U8:
    case DF_BYTES: return ((const uint8_t *)p)[k];
    case DF_U16: return ((const uint16_t *)p)[k];
    case DF_U32: return ((const uint32_t *)p)[k];
    case DF_U64: return ((const uint64_t *)p)[k];
    case DF_BOOL: return ((const _Bool *)p)[k];
    }
    return 0;
}

#endif
