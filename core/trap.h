/*
 * trap.h - the kinds of "hypervisor trap" (DESIGN.md, "Hypervisor traps"):
 * the guest events that a trap-and-emulate hypervisor would have to
 * intercept, as the interpreter classifies them.
 *
 * A hypervisor that runs a guest directly on the CPU gets control back
 * only at the events it asked to intercept: a port access (its devices are
 * emulated), a store to a device's registers (MMIO), HLT (the virtual CPU
 * goes idle), CPUID (the hypervisor decides what the guest is told), MSR
 * and control-register accesses (they change the machine under it), and so
 * on. AMD's SVM names these in the VMCB's intercept vectors (APM vol. 2,
 * "Intercept Operation"), Intel's VMX in its exit reasons (SDM vol. 3C,
 * appendix C). lab86's interpreter counts the same events as it executes
 * them, so a student can see what virtualising this guest would cost, and
 * the debugger can stop on them.
 *
 * The list is one X-macro, TRAP_KINDS(X), each entry X(NAME, "name", doc):
 * the enum below, the names the debugger prints (dbg_trap_name) and the
 * lines of `lab86 run --stats` all come from it. Each event carries two
 * numbers, whose meaning depends on the kind (the doc column):
 *   a  the low 32 bits: the port, physical address, vector, MSR index,
 *      CPUID leaf, control-register number, linear address; above them the
 *      TRAP_A_* flags;
 *   b  the value moved (port data, MSR low half, the CR value written, an
 *      exception's error code), else 0.
 * Counted when the instruction gets past its own permission checks and
 * does the thing (an IN that #GPs on the I/O bitmap counts as the #GP
 * exception, not as I/O), which is where a hypervisor's intercept would
 * fire for the cases a teaching kernel meets.
 */
#ifndef LAB86_TRAP_H
#define LAB86_TRAP_H

#include <stdint.h>

#define TRAP_KINDS(X)                                                                              \
    X(IO, "io", "IN/OUT/INS/OUTS reached a port: a = port, size, write; b = value")                \
    X(MMIO, "mmio", "a data access to a device's registers in memory: a = physical address")       \
    X(HLT, "hlt", "HLT: the CPU goes idle")                                                        \
    X(CPUID, "cpuid", "CPUID: a = the leaf (EAX)")                                                 \
    X(MSR, "msr", "RDMSR or WRMSR: a = the MSR index, write; b = WRMSR's low half")                    \
    X(RDTSC, "rdtsc", "RDTSC: the time-stamp counter read")                                        \
    X(CR, "cr", "MOV to or from CR0-CR4, CLTS, LMSW, SMSW: a = CR number, write; b = value")       \
    X(DR, "dr", "MOV to or from DR0-DR7: a = DR number, write; b = value")                         \
    X(DESC, "desc", "LGDT, LIDT, LLDT, LTR (write) and SGDT, SIDT: a = 0 GDT 1 IDT 2 LDT 3 TR")    \
    X(INVLPG, "invlpg", "INVLPG: a = the linear address")                                          \
    X(INVD, "invd", "INVD or WBINVD: the caches")                                                  \
    X(EXCEPTION, "exception", "an exception delivered: a = vector, has-error; b = error code")     \
    X(INTR, "intr", "an external interrupt or NMI accepted: a = vector")                           \
    X(SWINT, "swint", "INT n: a = vector")                                                         \
    X(TASK, "task", "a hardware task switch: a = the new TSS selector")                            \
    X(SHUTDOWN, "shutdown", "a triple fault")

enum trap_kind {
#define TRAP_ENUM_(name, str, doc) TRAP_##name,
    TRAP_KINDS(TRAP_ENUM_)
#undef TRAP_ENUM_
    TRAP_COUNT
};

/* Flags above the low 32 bits of a trap's a. */
#define TRAP_A_WRITE (1ull << 32)   /* OUT, WRMSR, MOV to CRn/DRn, an MMIO store, LGDT.. */
#define TRAP_A_HAS_ERR (1ull << 33) /* EXCEPTION: b is an error code the CPU pushed */
#define TRAP_A_SIZE_SHIFT 40        /* IO, MMIO: the access's size in bytes (1, 2, 4) */
#define TRAP_A_SIZE(a) ((int)(((a) >> TRAP_A_SIZE_SHIFT) & 0xff))
/* Build a: the number n, the access size (0: none) and whether it writes. */
#define TRAP_A(n, size, write)                                                                     \
    ((uint64_t)(uint32_t)(n) | ((uint64_t)(size) << TRAP_A_SIZE_SHIFT) | ((write) ? TRAP_A_WRITE : 0))

#endif
