/*
 * test_string.c - string instructions (ops_string.c), port I/O and the I/O
 * permission bitmap (ops_io.c), and the data moves whose addressing is
 * like theirs (ops_data.c: moffs, XLAT, LEA, XCHG).
 *
 * The machine is real mode unless a case switches to flat 32-bit protected
 * mode by writing the segment caches. Ports are served by a small recording
 * device mapped with bus_map_io(), so a test can tell whether an access
 * reached the device at all. Expected values come from the SDM's rules,
 * worked out in the comments.
 */
#include "interp/ops.h"
#include "unit_util.h"

#define CODE 0x100 /* code offset */

/* A device on ports that records what is written and answers reads with
 * an incrementing byte pattern. */
struct recorder {
    uint8_t out[16];   /* bytes written, in order */
    int n_out;         /* how many */
    uint32_t last_off; /* offset of the last access within the range */
    int n_in;          /* reads served */
};

static uint32_t rec_read(void *opaque, uint32_t off, int size)
{
    struct recorder *r = opaque;
    uint32_t v = 0;
    r->last_off = off;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)(0x41 + r->n_in++) << (8 * k);
    return v;
}

static void rec_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct recorder *r = opaque;
    r->last_off = off;
    for (int k = 0; k < size && r->n_out < 16; k++)
        r->out[r->n_out++] = (uint8_t)(v >> (8 * k));
}

static struct unit_machine *real_machine(void)
{
    struct unit_machine *m = um_new(1 << 20);
    m->cpu.gpr[R_ESP] = 0x8000;
    m->cpu.eip = CODE;
    return m;
}

/* Flat 32-bit protected mode at privilege level cpl, IOPL 0. */
static void flat32(struct unit_machine *m, unsigned cpl)
{
    struct cpu *c = &m->cpu;
    uint16_t big =
        SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G | (uint16_t)(cpl << SEG_ATTR_DPL_SHIFT);
    c->cr0 |= CR0_PE;
    c->seg[SEG_CS] = seg_make((uint16_t)(0x08 | cpl), 0, 0xffffffffu, big | SEG_TYPE_CODE | 2);
    for (int s = SEG_ES; s <= SEG_GS; s++) {
        if (s != SEG_CS)
            c->seg[s] = seg_make((uint16_t)(0x10 | cpl), 0, 0xffffffffu, big | 2);
    }
    cpu_update_mode(c);
}

static void run(struct unit_machine *m, const uint8_t *b, size_t len, int n)
{
    um_load(m, CODE, b, len);
    m->cpu.eip = CODE;
    um_step(m, n);
}

static uint32_t rd32(struct unit_machine *m, uint32_t pa)
{
    return ld_le(m->bus.ram + pa, 4);
}

START_TEST(test_rep_movsb_forward)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    /* DS = 1000, ES = 2000: copy 5 bytes from 1000:0010 to 2000:0020.
     * F3 A4  rep movsb; afterwards SI = 15, DI = 25, CX = 0. */
    cpu_load_real_seg(c, SEG_DS, 0x1000);
    cpu_load_real_seg(c, SEG_ES, 0x2000);
    um_load(m, 0x10010, "hello", 5);
    c->gpr[R_ESI] = 0x10;
    c->gpr[R_EDI] = 0x20;
    c->gpr[R_ECX] = 5;
    run(m, (const uint8_t[]){0xf3, 0xa4}, 2, 1);
    ck_assert_mem_eq(m->bus.ram + 0x20020, "hello", 5);
    ck_assert_uint_eq(c->gpr[R_ESI], 0x15);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x25);
    ck_assert_uint_eq(c->gpr[R_ECX], 0);
    ck_assert_uint_eq(c->eip, CODE + 2);
    um_free(m);
}
END_TEST

