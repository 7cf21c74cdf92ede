/*
 * pic.c - the Intel 8259A Programmable Interrupt Controller, as the PC/AT
 * uses it: two chips, a master at 0x20 for IRQ 0-7 and a slave at 0xA0 for
 * IRQ 8-15 whose INT output feeds the master's input IR2.
 *
 * A device raises one of eight request inputs (IR0-IR7). The chip latches
 * the request in the Interrupt Request Register (IRR), ignores it while the
 * Interrupt Mask Register (IMR) masks it, and compares its priority with the
 * requests already being serviced (the In-Service Register, ISR). When it
 * wins, the chip raises INT; the CPU answers with an interrupt-acknowledge
 * (INTA) cycle, the chip moves the request from IRR to ISR and puts the
 * vector (ICW2's base + the input number) on the bus. The handler ends with
 * an End Of Interrupt (EOI) command that clears the ISR bit, which lets
 * requests of the same and lower priority through again.
 *
 * Each chip has two ports. The source is the Intel 8259A datasheet (order
 * number 231468-003), "Programming the 8259A", figures 9-10:
 *
 *   port  write                                      read
 *   base  ICW1 (D4 = 1), OCW2 (D4 D3 = 00),          IRR or ISR (OCW3 RR/RIS),
 *         OCW3 (D4 D3 = 01)                          or the poll word (OCW3 P)
 *   +1    ICW2-ICW4 during initialisation, else      IMR
 *         OCW1 (the IMR)
 *
 * Initialisation is a sequence: ICW1 (edge/level, single or cascade, ICW4
 * needed?), ICW2 (vector base), ICW3 (cascade wiring, only in cascade mode),
 * ICW4 (8086 mode, automatic EOI, ...; only when ICW1 asks for it).
 *
 * Priority is a rotation of the eight inputs: after ICW1 IR0 is highest and
 * IR7 lowest; the rotate commands make the input just serviced, or one the
 * program names, the lowest. This file keeps the lowest-priority input in
 * `lowest`; the highest is the one after it.
 *
 * What is emulated: the whole ICW1-ICW4 sequence; OCW1; every OCW2 command
 * (non-specific and specific EOI, rotate on either, set priority, rotate in
 * AEOI mode); OCW3 (read IRR or ISR, poll, special mask mode); automatic
 * EOI; special fully nested mode; edge and level triggering, per chip with
 * ICW1.LTIM and per input with the PIIX's ELCR registers at 0x4D0/0x4D1
 * (Intel 82371AB PIIX4 datasheet, 4.1.12; IRQ 0, 1, 2, 8 and 13 are wired
 * edge there, so those bits read 0); the cascade: the slave's INT is an
 * ordinary input of the master (IR2, edge-triggered on the PC), and falls
 * during the acknowledge of the slave, so that a further slave request makes
 * a new edge; spurious interrupts: an INTA that finds no request (it went
 * away, or was masked, after INT rose) gets base + 7 without setting ISR.
 * The slave's is the classic case: a level-triggered slave request that
 * goes away leaves the master's IR2 latched, the INTA reaches the slave,
 * which has nothing and answers IRQ 15, while the master's IR2 is in
 * service, as on the chip, so the handler of IRQ 15 must still EOI the
 * master.
 *
 * Deliberate differences from the chip:
 *   - an edge-triggered request stays latched in IRR when its line falls
 *     before the INTA (the chip's edge latch also needs the line still high
 *     then, datasheet "Interrupt Triggering"); this lets a device pulse its
 *     line (irq_pulse). Level-triggered requests do follow the line;
 *   - ICW1 also clears ISR (the datasheet does not say; QEMU and Bochs do),
 *     so a guest that re-initialises does not inherit an in-service level;
 *   - MCS-80/85 mode (ICW4.uPM = 0: CALL instructions on the bus) does not
 *     exist on an x86: the chip answers with 8086-mode vectors regardless;
 *   - buffered mode and the master/slave pin (ICW4.BUF, M/S) are stored only.
 */
