/*
 * test_string_fast.c - REP MOVS/STOS/LODS run a page at a time
 * (ops_string_fast.c) and give exactly what element-by-element execution
 * gives.
 *
 * Most cases run one instruction on the twin machines of string_twin.h,
 * call by call (a call ends at a batch, a fault or the end): the "fast"
 * machine as it is, the "slow" one forced element by element. After every
 * call the two must agree on the registers, EFLAGS, EIP, the cycles, the
 * page walks, the exception, all of RAM and what a device behind RAM saw.
 * That the fast machine does take runs, and where each run stops, is
 * checked on the run functions themselves (the "runs" cases), as is the
 * slow machine's never taking one.
 */
#include "interp/ops_string_fast.h"
#include "interp/tcache.h"
#include "string_twin.h"

/* --- equivalence: directions, sizes, counts --- */

/* Every string op, byte/word/dword, up and down, from the middle of a page
 * across several page ends, in flat 32-bit mode and under paging. */
START_TEST(t_sizes_and_directions)
{
    static const uint8_t ops[] = {0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad};
    static void (*const modes[])(struct unit_machine *) = {flat32, paged};
    for (unsigned mo = 0; mo < 2; mo++)
        for (unsigned o = 0; o < sizeof ops; o++)
            for (int sz = 0; sz < 2; sz++)
                for (int down = 0; down < 2; down++) {
                    struct regs r = {0x10123, 0x30987, 5000, 0xa1b2c3d4u, down};
                    twin_new(modes[mo], &r);
                    ck_assert_int_eq(rep(ops[o], sz == 1 && (ops[o] & 1), false), 0);
                    ck_assert_uint_eq(fast_cpu()->gpr[R_ECX], 0);
                    twin_free();
                }
}
END_TEST

/* Counts 0, 1 and one more than a batch: the handler returns at the same
 * elements and charges the same cycles. */
START_TEST(t_counts)
{
    static const uint32_t counts[] = {0, 1, 2, REP_BATCH - 1, REP_BATCH, REP_BATCH + 1};
    static const uint8_t ops[] = {0xa4, 0xa5, 0xaa, 0xab, 0xac};
    for (unsigned k = 0; k < sizeof counts / sizeof counts[0]; k++)
        for (unsigned o = 0; o < sizeof ops; o++) {
            struct regs r = {0x40000, 0x50000, counts[k], 0x5a, false};
            twin_new(flat32, &r);
            ck_assert_int_eq(rep(ops[o], false, false), 0);
            twin_free();
        }
}
END_TEST

/* With TF set a call does one element: the runs are one element long. */
START_TEST(t_single_step)
{
    struct regs r = {0x10ffd, 0x20ff0, 9, 0, false};
    twin_new(flat32, &r);
    for (int s = 0; s < 2; s++)
        twin[s].m->cpu.eflags |= FL_TF;
    ck_assert_int_eq(rep(0xa5, false, false), 0);
    twin_free();
}
END_TEST

/* A lone MOVS, STOS or LODS (no REP) is a run of one when it can be: mid-page,
 * across a page end, into the device, at each size and in each direction, each
 * run twice in a row (the second from the same registers' successors). */
START_TEST(t_lone_elements)
{
    static const uint8_t ops[] = {0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad};
    static const uint32_t where[] = {0x10122, 0x10ffe, DEV_BASE + 0x10};
    for (unsigned o = 0; o < sizeof ops; o++)
        for (unsigned w = 0; w < 3; w++)
            for (int v = 0; v < 4; v++) {
                struct regs r = {where[w], where[2 - w], 7, 0x01020304u, v & 1};
                uint8_t b[2] = {0x66, ops[o]};
                twin_new(flat32, &r);
                /* twice: the first fills the TLB, the second may run */
                for (int k = 0; k < 2; k++)
                    ck_assert_int_eq(twin_run(handler_of(ops[o]), b + !(v & 2), 1 + !!(v & 2)),
                                     0);
                ck_assert_uint_eq(fast_cpu()->gpr[R_ECX], 7);
                twin_free();
            }
}
END_TEST

/* --- overlapping copies --- */

/* Destination one byte above the source, going up: element by element the
 * first byte (MOVSB), or a dword shifted by one (MOVSD), repeats; memmove
 * would shift the buffer instead. Checked against the twin and, for MOVSB,
 * against the known answer. */
