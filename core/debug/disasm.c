/*
 * disasm.c - disassembly for the debugger: the text comes from Capstone
 * (Debian's libcapstone), the length and the truth from lab86's decoder.
 *
 * What the CPU executes is decided by x86_decode() alone (insn.h), so that
 * is what sets an instruction's length here: the disassembly pane steps
 * through exactly the bytes the interpreter will. Capstone only spells the
 * instruction, in Intel or AT&T syntax. When the two disagree on the length
 * (an opcode one of them does not know), the text says so rather than
 * show an instruction that will not run: "(bad)" when lab86 cannot decode
 * the bytes, and ".byte ..." when Capstone cannot.
 *
 * Capstone handles are opened on first use, one per code size, and kept
 * for the debugger's life; they hold no machine state.
 */
#include "debug/dbg_impl.h"

#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

#include "interp/insn.h"

/* The handle for code_size (2 or 4) with the current syntax; 0 on failure. */
static csh handle(struct dbg *d, int code_size)
{
    size_t *h = &d->cs_handle[code_size == 4];
    if (*h == 0) {
        csh c;
        if (cs_open(CS_ARCH_X86, code_size == 4 ? CS_MODE_32 : CS_MODE_16, &c) != CS_ERR_OK)
            return 0;
        *h = c;
    }
    cs_option(*h, CS_OPT_SYNTAX, d->syntax == DBG_SYNTAX_ATT ? CS_OPT_SYNTAX_ATT
                                                             : CS_OPT_SYNTAX_INTEL);
    return *h;
}

void dbg_set_syntax(struct dbg *d, enum dbg_syntax s)
{
    d->syntax = s;
}

void dbg_disasm_close(struct dbg *d)
{
    for (int k = 0; k < 2; k++) {
        csh h = d->cs_handle[k];
        if (h)
            cs_close(&h);
        d->cs_handle[k] = 0;
    }
}

/* The bytes as data, when Capstone cannot spell what lab86 decoded. */
static void as_bytes(const uint8_t *bytes, int len, char *text, size_t textlen)
{
    size_t n = (size_t)snprintf(text, textlen, ".byte");
    for (int k = 0; k < len && n < textlen; k++)
        n += (size_t)snprintf(text + n, textlen - n, "%s0x%02x", k ? ", " : " ", bytes[k]);
}

/* A relative jump or call (a Jb or Jz operand) names its target when a
 * symbol covers it: "call 0x1000f3 <c_add>". The target is computed on
 * the linear address (a 16-bit IP that wraps inside its segment is not
 * followed). */
static void symbolic_target(struct dbg *d, const struct insn *i, uint64_t addr, char *text,
                            size_t textlen)
{
    char name[96];
    if (x86_operands(i->op)[0] != 'J')
        return;
    uint32_t target = (uint32_t)(addr + i->len + i->imm);
    size_t used = strlen(text);
    if (dbg_symbolize(d, target, name, sizeof name) == 0 && used < textlen)
        snprintf(text + used, textlen - used, " <%s>", name);
}

int dbg_disasm_bytes(struct dbg *d, const uint8_t *bytes, size_t n, int code_size,
                     uint64_t addr, char *text, size_t textlen)
{
    struct insn i;
    if (x86_decode(&i, bytes, (int)(n > 15 ? 15 : n), code_size) != DECODE_OK) {
        snprintf(text, textlen, "(bad)");
        return 0;
    }
    cs_insn *ci = NULL;
    csh h = handle(d, code_size);
    size_t got = h ? cs_disasm(h, bytes, i.len, addr, 1, &ci) : 0;
    if (got == 1 && ci->size == i.len) {
        if (ci->op_str[0])
            snprintf(text, textlen, "%s %s", ci->mnemonic, ci->op_str);
        else
            snprintf(text, textlen, "%s", ci->mnemonic);
        symbolic_target(d, &i, addr, text, textlen);
    } else {
        as_bytes(bytes, i.len, text, textlen);
    }
    if (got)
        cs_free(ci, got);
    return i.len;
}

int dbg_disasm(struct dbg *d, uint64_t lin, char *text, size_t textlen)
{
    uint8_t buf[15];
    size_t n = dbg_read_linear(d, lin, buf, sizeof buf, NULL);
    if (n == 0) {
        snprintf(text, textlen, "(unreadable)");
        return 0;
    }
    /* Only the readable prefix counts (dbg_read_linear zeroes the rest). */
    uint8_t ok[15];
    dbg_read_linear(d, lin, buf, sizeof buf, ok);
    size_t run = 0;
    while (run < sizeof buf && ok[run])
        run++;
    return dbg_disasm_bytes(d, buf, run, d->c->code32 ? 4 : 2, lin, text, textlen);
}
