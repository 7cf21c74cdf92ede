/*
 * ops_string.c - the string instructions MOVS, CMPS, STOS, LODS, SCAS, INS
 * and OUTS, alone or repeated by a REP, REPE or REPNE prefix.
 *
 * A string instruction works on one element (byte, word or dword: the
 * operand size) and then steps its index registers by the element size,
 * up when EFLAGS.DF = 0 and down when DF = 1 (SDM vol. 1, 7.3.9):
 *
 *   source       seg:eSI, seg = DS unless a segment prefix overrides it
 *   destination  ES:eDI, always ES: no prefix can override it
 *
 * Whether eSI/eDI/eCX means SI/DI/CX or ESI/EDI/ECX is decided by the
 * ADDRESS size, not the operand size: in 16-bit addressing SI wraps from
 * FFFF to 0000 and the upper half of ESI is left alone.
 *
 * With a REP prefix the element is repeated eCX times, eCX counting down
 * (SDM vol. 2, REP/REPE/REPZ/REPNE/REPNZ). CMPS and SCAS also stop early:
 * REPE (F3) when a comparison clears ZF, REPNE (F2) when one sets it. The
 * other string instructions treat F2 and F3 alike, as plain REP.
 *
 * Interruptible and restartable. A REP instruction can move megabytes. Real
 * hardware updates eSI, eDI and eCX after every element and can take an
 * interrupt or a fault between elements with EIP still pointing at the
 * instruction, which then resumes with the remaining count. lab86 does the
 * same in two ways:
 *   - Each element commits its registers only after its last access that
 *     can fault. When element k faults, the registers describe elements
 *     0..k-1, the execution loop rewinds EIP to the instruction (prefixes
 *     included), delivers the fault, and the handler restarts at element k.
 *   - One handler call runs at most REP_BATCH elements. If the count is not
 *     exhausted by then, the handler sets EIP back to the instruction and
 *     returns as if done: the loop gets an instruction boundary, takes any
 *     pending interrupt, and the next step continues the copy. When
 *     EFLAGS.TF is set the batch is one element, because the single-step
 *     trap comes after each iteration of a repeated string instruction.
 *
 * Runs. REP MOVS, STOS and LODS, and REPE/REPNE CMPS and SCAS, spend most of
 * their elements in the one case that needs no checks but the first: both
 * operands in ordinary RAM through TLB hits, far from a page end, the segment
 * limit and an index wrap. ops_string_fast.c does such a run of elements at
 * once (a memmove or a fill) when it is exactly what the elements one by one
 * would do, and string_op() counts it as that many elements: the batches, the
 * eCX written back, the cycles and the returns are the same either way.
 *
 * INS and OUTS are I/O instructions: io_check() (ops_io.c) applies the
 * IOPL and the TSS permission bitmap before every element. INS checks that
 * it can write ES:eDI before it reads the port, because reading a device
 * register has side effects (a UART FIFO pops) that a restart would repeat.
 *
 * Cost (doc/cycles.md). A single string instruction costs its table
 * cost. A REP one costs a start-up plus a cost per element, as on the 486
 * (REP MOVS: 12 + 3n): string_op() adds the element cost to c->cycle_extra
 * after each element completes, and the start-up once, in the handler call
 * that finishes the instruction, so the total does not depend on how many
 * calls (batches, single steps, interrupts between them) the copy took. A
 * fault is charged the elements done before it.
 */
#include "ops.h"

#include "bus.h"
#include "cycles.h"
#include "ops_string_fast.h"

/* Elements of a REP string instruction run per handler call (see above). */
#define REP_BATCH 4096

/* The ALU operation number of CMP for alu() (ops.h). */
#define ALU_CMP 7

/* One element of a string instruction; commits nothing on a fault. */
typedef int str_elem_fn(struct cpu *c, const struct insn *i);

/* The current value of an index register (eSI or eDI) at the address size. */
static uint32_t str_index(const struct cpu *c, const struct insn *i, int reg)
{
    return reg_get(c, reg, i->addrsize);
}

/* Step an index register by one element, down when DF = 1; it wraps at the
 * address size (reg_set writes only SI or DI with 16-bit addressing). */