START_TEST(t_overlap_replicates)
{
    struct regs r = {0x10100, 0x10101, 3000, 0, false};
    twin_new(flat32, &r);
    uint8_t first = twin[0].m->bus.ram[0x10100];
    ck_assert_int_eq(rep(0xa4, false, false), 0);
    for (uint32_t k = 0; k <= 3000; k++)
        ck_assert_uint_eq(twin[0].m->bus.ram[0x10100 + k], first);
    twin_free();
    twin_new(flat32, &r);
    ck_assert_int_eq(rep(0xa5, false, false), 0);
    twin_free();
    /* going down, the harmful side is the destination below the source */
    struct regs d = {0x10900, 0x108ff, 3000, 0, true};
    twin_new(flat32, &d);
    first = twin[0].m->bus.ram[0x10900];
    ck_assert_int_eq(rep(0xa4, false, false), 0);
    ck_assert_uint_eq(twin[0].m->bus.ram[0x10900 - 2999], first);
    twin_free();
    twin_new(flat32, &d);
    ck_assert_int_eq(rep(0xa5, false, false), 0);
    twin_free();
}
END_TEST

/* Overlaps where the order does not matter (destination behind the source
 * in the copy's direction), every distance from 1 to 9, each size. */
START_TEST(t_overlap_harmless_and_near)
{
    for (int down = 0; down < 2; down++)
        for (int dist = -9; dist <= 9; dist++)
            for (int op = 0xa4; op <= 0xa5; op++) {
                struct regs r = {0x10800, (uint32_t)(0x10800 + dist), 1500, 0, down};
                twin_new(flat32, &r);
                ck_assert_int_eq(rep((uint8_t)op, op == 0xa5 && (dist & 1), false), 0);
                twin_free();
            }
}
END_TEST

/* Two linear pages mapped to one physical page: the copy overlaps on the
 * host though the linear ranges do not. */
START_TEST(t_overlap_through_aliases)
{
    struct regs r = {0x80010, 0x90011, 3000, 0, false};
    twin_new(paged, &r);
    for (int s = 0; s < 2; s++)
        map(twin[s].m, 0x90000, 0x80000, true);
    ck_assert_int_eq(rep(0xa4, false, false), 0);
    twin_free();
}
END_TEST

/* --- where runs must stop --- */

/* A source in ROM (read through its host pointer), a destination in ROM
 * (writes dropped, slow path) and a device page right after RAM: the
 * elements in RAM run, the device sees the same stores and loads. */
START_TEST(t_rom_and_device)
{
    struct regs to_dev = {0x10000, DEV_BASE - 0x300, 0x300, 0, false};
    twin_new(flat32, &to_dev);
    ck_assert_int_eq(rep(0xa5, false, false), 0);
    ck_assert_uint_eq(twin[0].dev.writes, 0x300 - 0x300 / 4);
    twin_free();
    struct regs from_dev = {DEV_BASE + 0x40, 0x10000, 0x400, 0, true};
    twin_new(flat32, &from_dev);
    ck_assert_int_eq(rep(0xa4, false, false), 0);
    twin_free();
    struct regs from_rom = {ROM_BASE + 0xffc, 0x10ffc, 0x400, 0, true};
    twin_new(flat32, &from_rom);
    ck_assert_int_eq(rep(0xa5, false, false), 0);
    ck_assert_uint_eq(twin[0].m->bus.ram[0x10ffc], 0x33);
    ck_assert_uint_eq(twin[0].m->bus.ram[0x10000], 0x11);
    twin_free();
    struct regs to_rom = {0x10000, ROM_BASE + 0xf00, 0x100, 0, false};
    twin_new(flat32, &to_rom);
    ck_assert_int_eq(rep(0xa4, false, false), 0);
    twin_free();
}
END_TEST

/* A page not present in the middle of the copy, on either side: #PF at the
 * first element there, with eSI/eDI/eCX describing the elements before it
 * (the runs up to the page's end counted as elements), CR2 its address. */
