/*
 * test_fetch.c - the switch core's instruction fetch at the edges: the end
 * of a page, the CS limit and the 15-byte limit.
 *
 * cpu_fetch_decode() (exec_switch.c) decodes in place from the host page
 * when the TLB has it and the whole instruction could fit before the page
 * ends; otherwise it copies bytes through mmu_fetch(), which walks and
 * faults at the first byte it cannot fetch. Each case here puts an
 * instruction where the two paths meet and checks what the architecture
 * says: an instruction that ends on its page never touches the next one; one
 * that crosses gets its bytes from both physical pages (mapped far apart
 * here, so that reading on in host memory would give the wrong bytes); a
 * missing next page is #PF with CR2 at its first byte; crossing the CS
 * limit is #GP(0); sixteen bytes are #GP(0), unless a byte before the
 * sixteenth cannot be fetched; at CPL 3 a supervisor page is #PF, though
 * CPL 0 left it in the TLB.
 *
 * Away from a page's last 15 bytes the decoding comes from the switch core's
 * memo (cpu.h) when a slot holds the same bytes at the same code size: the
 * memo cases change the bytes under it (in either half of the sixteen it
 * compares), the code size, the CS limit, move it to a page's end, and
 * fetch more instructions than it has slots, and each must give what
 * decoding afresh gives.
 */
#include "unit_util.h"

#include "mmu/mmu.h"

#define RAM_SIZE (2u << 20)
#define PD       0x10000u /* page directory */
#define PT       0x11000u /* its first page table: linear 0 to 4 MiB */
#define PAGE_A   0x4000u  /* linear page mapped to PHYS_A */
#define PAGE_B   0x5000u  /* the next linear page: PHYS_B or absent */
#define PHYS_A   0x66000u
#define PHYS_B   0x70000u /* not PHYS_A + 0x1000: the pages are apart in RAM too */

static struct unit_machine *m;
static struct cpu *c;

static void set32(uint32_t pa, uint32_t v)
{
    memcpy(m->bus.ram + pa, &v, 4);
}

/* Fetch the INT3 at lin, which fills the TLB entry of its page: later
 * fetches there take the in-place path, the one the cases are about (a
 * cold TLB sends every fetch through mmu_fetch()). */
static void warm(uint32_t lin)
{
    struct insn i;
    c->eip = lin;
    ck_assert_int_eq(cpu_fetch_decode(c, &i), 0);
    ck_assert_int_eq(i.op, OP_INT3);
}

/* Protected mode, CPL 0, flat 32-bit segments, paging on with PAGE_A
 * mapped and PAGE_B absent; the RAM behind both filled with 0xCC (INT3),
 * and the physical page after PHYS_A with 0xEE, so that a byte read from
 * there instead of PHYS_B shows. */
static void setup(void)
{
    m = um_new(RAM_SIZE);
    c = &m->cpu;
    c->cr0 |= CR0_PE | CR0_PG;
    c->cpl = 0;
    uint16_t data = SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_WRITABLE | SEG_ATTR_DB | SEG_ATTR_G;
    for (int s = SEG_ES; s <= SEG_GS; s++)
        c->seg[s] = seg_make(0x10, 0, 0xffffffffu, data);
    c->seg[SEG_CS] = seg_make(
        0x08, 0, 0xffffffffu, SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_CODE | SEG_ATTR_DB | SEG_ATTR_G);
    c->code32 = true;
    c->cr3 = PD;
    set32(PD, PT | PTE_P | PTE_RW);
    set32(PT + (PAGE_A >> 12) * 4, PHYS_A | PTE_P);
    memset(m->bus.ram + PHYS_A, 0xcc, 0x1000);
    memset(m->bus.ram + PHYS_A + 0x1000, 0xee, 0x1000);
    memset(m->bus.ram + PHYS_B, 0xcc, 0x1000);
    mmu_flush(c, true);
    warm(PAGE_A);
}

static void teardown(void)
{
    um_free(m);
}

static void map_b(void)
{
    set32(PT + (PAGE_B >> 12) * 4, PHYS_B | PTE_P);
    mmu_flush(c, true);
    warm(PAGE_A);
    warm(PAGE_B);
}

/* Put n bytes at linear address lin (in PAGE_A, spilling into PAGE_B). */
static void put(uint32_t lin, const uint8_t *b, int n)
{
    for (int k = 0; k < n; k++) {
        uint32_t l = lin + (uint32_t)k;
        uint32_t pa = (l < PAGE_B ? PHYS_A : PHYS_B) + (l & 0xfffu);
        m->bus.ram[pa] = b[k];
    }
}