#include "devices/pic.h"
#include "snapshot.h"

#include <stdbool.h>
#include <stdlib.h>

/* ICW1 (written to the base port with D4 = 1). */
#define PIC_ICW1_IC4  0x01 /* ICW4 will follow */
#define PIC_ICW1_SNGL 0x02 /* single chip: no ICW3 */
#define PIC_ICW1_ADI  0x04 /* call address interval (MCS-80 only) */
#define PIC_ICW1_LTIM 0x08 /* level-triggered inputs (else edge) */
#define PIC_ICW1_INIT 0x10 /* D4 = 1 marks ICW1 */

/* ICW2: T7-T3 of the vector; the chip supplies the input number in D2-D0. */
#define PIC_ICW2_BASE 0xf8

/* ICW4. */
#define PIC_ICW4_UPM  0x01 /* 8086/8088 mode (else MCS-80/85) */
#define PIC_ICW4_AEOI 0x02 /* automatic EOI at the end of INTA */
#define PIC_ICW4_MS   0x04 /* buffered mode: 1 = master */
#define PIC_ICW4_BUF  0x08 /* buffered mode */
#define PIC_ICW4_SFNM 0x10 /* special fully nested mode */

/* OCW2 (base port, D4 D3 = 00): R SL EOI in D7-D5, the level L in D2-D0. */
#define PIC_OCW2_LEVEL        0x07
#define PIC_OCW2_CMD_SHIFT    5
#define PIC_OCW2_ROT_AEOI_CLR 0 /* rotate in AEOI mode: clear */
#define PIC_OCW2_EOI          1 /* non-specific EOI */
#define PIC_OCW2_NOP          2 /* no operation */
#define PIC_OCW2_SEOI         3 /* specific EOI of level L */
#define PIC_OCW2_ROT_AEOI_SET 4 /* rotate in AEOI mode: set */
#define PIC_OCW2_ROT_EOI      5 /* rotate on non-specific EOI */
#define PIC_OCW2_SET_PRIO     6 /* set priority: L becomes the lowest */
#define PIC_OCW2_ROT_SEOI     7 /* rotate on specific EOI of level L */

/* OCW3 (base port, D4 D3 = 01). */
#define PIC_OCW3_RIS  0x01 /* read register: 1 = ISR, 0 = IRR ... */
#define PIC_OCW3_RR   0x02 /* ... when RR = 1 */
#define PIC_OCW3_P    0x04 /* poll: the next read is an acknowledge */
#define PIC_OCW3_SEL  0x08 /* D3 = 1 marks OCW3 */
#define PIC_OCW3_SMM  0x20 /* special mask mode: set or reset ... */
#define PIC_OCW3_ESMM 0x40 /* ... when ESMM = 1 */

/* The poll word: I in D7 (a request is there), W2-W0 its level. */
#define PIC_POLL_INT 0x80

/* Inputs the PIIX wires edge-only: their ELCR bits are read-only 0. */
#define PIC_ELCR1_MASK 0xf8 /* IRQ 0, 1, 2 */
#define PIC_ELCR2_MASK 0xde /* IRQ 8, 13 */

enum { PIC_READY, PIC_WANT_ICW2, PIC_WANT_ICW3, PIC_WANT_ICW4 }; /* init_step */
enum { MASTER, SLAVE };

