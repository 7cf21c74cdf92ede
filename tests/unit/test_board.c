/*
 * test_board.c - the PC board as a whole (core/board.c, core/machine.c,
 * loader/firmware.c): the RAM hole of the VGA window, where the ROMs land,
 * the device registry, the machine's reset and A20 wiring, and the PC
 * board's PAM shadow RAM, driven through emu.h (board.h for the bus) and
 * tiny hand-assembled BIOS images.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "unit_util.h"

#include "blockdev.h"
#include "board.h"
#include "bus.h"
#include "devfield.h"
#include "devices/cmos.h"
#include "devices/pci.h"
#include "emu.h"
#include "interp/tcache.h"
#include "mmu/mmu.h"
#include "loader/firmware.h"

#define KIB                 1024u
#define RESET_VECTOR_OFFSET 0xfff0u /* where FFFF:FFF0 falls in the BIOS's last 64 KiB */
#define CODE_OFFSET         0xe000u /* where the tests' code goes: F000:E000 */

/* A machine of 32 MiB with the switch core and nothing plugged in. */
static struct emu *machine(void)
{
    struct emu_config cfg = {.ram_size = 32u << 20, .core = EMU_CORE_SWITCH};
    char err[128];
    struct emu *m = emu_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    return m;
}

/* A BIOS image of len bytes filled with fill, with code at F000:E000 and,
 * at the reset vector, the far jump there that every BIOS starts with: it
 * leaves the copy below 4 GiB, which closing A20 would hide (the gate masks
 * bit 20 of every address, 0xFFFFFFF0 too). */
static uint8_t *bios_image(size_t len, uint8_t fill, const uint8_t *code, size_t n)
{
    static const uint8_t jump[] = {0xea, CODE_OFFSET & 0xff, CODE_OFFSET >> 8, 0x00, 0xf0};
    uint8_t *b = malloc(len);
    ck_assert_ptr_nonnull(b);
    memset(b, fill, len);
    memcpy(b + len - 64 * KIB + RESET_VECTOR_OFFSET, jump, sizeof jump);
    memcpy(b + len - 64 * KIB + CODE_OFFSET, code, n);
    return b;
}

static void load_bios(struct emu *m, const uint8_t *bios, size_t len)
{
    char err[128];
    ck_assert_msg(emu_load_firmware(m, bios, len, NULL, 0, err, sizeof err) == 0, "%s", err);
}

START_TEST(test_ram_hole)
{
    struct bus b;
    ck_assert_int_eq(bus_init(&b, 2u << 20), 0);
    bus_set_ram_hole(&b, 0xa0000, 0xc0000);
    ck_assert_ptr_nonnull(bus_ram_ptr(&b, 0x9f000, 4096));
    ck_assert_ptr_null(bus_ram_ptr(&b, 0x9f800, 4096)); /* runs into the hole */
    ck_assert_ptr_null(bus_ram_ptr(&b, 0xa0000, 1));
    ck_assert_ptr_null(bus_ram_ptr(&b, 0xbffff, 1));
    ck_assert_ptr_nonnull(bus_ram_ptr(&b, 0xc0000, 4096));
    bus_mem_write(&b, 0xb8000, 0x1234, 2); /* nothing there: dropped */
    ck_assert_uint_eq(bus_mem_read(&b, 0xb8000, 2), 0xffff);
    ck_assert_uint_eq(b.ram[0xb8000], 0);
    bus_free(&b);
}
END_TEST

START_TEST(test_bios_sizes)
{
    char err[128];
    static const uint8_t sig[2] = {0x55, 0xaa}, nosig[2] = {0, 0};
    ck_assert_int_eq(firmware_check_bios(64 * KIB, err, sizeof err), 0);
    ck_assert_int_eq(firmware_check_bios(256 * KIB, err, sizeof err), 0);
    ck_assert_int_eq(firmware_check_bios(0, err, sizeof err), -1);
    ck_assert_int_eq(firmware_check_bios(1000, err, sizeof err), -1);
    ck_assert_int_eq(firmware_check_bios(320 * KIB, err, sizeof err), -1);
    ck_assert_int_eq(firmware_check_vga_bios(sig, 512, err, sizeof err), 0);
    ck_assert_int_eq(firmware_check_vga_bios(sig, 38400, err, sizeof err), 0);
    ck_assert_int_eq(firmware_check_vga_bios(sig, 1000, err, sizeof err), -1);
    ck_assert_int_eq(firmware_check_vga_bios(sig, 128 * KIB, err, sizeof err), -1);
    ck_assert_int_eq(firmware_check_vga_bios(nosig, 512, err, sizeof err), -1);
}
END_TEST

