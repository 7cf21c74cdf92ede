/*
 * irq.h - interrupt request lines between devices and interrupt controllers.
 *
 * A line is a small object the interrupt controller hands out (TinyEMU's
 * design): the device holds it and sets its level; the controller's
 * callback learns which input changed. Edge- or level-triggering is the
 * controller's business (the 8259's ELCR, the I/O APIC's redirection
 * entries); the device only ever says "my output is now high/low".
 */
#ifndef LAB86_IRQ_H
#define LAB86_IRQ_H

typedef void irq_set_fn(void *opaque, int n, int level);

struct irq_line {
    irq_set_fn *set; /* the controller's input callback; NULL: not connected */
    void *opaque;    /* the controller */
    int n;           /* which input of it */
};

/* Drive the line to level (0 or 1). An unconnected line does nothing. */
static inline void irq_set(const struct irq_line *l, int level)
{
    if (l && l->set)
        l->set(l->opaque, l->n, level);
}

static inline void irq_raise(const struct irq_line *l)
{
    irq_set(l, 1);
}

static inline void irq_lower(const struct irq_line *l)
{
    irq_set(l, 0);
}

/* A pulse: high then low (an edge for an edge-triggered input). */
static inline void irq_pulse(const struct irq_line *l)
{
    irq_set(l, 1);
    irq_set(l, 0);
}

#endif