START_TEST(test_rep_movsd_backward)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    flat32(m, 0);
    /* STD; REP MOVSD of 3 dwords ending at 3008 (source) / 4008 (dest):
     * the elements at 3008, 3004, 3000 go to 4008, 4004, 4000 and both
     * indexes end 12 lower: ESI = 2FFC, EDI = 3FFC. */
    for (uint32_t k = 0; k < 3; k++)
        st_le(m->bus.ram + 0x3000 + 4 * k, 0xd00d0000u + k, 4);
    c->eflags |= FL_DF;
    c->gpr[R_ESI] = 0x3008;
    c->gpr[R_EDI] = 0x4008;
    c->gpr[R_ECX] = 3;
    run(m, (const uint8_t[]){0xf3, 0xa5}, 2, 1);
    for (uint32_t k = 0; k < 3; k++)
        ck_assert_uint_eq(rd32(m, 0x4000 + 4 * k), 0xd00d0000u + k);
    ck_assert_uint_eq(c->gpr[R_ESI], 0x2ffc);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x3ffc);
    ck_assert_uint_eq(c->gpr[R_ECX], 0);
    um_free(m);
}
END_TEST

START_TEST(test_movs_segment_override)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    /* 2E A4  movsb with CS: as the source segment (CS = 0): the byte at
     * 0000:0300 goes to ES:0000 = 5000:0000, not the one at DS:0300. */
    cpu_load_real_seg(c, SEG_DS, 0x1000);
    cpu_load_real_seg(c, SEG_ES, 0x5000);
    m->bus.ram[0x300] = 0xc5;
    m->bus.ram[0x10300] = 0xd5;
    c->gpr[R_ESI] = 0x300;
    c->gpr[R_EDI] = 0;
    run(m, (const uint8_t[]){0x2e, 0xa4}, 2, 1);
    ck_assert_uint_eq(m->bus.ram[0x50000], 0xc5);
    /* The destination is ES whatever the prefix: 26 A4 with ES = 5000
     * reads 5000:0301 and still writes ES:0001. */
    m->bus.ram[0x50301] = 0x77;
    run(m, (const uint8_t[]){0x26, 0xa4}, 2, 1);
    ck_assert_uint_eq(m->bus.ram[0x50001], 0x77);
    um_free(m);
}
END_TEST

START_TEST(test_index_wraps_at_64k)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    /* ESI = 1234 FFFF, EDI = 5678 FFFF, CX = 2: the second element comes
     * from DS:0000 and goes to ES:0000; SI and DI wrap to 0001 and the
     * upper halves of ESI and EDI are not touched. */
    cpu_load_real_seg(c, SEG_ES, 0x3000);
    m->bus.ram[0xffff] = 0x11;
    m->bus.ram[0x0000] = 0x22;
    c->gpr[R_ESI] = 0x1234ffff;
    c->gpr[R_EDI] = 0x5678ffff;
    c->gpr[R_ECX] = 2;
    run(m, (const uint8_t[]){0xf3, 0xa4}, 2, 1);
    ck_assert_uint_eq(m->bus.ram[0x3ffff], 0x11);
    ck_assert_uint_eq(m->bus.ram[0x30000], 0x22);
    ck_assert_uint_eq(c->gpr[R_ESI], 0x12340001);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x56780001);
    um_free(m);
}
END_TEST

START_TEST(test_repe_cmpsb_stops_at_difference)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    /* F3 A6  repe cmpsb of "abcXe" and "abcYe", CX = 5: equal for three
     * elements, the fourth differs: stops with CX = 1, SI/DI past the 'X'
     * and 'Y', ZF = 0, CF = 1 ('X' - 'Y' borrows). */
    um_load(m, 0x1000, "abcXe", 5);
    um_load(m, 0x2000, "abcYe", 5);
    c->gpr[R_ESI] = 0x1000;
    c->gpr[R_EDI] = 0x2000;
    c->gpr[R_ECX] = 5;
    run(m, (const uint8_t[]){0xf3, 0xa6}, 2, 1);
    ck_assert_uint_eq(c->gpr[R_ECX], 1);
    ck_assert_uint_eq(c->gpr[R_ESI], 0x1004);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x2004);
    ck_assert(!(c->eflags & FL_ZF));
    ck_assert(c->eflags & FL_CF);
    ck_assert_uint_eq(c->eip, CODE + 2);
    um_free(m);
}
END_TEST

START_TEST(test_repne_scasb_finds_byte)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    /* F2 AE  repne scasb for AL = 0 in "hello\0", CX = FFFF: the sixth
     * element matches: DI = 2006, CX = FFFF - 6 = FFF9, ZF = 1. */
    um_load(m, 0x2000, "hello", 6);
    c->gpr[R_EDI] = 0x2000;
    c->gpr[R_ECX] = 0xffff;
    c->gpr[R_EAX] = 0x1200;
    run(m, (const uint8_t[]){0xf2, 0xae}, 2, 1);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x2006);
    ck_assert_uint_eq(c->gpr[R_ECX], 0xfff9);
    ck_assert(c->eflags & FL_ZF);
    um_free(m);
}
END_TEST

