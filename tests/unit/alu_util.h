/*
 * alu_util.h - helpers shared by the ALU-family unit suites (test_alu.c,
 * test_shift.c, test_muldiv.c, test_bit.c).
 *
 * Differential testing against the host. The host is x86-64, and most
 * integer instructions whose operands are registers encode the same way in
 * 64-bit mode as in 32-bit mode (default operand size 32, 66 for 16 bits,
 * no REX prefix, so the byte registers are AL..BH). So a test hands the same
 * instruction bytes to both sides:
 *   host_exec() copies them into a small stub of machine code that loads
 *     EAX EBX ECX EDX ESI EDI and the flags, runs the bytes, and stores the
 *     registers and flags back. A #DE on the host arrives as SIGFPE and is
 *     reported as a fault.
 *   emu_exec() decodes them with x86_decode() (32-bit code) and calls the
 *     handler opcodes.def names for them, directly: no fetch, no exception
 *     delivery, so a fault is seen as the handler's CPU_FAULT and c->exc.
 * The caller compares the registers and the flags the SDM defines for that
 * instruction (the others are masked out: the host CPU's undefined flags
 * need not be ours). Instructions invalid in 64-bit mode (INC/DEC 40-4F,
 * the BCD group, SALC, 82) and memory operands are covered by tables.
 */
#ifndef LAB86_ALU_UTIL_H
#define LAB86_ALU_UTIL_H

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/mman.h>

#include "interp/insn.h"
#include "interp/ops.h"
#include "unit_util.h"

/* The registers an instruction under test may use, and the flags. */
struct hregs {
    uint32_t eax, ebx, ecx, edx, esi, edi; /* offsets 0, 4, ..., 20 (the stub knows them) */
    uint64_t flags;                        /* offset 24: RFLAGS image */
};

/* --- the host side --- */

/* The stub's bytes, one instruction group a line. */
/* clang-format off */
/* Stub prologue: push rbx; mov r8, rdi; push qword [r8+24]; popfq; then
 * mov eax/ebx/ecx/edx/esi/edi, [r8 + 0..20]. */
static const uint8_t host_prologue[] = {
    0x53, 0x49, 0x89, 0xf8, 0x41, 0xff, 0x70, 0x18, 0x9d,
    0x41, 0x8b, 0x00, 0x41, 0x8b, 0x58, 0x04, 0x41, 0x8b, 0x48, 0x08,
    0x41, 0x8b, 0x50, 0x0c, 0x41, 0x8b, 0x70, 0x10, 0x41, 0x8b, 0x78, 0x14,
};
/* Stub epilogue: pushfq; pop qword [r8+24]; mov [r8 + 0..20], the six
 * registers; pop rbx; ret. */
static const uint8_t host_epilogue[] = {
    0x9c, 0x41, 0x8f, 0x40, 0x18,
    0x41, 0x89, 0x00, 0x41, 0x89, 0x58, 0x04, 0x41, 0x89, 0x48, 0x08,
    0x41, 0x89, 0x50, 0x0c, 0x41, 0x89, 0x70, 0x10, 0x41, 0x89, 0x78, 0x14,
    0x5b, 0xc3,
};
/* clang-format on */

static sigjmp_buf host_fault_jmp;
static volatile sig_atomic_t host_running; /* a stub is executing */
static volatile sig_atomic_t host_signal;  /* the signal that stopped it */

/* SIGFPE or SIGILL: from the stub, back to host_exec(); from anywhere else
 * (a bug), the default action. */
