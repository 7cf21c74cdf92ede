/*
 * gdb_regs.c - the registers as gdb sees them: the target description and
 * the g/G/p/P packets.
 *
 * gdb learns the register set from an XML target description it reads
 * with qXfer:features:read:target.xml (GDB manual, "Target Descriptions").
 * For an i386 gdb needs the feature org.gnu.gdb.i386.core with, in this
 * order, the eight general registers, eip, eflags, the six segment
 * registers and the x87 registers (st0-st7 and the eight control words);
 * anything in another feature is shown as an extra register. lab86 adds
 * one, org.lab86.i386.sys, with cr0, cr2, cr3 and cr4, so that `info
 * registers cr3` and `p/x $cr0` work in gdb.
 *
 * The packets carry the registers in that order, each in target byte
 * order (little-endian) as hex; a register whose value the stub cannot
 * give is sent as 'x' digits and gdb shows <unavailable>. That is the x87
 * state: the debugger core's CPU view has none yet.
 *
 * Divergence to know about: gdb treats eip as the program counter and
 * memory addresses as linear. In protected mode with flat segments (every
 * multiboot kernel) that is exact; in real mode the code is at CS*16+EIP,
 * so a breakpoint at 0x7c00 matches only while CS is 0.
 */
#include "gdb/gdb_impl.h"

#include <stdio.h>
#include <string.h>

/* The registers in packet order. */
enum reg_src { SRC_GPR, SRC_EIP, SRC_EFLAGS, SRC_SEG, SRC_X87, SRC_CR };

static const struct gdb_reg {
    const char *name; /* gdb's name, and dbg_set_reg()'s */
    int bytes;        /* size in the packets */
    enum reg_src src; /* where the value comes from */
    int n;            /* DBG_EAX.., DBG_ES.., CR number */
} regs[] = {
    {"eax", 4, SRC_GPR, DBG_EAX}, {"ecx", 4, SRC_GPR, DBG_ECX}, {"edx", 4, SRC_GPR, DBG_EDX},
    {"ebx", 4, SRC_GPR, DBG_EBX}, {"esp", 4, SRC_GPR, DBG_ESP}, {"ebp", 4, SRC_GPR, DBG_EBP},
    {"esi", 4, SRC_GPR, DBG_ESI}, {"edi", 4, SRC_GPR, DBG_EDI}, {"eip", 4, SRC_EIP, 0},
    {"eflags", 4, SRC_EFLAGS, 0}, {"cs", 4, SRC_SEG, DBG_CS},   {"ss", 4, SRC_SEG, DBG_SS},
    {"ds", 4, SRC_SEG, DBG_DS},   {"es", 4, SRC_SEG, DBG_ES},   {"fs", 4, SRC_SEG, DBG_FS},
    {"gs", 4, SRC_SEG, DBG_GS},   {"st0", 10, SRC_X87, 0},      {"st1", 10, SRC_X87, 0},
    {"st2", 10, SRC_X87, 0},      {"st3", 10, SRC_X87, 0},      {"st4", 10, SRC_X87, 0},
    {"st5", 10, SRC_X87, 0},      {"st6", 10, SRC_X87, 0},      {"st7", 10, SRC_X87, 0},
    {"fctrl", 4, SRC_X87, 0},     {"fstat", 4, SRC_X87, 0},     {"ftag", 4, SRC_X87, 0},
    {"fiseg", 4, SRC_X87, 0},     {"fioff", 4, SRC_X87, 0},     {"foseg", 4, SRC_X87, 0},
    {"fooff", 4, SRC_X87, 0},     {"fop", 4, SRC_X87, 0},       {"cr0", 4, SRC_CR, 0},
    {"cr2", 4, SRC_CR, 2},        {"cr3", 4, SRC_CR, 3},        {"cr4", 4, SRC_CR, 4},
};
#define NREGS (sizeof regs / sizeof regs[0])

/* The description. Its register order is the table's. */
static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>i386</architecture>\n"
    "<feature name=\"org.gnu.gdb.i386.core\">\n"
    "<flags id=\"lab86_eflags\" size=\"4\">\n"
    "<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"PF\" start=\"2\" end=\"2\"/>\n"
    "<field name=\"AF\" start=\"4\" end=\"4\"/><field name=\"ZF\" start=\"6\" end=\"6\"/>\n"
    "<field name=\"SF\" start=\"7\" end=\"7\"/><field name=\"TF\" start=\"8\" end=\"8\"/>\n"
    "<field name=\"IF\" start=\"9\" end=\"9\"/><field name=\"DF\" start=\"10\" end=\"10\"/>\n"
    "<field name=\"OF\" start=\"11\" end=\"11\"/><field name=\"NT\" start=\"14\" end=\"14\"/>\n"
    "<field name=\"RF\" start=\"16\" end=\"16\"/><field name=\"VM\" start=\"17\" end=\"17\"/>\n"
    "<field name=\"AC\" start=\"18\" end=\"18\"/><field name=\"VIF\" start=\"19\" end=\"19\"/>\n"
    "<field name=\"VIP\" start=\"20\" end=\"20\"/><field name=\"ID\" start=\"21\" end=\"21\"/>\n"
    "</flags>\n"
    "<reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>\n"
    "<reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "<reg name=\"eflags\" bitsize=\"32\" type=\"lab86_eflags\"/>\n"
    "<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "</feature>\n"
    "<feature name=\"org.lab86.i386.sys\">\n"
    "<reg name=\"cr0\" bitsize=\"32\" type=\"uint32\" group=\"system\"/>\n"
    "<reg name=\"cr2\" bitsize=\"32\" type=\"data_ptr\" group=\"system\"/>\n"
    "<reg name=\"cr3\" bitsize=\"32\" type=\"uint32\" group=\"system\"/>\n"
    "<reg name=\"cr4\" bitsize=\"32\" type=\"uint32\" group=\"system\"/>\n"
    "</feature>\n"
    "</target>\n";