/* One 8259A. */
struct pic_chip {
    uint8_t irr;       /* interrupt request register: requests waiting */
    uint8_t isr;       /* in-service register: requests being handled */
    uint8_t imr;       /* interrupt mask register (OCW1): 1 = masked */
    uint8_t lines;     /* the IR input levels as last driven */
    uint8_t elcr;      /* ELCR: 1 = that input is level-triggered */
    uint8_t icw1;      /* ICW1 as written (LTIM, SNGL, IC4) */
    uint8_t vector;    /* ICW2 & 0xF8: the vector of IR0 */
    uint8_t icw3;      /* ICW3: master: inputs with a slave; slave: its ID */
    uint8_t icw4;      /* ICW4 as written (0 when ICW1.IC4 = 0): uPM, AEOI, SFNM */
    uint8_t init_step; /* PIC_READY, or which ICW the +1 port expects next */
    uint8_t lowest;    /* the input with the lowest priority (7 after ICW1) */
    bool read_isr;     /* OCW3: the base port reads ISR (else IRR) */
    bool poll;         /* OCW3 P: the next read is a poll */
    bool special_mask; /* OCW3 SMM: masked levels do not block others */
    bool rotate_aeoi;  /* OCW2: rotate in automatic-EOI mode */
    struct pic *pair;  /* the pair this chip belongs to */
};

struct pic {
    struct pic_chip chip[2]; /* MASTER, SLAVE */
    struct irq_line intr;    /* the master's INT output: the CPU's INTR */
    bool intr_level;         /* level last driven on intr */
};

/* --- priority resolution --- */

/* Priority rank of input ir: 0 is the highest, 7 the lowest. */
static int rank(const struct pic_chip *c, int ir)
{
    return (ir - c->lowest - 1) & 7;
}

/* The input of highest priority among the set bits, or -1. */
static int highest(const struct pic_chip *c, uint8_t bits)
{
    for (int k = 0; k < 8; k++) {
        int ir = (c->lowest + 1 + k) & 7;
        if (bits & (1u << ir))
            return ir;
    }
    return -1;
}

/* Does input ir carry a slave? Only on a master in cascade mode. */
static bool is_cascade(const struct pic *p, const struct pic_chip *c, int ir)
{
    return c == &p->chip[MASTER] && !(c->icw1 & PIC_ICW1_SNGL) && (c->icw3 & (1u << ir));
}

/* The request the chip would put through now, or -1: the highest unmasked
 * request, if it outranks every level in service. In special mask mode a
 * masked level in service blocks nothing; in special fully nested mode a
 * slave in service does not block a further request from that same slave. */
static int pending(const struct pic *p, const struct pic_chip *c)
{
    int ir = highest(c, c->irr & ~c->imr);
    if (ir < 0)
        return -1;
    uint8_t busy = c->special_mask ? (uint8_t)(c->isr & ~c->imr) : c->isr;
    int in = highest(c, busy);
    if (in < 0 || rank(c, ir) < rank(c, in))
        return ir;
    if (ir == in && (c->icw4 & PIC_ICW4_SFNM) && is_cascade(p, c, ir))
        return ir;
    return -1;
}

/* --- inputs --- */

static bool level_triggered(const struct pic_chip *c, int ir)
{
    return (c->icw1 & PIC_ICW1_LTIM) || (c->elcr & (1u << ir));
}

/* Input ir is now at level. An edge input latches a request on the rising
 * edge; a level input's request is the line itself. */
static void set_line(struct pic_chip *c, int ir, bool level)
{
    uint8_t bit = 1u << ir;
    if (level_triggered(c, ir))
        c->irr = level ? (c->irr | bit) : (c->irr & ~bit);
    else if (level && !(c->lines & bit))
        c->irr |= bit;
    c->lines = level ? (c->lines | bit) : (c->lines & ~bit);
}

/* Recompute the outputs after any change: the slave's INT onto the master's
 * IR2, then the master's INT onto the CPU's INTR. */
static void update(struct pic *p)
{
    struct pic_chip *m = &p->chip[MASTER];
    bool slave_int = pending(p, &p->chip[SLAVE]) >= 0;
    if (slave_int != ((m->lines >> PIC_CASCADE_IRQ) & 1))
        set_line(m, PIC_CASCADE_IRQ, slave_int);
    bool level = pending(p, m) >= 0;
    if (level != p->intr_level) {
        p->intr_level = level;
        irq_set(&p->intr, level);
    }
}

