/*
 * mptable.c - the Intel MultiProcessor Specification (version 1.4) table
 * for a directly booted kernel.
 *
 * On a PC the BIOS tells the operating system which processors and APICs
 * there are, and how the ISA interrupts reach the I/O APIC. With --kernel
 * there is no BIOS, so lab86 writes the table a BIOS would, describing
 * exactly the configured board (MP spec chapter 4):
 *
 *   the floating pointer (16 bytes, "_MP_"): the configuration table's
 *     address, spec revision 1.4, feature byte 2 bit 7 clear (no IMCR:
 *     the board boots in virtual-wire mode, the 8259 through LINT0);
 *   the configuration table ("PCMP"): a 44-byte header with the local
 *     APICs' address 0xFEE00000, then entries, in the order the spec asks:
 *     processors (20 bytes each: APIC ID, APIC version, enabled, the BSP
 *     flag, the CPUID signature and features), the ISA bus (ID 0), the I/O
 *     APIC (ID, version 0x11, address), one I/O interrupt entry per ISA
 *     IRQ 0-15 but 2 (IRQ n on pin n, the PIT's IRQ 0 on pin 2, as
 *     board.c wires them; flags 0: conforming to ISA, edge and active
 *     high), and the local interrupts: ExtINT on the BSP's LINT0, NMI on
 *     every LINT1.
 *
 * Each structure's bytes sum to zero (its checksum byte makes them). The
 * BIOS data area's EBDA segment (0x40E) points at the table's KiB, where
 * a scanner looks first.
 */
#include "mptable.h"

#include <string.h>

#define MP_SPEC_REV   4 /* version 1.4 */
#define MP_FLOAT_SIZE 16
#define MP_HEADER     44
#define MP_PROC_SIZE  20
#define MP_ENTRY_SIZE 8

enum { MP_PROC = 0, MP_BUS = 1, MP_IOAPIC = 2, MP_IOINT = 3, MP_LINT = 4 };
enum { MP_INT = 0, MP_NMI = 1, MP_EXTINT = 3 }; /* interrupt types */

#define MP_CPU_EN         0x01 /* processor entry: usable */
#define MP_CPU_BP         0x02 /* processor entry: the bootstrap processor */
#define MP_IOAPIC_EN      0x01
#define MP_LAPIC_VERSION  0x14 /* as the local APIC's version register says */
#define MP_IOAPIC_VERSION 0x11 /* as IOAPICVER says */
#define MP_LAPIC_ADDR     0xfee00000u
#define MP_ISA_BUS        0
#define MP_ALL_APICS      0xff
/* What CPUID leaf 1 reports on the pc board (interp/ops_msr.c): family 6
 * model 1 stepping 9; DE, PSE, TSC, MSR, CX8, APIC, SEP, PGE, CMOV. The
 * OS reads these fields for information only. */
#define MP_CPU_SIGNATURE 0x619u
#define MP_CPU_FEATURES  0xab3cu

#define BDA_EBDA_SEG 0x40e /* the BIOS data area's EBDA segment word */

/* Make the bytes of p[0..n) sum to zero through the byte at p[at]. */
static void checksum(uint8_t *p, size_t n, size_t at)
{
    uint8_t sum = 0;
    p[at] = 0;
    for (size_t k = 0; k < n; k++)
        sum = (uint8_t)(sum + p[k]);
    p[at] = (uint8_t)-sum;
}

static uint8_t *put_cpu(uint8_t *e, uint8_t id)
{
    e[0] = MP_PROC;
    e[1] = id;
    e[2] = MP_LAPIC_VERSION;
    e[3] = MP_CPU_EN | (id == 0 ? MP_CPU_BP : 0);
    st_le(e + 4, MP_CPU_SIGNATURE, 4);
    st_le(e + 8, MP_CPU_FEATURES, 4);
    return e + MP_PROC_SIZE;
}

/* An I/O (MP_IOINT) or local (MP_LINT) interrupt entry; flags 0 conform to
 * the bus. */
static uint8_t *put_int(uint8_t *e, uint8_t kind, uint8_t type, uint8_t irq, uint8_t dest,
                        uint8_t pin)
{
    e[0] = kind;
    e[1] = type;
    st_le(e + 2, 0, 2);
    e[4] = MP_ISA_BUS;
    e[5] = irq;
    e[6] = dest;
    e[7] = pin;
    return e + MP_ENTRY_SIZE;
}

/* The entries after the header; returns the end and counts them. */
static uint8_t *put_entries(uint8_t *e, unsigned ncpus, uint8_t ioapic_id, uint32_t ioapic_base,
                            unsigned *count)
{
    unsigned n = 0;
    for (unsigned k = 0; k < ncpus; k++, n++)
        e = put_cpu(e, (uint8_t)k);
    memcpy(e, (uint8_t[]){MP_BUS, MP_ISA_BUS, 'I', 'S', 'A', ' ', ' ', ' '}, MP_ENTRY_SIZE);
    e += MP_ENTRY_SIZE, n++;
    memcpy(e, (uint8_t[]){MP_IOAPIC, ioapic_id, MP_IOAPIC_VERSION, MP_IOAPIC_EN}, 4);
    st_le(e + 4, ioapic_base, 4);
    e += MP_ENTRY_SIZE, n++;
    for (uint8_t irq = 0; irq < 16; irq++)
        if (irq != 2) {
            e = put_int(e, MP_IOINT, MP_INT, irq, ioapic_id, irq == 0 ? 2 : irq);
            n++;
        }
    e = put_int(e, MP_LINT, MP_EXTINT, 0, 0, 0);
    e = put_int(e, MP_LINT, MP_NMI, 0, MP_ALL_APICS, 1);
    *count = n + 2;
    return e;
}

void mptable_write(struct bus *b, unsigned ncpus, uint8_t ioapic_id, uint32_t ioapic_base)
{
    uint8_t *fp = bus_ram_ptr(b, MPTABLE_BASE, MPTABLE_MAX);
    uint8_t *bda = bus_ram_ptr(b, BDA_EBDA_SEG, 2);
    if (!fp || !bda)
        return; /* RAM always covers them: more than 1 MiB */
    memset(fp, 0, MPTABLE_MAX);
    uint8_t *t = fp + MP_FLOAT_SIZE;
    unsigned count;
    uint8_t *end = put_entries(t + MP_HEADER, ncpus, ioapic_id, ioapic_base, &count);
    size_t len = (size_t)(end - t);
    memcpy(t, "PCMP", 4);
    st_le(t + 4, (uint32_t)len, 2);
    t[6] = MP_SPEC_REV;
    memcpy(t + 8, "LAB86   ", 8);
    memcpy(t + 16, "PC          ", 12);
    st_le(t + 34, count, 2);
    st_le(t + 36, MP_LAPIC_ADDR, 4);
    checksum(t, len, 7);
    memcpy(fp, "_MP_", 4);
    st_le(fp + 4, MPTABLE_BASE + MP_FLOAT_SIZE, 4);
    fp[8] = 1; /* its length in 16-byte units */
    fp[9] = MP_SPEC_REV;
    checksum(fp, MP_FLOAT_SIZE, 10);
    st_le(bda, MPTABLE_BASE >> 4, 2);
}