static void str_step(struct cpu *c, const struct insn *i, int reg)
{
    uint32_t size = i->opsize;
    uint32_t delta = (c->eflags & FL_DF) ? 0u - size : size;
    reg_set(c, reg, i->addrsize, str_index(c, i, reg) + delta);
}

/* A4/A5 MOVS: ES:[eDI] = seg:[eSI]. */
static int movs_one(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    TRY(mmu_read(c, i->seg, str_index(c, i, R_ESI), i->opsize, &v));
    TRY(mmu_write(c, SEG_ES, str_index(c, i, R_EDI), i->opsize, v));
    str_step(c, i, R_ESI);
    str_step(c, i, R_EDI);
    return 0;
}

/* A6/A7 CMPS: flags of seg:[eSI] - ES:[eDI] (source minus destination,
 * the reverse of the operand order SCAS uses). */
static int cmps_one(struct cpu *c, const struct insn *i)
{
    uint32_t src, dst;
    TRY(mmu_read(c, i->seg, str_index(c, i, R_ESI), i->opsize, &src));
    TRY(mmu_read(c, SEG_ES, str_index(c, i, R_EDI), i->opsize, &dst));
    alu(c, ALU_CMP, i->opsize, src, dst);
    str_step(c, i, R_ESI);
    str_step(c, i, R_EDI);
    return 0;
}

/* AA/AB STOS: ES:[eDI] = AL/AX/EAX. */
static int stos_one(struct cpu *c, const struct insn *i)
{
    uint32_t v = reg_get(c, R_EAX, i->opsize);
    TRY(mmu_write(c, SEG_ES, str_index(c, i, R_EDI), i->opsize, v));
    str_step(c, i, R_EDI);
    return 0;
}

/* AC/AD LODS: AL/AX/EAX = seg:[eSI]. */
static int lods_one(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    TRY(mmu_read(c, i->seg, str_index(c, i, R_ESI), i->opsize, &v));
    reg_set(c, R_EAX, i->opsize, v);
    str_step(c, i, R_ESI);
    return 0;
}

/* AE/AF SCAS: flags of AL/AX/EAX - ES:[eDI]. */
static int scas_one(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    TRY(mmu_read(c, SEG_ES, str_index(c, i, R_EDI), i->opsize, &v));
    alu(c, ALU_CMP, i->opsize, reg_get(c, R_EAX, i->opsize), v);
    str_step(c, i, R_EDI);
    return 0;
}

/* Would a write of size bytes at ES:off succeed? Segment checks, then the
 * page walk of its first and last byte, without writing. */
static int probe_es_write(struct cpu *c, uint32_t off, int size)
{
    uint64_t lin, pa;
    bool user = c->cpl == 3;
    TRY(mmu_check(c, SEG_ES, off, size, MMU_WRITE, &lin));
    TRY(mmu_translate(c, lin, MMU_WRITE, user, &pa));
    return mmu_translate(c, (lin + (uint64_t)size - 1) & 0xffffffffu, MMU_WRITE, user, &pa);
}

/* 6C/6D INS: ES:[eDI] = in(DX). The port is read only once the write is
 * known to succeed (see the essay). */
static int ins_one(struct cpu *c, const struct insn *i)
{
    uint16_t port = (uint16_t)c->gpr[R_EDX];
    uint32_t di = str_index(c, i, R_EDI);
    TRY(io_check(c, port, i->opsize));
    TRY(probe_es_write(c, di, i->opsize));
    uint32_t v = bus_in(c->bus, port, i->opsize);
    TRY(mmu_write(c, SEG_ES, di, i->opsize, v));
    str_step(c, i, R_EDI);
    cpu_trap(c, TRAP_IO, TRAP_A(port, i->opsize, false), v);
    return 0;
}

/* 6E/6F OUTS: out(DX, seg:[eSI]). The memory read comes before the port
 * write, so a fault leaves the device untouched. */
static int outs_one(struct cpu *c, const struct insn *i)
{
    uint16_t port = (uint16_t)c->gpr[R_EDX];
    uint32_t v;
    TRY(io_check(c, port, i->opsize));
    TRY(mmu_read(c, i->seg, str_index(c, i, R_ESI), i->opsize, &v));
    bus_out(c->bus, port, v, i->opsize);
    str_step(c, i, R_ESI);
    cpu_trap(c, TRAP_IO, TRAP_A(port, i->opsize, true), v);
    return 0;
}