/* A device drove input n (0-15) to level. */
static void pic_set_input(void *opaque, int n, int level)
{
    struct pic *p = opaque;
    set_line(&p->chip[(n >> 3) & 1], n & 7, level != 0);
    update(p);
}

/* Level inputs' requests are their lines: after LTIM or the ELCR change. */
static void resync_levels(struct pic_chip *c)
{
    uint8_t level = (c->icw1 & PIC_ICW1_LTIM) ? 0xff : c->elcr;
    c->irr = (uint8_t)((c->irr & ~level) | (c->lines & level));
}

/* --- acknowledge and EOI --- */

/* Accept request ir (INTA or poll): into ISR, out of IRR if edge. With
 * AEOI the ISR bit is cleared again at the end of the cycle, rotating
 * first if "rotate in AEOI mode" is set. */
static void accept(struct pic_chip *c, int ir)
{
    uint8_t bit = 1u << ir;
    if (!level_triggered(c, ir))
        c->irr &= ~bit;
    if (c->icw4 & PIC_ICW4_AEOI) {
        if (c->rotate_aeoi)
            c->lowest = (uint8_t)ir;
        return;
    }
    c->isr |= bit;
}

int pic_ack(struct pic *p)
{
    struct pic_chip *m = &p->chip[MASTER], *s = &p->chip[SLAVE];
    int ir = pending(p, m);
    int vector;
    if (ir < 0)
        return m->vector | 7; /* spurious IRQ 7: ISR untouched */
    accept(m, ir);
    if (ir == PIC_CASCADE_IRQ)
        m->lines &= ~(1u << ir); /* the slave's INT falls during its acknowledge */
    if (!is_cascade(p, m, ir)) {
        vector = m->vector | ir;
    } else if ((s->icw3 & 7) != ir) {
        vector = 0xff; /* no slave answers to this ID: the data bus floats */
    } else {
        int sir = pending(p, s);
        if (sir >= 0)
            accept(s, sir);
        vector = s->vector | (sir >= 0 ? sir : 7); /* else spurious IRQ 15 */
    }
    update(p);
    return vector;
}

/* OCW2: the EOI and rotation commands. */
static void write_ocw2(struct pic_chip *c, uint8_t v)
{
    int level = v & PIC_OCW2_LEVEL;
    uint8_t busy = c->special_mask ? (uint8_t)(c->isr & ~c->imr) : c->isr;
    int top = highest(c, busy);
    switch (v >> PIC_OCW2_CMD_SHIFT) {
    case PIC_OCW2_ROT_AEOI_CLR: c->rotate_aeoi = false; break;
    case PIC_OCW2_ROT_AEOI_SET: c->rotate_aeoi = true; break;
    case PIC_OCW2_EOI:
    case PIC_OCW2_ROT_EOI:
        if (top < 0)
            break;
        c->isr &= ~(1u << top);
        if (v >> PIC_OCW2_CMD_SHIFT == PIC_OCW2_ROT_EOI)
            c->lowest = (uint8_t)top;
        break;
    case PIC_OCW2_SEOI: c->isr &= ~(1u << level); break;
    case PIC_OCW2_ROT_SEOI:
        c->isr &= ~(1u << level);
        c->lowest = (uint8_t)level;
        break;
    case PIC_OCW2_SET_PRIO: c->lowest = (uint8_t)level; break;
    default: /* PIC_OCW2_NOP */ break;
    }
}

/* OCW3: what the base port reads, poll, special mask mode. */
static void write_ocw3(struct pic_chip *c, uint8_t v)
{
    if (v & PIC_OCW3_P)
        c->poll = true;
    if (v & PIC_OCW3_RR)
        c->read_isr = (v & PIC_OCW3_RIS) != 0;
    if (v & PIC_OCW3_ESMM)
        c->special_mask = (v & PIC_OCW3_SMM) != 0;
}

