/*
 * test_smp.c - the CPUs and APICs of a machine as configured (core/smp.c,
 * the APIC wiring in core/board.c, CPUID in interp/ops_msr.c): what each
 * board advertises must be what it has. The ISA board has no APIC: CPUID
 * bit 9 clear, CMOS 0x5F = 0, no APIC in the device registry. The pc board
 * with N CPUs: CPUID's APIC bit and the BSP's APIC ID, CMOS 0x5F = N - 1, a
 * local APIC per CPU and the I/O APIC in the registry. Driven through
 * emu.h, with board.h for the CPUs and the bus.
 */
#include <check.h>
#include <string.h>

#include "unit_util.h"

#include "board.h"
#include "emu.h"
#include "devices/ioapic.h"
#include "interp/ops.h"
#include "loader/mptable.h"

#define CMOS_INDEX     0x70
#define CMOS_DATA      0x71
#define CMOS_CPU_COUNT 0x5f
#define CPUID_APIC     (1u << 9)

static struct emu *machine(enum emu_board board, uint32_t cpus)
{
    struct emu_config cfg = {
        .ram_size = 32u << 20, .core = EMU_CORE_SWITCH, .board = board, .cpus = cpus};
    char err[128];
    struct emu *m = emu_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    return m;
}

/* CPUID leaf 1 on CPU c: EBX and EDX. */
static void cpuid1(struct cpu *c, uint32_t *ebx, uint32_t *edx)
{
    c->gpr[R_EAX] = 1;
    ck_assert_int_eq(op_cpuid(c, NULL), 0);
    *ebx = (uint32_t)c->gpr[R_EBX];
    *edx = (uint32_t)c->gpr[R_EDX];
}

static uint8_t cmos_cpus(struct emu *m)
{
    bus_out(&m->bus, CMOS_INDEX, CMOS_CPU_COUNT, 1);
    return (uint8_t)bus_in(&m->bus, CMOS_DATA, 1);
}

/* Is a device of that name in the registry? */
static bool has_device(struct emu *m, const char *name)
{
    const struct devinfo *d;
    size_t n = emu_devices(m, &d);
    for (size_t k = 0; k < n; k++)
        if (strcmp(d[k].name, name) == 0)
            return true;
    return false;
}

START_TEST(test_isa_board_has_no_apic)
{
    struct emu *m = machine(EMU_BOARD_ISA, 0);
    uint32_t ebx, edx;
    cpuid1(emu_cpu(m), &ebx, &edx);
    ck_assert_uint_eq(edx & CPUID_APIC, 0);
    ck_assert_uint_eq(ebx, 0);
    ck_assert_uint_eq(cmos_cpus(m), 0);
    ck_assert(!has_device(m, "lapic0") && !has_device(m, "ioapic"));
    ck_assert_uint_eq(bus_mem_read(&m->bus, LAPIC_BASE + 0x30, 4), 0xffffffffu); /* nothing */
    emu_destroy(m);
}
END_TEST

START_TEST(test_pc_board_advertises_its_cpus)
{
    struct emu *m = machine(EMU_BOARD_PC, 2);
    uint32_t ebx, edx;
    cpuid1(emu_cpu(m), &ebx, &edx);
    ck_assert_uint_eq(edx & CPUID_APIC, CPUID_APIC);
    ck_assert_uint_eq(ebx >> 24, 0);
    cpuid1(board_cpu(m, 1), &ebx, &edx);
    ck_assert_uint_eq(ebx >> 24, 1); /* the AP's initial APIC ID */
    ck_assert_uint_eq(cmos_cpus(m), 1);
    ck_assert(has_device(m, "lapic0") && has_device(m, "lapic1") && has_device(m, "ioapic"));
    ck_assert(!has_device(m, "lapic2"));
    ck_assert_uint_eq(emu_cpu(m)->msr.apic_base, 0xfee00900u);
    ck_assert_uint_eq(board_cpu(m, 1)->msr.apic_base, 0xfee00800u);
    emu_destroy(m);
}
END_TEST

/* Eight CPUs: every APIC still fits in the registry. */
START_TEST(test_eight_cpus)
{
    struct emu *m = machine(EMU_BOARD_PC, EMU_MAX_CPUS);
    ck_assert_uint_eq(cmos_cpus(m), EMU_MAX_CPUS - 1);
    ck_assert(has_device(m, "lapic7") && has_device(m, "ioapic"));
    emu_destroy(m);
}
END_TEST

START_TEST(test_bad_cpu_counts)
{
    char err[128];
    struct emu_config cfg = {.ram_size = 32u << 20, .board = EMU_BOARD_ISA, .cpus = 2};
    ck_assert_ptr_null(emu_create(&cfg, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "pc board"));
    cfg.board = EMU_BOARD_PC;
    cfg.cpus = EMU_MAX_CPUS + 1;
    ck_assert_ptr_null(emu_create(&cfg, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "at most 8 CPUs"));
}
END_TEST