/* A 256 KiB image: all of it below 4 GiB (read only), its last 128 KiB at
 * 0xE0000 (RAM, writable: shadow RAM unlocked). */
START_TEST(test_bios_placement)
{
    struct bus b;
    struct firmware fw = {0};
    char err[128];
    uint8_t *bios = malloc(256 * KIB);
    ck_assert_ptr_nonnull(bios);
    for (size_t k = 0; k < 256 * KIB; k++)
        bios[k] = (uint8_t)(k >> 16); /* the 64 KiB block number */
    ck_assert_int_eq(bus_init(&b, 2u << 20), 0);
    ck_assert_int_eq(firmware_load(&fw, &b, bios, 256 * KIB, NULL, 0, err, sizeof err), 0);
    ck_assert_uint_eq(bus_mem_read(&b, 0xfffc0000u, 1), 0);
    ck_assert_uint_eq(bus_mem_read(&b, 0xfffffff0u, 1), 3);
    ck_assert_uint_eq(bus_mem_read(&b, 0xe0000, 1), 2);
    ck_assert_uint_eq(bus_mem_read(&b, 0xf0000, 1), 3);
    ck_assert_uint_eq(bus_mem_read(&b, 0xdffff, 1), 0); /* below the copy: plain RAM */
    bus_mem_write(&b, 0xfffffff0u, 0x77, 1);            /* the flash: read only */
    ck_assert_uint_eq(bus_mem_read(&b, 0xfffffff0u, 1), 3);
    bus_mem_write(&b, 0xffff0, 0x77, 1); /* the shadow: writable */
    ck_assert_uint_eq(bus_mem_read(&b, 0xffff0, 1), 0x77);
    firmware_free(&fw);
    bus_free(&b);
    free(bios);
}
END_TEST

/* The PC board, and PAM register reg of the host bridge (00:00.0) set to v
 * through configuration mechanism #1, as firmware does. */
#define PAM0_ADDRESS 0x80000058u /* enable, bus 0, 00:00.0, the dword holding 0x59 */
#define PAM0_DATA    0xcfdu      /* 0x59 is byte 1 of that dword */
#define PAM_RO       0x10u       /* PAM0 HIENABLE: read RAM, writes dropped */
#define PAM_WO       0x20u       /* write RAM, read ROM */
#define PAM_RW       0x30u       /* plain RAM */

static struct emu *pc_machine(void)
{
    struct emu_config cfg = {.ram_size = 32u << 20, .core = EMU_CORE_SWITCH,
                             .board = EMU_BOARD_PC};
    char err[128];
    struct emu *m = emu_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    uint8_t *bios = malloc(128 * KIB);
    ck_assert_ptr_nonnull(bios);
    memset(bios, 0xb1, 128 * KIB);
    load_bios(m, bios, 128 * KIB);
    free(bios);
    return m;
}

static void set_pam0(struct emu *m, uint32_t v)
{
    bus_out(&m->bus, PCI_PORT_ADDRESS, PAM0_ADDRESS, 4);
    bus_out(&m->bus, PAM0_DATA, v, 1);
}

/* At power-on the F segment is the ROM: it reads the image and ignores
 * writes, and bus_ram_ptr() (what the TLB caches) must not see RAM there. */
START_TEST(test_pam_rom_view)
{
    struct emu *m = pc_machine();
    ck_assert_ptr_null(bus_ram_ptr(&m->bus, 0xf0000, 4096));
    bus_mem_write(&m->bus, 0xf1234, 0x55, 1);
    ck_assert_uint_eq(bus_mem_read(&m->bus, 0xf1234, 1), 0xb1);
    ck_assert_uint_eq(bus_mem_read(&m->bus, 0xc0000, 2), 0xffff); /* no ISA option ROM */
    ck_assert_ptr_nonnull(bus_ram_ptr(&m->bus, 0x100000, 4096));
    emu_destroy(m);
}
END_TEST