START_TEST(t_fault_not_present)
{
    for (int side = 0; side < 2; side++)
        for (int down = 0; down < 2; down++) {
            /* up: source 0x10800 -> hole at 0x11000 (side 0), or destination
             * 0x30400 -> hole at 0x31000 (side 1); down: holes at 0xf000 and
             * 0x2f000 */
            uint32_t src = 0x10800, dst = 0x30400;
            uint32_t hole = side == 0 ? (down ? 0xf000 : 0x11000) : (down ? 0x2f000 : 0x31000);
            struct regs r = {src, dst, 0x2000, 0, down};
            twin_new(paged, &r);
            for (int s = 0; s < 2; s++)
                map(twin[s].m, hole, hole, false);
            ck_assert_int_eq(rep(0xa5, false, false), CPU_FAULT);
            struct cpu *c = fast_cpu();
            ck_assert_uint_eq(c->exc.vector, EXC_PF);
            uint32_t base = side == 0 ? src : dst;
            uint32_t done = down ? (base - (hole + 0xffc)) / 4 : (hole - base) / 4;
            ck_assert_uint_eq(c->gpr[R_ECX], 0x2000 - done);
            ck_assert_uint_eq(c->cr2, down ? hole + 0xffc : hole);
            twin_free();
        }
}
END_TEST

/* A destination segment whose limit ends inside a page: the run stops at
 * the limit and the next element is #GP(0). */
START_TEST(t_fault_segment_limit)
{
    for (int size = 1; size <= 4; size *= 2) {
        struct regs r = {0x10000, 0x1000, 0x1000, 0, false};
        twin_new(flat32, &r);
        for (int s = 0; s < 2; s++) {
            twin[s].m->cpu.seg[SEG_ES].limit = 0x17ff; /* byte-granular: the last byte 17FF */
            cpu_seg_changed(&twin[s].m->cpu, SEG_ES); /* changed in place: cpu.h */
            twin[s].m->cpu.seg[SEG_ES].attr &= (uint16_t)~SEG_ATTR_G;
            cpu_seg_changed(&twin[s].m->cpu, SEG_ES); /* changed in place: cpu.h */
        }
        uint8_t op = size == 1 ? 0xa4 : 0xa5;
        ck_assert_int_eq(rep(op, size == 2, false), CPU_FAULT);
        ck_assert_uint_eq(fast_cpu()->exc.vector, EXC_GP);
        ck_assert_uint_eq(fast_cpu()->gpr[R_EDI], 0x1800);
        twin_free();
    }
}
END_TEST

/* --- 16-bit addressing: SI and DI wrap at 64 KiB --- */

static void real_mode_segments(struct unit_machine *m)
{
    cpu_load_real_seg(&m->cpu, SEG_DS, 0x1000);
    cpu_load_real_seg(&m->cpu, SEG_ES, 0x2080); /* DI = FFF0 is mid-page: 0x307F0 */
}

/* Real mode: up across FFFF to 0000, down across 0000 to FFFE, each size;
 * a word at offset FFFF is #GP (the limit), with the run before it done. */
START_TEST(t_index_wrap_real_mode)
{
    static const uint8_t ops[] = {0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad};
    for (unsigned o = 0; o < sizeof ops; o++)
        for (int o66 = 0; o66 < 2; o66++) {
            struct regs up = {0xffe0, 0xfff0, 40, 0x1234abcd, false};
            twin_new(real_mode_segments, &up);
            ck_assert_int_eq(rep(ops[o], o66 && (ops[o] & 1), false), 0);
            twin_free();
            struct regs down = {0x0010, 0x0008, 40, 0x1234abcd, true};
            twin_new(real_mode_segments, &down);
            ck_assert_int_eq(rep(ops[o], o66 && (ops[o] & 1), false), 0);
            twin_free();
        }
    struct regs odd = {0xffe1, 0x1000, 40, 0, false};
    twin_new(real_mode_segments, &odd);
    ck_assert_int_eq(rep(0xa5, false, false), CPU_FAULT);
    ck_assert_uint_eq(fast_cpu()->exc.vector, EXC_GP);
    ck_assert_uint_eq(fast_cpu()->gpr[R_ESI], 0xffff);
    ck_assert_uint_eq(fast_cpu()->gpr[R_ECX], 40 - 15);
    twin_free();
}
END_TEST

/* 16-bit addressing (67) in a 4 GiB segment: the limit does not stop the
 * run, the wrap of DI must (ES based mid-page, so no page end is near). */
static void flat32_es_mid_page(struct unit_machine *m)
{
    flat32(m);
    m->cpu.seg[SEG_ES].base = 0x40800;
    m->cpu.seg[SEG_DS].base = 0x60400;
    cpu_seg_changed(&m->cpu, SEG_ES); /* changed in place: cpu.h */
    cpu_seg_changed(&m->cpu, SEG_DS);
}