static struct insn fetch_ok(uint32_t eip)
{
    struct insn i;
    c->eip = eip;
    ck_assert_int_eq(cpu_fetch_decode(c, &i), 0);
    return i;
}

static void fetch_fault(uint32_t eip, int vec, uint32_t err)
{
    struct insn i;
    c->eip = eip;
    ck_assert_int_eq(cpu_fetch_decode(c, &i), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, vec);
    ck_assert_uint_eq(c->exc.error, err);
}

static const uint8_t mov_eax[] = {0xb8, 0x78, 0x56, 0x34, 0x12}; /* mov eax, 0x12345678 */

START_TEST(within_page)
{
    put(PAGE_A + 0x10, mov_eax, 5);
    struct insn i = fetch_ok(PAGE_A + 0x10);
    ck_assert_int_eq(i.len, 5);
    ck_assert_uint_eq(i.imm, 0x12345678u);
    /* Ending on the page's last byte never looks at the absent next page. */
    put(PAGE_B - 5, mov_eax, 5);
    i = fetch_ok(PAGE_B - 5);
    ck_assert_uint_eq(i.imm, 0x12345678u);
    put(PAGE_B - 1, (const uint8_t[]){0x90}, 1);
    ck_assert_int_eq(fetch_ok(PAGE_B - 1).len, 1);
}
END_TEST

START_TEST(crossing_into_present_page)
{
    map_b();
    /* Every split of the five bytes over the two pages. */
    for (uint32_t k = 1; k < 5; k++) {
        put(PAGE_B - k, mov_eax, 5);
        struct insn i = fetch_ok(PAGE_B - k);
        ck_assert_int_eq(i.len, 5);
        ck_assert_uint_eq(i.imm, 0x12345678u);
    }
    /* ModR/M, SIB and displacement on the far side: add [eax+ecx*4+0x11223344], 7 */
    static const uint8_t add_mem[] = {0x83, 0x84, 0x88, 0x44, 0x33, 0x22, 0x11, 0x07};
    put(PAGE_B - 1, add_mem, 8);
    struct insn i = fetch_ok(PAGE_B - 1);
    ck_assert_int_eq(i.len, 8);
    ck_assert_int_eq(i.ea.scale, 4);
    ck_assert_int_eq(i.disp, 0x11223344);
    ck_assert_uint_eq(i.imm, 7);
}
END_TEST

START_TEST(crossing_into_absent_page)
{
    /* The opcode on PAGE_A, its immediate on the absent page: #PF at the
     * first byte of PAGE_B (supervisor, not present: error code 0). */
    for (uint32_t k = 1; k < 5; k++) {
        put(PAGE_B - k, mov_eax, 5);
        c->cr2 = 0;
        fetch_fault(PAGE_B - k, EXC_PF, 0);
        ck_assert_uint_eq(c->cr2, PAGE_B);
    }
    /* A ModR/M byte needed from the absent page faults the same way. */
    put(PAGE_B - 1, (const uint8_t[]){0x01}, 1); /* add r/m32, r32: ModR/M next */
    c->cr2 = 0;
    fetch_fault(PAGE_B - 1, EXC_PF, 0);
    ck_assert_uint_eq(c->cr2, PAGE_B);
}
END_TEST

START_TEST(crossing_cs_limit)
{
    c->seg[SEG_CS].limit = PAGE_A + 0x7ff;
    cpu_seg_changed(c, SEG_CS); /* changed in place: cpu.h */
    put(PAGE_A + 0x7fd, mov_eax, 5);
    fetch_fault(PAGE_A + 0x7fd, EXC_GP, 0);
    put(PAGE_A + 0x7fb, mov_eax, 5);
    ck_assert_uint_eq(fetch_ok(PAGE_A + 0x7fb).imm, 0x12345678u); /* ends on the limit */
    fetch_fault(PAGE_A + 0x800, EXC_GP, 0);                       /* starts past it */
}
END_TEST

START_TEST(fifteen_bytes)
{
    uint8_t b[16];
    map_b();
    /* 14 prefixes and a NOP, across the page end: 15 bytes, fine. */
    memset(b, 0x66, sizeof b);
    b[14] = 0x90;
    put(PAGE_B - 6, b, 15);
    ck_assert_int_eq(fetch_ok(PAGE_B - 6).len, 15);
    /* 15 prefixes: the 16th byte is not fetched, the instruction is #GP(0). */
    b[14] = 0x66;
    put(PAGE_B - 6, b, 16);
    fetch_fault(PAGE_B - 6, EXC_GP, 0);
    put(PAGE_A + 0x100, b, 16);
    fetch_fault(PAGE_A + 0x100, EXC_GP, 0);
    /* With PAGE_B absent, its first byte faults before the length does. */
    set32(PT + (PAGE_B >> 12) * 4, 0);
    mmu_flush(c, true);
    c->cr2 = 0;
    fetch_fault(PAGE_B - 6, EXC_PF, 0);
    ck_assert_uint_eq(c->cr2, PAGE_B);
}
END_TEST