START_TEST(test_stos_lods_and_zero_count)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    /* F3 AB  rep stosw, AX = BEEF, CX = 3 at ES:DI = 0:2000 */
    c->gpr[R_EAX] = 0xbeef;
    c->gpr[R_EDI] = 0x2000;
    c->gpr[R_ECX] = 3;
    run(m, (const uint8_t[]){0xf3, 0xab}, 2, 1);
    ck_assert_mem_eq(m->bus.ram + 0x2000, "\xef\xbe\xef\xbe\xef\xbe\x00", 7);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x2006);
    /* AC  lodsb from DS:2001: AL = BE, SI = 2002 */
    c->gpr[R_ESI] = 0x2001;
    run(m, (const uint8_t[]){0xac}, 1, 1);
    ck_assert_uint_eq(c->gpr[R_EAX], 0xbebe);
    ck_assert_uint_eq(c->gpr[R_ESI], 0x2002);
    /* F3 AA with CX = 0: nothing stored, nothing moved, EIP advances. */
    c->gpr[R_ECX] = 0;
    run(m, (const uint8_t[]){0xf3, 0xaa}, 2, 1);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x2006);
    ck_assert_uint_eq(m->bus.ram[0x2006], 0);
    ck_assert_uint_eq(c->eip, CODE + 2);
    um_free(m);
}
END_TEST

START_TEST(test_rep_runs_in_batches)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    /* REP STOSB of 10000 bytes: each step does at most 4096 and leaves EIP
     * on the instruction until the count runs out. */
    cpu_load_real_seg(c, SEG_ES, 0x2000);
    c->gpr[R_EAX] = 0x5a;
    c->gpr[R_EDI] = 0;
    c->gpr[R_ECX] = 10000;
    run(m, (const uint8_t[]){0xf3, 0xaa}, 2, 1);
    ck_assert_uint_eq(c->eip, CODE);
    ck_assert_uint_eq(c->gpr[R_ECX], 10000 - 4096);
    ck_assert_uint_eq(c->gpr[R_EDI], 4096);
    um_step(m, 2);
    ck_assert_uint_eq(c->eip, CODE + 2);
    ck_assert_uint_eq(c->gpr[R_ECX], 0);
    ck_assert_uint_eq(c->gpr[R_EDI], 10000);
    for (int k = 0; k < 10000; k++)
        ck_assert_uint_eq(m->bus.ram[0x20000 + k], 0x5a);
    ck_assert_uint_eq(m->bus.ram[0x20000 + 10000], 0);
    um_free(m);
}
END_TEST

START_TEST(test_rep_single_steps_with_tf)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    /* With TF set one iteration runs per execution, EIP stays on it. */
    c->eflags |= FL_TF;
    c->gpr[R_ESI] = 0x1000;
    c->gpr[R_EDI] = 0x2000;
    c->gpr[R_ECX] = 3;
    ck_assert_int_eq(um_run_handler(m, op_movs, (const uint8_t[]){0xf3, 0xa4}, 2), 0);
    ck_assert_uint_eq(c->gpr[R_ECX], 2);
    ck_assert_uint_eq(c->gpr[R_ESI], 0x1001);
    ck_assert_uint_eq(c->eip, CODE);
    um_free(m);
}
END_TEST

START_TEST(test_rep_fault_midway_is_restartable)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    flat32(m, 0);
    /* ES limit 1002, REP MOVSB of 5 bytes to ES:1000: bytes 0-2 land,
     * the fourth (ES:1003) is #GP(0). The registers describe the three
     * completed elements: ESI = 3003, EDI = 1003, ECX = 2. */
    c->seg[SEG_ES].limit = 0x1002;
    cpu_seg_changed(c, SEG_ES); /* changed in place: cpu.h */
    um_load(m, 0x3000, "ABCDE", 5);
    c->gpr[R_ESI] = 0x3000;
    c->gpr[R_EDI] = 0x1000;
    c->gpr[R_ECX] = 5;
    ck_assert_int_eq(um_run_handler(m, op_movs, (const uint8_t[]){0xf3, 0xa4}, 2), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_GP);
    ck_assert_mem_eq(m->bus.ram + 0x1000, "ABC\0", 4);
    ck_assert_uint_eq(c->gpr[R_ESI], 0x3003);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x1003);
    ck_assert_uint_eq(c->gpr[R_ECX], 2);
    um_free(m);
}
END_TEST