START_TEST(t_index_wrap_big_segment)
{
    for (int down = 0; down < 2; down++) {
        struct regs r = {down ? 0x0008 : 0xfff8, down ? 0x0010 : 0xfff0, 64, 0x77, down};
        twin_new(flat32_es_mid_page, &r);
        ck_assert_int_eq(rep(0xa5, false, true), 0);
        ck_assert_uint_eq(fast_cpu()->gpr[R_EDI], down ? 0x10010 - 256 : 0xfff0 + 256 - 0x10000);
        twin_free();
        twin_new(flat32_es_mid_page, &r);
        ck_assert_int_eq(rep(0xab, false, true), 0);
        twin_free();
    }
}
END_TEST

/* --- the block cache: a run's stores drop the blocks they write --- */

/* A block decoded at 0x21100; stores to other lines of its page keep it,
 * a run whose stores cover it - even only in their middle - drops it. */
START_TEST(t_run_drops_written_code)
{
    static const uint8_t prog[] = {0x40, 0x40, 0xeb, 0xfe}; /* inc eax; inc eax; jmp $ */
    for (int op = 0; op < 2; op++) {
        struct side s;
        side_new(&s, false);
        flat32(s.m);
        struct tcache *tc = tcache_create(&s.m->bus);
        ck_assert_ptr_nonnull(tc);
        um_load(s.m, 0x21100, prog, sizeof prog);
        const struct block *b = tcache_get(tc, 0x21100, true, s.m->bus.ram + 0x21100);
        ck_assert_ptr_nonnull(b);
        /* 0x21000-0x210ff and 0x21200-0x212ff: the page, not the code */
        struct regs below = {0x50000, 0x21000, 0x40, 0, false};
        set_regs(s.m, &below);
        uint8_t movsd[] = {0xf3, 0xa5}, stosd[] = {0xf3, 0xab};
        uint8_t *b_op = op ? stosd : movsd;
        ck_assert_int_eq(um_run_handler(s.m, handler_of(b_op[1]), b_op, 2), 0);
        s.m->cpu.gpr[R_EDI] = 0x21200;
        s.m->cpu.gpr[R_ECX] = 0x40;
        ck_assert_int_eq(um_run_handler(s.m, handler_of(b_op[1]), b_op, 2), 0);
        ck_assert(b->valid);
        /* 0x21000-0x213ff, the code at 0x21100 in the middle of the run */
        s.m->cpu.gpr[R_EDI] = 0x21000;
        s.m->cpu.gpr[R_ECX] = 0x100;
        ck_assert_int_eq(um_run_handler(s.m, handler_of(b_op[1]), b_op, 2), 0);
        ck_assert(!b->valid);
        ck_assert_ptr_null(tcache_find(tc, 0x21100, true));
        tcache_destroy(tc);
        um_free(s.m);
    }
}
END_TEST

/* --- the run functions themselves: where a run stops --- */

/* Up: the nearer page end of the two; down: the nearer page start; then
 * a page not in the TLB takes no run, and a run never passes max. */
START_TEST(t_run_stops_at_page_ends)
{
    struct side s;
    side_new(&s, false);
    flat32(s.m);
    struct cpu *c = &s.m->cpu;
    struct insn movsb = decoded(c, (const uint8_t[]){0xf3, 0xa4}, 2);
    struct insn movsd = decoded(c, (const uint8_t[]){0xf3, 0xa5}, 2);
    struct insn stosw = decoded(c, (const uint8_t[]){0x66, 0xf3, 0xab}, 3);
    warm(c, 0x10000, MMU_READ);
    warm(c, 0x20000, MMU_WRITE);
    struct regs up = {0x10100, 0x20800, 0x10000, 0, false};
    set_regs(s.m, &up);
    ck_assert_uint_eq(str_run_movs(c, &movsb, REP_BATCH), 0x800);
    ck_assert_uint_eq(c->gpr[R_ESI], 0x10900);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x21000);
    ck_assert_uint_eq(c->gpr[R_ECX], 0x10000); /* eCX is the caller's */
    ck_assert_uint_eq(str_run_movs(c, &movsb, REP_BATCH), 0); /* 0x21000: not in the TLB */
    ck_assert_uint_eq(c->gpr[R_ESI], 0x10900);
    c->gpr[R_EDI] = 0x20000;
    ck_assert_uint_eq(str_run_movs(c, &movsb, REP_BATCH), 0x700); /* now the source's end */
    struct regs down = {0x10100, 0x20ffc, 0x10000, 0, true};
    set_regs(s.m, &down);
    ck_assert_uint_eq(str_run_movs(c, &movsd, REP_BATCH), 0x100 / 4 + 1);
    ck_assert_uint_eq(c->gpr[R_ESI], 0x10000 - 4);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x20ffc - 0x104);
    c->gpr[R_EDI] = 0x20ffe;
    ck_assert_uint_eq(str_run_stos(c, &stosw, 7), 7);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x20ffe - 14);
    ck_assert_uint_eq(str_run_stos(c, &stosw, REP_BATCH), (0x20ffe - 14 - 0x20000) / 2 + 1);
    um_free(s.m);
}
END_TEST

