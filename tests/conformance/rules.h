/*
 * rules.h - where the 286 that captured the sst286 vectors and the 386 or
 * later that lab86 emulates give documented, different answers.
 *
 * The vectors are real-mode 80286 results. Most of real mode is common to
 * the 286 and the 386; the exceptions are listed once, in skip_rules[] in
 * rules.c, each with its reason. A rule either skips a test or runs it
 * without comparing a few registers. Two more differences are handled by
 * the way a test is run rather than by a rule: FLAGS bits 12-15
 * (FLAGS_286) and the vector of a stack-segment overrun (rules_alias()).
 */
#ifndef LAB86_RULES_H
#define LAB86_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "meta.h"
#include "moo.h"

/* A 286 in real mode holds FLAGS bits 12-15 clear (IOPL, NT and bit 15);
 * a 386 keeps IOPL and NT. INIT states are loaded and FLAGS compared
 * through this mask. */
#define FLAGS_286 0x0fffu

/* Bit of register MOO_xx in a mask of registers. */
#define REG_BIT(k) (1u << (k))

/* The instruction bytes of a test, split as the rules need. */
struct insn_view {
    int len;        /* bytes, without the trailing HLT */
    bool lock;      /* F0 prefix */
    bool rep;       /* F2 or F3 prefix */
    bool prefix386; /* 64, 65, 66 or 67 prefix (FS, GS, operand/address size) */
    uint8_t op;     /* first opcode byte */
    uint8_t modrm;  /* the byte after it (ModR/M when the form has one) */
};

/* One documented difference. */
struct skip_rule {
    const char *name; /* for the --summary line */
    bool (*applies)(const struct meta_entry *, const struct moo_test *, const struct insn_view *);
    uint16_t ignore; /* REG_BIT()s not compared; 0 = skip the test */
};

#define RULE_COUNT 5
extern const struct skip_rule skip_rules[RULE_COUNT];

/* Split t's instruction bytes into *v. */
void view_insn(const struct moo_test *t, struct insn_view *v);

/* The first rule that applies to t (of form me), or -1. */
int rule_for(const struct meta_entry *me, const struct moo_test *t, const struct insn_view *v);

/* Make #SS land where the test expects #GP, in the test's RAM (already
 * loaded); returns whether it did, and then the caller zeroes
 * ram[IVT_SS .. IVT_SS + 3] after the test. */
#define IVT_SS (12 * 4)
bool rules_alias(uint8_t *ram, const struct moo_test *t);

#endif
