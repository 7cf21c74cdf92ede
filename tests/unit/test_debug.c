/*
 * test_debug.c - the debugger core (core/debug) through its C API, on a
 * real machine running the tiny kernel of debug_util.h: breakpoints of each
 * kind, stepi, next, finish, until, watchpoints, conditions, and the views
 * (memory reads that set no accessed bit, the page walk, descriptors,
 * disassembly against Capstone). Run control is tested under both cores.
 */
#include <capstone/capstone.h>

#include "bus.h"
#include "debug_util.h"
#include "interp/cpu.h"
#include "interp/insn.h"
#include "mmu/mmu.h"

static const enum emu_core cores[] = {EMU_CORE_SWITCH, EMU_CORE_THREADED};

START_TEST(test_break_and_exit)
{
    struct dbg *d = k_machine(cores[_i]);
    struct dbg_stop_info s;
    int id = dbg_break_linear(d, K_BASE + 0x34, false);
    ck_assert_int_gt(id, 0);
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_BREAKPOINT);
    dbg_last_stop(d, &s);
    ck_assert_int_eq(s.id, id);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x34);
    ck_assert_uint_eq(k_reg(d, DBG_EAX), 5);
    ck_assert_int_eq(dbg_hits(d, id), 1);
    /* Resuming at a breakpoint runs past it. */
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_EXIT);
    dbg_last_stop(d, &s);
    ck_assert_uint_eq(s.exit_code, 3);
    k_free(d);
}
END_TEST

START_TEST(test_break_kinds)
{
    struct dbg *d = k_machine(cores[_i]);
    struct dbg_stop_info s;
    int phys = dbg_break_physical(d, K_BASE + 0x4e, false);
    int segoff = dbg_break_segoff(d, 0x10, K_BASE + 0x58, true);
    struct dbg_cpu_view v;
    dbg_get_cpu(d, &v);
    if (v.seg[DBG_CS].sel != 0x10) { /* the loader's flat CS, whatever its selector */
        dbg_delete(d, segoff);
        segoff = dbg_break_segoff(d, v.seg[DBG_CS].sel, K_BASE + 0x58, true);
    }
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_BREAKPOINT);
    dbg_last_stop(d, &s);
    ck_assert_int_eq(s.id, segoff);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x58);
    ck_assert_int_eq(dbg_hits(d, segoff), -1); /* temporary: gone */
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_BREAKPOINT);
    dbg_last_stop(d, &s);
    ck_assert_int_eq(s.id, phys);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x4e);
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_EXIT);
    k_free(d);
}
END_TEST

START_TEST(test_stepi)
{
    struct dbg *d = k_machine(cores[_i]);
    struct dbg_cpu_view v0, v1;
    dbg_get_cpu(d, &v0);
    ck_assert_int_eq(dbg_stepi(d, 1, K_LIMIT), DBG_STOP_STEP);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x25);
    ck_assert_int_eq(dbg_stepi(d, 3, K_LIMIT), DBG_STOP_STEP);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x48); /* mov, mov, call */
    dbg_get_cpu(d, &v1);
    ck_assert_uint_eq(v1.instructions - v0.instructions, 4);
    k_free(d);
}
END_TEST

START_TEST(test_next_over_call)
{
    struct dbg *d = k_machine(cores[_i]);
    ck_assert_int_eq(dbg_until(d, K_BASE + 0x2f, K_LIMIT), DBG_STOP_STEP);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x2f);
    ck_assert_int_eq(dbg_next(d, K_LIMIT), DBG_STOP_STEP);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x34);
    ck_assert_uint_eq(k_reg(d, DBG_EAX), 5);
    ck_assert_int_eq(dbg_next(d, K_LIMIT), DBG_STOP_STEP); /* not a call: one instruction */
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x39);
    k_free(d);
}
END_TEST

START_TEST(test_finish)
{
    struct dbg *d = k_machine(cores[_i]);
    ck_assert_int_eq(dbg_until(d, K_BASE + 0x58, K_LIMIT), DBG_STOP_STEP);
    ck_assert_int_eq(dbg_finish(d, K_LIMIT), DBG_STOP_STEP);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x4e); /* back in func, after call func2 */
    ck_assert_uint_eq(k_reg(d, DBG_EAX), 3);
    ck_assert_int_eq(dbg_finish(d, K_LIMIT), DBG_STOP_STEP);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x34);
    k_free(d);
}
END_TEST