/* ICW1 starts initialisation (datasheet, "Initialization Command Words"):
 * edge sense reset (an input must rise again to request), IMR cleared, IR7
 * lowest priority, special mask mode off, status read set to IRR, and ICW4's
 * functions zeroed when no ICW4 will follow. */
static void write_icw1(struct pic_chip *c, uint8_t v)
{
    c->icw1 = v;
    c->init_step = PIC_WANT_ICW2;
    c->irr = 0;
    resync_levels(c);
    c->isr = 0;
    c->imr = 0;
    c->lowest = 7;
    c->special_mask = false;
    c->read_isr = false;
    c->poll = false;
    c->rotate_aeoi = false;
    if (!(v & PIC_ICW1_IC4))
        c->icw4 = 0;
}

/* The +1 port: the next ICW during initialisation, else OCW1. */
static void write_data(struct pic_chip *c, uint8_t v)
{
    switch (c->init_step) {
    case PIC_WANT_ICW2:
        c->vector = v & PIC_ICW2_BASE;
        if (!(c->icw1 & PIC_ICW1_SNGL))
            c->init_step = PIC_WANT_ICW3;
        else
            c->init_step = (c->icw1 & PIC_ICW1_IC4) ? PIC_WANT_ICW4 : PIC_READY;
        break;
    case PIC_WANT_ICW3:
        c->icw3 = v;
        c->init_step = (c->icw1 & PIC_ICW1_IC4) ? PIC_WANT_ICW4 : PIC_READY;
        break;
    case PIC_WANT_ICW4:
        c->icw4 = v;
        c->init_step = PIC_READY;
        break;
    default: c->imr = v; break;
    }
}

/* The poll word (OCW3 P): the next read acknowledges, as INTA would. */
static uint8_t read_poll(struct pic *p, struct pic_chip *c)
{
    c->poll = false;
    int ir = pending(p, c);
    if (ir < 0)
        return 0;
    accept(c, ir);
    return (uint8_t)(PIC_POLL_INT | ir);
}

/* --- the bus contract --- */

/* A read of one chip's port a0 (0 = base, 1 = base + 1). */
static uint8_t read_reg(struct pic_chip *c, uint32_t a0)
{
    uint8_t v;
    if (c->poll)
        v = read_poll(c->pair, c);
    else if (a0)
        v = c->imr;
    else
        v = c->read_isr ? c->isr : c->irr;
    update(c->pair);
    return v;
}

static void write_reg(struct pic_chip *c, uint32_t a0, uint8_t v)
{
    if (a0)
        write_data(c, v);
    else if (v & PIC_ICW1_INIT)
        write_icw1(c, v);
    else if (v & PIC_OCW3_SEL)
        write_ocw3(c, v);
    else
        write_ocw2(c, v);
    update(c->pair);
}

/* The chips are on an 8-bit bus: a 16-bit access is two byte accesses,
 * base port first, as the PC's bus logic splits it. */
static uint32_t pic_io_read(void *opaque, uint32_t offset, int size)
{
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)read_reg(opaque, (offset + (uint32_t)k) & 1) << (8 * k);
    return v;
}

static void pic_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    for (int k = 0; k < size; k++)
        write_reg(opaque, (offset + (uint32_t)k) & 1, (uint8_t)(value >> (8 * k)));
}

/* ELCR1 (offset 0) and ELCR2 (offset 1): one bit an IRQ, 1 = level. */
static uint32_t elcr_io_read(void *opaque, uint32_t offset, int size)
{
    struct pic *p = opaque;
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)p->chip[(offset + (uint32_t)k) & 1].elcr << (8 * k);
    return v;
}

static void elcr_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    static const uint8_t writable[2] = {PIC_ELCR1_MASK, PIC_ELCR2_MASK};
    struct pic *p = opaque;
    for (int k = 0; k < size; k++) {
        int n = (offset + (uint32_t)k) & 1;
        p->chip[n].elcr = (uint8_t)(value >> (8 * k)) & writable[n];
        resync_levels(&p->chip[n]);
    }
    update(p);
}