START_TEST(test_in_out_ports)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    struct recorder r = {0};
    ck_assert_int_eq(bus_map_io(&m->bus, 0x60, 16, rec_read, rec_write, &r), 0);
    /* E4 62  in al, 62h: the device's first byte 41 */
    run(m, (const uint8_t[]){0xe4, 0x62}, 2, 1);
    ck_assert_uint_eq(c->gpr[R_EAX] & 0xff, 0x41);
    ck_assert_uint_eq(r.last_off, 2);
    /* DX = 64; ED  in ax, dx: bytes 42 43 -> 4342 */
    c->gpr[R_EDX] = 0x64;
    run(m, (const uint8_t[]){0xed}, 1, 1);
    ck_assert_uint_eq(c->gpr[R_EAX] & 0xffff, 0x4342);
    /* 66 EF  out dx, eax */
    c->gpr[R_EAX] = 0x44332211;
    run(m, (const uint8_t[]){0x66, 0xef}, 2, 1);
    ck_assert_int_eq(r.n_out, 4);
    ck_assert_mem_eq(r.out, "\x11\x22\x33\x44", 4);
    /* E6 6F  out 6Fh, al */
    run(m, (const uint8_t[]){0xe6, 0x6f}, 2, 1);
    ck_assert_uint_eq(r.last_off, 0xf);
    ck_assert_uint_eq(r.out[4], 0x11);
    um_free(m);
}
END_TEST

START_TEST(test_rep_ins_outs)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    struct recorder r = {0};
    ck_assert_int_eq(bus_map_io(&m->bus, 0x3f8, 8, rec_read, rec_write, &r), 0);
    /* F3 6E  rep outsb of "xyz" to DX = 3F8 */
    um_load(m, 0x1000, "xyz", 3);
    c->gpr[R_EDX] = 0x3f8;
    c->gpr[R_ESI] = 0x1000;
    c->gpr[R_ECX] = 3;
    run(m, (const uint8_t[]){0xf3, 0x6e}, 2, 1);
    ck_assert_int_eq(r.n_out, 3);
    ck_assert_mem_eq(r.out, "xyz", 3);
    ck_assert_uint_eq(c->gpr[R_ESI], 0x1003);
    /* F3 6D  rep insw, CX = 2, into ES:2000: 4241 4443 */
    c->gpr[R_EDI] = 0x2000;
    c->gpr[R_ECX] = 2;
    run(m, (const uint8_t[]){0xf3, 0x6d}, 2, 1);
    ck_assert_mem_eq(m->bus.ram + 0x2000, "ABCD", 4);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x2004);
    ck_assert_int_eq(r.n_in, 4);
    um_free(m);
}
END_TEST

START_TEST(test_ins_checks_destination_before_reading)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    struct recorder r = {0};
    flat32(m, 0);
    ck_assert_int_eq(bus_map_io(&m->bus, 0x3f8, 8, rec_read, rec_write, &r), 0);
    /* INSB to ES:2000 with the ES limit FFF: #GP(0), and the device was
     * not read (a restart must not lose a byte). */
    c->seg[SEG_ES].limit = 0xfff;
    cpu_seg_changed(c, SEG_ES); /* changed in place: cpu.h */
    c->gpr[R_EDX] = 0x3f8;
    c->gpr[R_EDI] = 0x2000;
    ck_assert_int_eq(um_run_handler(m, op_ins, (const uint8_t[]){0x6c}, 1), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_GP);
    ck_assert_int_eq(r.n_in, 0);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x2000);
    um_free(m);
}
END_TEST

/* Flat 32-bit CPL 3 with TR naming a 32-bit TSS at 5000 with limit lim;
 * the I/O bitmap at TSS offset 68 denies everything but ports 60, 64-67:
 * byte 12 (ports 60-67) = 0E, byte 13 (ports 68-6F) = FF. */