START_TEST(test_watch_write)
{
    struct dbg *d = k_machine(cores[_i]);
    struct dbg_stop_info s;
    int r = dbg_watch_linear(d, K_BASE + 0x200, 4, DBG_WATCH_READ);
    int w = dbg_watch_physical(d, K_BASE + 0x202, 1, DBG_WATCH_WRITE);
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_WATCHPOINT);
    dbg_last_stop(d, &s);
    ck_assert_int_eq(s.id, w);
    ck_assert(s.write);
    ck_assert_uint_eq(s.addr, K_BASE + 0x200);
    ck_assert_int_eq(s.size, 4);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x39); /* after the store */
    ck_assert_int_eq(dbg_hits(d, r), 0);
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_EXIT);
    k_free(d);
}
END_TEST

/* A value-change watchpoint (gdb's watch): the store of 5 over the 0x90
 * filler stops after the store with both values; when the memory already
 * holds 5, the same store changes nothing and the run goes on to the exit. */
START_TEST(test_watch_change)
{
    struct dbg *d = k_machine(cores[_i]);
    struct dbg_stop_info s;
    ck_assert_int_eq(dbg_watch_linear(d, K_BASE + 0x200, 16, DBG_WATCH_WRITE | DBG_WATCH_CHANGE),
                     -1); /* more than DBG_WATCH_CHANGE_MAX bytes */
    ck_assert_int_eq(dbg_watch_linear(d, K_BASE + 0x200, 4, DBG_WATCH_READ | DBG_WATCH_CHANGE),
                     -1); /* a change is a write's */
    int w = dbg_watch_linear(d, K_BASE + 0x200, 4, DBG_WATCH_WRITE | DBG_WATCH_CHANGE);
    ck_assert_int_gt(w, 0);
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_WATCHPOINT);
    dbg_last_stop(d, &s);
    ck_assert_int_eq(s.id, w);
    ck_assert(s.changed);
    ck_assert_uint_eq(s.old_value, 0x90909090u);
    ck_assert_uint_eq(s.new_value, 5);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x39); /* after the store */
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_EXIT);
    ck_assert_int_eq(dbg_hits(d, w), 1);
    k_free(d);

    d = k_machine(cores[_i]);
    static const uint8_t five[4] = {5, 0, 0, 0};
    ck_assert_uint_eq(dbg_write_linear(d, K_BASE + 0x200, five, 4), 4);
    w = dbg_watch_linear(d, K_BASE + 0x200, 4, DBG_WATCH_WRITE | DBG_WATCH_CHANGE);
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_EXIT);
    ck_assert_int_eq(dbg_hits(d, w), 0);
    k_free(d);
}
END_TEST

START_TEST(test_conditions)
{
    struct dbg *d = k_machine(cores[_i]);
    char err[100];
    struct dbg_stop_info s;
    int never = dbg_break_linear(d, K_BASE + 0x48, false);
    ck_assert_int_eq(dbg_break_condition(d, never, "eax == 7", err, sizeof err), 0);
    int hit = dbg_break_linear(d, K_BASE + 0x58, false);
    ck_assert_int_eq(dbg_break_condition(d, hit, "eax == 2 && [esp] == 0x10004e", err,
                                         sizeof err), 0);
    ck_assert_int_eq(dbg_break_condition(d, hit, "eax ==", err, sizeof err), -1);
    ck_assert_int_eq(dbg_break_condition(d, 999, "1", err, sizeof err), -1);
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_BREAKPOINT);
    dbg_last_stop(d, &s);
    ck_assert_int_eq(s.id, hit);
    ck_assert_int_eq(dbg_hits(d, never), 0);
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_EXIT);
    k_free(d);
}
END_TEST

START_TEST(test_budget_and_resume)
{
    struct dbg *d = k_machine(EMU_CORE_SWITCH);
    ck_assert_int_eq(dbg_until(d, K_BASE + 0x34, 1), DBG_STOP_BUDGET);
    while (dbg_resume(d, 1) == DBG_STOP_BUDGET)
        ;
    struct dbg_stop_info s;
    dbg_last_stop(d, &s);
    ck_assert_int_eq(s.reason, DBG_STOP_STEP);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x34);
    k_free(d);
}
END_TEST

/* Identity-map the first 4 MiB with page tables at 2 MiB; CR3 set. */
static uint32_t *map_identity(struct dbg *d, bool paging)
{
    struct cpu *c = emu_cpu(dbg_emu(d));
    uint32_t *pd = (uint32_t *)(c->bus->ram + 0x200000), *pt = pd + 1024;
    memset(pd, 0, 8192);
    pd[0] = 0x201000u | PTE_P | PTE_RW;
    for (uint32_t k = 0; k < 1024; k++)
        pt[k] = (k << 12) | PTE_P | PTE_RW;
    c->cr3 = 0x200000;
    if (paging)
        c->cr0 |= CR0_PG;
    mmu_flush(c, true);
    return pt;
}