static inline void host_fault_handler(int sig)
{
    if (host_running) {
        host_signal = sig;
        siglongjmp(host_fault_jmp, 1);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The stub's page, mapped once: writable and executable if the host allows
 * it, else (W^X hosts) flipped between the two around each run. */
static inline uint8_t *host_page(bool *flip)
{
    static uint8_t *page;
    static bool wx;
    if (!page) {
        page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                    0);
        if (page == MAP_FAILED) {
            wx = true;
            page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        }
        ck_assert_msg(page != MAP_FAILED, "cannot map a page for the host stub");
        struct sigaction sa = {.sa_handler = host_fault_handler};
        sigaction(SIGFPE, &sa, NULL);
        sigaction(SIGILL, &sa, NULL);
    }
    *flip = wx;
    return page;
}

/* Run n instruction bytes on the host CPU with the registers in *r.
 * Returns 0, or the signal (SIGFPE for #DE, SIGILL for #UD) it raised. */
static inline int host_exec(const uint8_t *insn, int n, struct hregs *r)
{
    bool flip;
    uint8_t *page = host_page(&flip);
    if (flip)
        ck_assert_int_eq(mprotect(page, 4096, PROT_READ | PROT_WRITE), 0);
    size_t at = 0;
    memcpy(page + at, host_prologue, sizeof host_prologue);
    at += sizeof host_prologue;
    memcpy(page + at, insn, (size_t)n);
    at += (size_t)n;
    memcpy(page + at, host_epilogue, sizeof host_epilogue);
    if (flip)
        ck_assert_msg(mprotect(page, 4096, PROT_READ | PROT_EXEC) == 0,
                      "the host refuses to execute the test stub");

    void (*stub)(struct hregs *) = (void (*)(struct hregs *))(void *)page;
    host_signal = 0;
    if (sigsetjmp(host_fault_jmp, 1) == 0) {
        host_running = 1;
        stub(r);
    }
    host_running = 0;
    return host_signal;
}

/* --- the emulator side --- */

/* Call the handler opcodes.def names for i->op. */
static inline int unit_dispatch(struct cpu *c, const struct insn *i)
{
    switch (i->op) {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc)                             \
    case OP_##name:                                                                                \
        return op_##handler(c, i);
#include "interp/opcodes.def"
#undef OP
    default: return cpu_fault(c, EXC_UD, 0);
    }
}

/* Decode n bytes as code of code_size (2 or 4) and run the handler on the
 * machine's CPU, as exec_switch.c would after the fetch: EIP past the
 * instruction, prev_eip at it. Returns the handler's result. */
static inline int emu_insn(struct unit_machine *m, const uint8_t *bytes, int n, int code_size)
{
    struct insn i;
    ck_assert_int_eq(x86_decode(&i, bytes, n, code_size), DECODE_OK);
    ck_assert_int_eq(i.len, n);
    m->cpu.prev_eip = m->cpu.eip;
    m->cpu.eip += (uint64_t)n;
    return unit_dispatch(&m->cpu, &i);
}

/* Copy *r into the CPU, run the bytes as 32-bit code, copy the CPU back. */
static inline int emu_exec(struct unit_machine *m, const uint8_t *insn, int n, struct hregs *r)
{
    struct cpu *c = &m->cpu;
    const uint32_t *in = &r->eax;
    static const int order[6] = {R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI};
    for (int k = 0; k < 6; k++)
        c->gpr[order[k]] = in[k];
    c->eflags = FL_FIXED1 | ((uint32_t)r->flags & (FL_ARITH | FL_DF));
    c->eip = 0;
    int rc = emu_insn(m, insn, n, 4);
    uint32_t *out = &r->eax;
    for (int k = 0; k < 6; k++)
        out[k] = (uint32_t)c->gpr[order[k]];
    r->flags = c->eflags;
    return rc;
}

/* --- operands --- */

/* A fixed-seed xorshift64 generator, so that every run tests the same
 * values and a failure can be reproduced. */
static inline uint64_t rnd_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A random size-byte operand, one time in four an edge value (0, 1, the
 * sign boundary, all ones, a nibble boundary for AF). */
static inline uint32_t rnd_operand(uint64_t *s, int size)
{
    static const uint32_t edges[] = {0,      1,          2,          0x0f,       0x10,
                                     0x7f,   0x80,       0xff,       0x7fff,     0x8000,
                                     0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe};
    uint64_t r = rnd_next(s);
    uint32_t mask = size_mask(size);
    if ((r & 3) == 0)
        return edges[(r >> 8) % (sizeof edges / sizeof edges[0])] & mask;
    return (uint32_t)(r >> 32) & mask;
}