START_TEST(step_across_pages)
{
    /* cpu_step() runs the crossing instruction and moves EIP past it. */
    map_b();
    put(PAGE_B - 2, mov_eax, 5);
    c->eip = PAGE_B - 2;
    cpu_step(c);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x12345678u);
    ck_assert_uint_eq(c->eip, PAGE_B + 3);
    ck_assert_uint_eq(c->instructions, 1);
}
END_TEST

/* The instruction at lin once memoised, then changed byte by byte: every
 * fetch decodes what is there now. mov dword [eax+0x11223344], 0x55667788:
 * ten bytes, so that its last ones lie in the second half of the sixteen. */
START_TEST(memo_bytes_changed)
{
    uint8_t b[] = {0xc7, 0x80, 0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55};
    uint32_t lin = PAGE_A + 0x40;
    put(lin, b, sizeof b);
    ck_assert_uint_eq(fetch_ok(lin).imm, 0x55667788u);
    ck_assert_uint_eq(fetch_ok(lin).imm, 0x55667788u); /* from the memo */
    b[9] = 0x99;                                        /* the tenth byte */
    put(lin, b, sizeof b);
    ck_assert_uint_eq(fetch_ok(lin).imm, 0x99667788u);
    b[3] = 0x00; /* in the first half: the displacement */
    put(lin, b, sizeof b);
    struct insn i = fetch_ok(lin);
    ck_assert_int_eq(i.disp, 0x11220044);
    ck_assert_uint_eq(i.imm, 0x99667788u);
    b[1] = 0x00; /* ModR/M [eax]: no displacement, six bytes */
    put(lin, b, 6);
    i = fetch_ok(lin);
    ck_assert_int_eq(i.len, 6);
    ck_assert_int_eq(i.disp, 0);
    ck_assert_uint_eq(i.imm, 0x11220044u);
    /* A byte past the instruction changed: the same instruction. */
    put(lin + 6, (const uint8_t[]){0x90}, 1);
    ck_assert_int_eq(fetch_ok(lin).len, 6);
    put(lin, (const uint8_t[]){0x90}, 1); /* a NOP now */
    ck_assert_int_eq(fetch_ok(lin).op, OP_NOP);
}
END_TEST

/* The same bytes at the same address decode by the code size. */
START_TEST(memo_code_size)
{
    put(PAGE_A + 0x80, mov_eax, 5);
    ck_assert_int_eq(fetch_ok(PAGE_A + 0x80).len, 5);
    c->code32 = false; /* mov ax, 0x5678 then */
    struct insn i = fetch_ok(PAGE_A + 0x80);
    ck_assert_int_eq(i.len, 3);
    ck_assert_uint_eq(i.imm, 0x5678u);
    c->code32 = true;
    i = fetch_ok(PAGE_A + 0x80);
    ck_assert_int_eq(i.len, 5);
    ck_assert_uint_eq(i.imm, 0x12345678u);
}
END_TEST

/* Memoised within the limit, then the limit lowered under it: #GP(0). */
START_TEST(memo_cs_limit)
{
    put(PAGE_A + 0x7fb, mov_eax, 5);
    ck_assert_uint_eq(fetch_ok(PAGE_A + 0x7fb).imm, 0x12345678u);
    c->seg[SEG_CS].limit = PAGE_A + 0x7fe;
    cpu_seg_changed(c, SEG_CS);
    fetch_fault(PAGE_A + 0x7fb, EXC_GP, 0);
    c->seg[SEG_CS].limit = PAGE_A + 0x7ff;
    cpu_seg_changed(c, SEG_CS);
    ck_assert_uint_eq(fetch_ok(PAGE_A + 0x7fb).imm, 0x12345678u);
}
END_TEST

/* The memo is not asked within 15 bytes of a page's end: an instruction
 * memoised away from it, fetched again where it crosses into the absent
 * next page, is #PF, even with every slot holding it and the host bytes
 * after the page (the RAM after PHYS_A, not the next linear page) the
 * same as the memoised sixteen. */