/* Does this REPE/REPNE comparison end the repetition? REPE goes on while
 * the elements are equal (ZF = 1), REPNE while they differ (ZF = 0). */
static bool compare_stops(const struct cpu *c, const struct insn *i)
{
    bool zf = (c->eflags & FL_ZF) != 0;
    return i->rep == REP_E ? !zf : zf;
}

/* A REP instruction is finished, n elements done in this handler call:
 * charge its start-up (a call that finishes after an earlier batch always
 * does at least one element, so n = 0 means eCX was 0 from the start). */
static int rep_done(struct cpu *c, const struct insn *i, uint32_t n)
{
    c->cycle_extra += cycles_rep_end(c, i, n > 0);
    return 0;
}

/*
 * Run one string instruction: a single element without a prefix, else up to
 * REP_BATCH repetitions (one when TF is set) counted down in eCX. The counter
 * is tested before each element, so a REP with eCX = 0 does nothing at all,
 * and it is written after each element completes. When the instruction has a
 * run function (all but INS and OUTS: ops_string_fast.c) it first offers it
 * the elements left, up to the batch's end, and runs one element the slow way
 * only when the run function takes none; either way eCX, the cycles and n
 * count the elements as if done one at a time (a comparison's run ends at the
 * element whose comparison ends the repetition, and compare_stops() sees its
 * flags). A lone string instruction but INS and OUTS is offered as a run of
 * one too: Linux's memcpy ends in a single MOVSW and MOVSB (550 k of them
 * while the kernel boots, ~250 host instructions each through mmu_read() and
 * mmu_write()); a REP MOVSD of 3, a MOVSW and a MOVSB took 1046 host
 * instructions with only the REP one a run, 912 with all three (callgrind).
 */
static int string_op(struct cpu *c, const struct insn *i, str_elem_fn *one, str_run_fn *run,
                     bool compare)
{
    if (i->rep == REP_NONE) /* a lone element: a run of one when it can be */
        return run && run(c, i, 1) ? 0 : one(c, i);

    uint32_t batch = (c->eflags & FL_TF) ? 1 : REP_BATCH;
    uint32_t per_element = cycles_rep_element(i);
    uint32_t n = 0;
    while (n < batch) {
        uint32_t count = reg_get(c, R_ECX, i->addrsize);
        if (count == 0)
            return rep_done(c, i, n);
        uint32_t done = run ? run(c, i, count < batch - n ? count : batch - n) : 0;
        if (done == 0) {
            TRY(one(c, i));
            done = 1;
        }
        c->cycle_extra += per_element * done;
        reg_set(c, R_ECX, i->addrsize, count - done);
        n += done;
        if (compare && compare_stops(c, i))
            return rep_done(c, i, n);
    }
    if (reg_get(c, R_ECX, i->addrsize) == 0)
        return rep_done(c, i, n);
    c->eip = c->prev_eip; /* more to do: resume after this boundary */
    return 0;
}

/* A4/A5 MOVSB/MOVSW/MOVSD. */
int op_movs(struct cpu *c, const struct insn *i)
{
    return string_op(c, i, movs_one, str_run_movs, false);
}

/* A6/A7 CMPSB/CMPSW/CMPSD. */
int op_cmps(struct cpu *c, const struct insn *i)
{
    return string_op(c, i, cmps_one, str_run_cmps, true);
}

/* AA/AB STOSB/STOSW/STOSD. */
int op_stos(struct cpu *c, const struct insn *i)
{
    return string_op(c, i, stos_one, str_run_stos, false);
}

/* AC/AD LODSB/LODSW/LODSD. */
int op_lods(struct cpu *c, const struct insn *i)
{
    return string_op(c, i, lods_one, str_run_lods, false);
}

/* AE/AF SCASB/SCASW/SCASD. */
int op_scas(struct cpu *c, const struct insn *i)
{
    return string_op(c, i, scas_one, str_run_scas, true);
}

/* 6C/6D INSB/INSW/INSD. */
int op_ins(struct cpu *c, const struct insn *i)
{
    return string_op(c, i, ins_one, NULL, false);
}

/* 6E/6F OUTSB/OUTSW/OUTSD. */
int op_outs(struct cpu *c, const struct insn *i)
{
    return string_op(c, i, outs_one, NULL, false);
}