/* Random arithmetic flags (and bit 1), DF clear, for the input state. */
static inline uint64_t rnd_flags(uint64_t *s)
{
    return (rnd_next(s) & FL_ARITH) | FL_FIXED1;
}

/* Append the operand-size prefix for size 2 (none for 1 and 4): returns the
 * number of bytes written at p. */
static inline int put_osize(uint8_t *p, int size)
{
    if (size != 2)
        return 0;
    p[0] = 0x66;
    return 1;
}

/* Append a size-byte little-endian immediate. */
static inline int put_imm(uint8_t *p, uint32_t v, int size)
{
    for (int k = 0; k < size; k++)
        p[k] = (uint8_t)(v >> (8 * k));
    return size;
}

/* Compare one differential run: registers all equal, flags equal under
 * mask. what names the instruction for the failure message. */
static inline void diff_check(const char *what, const uint8_t *insn, int n, const struct hregs *in,
                              const struct hregs *host, const struct hregs *emu, uint32_t mask)
{
    char bytes[64] = "";
    for (int k = 0; k < n && k < 15; k++)
        snprintf(bytes + 3 * k, sizeof bytes - 3 * (size_t)k, "%02x ", insn[k]);
    const uint32_t *h = &host->eax, *e = &emu->eax;
    for (int k = 0; k < 6; k++)
        ck_assert_msg(h[k] == e[k],
                      "%s [%s] in eax=%08x ebx=%08x ecx=%08x edx=%08x fl=%03x: reg %d host %08x "
                      "emu %08x",
                      what, bytes, in->eax, in->ebx, in->ecx, in->edx, (unsigned)in->flags, k, h[k],
                      e[k]);
    ck_assert_msg(((host->flags ^ emu->flags) & mask) == 0,
                  "%s [%s] in eax=%08x ebx=%08x ecx=%08x edx=%08x fl=%03x: flags host %03x emu "
                  "%03x (mask %03x)",
                  what, bytes, in->eax, in->ebx, in->ecx, in->edx, (unsigned)in->flags,
                  (unsigned)host->flags & 0xfff, (unsigned)emu->flags & 0xfff, mask);
}

/* Run insn on both sides from the state *in; check that both fault or
 * neither, and if neither, diff_check() under mask. Returns the host's
 * signal (0 if none). */
static inline int diff_run(struct unit_machine *m, const char *what, const uint8_t *insn, int n,
                           const struct hregs *in, uint32_t mask)
{
    struct hregs host = *in, emu = *in;
    int sig = host_exec(insn, n, &host);
    ck_assert_msg(sig != SIGILL, "%s: the host CPU rejects the instruction", what);
    int rc = emu_exec(m, insn, n, &emu);
    if (sig == SIGFPE || rc != 0) {
        ck_assert_msg(sig == SIGFPE && rc == CPU_FAULT && m->cpu.exc.vector == EXC_DE,
                      "%s: host signal %d, emulator rc %d vector %d (eax=%08x edx=%08x ebx=%08x)",
                      what, sig, rc, m->cpu.exc.vector, in->eax, in->edx, in->ebx);
        /* #DE leaves every register as it was. */
        ck_assert_mem_eq(&emu, in, offsetof(struct hregs, flags));
        return sig;
    }
    diff_check(what, insn, n, in, &host, &emu, mask);
    return 0;
}

/* A unit machine for direct handler calls: real mode, DS = 0. */
static inline struct unit_machine *alu_machine(void)
{
    return um_new(1 << 20);
}

/* Make DS a read-only data segment (protected mode, CPL 0), so that reads
 * succeed and writes raise #GP(0): for the "a faulting write changes
 * nothing" tests. */
static inline void make_ds_read_only(struct cpu *c)
{
    c->cr0 |= CR0_PE;
    c->seg[SEG_DS].attr = SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_ACCESSED; /* type 1: read-only */
    cpu_seg_changed(c, SEG_DS); /* changed in place: cpu.h */
    c->seg[SEG_CS].sel = 0;
    cpu_update_mode(c);
}

#endif