/* Write-only shadow (copy the ROM into RAM), then read-write, then
 * read-only: each view reads and writes what PAM says; a reset goes back
 * to the ROM. */
START_TEST(test_pam_shadow)
{
    struct emu *m = pc_machine();
    set_pam0(m, PAM_WO);
    bus_mem_write(&m->bus, 0xf1234, 0x55, 1); /* reaches RAM ... */
    ck_assert_uint_eq(bus_mem_read(&m->bus, 0xf1234, 1), 0xb1); /* ... reads the ROM */
    ck_assert_ptr_null(bus_ram_ptr(&m->bus, 0xf0000, 4096));
    set_pam0(m, PAM_RW);
    ck_assert_uint_eq(bus_mem_read(&m->bus, 0xf1234, 1), 0x55);
    ck_assert_ptr_nonnull(bus_ram_ptr(&m->bus, 0xf0000, 4096)); /* plain RAM again */
    ck_assert_ptr_null(bus_ram_ptr(&m->bus, 0xe0000, 4096));    /* E: still the ROM */
    set_pam0(m, PAM_RO);
    ck_assert_ptr_null(bus_ram_ptr(&m->bus, 0xf0000, 4096)); /* no host pointer to write */
    bus_mem_write(&m->bus, 0xf1234, 0x66, 1);
    ck_assert_uint_eq(bus_mem_read(&m->bus, 0xf1234, 1), 0x55);
    bus_out(&m->bus, 0x92, 0x01, 1); /* fast reset: PCIRST# puts PAM back */
    ck_assert_int_eq(emu_run(m, 0), EMU_STOP_BUDGET);
    ck_assert_uint_eq(bus_mem_read(&m->bus, 0xf1234, 1), 0xb1);
    emu_destroy(m);
}
END_TEST

/* bus_read_page() and the TLB: a shadow page reads through a host pointer
 * whichever side PAM reads from, a store to it still goes through the bus
 * (dropped while the segment is read-only), and a PAM switch drops the
 * threaded core's blocks decoded from the other side. */
