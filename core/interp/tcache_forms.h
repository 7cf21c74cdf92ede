/*
 * tcache_forms.h - tcache.c's use of tcache_forms.c: the form each decoded
 * instruction runs as, and the bookkeeping plan of a block's entries.
 */
#ifndef LAB86_TCACHE_FORMS_H
#define LAB86_TCACHE_FORMS_H

#include "tcache.h"

/* Set e->xop (insn.op, or a specialised form) and e->r1, e->r2 for the
 * decoded instruction in e (e->fn and e->cost already set). */
void tcache_specialise(struct entry *e);

/* Mark the light and semi-light entries of the n in e[] and set what the
 * others pay for them: each entry's post and npost, b->head, b->nhead and
 * b->light_tail (e[] all decoded and specialised). */
void tcache_plan(struct block *b, struct entry *e, int n);

#endif