START_TEST(test_read_sets_no_accessed_bit)
{
    struct dbg *d = k_machine(EMU_CORE_SWITCH);
    uint32_t *pt = map_identity(d, true);
    uint8_t buf[8], ok[8];
    uint32_t v;
    ck_assert_uint_eq(pt[0x123] & PTE_A, 0);
    ck_assert_uint_eq(dbg_read_linear(d, 0x123ffc, buf, 8, ok), 8);
    ck_assert_uint_eq(pt[0x123] & PTE_A, 0);
    ck_assert_uint_eq(pt[0x124] & PTE_A, 0);
    /* A guest access does set it: the check above can fail. */
    ck_assert_int_eq(mmu_read_lin(emu_cpu(dbg_emu(d)), 0x123000, 4, &v, MMU_SUPER), 0);
    ck_assert_uint_ne(pt[0x123] & PTE_A, 0);
    /* Unmapped bytes are unreadable, not a fault. */
    ck_assert_uint_eq(dbg_read_linear(d, 0x3ffffe, buf, 4, ok), 2);
    ck_assert(ok[0] && ok[1] && !ok[2] && !ok[3]);
    ck_assert_uint_eq(emu_cpu(dbg_emu(d))->cr2, 0);
    struct dbg_walk w;
    dbg_walk(d, 0x123456, &w);
    ck_assert(w.ok && w.paging);
    ck_assert_int_eq(w.levels, 2);
    ck_assert_uint_eq(w.phys, 0x123456);
    ck_assert_uint_eq(w.addr[1], 0x201000 + 0x123 * 4);
    dbg_walk(d, 0x400000, &w);
    ck_assert(!w.ok);
    ck_assert_int_eq(w.levels, 1);
    k_free(d);
}
END_TEST

START_TEST(test_descriptors)
{
    struct dbg *d = k_machine(EMU_CORE_SWITCH);
    struct cpu *c = emu_cpu(dbg_emu(d));
    uint32_t *t = (uint32_t *)(c->bus->ram + 0x300000);
    t[2] = 0x0000ffff, t[3] = 0x00cf9a00; /* 1: flat 32-bit code, readable */
    t[4] = 0x1000ffff, t[5] = 0x00009302; /* 2: 64 KiB data at 0x21000, RW, accessed */
    t[6] = 0x00081234, t[7] = 0x0010ee00; /* 3: 32-bit interrupt gate 0008:00101234, DPL 3 */
    c->gdtr = (struct dtr){0x300000, 31};
    c->idtr = (struct dtr){0x300000, 31};
    struct dbg_desc e;
    ck_assert_int_eq(dbg_gdt_entry(d, 1, &e), 0);
    ck_assert_str_eq(e.type, "code 32-bit RX");
    ck_assert_uint_eq(e.limit, 0xffffffffu);
    ck_assert_int_eq(dbg_gdt_entry(d, 2, &e), 0);
    ck_assert_str_eq(e.type, "data 16-bit RW accessed");
    ck_assert_uint_eq(e.base, 0x21000);
    ck_assert_int_eq(dbg_idt_entry(d, 3, &e), 0);
    ck_assert_str_eq(e.type, "32-bit interrupt gate");
    ck_assert_uint_eq(e.selector, 8);
    ck_assert_uint_eq(e.offset, 0x101234);
    ck_assert_uint_eq(e.dpl, 3);
    ck_assert_int_eq(dbg_gdt_entry(d, 4, &e), -1); /* past the limit */
    k_free(d);
}
END_TEST

START_TEST(test_cpu_view)
{
    struct dbg *d = k_machine(EMU_CORE_SWITCH);
    struct dbg_cpu_view v;
    dbg_get_cpu(d, &v);
    ck_assert_int_eq(v.mode, DBG_MODE_PROTECTED);
    ck_assert_str_eq(dbg_mode_name(v.mode), "protected");
    ck_assert(v.code32);
    ck_assert_uint_eq(v.cpl, 0);
    ck_assert_ptr_nonnull(strstr(v.flags, "IOPL=0"));
    const struct devinfo *devs;
    ck_assert_uint_gt(dbg_devices(d, &devs), 0);
    k_free(d);
}
END_TEST