/* A machine reset puts the AP back to waiting for its startup IPI. */
START_TEST(test_reset_holds_the_aps)
{
    struct emu *m = machine(EMU_BOARD_PC, 2);
    struct cpu *ap = board_cpu(m, 1);
    ck_assert(lapic_waiting(m->lapic[1]));
    m->apic_bus.running = emu_cpu(m);
    bus_mem_write(&m->bus, LAPIC_BASE + 0x310, 1u << 24, 4);
    bus_mem_write(&m->bus, LAPIC_BASE + 0x300, 0x608, 4); /* SIPI, page 8 */
    ck_assert(!lapic_waiting(m->lapic[1]));
    ck_assert_uint_eq(ap->seg[SEG_CS].base, 0x8000);
    board_reset(m);
    ck_assert(lapic_waiting(m->lapic[1]));
    ck_assert_uint_eq(ap->seg[SEG_CS].sel, 0xf000);
    emu_destroy(m);
}
END_TEST

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t k = 0; k < n; k++)
        s = (uint8_t)(s + p[k]);
    return s;
}

/* The MP table for three CPUs (MP spec 1.4, chapter 4): checksums, the
 * entries in order, the BSP flag, IRQ 0 on pin 2, no IRQ 2, the EBDA
 * pointer in the BIOS data area. */
START_TEST(test_mp_table)
{
    struct bus b;
    ck_assert_int_eq(bus_init(&b, 2u << 20), 0);
    mptable_write(&b, 3, 3, IOAPIC_BASE);
    const uint8_t *fp = b.ram + MPTABLE_BASE;
    ck_assert_mem_eq(fp, "_MP_", 4);
    ck_assert_uint_eq(sum(fp, 16), 0);
    ck_assert_uint_eq(fp[9], 4);  /* version 1.4 */
    ck_assert_uint_eq(fp[12], 0); /* virtual-wire mode: no IMCR */
    ck_assert_uint_eq(ld_le(b.ram + 0x40e, 2), MPTABLE_BASE >> 4);
    const uint8_t *t = b.ram + ld_le(fp + 4, 4);
    uint32_t len = ld_le(t + 4, 2), count = ld_le(t + 34, 2);
    ck_assert_mem_eq(t, "PCMP", 4);
    ck_assert_uint_eq(sum(t, len), 0);
    ck_assert_uint_eq(ld_le(t + 36, 4), LAPIC_BASE);
    ck_assert_uint_eq(count, 3 + 1 + 1 + 15 + 2);
    const uint8_t *e = t + 44;
    for (int k = 0; k < 3; k++, e += 20) {
        ck_assert_uint_eq(e[0], 0);
        ck_assert_uint_eq(e[1], k);
        ck_assert_uint_eq(e[3], k == 0 ? 3 : 1); /* enabled; the BSP flagged */
    }
    ck_assert_uint_eq(e[0], 1);
    ck_assert_mem_eq(e + 2, "ISA   ", 6);
    e += 8;
    ck_assert_uint_eq(e[0], 2);
    ck_assert_uint_eq(e[1], 3);
    ck_assert_uint_eq(ld_le(e + 4, 4), IOAPIC_BASE);
    e += 8;
    for (int irq = 0; irq < 16; irq++) {
        if (irq == 2)
            continue;
        ck_assert_uint_eq(e[0], 3);
        ck_assert_uint_eq(e[5], irq);
        ck_assert_uint_eq(e[7], irq == 0 ? 2 : irq);
        e += 8;
    }
    ck_assert_uint_eq(e[0], 4);
    ck_assert_uint_eq(e[1], 3);     /* ExtINT */
    ck_assert_uint_eq(e[6], 0);     /* the BSP's */
    ck_assert_uint_eq(e[7], 0);     /* LINT0 */
    ck_assert_uint_eq(e[8 + 1], 1); /* NMI */
    ck_assert_uint_eq(e[8 + 7], 1); /* on LINT1 */
    ck_assert_uint_eq((uint32_t)(e + 16 - t), len);
    bus_free(&b);
}
END_TEST

static Suite *smp_suite(void)
{
    Suite *s = suite_create("smp");
    TCase *tc = tcase_create("boards");
    tcase_add_test(tc, test_isa_board_has_no_apic);
    tcase_add_test(tc, test_pc_board_advertises_its_cpus);
    tcase_add_test(tc, test_eight_cpus);
    tcase_add_test(tc, test_bad_cpu_counts);
    tcase_add_test(tc, test_reset_holds_the_aps);
    tcase_add_test(tc, test_mp_table);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(smp_suite());
}