static struct unit_machine *tss_machine(uint32_t lim)
{
    struct unit_machine *m = um_new(1 << 20);
    flat32(m, 3);
    m->cpu.seg[SEG_TR] = seg_make(0x28, 0x5000, lim, SEG_ATTR_P | 11);
    memset(m->bus.ram + 0x5068, 0xff, 0x2001);
    st_le(m->bus.ram + 0x5066, 0x68, 2);
    m->bus.ram[0x5068 + 12] = 0x0e;
    return m;
}

START_TEST(test_io_bitmap)
{
    struct unit_machine *m = tss_machine(0x68 + 0x2000);
    struct cpu *c = &m->cpu;
    ck_assert_int_eq(io_check(c, 0x60, 1), 0);
    ck_assert_int_eq(io_check(c, 0x61, 1), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_GP);
    ck_assert_uint_eq(c->exc.error, 0);
    ck_assert_int_eq(io_check(c, 0x64, 4), 0);         /* 64-67 all allowed */
    ck_assert_int_eq(io_check(c, 0x66, 2), 0);         /* 66, 67 */
    ck_assert_int_eq(io_check(c, 0x67, 2), CPU_FAULT); /* 67 yes, 68 no */
    ck_assert_int_eq(io_check(c, 0x63, 2), CPU_FAULT); /* 63 no, 64 yes */
    ck_assert_int_eq(io_check(c, 0x3f8, 1), CPU_FAULT);

    /* IOPL 3 lifts the check at CPL 3; CPL 0 needs no bitmap either. */
    c->eflags |= FL_IOPL;
    ck_assert_int_eq(io_check(c, 0x61, 1), 0);
    /* ... but not in v86 mode, where the bitmap always decides. */
    c->eflags |= FL_VM;
    cpu_update_mode(c);
    ck_assert_int_eq(io_check(c, 0x61, 1), CPU_FAULT);
    ck_assert_int_eq(io_check(c, 0x60, 1), 0);
    um_free(m);
}
END_TEST

START_TEST(test_io_bitmap_limits)
{
    /* The bitmap byte of ports 60-67 is at TSS offset 74, and the CPU
     * reads two bytes: with limit 74 the second byte is outside, so even
     * the allowed port 60 is #GP; with limit 75 it is allowed. */
    struct unit_machine *m = tss_machine(0x74);
    ck_assert_int_eq(io_check(&m->cpu, 0x60, 1), CPU_FAULT);
    um_free(m);
    m = tss_machine(0x75);
    ck_assert_int_eq(io_check(&m->cpu, 0x60, 1), 0);
    ck_assert_int_eq(io_check(&m->cpu, 0x70, 1), CPU_FAULT); /* beyond limit */
    /* A 16-bit TSS has no bitmap: #GP. */
    m->cpu.seg[SEG_TR].attr = SEG_ATTR_P | 3;
    cpu_seg_changed(&m->cpu, SEG_TR); /* changed in place: cpu.h */
    ck_assert_int_eq(io_check(&m->cpu, 0x60, 1), CPU_FAULT);
    um_free(m);
    /* Real mode: no check at all. */
    m = real_machine();
    ck_assert_int_eq(io_check(&m->cpu, 0x61, 4), 0);
    um_free(m);
}
END_TEST

START_TEST(test_denied_port_reaches_no_device)
{
    struct unit_machine *m = tss_machine(0x68 + 0x2000);
    struct cpu *c = &m->cpu;
    struct recorder r = {0};
    ck_assert_int_eq(bus_map_io(&m->bus, 0x60, 16, rec_read, rec_write, &r), 0);
    c->eip = CODE;
    /* E6 61  out 61h, al: denied, nothing written */
    ck_assert_int_eq(um_run_handler(m, op_out_port, (const uint8_t[]){0xe6, 0x61}, 2), CPU_FAULT);
    ck_assert_int_eq(r.n_out, 0);
    /* E4 60  in al, 60h: allowed */
    ck_assert_int_eq(um_run_handler(m, op_in_port, (const uint8_t[]){0xe4, 0x60}, 2), 0);
    ck_assert_uint_eq(c->gpr[R_EAX] & 0xff, 0x41);
    /* F3 6E  rep outsb to DX = 61: the first element is denied */
    c->gpr[R_EDX] = 0x61;
    c->gpr[R_ECX] = 2;
    c->gpr[R_ESI] = 0x1000;
    ck_assert_int_eq(um_run_handler(m, op_outs, (const uint8_t[]){0xf3, 0x6e}, 2), CPU_FAULT);
    ck_assert_int_eq(r.n_out, 0);
    ck_assert_uint_eq(c->gpr[R_ECX], 2);
    um_free(m);
}
END_TEST