START_TEST(test_mode_switch_stop)
{
    struct dbg *d = k_machine(cores[_i]);
    struct cpu *c = emu_cpu(dbg_emu(d));
    struct dbg_stop_info s;
    /* mov eax, cr0; or eax, 0x80000000; mov cr0, eax; hlt */
    memcpy(c->bus->ram + K_BASE + 0x100, "\x0f\x20\xc0\x0d\x00\x00\x00\x80\x0f\x22\xc0\xf4", 12);
    map_identity(d, false);
    c->eip = K_BASE + 0x100;
    dbg_stop_on_mode_switch(d, true);
    ck_assert_int_eq(dbg_continue(d, K_LIMIT), DBG_STOP_MODE_SWITCH);
    dbg_last_stop(d, &s);
    ck_assert_int_eq(s.old_mode, DBG_MODE_PROTECTED);
    ck_assert_int_eq(s.new_mode, DBG_MODE_PROTECTED | DBG_MODE_PAGING);
    ck_assert_uint_eq(k_eip(d), K_BASE + 0x10b); /* after MOV CR0 */
    k_free(d);
}
END_TEST

/* Text from Capstone, lengths from x86_decode: both agree. */
START_TEST(test_disasm)
{
    struct dbg *d = k_machine(EMU_CORE_SWITCH);
    static const struct { const char *bytes; int n; const char *intel; } cases[] = {
        {"\xb8\x01\x00\x00\x00", 5, "mov eax, 1"},
        {"\x01\xd8", 2, "add eax, ebx"},
        {"\x8b\x44\x24\x04", 4, "mov eax, dword ptr [esp + 4]"},
        {"\x66\xba\xf4\x00", 4, "mov dx, 0xf4"},
        {"\xc3", 1, "ret"},
        {"\x0f\x22\xd8", 3, "mov cr3, eax"},
    };
    char text[80];
    csh h;
    ck_assert_int_eq(cs_open(CS_ARCH_X86, CS_MODE_32, &h), CS_ERR_OK);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const uint8_t *b = (const uint8_t *)cases[k].bytes;
        struct insn i;
        cs_insn *ci;
        ck_assert_int_eq(dbg_disasm_bytes(d, b, (size_t)cases[k].n, 4, 0, text, sizeof text),
                         cases[k].n);
        ck_assert_str_eq(text, cases[k].intel);
        ck_assert_int_eq(x86_decode(&i, b, cases[k].n, 4), DECODE_OK);
        ck_assert_uint_eq(cs_disasm(h, b, (size_t)cases[k].n, 0, 1, &ci), 1);
        ck_assert_uint_eq(ci->size, i.len);
        cs_free(ci, 1);
    }
    cs_close(&h);
    dbg_set_syntax(d, DBG_SYNTAX_ATT);
    dbg_disasm_bytes(d, (const uint8_t *)"\xb8\x01\x00\x00\x00", 5, 4, 0, text, sizeof text);
    ck_assert_str_eq(text, "movl $1, %eax");
    ck_assert_int_eq(dbg_disasm_bytes(d, (const uint8_t *)"\xb8\x01", 2, 4, 0, text, sizeof text),
                     0);
    ck_assert_str_eq(text, "(bad)");
    dbg_set_syntax(d, DBG_SYNTAX_INTEL);
    ck_assert_int_eq(dbg_disasm(d, K_BASE + 0x2f, text, sizeof text), 5);
    ck_assert_str_eq(text, "call 0x100048");
    k_free(d);
}
END_TEST

static Suite *debug_suite(void)
{
    Suite *s = suite_create("debug");
    TCase *run = tcase_create("run");
    tcase_add_loop_test(run, test_break_and_exit, 0, 2);
    tcase_add_loop_test(run, test_break_kinds, 0, 2);
    tcase_add_loop_test(run, test_stepi, 0, 2);
    tcase_add_loop_test(run, test_next_over_call, 0, 2);
    tcase_add_loop_test(run, test_finish, 0, 2);
    tcase_add_loop_test(run, test_watch_write, 0, 2);
    tcase_add_loop_test(run, test_watch_change, 0, 2);
    tcase_add_loop_test(run, test_conditions, 0, 2);
    tcase_add_test(run, test_budget_and_resume);
    tcase_add_loop_test(run, test_mode_switch_stop, 0, 2);
    suite_add_tcase(s, run);
    TCase *view = tcase_create("view");
    tcase_add_test(view, test_read_sets_no_accessed_bit);
    tcase_add_test(view, test_descriptors);
    tcase_add_test(view, test_cpu_view);
    tcase_add_test(view, test_disasm);
    suite_add_tcase(s, view);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(debug_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