/* No run where an element would not be the common case: a breakpoint
 * armed (the slow twin), a device page, a ROM page to write, a page
 * crossed by the first element, a misaligned element at CPL 3. */
START_TEST(t_run_declines)
{
    struct side s;
    side_new(&s, true);
    flat32(s.m);
    struct cpu *c = &s.m->cpu;
    struct insn movsd = decoded(c, (const uint8_t[]){0xf3, 0xa5}, 2);
    struct insn lodsd = decoded(c, (const uint8_t[]){0xf3, 0xad}, 2);
    warm(c, 0x10000, MMU_READ);
    warm(c, 0x20000, MMU_WRITE);
    warm(c, DEV_BASE, MMU_WRITE);
    warm(c, ROM_BASE, MMU_READ);
    struct regs r = {0x10000, 0x20000, 100, 0, false};
    set_regs(s.m, &r);
    ck_assert_uint_eq(str_run_movs(c, &movsd, REP_BATCH), 0); /* DR7 */
    c->dr[7] &= ~0xffu;
    mmu_watch_changed(c); /* mmu.h */
    ck_assert_uint_eq(str_run_movs(c, &movsd, REP_BATCH), 0x400);
    set_regs(s.m, &r);
    c->gpr[R_EDI] = DEV_BASE;
    ck_assert_uint_eq(str_run_movs(c, &movsd, REP_BATCH), 0);
    c->gpr[R_ESI] = ROM_BASE + 0x10;
    ck_assert_uint_eq(str_run_lods(c, &lodsd, REP_BATCH), 0xff0 / 4);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x44000033u); /* the last element: rom[0xffc..0xfff] */
    c->gpr[R_ESI] = 0x10000;
    c->gpr[R_EDI] = ROM_BASE;
    ck_assert_uint_eq(str_run_movs(c, &movsd, REP_BATCH), 0);
    c->gpr[R_EDI] = 0x20ffe; /* crosses into 0x21000 */
    ck_assert_uint_eq(str_run_movs(c, &movsd, REP_BATCH), 0);
    c->gpr[R_EDI] = 0x20002;
    ck_assert_uint_eq(str_run_movs(c, &movsd, REP_BATCH), 0x3ff);
    c->seg[SEG_CS].sel |= 3; /* CPL 3: #AC is possible, misaligned elements go one by one */
    cpu_update_mode(c);
    ck_assert_uint_eq(c->cpl, 3);
    c->gpr[R_EDI] = 0x20002;
    ck_assert_uint_eq(str_run_movs(c, &movsd, REP_BATCH), 0);
    um_free(s.m);
}
END_TEST

static Suite *string_fast_suite(void)
{
    Suite *s = suite_create("string_fast");
    TCase *t = tcase_create("equivalence");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, t_sizes_and_directions);
    tcase_add_test(t, t_counts);
    tcase_add_test(t, t_single_step);
    tcase_add_test(t, t_lone_elements);
    tcase_add_test(t, t_overlap_replicates);
    tcase_add_test(t, t_overlap_harmless_and_near);
    tcase_add_test(t, t_overlap_through_aliases);
    tcase_add_test(t, t_rom_and_device);
    tcase_add_test(t, t_fault_not_present);
    tcase_add_test(t, t_fault_segment_limit);
    tcase_add_test(t, t_index_wrap_real_mode);
    tcase_add_test(t, t_index_wrap_big_segment);
    suite_add_tcase(s, t);
    t = tcase_create("runs");
    tcase_add_test(t, t_run_stops_at_page_ends);
    tcase_add_test(t, t_run_declines);
    tcase_add_test(t, t_run_drops_written_code);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(string_fast_suite());
}