START_TEST(test_pam_read_pages)
{
    struct emu *m = pc_machine();
    struct cpu *c = &m->cpu;
    uint32_t v;
    const uint8_t *p = bus_read_page(&m->bus, 0xf1000);
    ck_assert_ptr_nonnull(p); /* the ROM side */
    ck_assert_uint_eq(p[0x234], 0xb1);
    ck_assert_ptr_null(bus_read_page(&m->bus, 0xa0000)); /* the VGA: a device */

    /* Code decoded from the ROM side ... */
    struct tcache *tc = tcache_create(&m->bus);
    ck_assert_ptr_nonnull(tc);
    const struct block *b = tcache_get(tc, 0xf1234, false, p + 0x234);
    ck_assert_ptr_nonnull(b);
    ck_assert(b->valid);
    set_pam0(m, PAM_WO); /* ... stays: reads still come from the ROM */
    bus_mem_write(&m->bus, 0xf1234, 0x55, 1); /* the RAM under it: the block is dropped, */
    ck_assert(!b->valid);                     /* which is conservative, and allowed */
    b = tcache_get(tc, 0xf1234, false, bus_read_page(&m->bus, 0xf1000) + 0x234);
    ck_assert(b->valid);
    set_pam0(m, PAM_RO); /* ... now reads the RAM: other bytes at the same address */
    ck_assert(!b->valid);
    tcache_destroy(tc);

    p = bus_read_page(&m->bus, 0xf1000);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_null(bus_ram_ptr(&m->bus, 0xf1000, 4096));
    ck_assert_uint_eq(p[0x234], 0x55);
    /* Through the CPU: a load fills the TLB with the read pointer, a store
     * is dropped as the bus drops it, and a load sees the old byte. */
    ck_assert_int_eq(mmu_read_lin(c, 0xf1234, 1, &v, 0), 0);
    ck_assert_uint_eq(v, 0x55);
    const struct tlb_entry *e = &c->tlb.e[(0xf1234u >> 12) & (TLB_ENTRIES - 1)];
    ck_assert_uint_eq(e->lpage, 0xf1);
    ck_assert_ptr_nonnull(e->host);
    ck_assert_uint_eq(e->flags & TLB_HOSTW, 0);
    ck_assert_uint_eq(e->flags & TLB_HOSTR, TLB_HOSTR);
    ck_assert_int_eq(mmu_write_lin(c, 0xf1234, 1, 0x66, 0), 0);
    ck_assert_int_eq(mmu_read_lin(c, 0xf1234, 1, &v, 0), 0);
    ck_assert_uint_eq(v, 0x55);
    ck_assert_uint_eq(m->bus.ram[0xf1234], 0x55);
    /* A snapshot keeps no pointer into ROM; loading it finds the read
     * pointer again, so the TLB is the one saved (flags and all). */
    set_pam0(m, PAM_WO); /* reads from the ROM again */
    ck_assert_int_eq(mmu_read_lin(c, 0xf1234, 1, &v, 0), 0);
    ck_assert_uint_eq(v, 0xb1);
    ck_assert_ptr_eq(e->host, bus_read_page(&m->bus, 0xf1000));
    ck_assert_ptr_null(bus_ram_ptr(&m->bus, 0xf1000, 4096));
    uint8_t *snap;
    size_t len;
    char err[128];
    uint32_t flags = e->flags;
    ck_assert_int_eq(emu_save(m, &snap, &len, err, sizeof err), 0);
    c->tlb.e[(0xf1234u >> 12) & (TLB_ENTRIES - 1)].host = NULL;
    ck_assert_msg(emu_load(m, snap, len, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(e->flags, flags);
    ck_assert_ptr_eq(e->host, bus_read_page(&m->bus, 0xf1000));
    free(snap);
    emu_destroy(m);
}
END_TEST

START_TEST(test_registry)
{
    struct emu *m = machine();
    const struct devinfo *d;
    size_t n = emu_devices(m, &d);
    static const char *const want[] = {"pic.master",  "pit.ch0",    "port61", "cmos",
                                       "dma",         "sysctl",     "kbc",    "vga",
                                       "ata0.master", "ata1.slave", "fdc",    "fdc.drive0"};
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        bool found = false;
        for (size_t k = 0; k < n; k++)
            found |= strcmp(d[k].name, want[w]) == 0 && d[k].n_fields > 0 && d[k].state;
        ck_assert_msg(found, "no device %s in the registry", want[w]);
    }
    emu_destroy(m);
}
END_TEST

/* A 1.44 MB diskette in A: and the floppy first: the CMOS says so (drive
 * type 4 in 0x10's high nibble, one drive in the equipment byte, boot
 * device 1 first), and a diskette of an unknown size is refused. */
START_TEST(test_floppy_cmos)
{
    struct blockdev fda;
    ck_assert_int_eq(blockdev_mem_init(&fda, 1474560, false), 0);
    struct emu_config cfg = {.ram_size = 32u << 20, .fda = &fda, .boot = EMU_BOOT_FLOPPY};
    char err[200];
    struct emu *m = emu_create(&cfg, err, sizeof err);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(cmos_get_byte(m->cmos, CMOS_FLOPPY_TYPES), CMOS_FLOPPY_1_44M << 4);
    uint8_t equip = cmos_get_byte(m->cmos, CMOS_EQUIPMENT);
    ck_assert_uint_eq(equip & (CMOS_EQUIP_FLOPPY | CMOS_EQUIP_NFLOPPY), CMOS_EQUIP_FLOPPY);
    ck_assert_uint_eq(cmos_get_byte(m->cmos, CMOS_BOOT_ORDER) & 0x0f, CMOS_BOOT_FLOPPY);
    emu_destroy(m);
    blockdev_mem_free(&fda);
    ck_assert_int_eq(blockdev_mem_init(&fda, 1000 * 512, false), 0);
    ck_assert_ptr_null(emu_create(&cfg, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "not a floppy image size (512000 bytes"));
    blockdev_mem_free(&fda);
}
END_TEST

/* inc byte [0x500]; mov al, 1; out 0x92, al; jmp $: every pass resets the
 * machine through port 0x92 bit 0, and RAM counts the boots. */
START_TEST(test_port92_reset_keeps_ram)
{
    static const uint8_t code[] = {0xfe, 0x06, 0x00, 0x05, 0xb0, 0x01, 0xe6, 0x92, 0xeb, 0xfe};
    struct emu *m = machine();
    uint8_t *bios = bios_image(64 * KIB, 0x90, code, sizeof code);
    load_bios(m, bios, 64 * KIB);
    ck_assert_int_eq(emu_run(m, 10000), EMU_STOP_BUDGET);
    struct emu_cpu_view v;
    emu_get_cpu(m, &v);
    ck_assert_uint_gt(emu_cpu(m)->bus->ram[0x500], 10);
    ck_assert_uint_eq(v.cs, 0xf000);
    emu_destroy(m);
    free(bios);
}
END_TEST

/* lidt cs:[null]; int 3 with an IDT limit of 0 is a triple fault: with a
 * BIOS the machine resets (and counts again); with no_reboot it stops. */
START_TEST(test_triple_fault_reboots)
{
    static const uint8_t code[] = {0xfe, 0x06, 0x00, 0x05,             /* inc byte [0x500] */
                                   0x2e, 0x0f, 0x01, 0x1e, 0xe0, 0xff, /* lidt cs:[0xffe0] */
                                   0xcc};                              /* int3 */
    struct emu *m = machine();
    uint8_t *bios = bios_image(64 * KIB, 0, code, sizeof code); /* 0xffe0: limit 0, base 0 */
    load_bios(m, bios, 64 * KIB);
    ck_assert_int_eq(emu_run(m, 10000), EMU_STOP_BUDGET);
    ck_assert_uint_gt(emu_cpu(m)->bus->ram[0x500], 10);
    emu_destroy(m);

    struct emu_config cfg = {.ram_size = 32u << 20, .core = EMU_CORE_SWITCH, .no_reboot = true};
    char err[128];
    m = emu_create(&cfg, err, sizeof err);
    load_bios(m, bios, 64 * KIB);
    ck_assert_int_eq(emu_run(m, 10000), EMU_STOP_TRIPLE_FAULT);
    ck_assert_uint_eq(emu_cpu(m)->bus->ram[0x500], 1);
    emu_destroy(m);
    free(bios);
}
END_TEST

/* The A20 gate is the OR of the 8042's output and port 0x92 bit 1: with
 * the 8042's closed, port 0x92 alone opens and closes it. */
START_TEST(test_a20_or)
{
    static const uint8_t code[] = {
        0xb0, 0xd1, 0xe6, 0x64, /* mov al, 0xd1; out 0x64, al: write the output port */
        0xb0, 0xdd, 0xe6, 0x60, /* mov al, 0xdd; out 0x60, al: A20 off, no reset */
        0xf4,                   /* hlt */
        0xb0, 0x02, 0xe6, 0x92, /* mov al, 2; out 0x92, al: fast A20 on */
        0xf4};                  /* hlt */
    struct emu *m = machine();
    uint8_t *bios = bios_image(64 * KIB, 0x90, code, sizeof code);
    load_bios(m, bios, 64 * KIB);
    ck_assert_uint_eq(emu_cpu(m)->a20_mask, 0xffffffffu); /* the 8042 powers up with it open */
    int why = emu_run(m, 100000);
    struct emu_cpu_view v;
    emu_get_cpu(m, &v);
    ck_assert_msg(why == EMU_STOP_HALT_IF0, "stop %d at %04x:%08x", why, v.cs, v.eip);
    ck_assert_uint_eq(emu_cpu(m)->a20_mask, ~(1u << 20));
    emu_cpu(m)->stop = 0; /* CPU_RUNNING: go on after the first HLT */
    ck_assert_int_eq(emu_run(m, 100000), EMU_STOP_HALT_IF0);
    ck_assert_uint_eq(emu_cpu(m)->a20_mask, 0xffffffffu);
    emu_destroy(m);
    free(bios);
}
END_TEST

static Suite *board_suite(void)
{
    Suite *s = suite_create("board");
    TCase *t = tcase_create("board");
    tcase_add_test(t, test_ram_hole);
    tcase_add_test(t, test_bios_sizes);
    tcase_add_test(t, test_bios_placement);
    tcase_add_test(t, test_pam_rom_view);
    tcase_add_test(t, test_pam_shadow);
    tcase_add_test(t, test_pam_read_pages);
    tcase_add_test(t, test_registry);
    tcase_add_test(t, test_floppy_cmos);
    tcase_add_test(t, test_port92_reset_keeps_ram);
    tcase_add_test(t, test_triple_fault_reboots);
    tcase_add_test(t, test_a20_or);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(board_suite());
}
