/*
 * ops_missing.c - DEVELOPMENT SCAFFOLD, to be deleted: weak #UD defaults for
 * handlers and core functions not written yet, so the tree links while the
 * instruction families are filled in. `make check` fails while any of these
 * is still the one linked (tests/check-no-scaffold.sh).
 */
#include "interrupt.h"
#include "ops.h"

#define MISSING __attribute__((weak))

MISSING int op_ud(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_alu_Eb_Gb(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_alu_Ev_Gv(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_alu_Gb_Eb(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_alu_Gv_Ev(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_alu_AL_Ib(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_alu_eAX_Iz(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_push_sreg(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_pop_sreg(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_daa(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_das(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_aaa(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_aas(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_inc_Zv(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_dec_Zv(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_push_Zv(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_pop_Zv(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_pusha(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_popa(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_bound(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_arpl(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_push_Iz(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_imul_Gv_Ev_Iz(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_ins(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_outs(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_jcc(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_alu_E_I(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_test_E_G(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_xchg_E_G(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_E_G(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_G_E(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_Ev_Sw(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_lea(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_Sw_Ew(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_pop_Ev(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_nop(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_xchg_Zv(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_cbw(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_cwd(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_call_far_Ap(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_fwait(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_pushf(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_popf(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_sahf(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_lahf(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_A_O(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_O_A(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_movs(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_cmps(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_test_A_I(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_stos(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_lods(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_scas(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_Zb_Ib(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_Zv_Iv(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_shift(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_ret_near(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_load_far_ptr(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_E_I(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_enter(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_leave(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_ret_far(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_int3(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_int_Ib(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_into(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_iret(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_aam(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_aad(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_salc(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_xlat(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_esc(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_loop(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_jcxz(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_in_port(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_out_port(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_call_near(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_jmp_near(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_jmp_far_Ap(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_int1(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_hlt(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_cmc(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_test_E_I(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_not_E(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_neg_E(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mul_E(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_imul_E(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_div_E(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_idiv_E(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_clc(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_stc(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_cli(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_sti(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_cld(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_std(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_inc_E(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_dec_E(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_call_far_Mp(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_jmp_far_Mp(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_push_Ev(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_sldt(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_str(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_lldt(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_ltr(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_verr(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_verw(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_sgdt(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_sidt(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_lgdt(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_lidt(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_smsw(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_lmsw(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_invlpg(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_lar(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_lsl(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_clts(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_invd(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_Rd_Cd(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_Rd_Dd(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_Cd_Rd(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_mov_Dd_Rd(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_wrmsr(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_rdtsc(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_rdmsr(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_sysenter(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_sysexit(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_cmov(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_setcc(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_cpuid(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_bt_E_G(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_shld(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_shrd(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_imul_Gv_Ev(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_cmpxchg(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_movzx(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_bt_E_I(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_bsf(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_bsr(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_movsx(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_xadd(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_cmpxchg8b(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}

MISSING int op_bswap(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_fault(c, EXC_UD, 0);
}


MISSING int cpu_interrupt(struct cpu *c, int vector, int kind, bool has_err, uint32_t err)
{
    (void)vector; (void)kind; (void)has_err; (void)err;
    c->stop = CPU_SHUTDOWN;
    return 0;
}

MISSING void cpu_exception(struct cpu *c)
{
    c->stop = CPU_SHUTDOWN;
}

MISSING uint32_t alu(struct cpu *c, int k, int size, uint32_t a, uint32_t b)
{
    (void)c; (void)k; (void)size; (void)b;
    return a;
}

MISSING void flags_logic(struct cpu *c, int size, uint32_t res)
{
    (void)c; (void)size; (void)res;
}

MISSING int io_check(struct cpu *c, uint16_t port, int size)
{
    (void)c; (void)port; (void)size;
    return 0;
}