/* --- the state tables --- */

#define PIC_FIELD(m, t, doc) DEVFIELD(struct pic_chip, m, t, doc)
static const struct devfield pic_fields[] = {
    PIC_FIELD(irr, DF_U8, "interrupt request register: requests waiting"),
    PIC_FIELD(isr, DF_U8, "in-service register: requests being handled"),
    PIC_FIELD(imr, DF_U8, "interrupt mask register (OCW1): 1 = masked"),
    PIC_FIELD(lines, DF_U8, "input line levels as the devices drive them"),
    PIC_FIELD(elcr, DF_U8, "edge/level control (ELCR): 1 = level-triggered"),
    PIC_FIELD(icw1, DF_U8, "ICW1: LTIM (8), SNGL (2), IC4 (1)"),
    PIC_FIELD(vector, DF_U8, "vector base (ICW2): the vector of IR0"),
    PIC_FIELD(icw3, DF_U8, "ICW3: master: inputs with a slave; slave: its ID"),
    PIC_FIELD(icw4, DF_U8, "ICW4: SFNM (16), AEOI (2), 8086 mode (1)"),
    PIC_FIELD(init_step, DF_U8, "0 ready, 1-3: ICW2-ICW4 expected next"),
    PIC_FIELD(lowest, DF_U8, "input with the lowest priority (rotation)"),
    PIC_FIELD(read_isr, DF_BOOL, "OCW3: the base port reads ISR, not IRR"),
    PIC_FIELD(poll, DF_BOOL, "OCW3: the next read is a poll"),
    PIC_FIELD(special_mask, DF_BOOL, "OCW3: special mask mode"),
    PIC_FIELD(rotate_aeoi, DF_BOOL, "OCW2: rotate in automatic-EOI mode"),
};

size_t pic_devinfo(struct pic *p, struct devinfo *out, size_t max)
{
    static const char *const names[2] = {"pic.master", "pic.slave"};
    size_t n = 0;
    for (; n < 2 && n < max; n++)
        out[n] = (struct devinfo){names[n], pic_fields, sizeof pic_fields / sizeof pic_fields[0],
                                  &p->chip[n]};
    return n;
}

/* --- lifecycle and inputs --- */

struct pic *pic_create(struct bus *b, uint16_t master_base, uint16_t slave_base, uint16_t elcr_base,
                       struct irq_line intr)
{
    struct pic *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->intr = intr;
    p->chip[MASTER].pair = p;
    p->chip[SLAVE].pair = p;
    pic_reset(p);
    if (bus_map_io(b, master_base, 2, pic_io_read, pic_io_write, &p->chip[MASTER]) != 0 ||
        bus_map_io(b, slave_base, 2, pic_io_read, pic_io_write, &p->chip[SLAVE]) != 0 ||
        bus_map_io(b, elcr_base, 2, elcr_io_read, elcr_io_write, p) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

void pic_destroy(struct pic *p)
{
    free(p);
}

void pic_reset(struct pic *p)
{
    for (int n = 0; n < 2; n++) {
        struct pic_chip *c = &p->chip[n];
        uint8_t lines = c->lines;
        *c = (struct pic_chip){.pair = p, .lines = lines, .imr = 0xff, .lowest = 7};
    }
    update(p);
}

struct irq_line pic_irq(struct pic *p, int n)
{
    if (n < 0 || n >= PIC_NIRQ)
        return (struct irq_line){NULL, NULL, 0};
    if (n == PIC_CASCADE_IRQ)
        n = 9; /* the AT's IRQ 2/9 redirect: the bus pin IRQ2 goes to the slave's IR1 */
    return (struct irq_line){pic_set_input, p, n};
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep pic_keep[] = {
    SNAP_KEEP(struct pic, intr),
    SNAP_KEEP(struct pic, chip[0].pair),
    SNAP_KEEP(struct pic, chip[1].pair),
};

void pic_snap(struct pic *p, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, p, pic_keep);
}