START_TEST(memo_page_end)
{
    static const uint8_t b[16] = {0xc7, 0x80, 0x44, 0x33, 0x22, 0x11, 0x88, 0x77, /* 10 bytes */
                                  0x66, 0x55, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90};
    for (uint32_t lin = PAGE_A + 0x100; lin < PAGE_A + 0x900; lin++) {
        put(lin, b, sizeof b);
        ck_assert_int_eq(fetch_ok(lin).len, 10);
    }
    uint32_t at = PAGE_B - 9; /* nine bytes on PAGE_A */
    put(at, b, 9);
    memcpy(m->bus.ram + PHYS_A + 0x1000, b + 9, 7);
    c->cr2 = 0;
    fetch_fault(at, EXC_PF, 0);
    ck_assert_uint_eq(c->cr2, PAGE_B);
}
END_TEST

/* At CPL 3 the supervisor page PAGE_A, in the TLB from fetches at CPL 0,
 * is #PF (user, present: error code 5); a user page fetches. Both through
 * the TLB's read tags and, with data accesses watched, its entries. */
START_TEST(user_fetch_rights)
{
    set32(PD, PT | PTE_P | PTE_RW | PTE_US);
    set32(PT + (PAGE_B >> 12) * 4, PHYS_B | PTE_P | PTE_US);
    mmu_flush(c, true);
    put(PAGE_A + 0x20, mov_eax, 5);
    put(PAGE_B + 0x20, mov_eax, 5);
    ck_assert_uint_eq(fetch_ok(PAGE_A + 0x20).imm, 0x12345678u);
    ck_assert_uint_eq(fetch_ok(PAGE_B + 0x20).imm, 0x12345678u);
    c->seg[SEG_CS].sel |= 3; /* CPL 3: CS's RPL */
    cpu_update_mode(c);
    ck_assert_uint_eq(c->cpl, 3);
    c->cr2 = 0;
    fetch_fault(PAGE_A + 0x20, EXC_PF, 5);
    ck_assert_uint_eq(c->cr2, PAGE_A + 0x20);
    ck_assert_uint_eq(fetch_ok(PAGE_B + 0x20).imm, 0x12345678u);
    /* The same while data accesses are watched: every fast tag is 0
     * (tlb.h), and the fetch asks the TLB entry itself. */
    c->attention = true;
    mmu_watch_changed(c);
    ck_assert_uint_eq(c->tlb.fast[(PAGE_B >> 12) & (TLB_ENTRIES - 1)][0][3], 0);
    ck_assert_uint_eq(fetch_ok(PAGE_B + 0x20).imm, 0x12345678u);
    c->cr2 = 0;
    fetch_fault(PAGE_A + 0x20, EXC_PF, 5);
    ck_assert_uint_eq(c->cr2, PAGE_A + 0x20);
}
END_TEST

/* Two pages of mov eax, imm32, each immediate its own address: more
 * instructions than the memo has slots, fetched twice over in two orders,
 * so that slots are shared; each fetch gives its own immediate. */
START_TEST(memo_more_than_slots)
{
    map_b();
    uint32_t n = 0x2000 / 5;
    ck_assert_uint_gt(n, DECODE_MEMO_SLOTS);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t lin = PAGE_A + 5 * k;
        uint8_t b[5] = {0xb8, (uint8_t)lin, (uint8_t)(lin >> 8), (uint8_t)(lin >> 16),
                        (uint8_t)(lin >> 24)};
        put(lin, b, 5);
    }
    for (int round = 0; round < 3; round++)
        for (uint32_t k = 0; k < n; k++) {
            uint32_t lin = PAGE_A + 5 * (round == 1 ? n - 1 - k : k);
            struct insn i = fetch_ok(lin);
            ck_assert_int_eq(i.len, 5);
            ck_assert_uint_eq(i.imm, lin);
        }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fetch");
    TCase *tc = tcase_create("fetch");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, within_page);
    tcase_add_test(tc, crossing_into_present_page);
    tcase_add_test(tc, crossing_into_absent_page);
    tcase_add_test(tc, crossing_cs_limit);
    tcase_add_test(tc, fifteen_bytes);
    tcase_add_test(tc, step_across_pages);
    tcase_add_test(tc, user_fetch_rights);
    tcase_add_test(tc, memo_bytes_changed);
    tcase_add_test(tc, memo_code_size);
    tcase_add_test(tc, memo_cs_limit);
    tcase_add_test(tc, memo_more_than_slots);
    tcase_add_test(tc, memo_page_end);
    suite_add_tcase(s, tc);
    return um_run_suite(s);
}