START_TEST(test_moffs_xlat_lea_xchg)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    cpu_load_real_seg(c, SEG_DS, 0x1000);
    cpu_load_real_seg(c, SEG_ES, 0x2000);
    /* A1 34 12  mov ax, [1234] (DS); 26 A2 00 01  mov es:[0100], al */
    um_load(m, 0x11234, "\x0d\xf0", 2);
    run(m, (const uint8_t[]){0xa1, 0x34, 0x12, 0x26, 0xa2, 0x00, 0x01}, 7, 2);
    ck_assert_uint_eq(c->gpr[R_EAX] & 0xffff, 0xf00d);
    ck_assert_uint_eq(m->bus.ram[0x20100], 0x0d);

    /* D7 xlat: BX = FFF0, AL = 20: BX + AL = 10010 wraps to 0010 in
     * 16-bit addressing; 26 D7 takes the table from ES instead. */
    m->bus.ram[0x10010] = 0x99;
    m->bus.ram[0x20010] = 0x66;
    c->gpr[R_EBX] = 0xfff0;
    c->gpr[R_EAX] = 0x20;
    run(m, (const uint8_t[]){0xd7}, 1, 1);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x99);
    c->gpr[R_EAX] = 0x20;
    run(m, (const uint8_t[]){0x26, 0xd7}, 2, 1);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x66);

    /* 8D 40 FE  lea ax, [bx+si-2] with BX = FFF0, SI = 0020: 1000E cut
     * to 000E; 66 8D 40 FE  lea eax with 16-bit addressing: 0000000E. */
    c->gpr[R_ESI] = 0x20;
    c->gpr[R_EAX] = 0xffffffffu;
    run(m, (const uint8_t[]){0x8d, 0x40, 0xfe}, 3, 1);
    ck_assert_uint_eq(c->gpr[R_EAX], 0xffff000e);
    run(m, (const uint8_t[]){0x66, 0x8d, 0x40, 0xfe}, 4, 1);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x0000000e);

    /* 86 27  xchg [bx], ah with DS:FFF0 = 5A, AH = A5 */
    c->gpr[R_EAX] = 0xa500;
    m->bus.ram[0x1fff0] = 0x5a;
    run(m, (const uint8_t[]){0x86, 0x27}, 2, 1);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x5a00);
    ck_assert_uint_eq(m->bus.ram[0x1fff0], 0xa5);
    um_free(m);
}
END_TEST

static Suite *string_suite(void)
{
    Suite *s = suite_create("string");
    TCase *t = tcase_create("string");
    tcase_add_test(t, test_rep_movsb_forward);
    tcase_add_test(t, test_rep_movsd_backward);
    tcase_add_test(t, test_movs_segment_override);
    tcase_add_test(t, test_index_wraps_at_64k);
    tcase_add_test(t, test_repe_cmpsb_stops_at_difference);
    tcase_add_test(t, test_repne_scasb_finds_byte);
    tcase_add_test(t, test_stos_lods_and_zero_count);
    tcase_add_test(t, test_rep_runs_in_batches);
    tcase_add_test(t, test_rep_single_steps_with_tf);
    tcase_add_test(t, test_rep_fault_midway_is_restartable);
    suite_add_tcase(s, t);
    t = tcase_create("ports");
    tcase_add_test(t, test_in_out_ports);
    tcase_add_test(t, test_rep_ins_outs);
    tcase_add_test(t, test_ins_checks_destination_before_reading);
    tcase_add_test(t, test_io_bitmap);
    tcase_add_test(t, test_io_bitmap_limits);
    tcase_add_test(t, test_denied_port_reaches_no_device);
    suite_add_tcase(s, t);
    t = tcase_create("moves");
    tcase_add_test(t, test_moffs_xlat_lea_xchg);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(string_suite());
}