const char *gdb_target_xml(void)
{
    return target_xml;
}

/* Register r's value from a CPU view; false when it is not available. */
static bool reg_value(const struct gdb_reg *r, const struct dbg_cpu_view *v, uint32_t *out)
{
    switch (r->src) {
    case SRC_GPR: *out = (uint32_t)v->gpr[r->n]; return true;
    case SRC_EIP: *out = (uint32_t)v->eip; return true;
    case SRC_EFLAGS: *out = v->eflags; return true;
    case SRC_SEG: *out = v->seg[r->n].sel; return true;
    case SRC_CR: *out = (uint32_t)v->cr[r->n]; return true;
    case SRC_X87: break;
    }
    return false;
}

/* One register as hex, little-endian, or 'x's; returns the digits written. */
static size_t reg_hex(const struct gdb_reg *r, const struct dbg_cpu_view *v, char *out)
{
    uint32_t val;
    size_t n = 2 * (size_t)r->bytes;
    if (!reg_value(r, v, &val)) {
        memset(out, 'x', n);
        out[n] = '\0';
        return n;
    }
    uint8_t le[4] = {(uint8_t)val, (uint8_t)(val >> 8), (uint8_t)(val >> 16), (uint8_t)(val >> 24)};
    gdb_hex_encode(le, 4, out);
    return n;
}

void gdb_regs_read_all(struct gdb_stub *s, char *out)
{
    struct dbg_cpu_view v;
    dbg_get_cpu(s->d, &v);
    size_t w = 0;
    for (size_t k = 0; k < NREGS; k++)
        w += reg_hex(&regs[k], &v, out + w);
    out[w] = '\0';
}

int gdb_reg_read(struct gdb_stub *s, unsigned n, char *out)
{
    struct dbg_cpu_view v;
    if (n >= NREGS)
        return -1;
    dbg_get_cpu(s->d, &v);
    reg_hex(&regs[n], &v, out);
    return 0;
}

/* Set register r from its hex (2 * r->bytes digits), unless it is the
 * value it has: a G packet resends every register, and an unchanged
 * segment register must not be reloaded. x87 writes are ignored (there is
 * no x87 state to write), as are 'x' digits gdb sends back unchanged. */
static int reg_set(struct gdb_stub *s, const struct gdb_reg *r, const struct dbg_cpu_view *v,
                   const char *hex)
{
    uint8_t le[4];
    uint32_t old;
    char err[128];
    if (!reg_value(r, v, &old) || hex[0] == 'x')
        return 0;
    if (gdb_hex_decode(hex, le, 4) != 0)
        return -1;
    uint32_t val =
        (uint32_t)le[0] | (uint32_t)le[1] << 8 | (uint32_t)le[2] << 16 | (uint32_t)le[3] << 24;
    if (val == old)
        return 0;
    return dbg_set_reg(s->d, r->name, val, err, sizeof err);
}

int gdb_regs_write_all(struct gdb_stub *s, const char *hex)
{
    struct dbg_cpu_view v;
    size_t len = strlen(hex), at = 0;
    if (len < 2 * 16 * 4) /* at least the sixteen core registers; gdb may send fewer */
        return -1;
    dbg_get_cpu(s->d, &v);
    for (size_t k = 0; k < NREGS && at + 2 * (size_t)regs[k].bytes <= len; k++) {
        if (reg_set(s, &regs[k], &v, hex + at) != 0)
            return -1;
        at += 2 * (size_t)regs[k].bytes;
    }
    return at == len ? 0 : -1; /* digits left over: not our layout */
}

int gdb_reg_write(struct gdb_stub *s, unsigned n, const char *hex)
{
    struct dbg_cpu_view v;
    if (n >= NREGS || strlen(hex) != 2 * (size_t)regs[n].bytes)
        return -1;
    dbg_get_cpu(s->d, &v);
    return reg_set(s, &regs[n], &v, hex);
}
