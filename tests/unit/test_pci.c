/*
 * test_pci.c - the PCI bus (devices/pci.c) and its functions: the i440FX
 * host bridge (i440fx.c), the PIIX3 ISA bridge and IDE function (piix3.c)
 * and the standard VGA's PCI face (pci_vga.c), driven through the ports
 * 0xCF8/0xCFC as a guest drives them, with the board's callbacks recording
 * what they are told. The board's framebuffer callback is written here the
 * way machine.c will write it (bus_move_mmio on a stand-in range), so the
 * tests see the framebuffer move in the physical address space.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "unit_util.h"

#include "bus.h"
#include "devices/i440fx.h"
#include "devices/pci.h"
#include "devices/pci_vga.h"
#include "devices/piix3.h"

#define ROM_LEN   40960       /* a 40 KiB VGA BIOS: a 64 KiB ROM BAR */
#define LFB_START 0xe0000000u /* where the stand-in framebuffer starts */
#define LFB_SIZE  (16u << 20)
#define MAX_PAM   32

struct pam_call {
    uint32_t base, size; /* the segment */
    bool rd, wr;         /* read_ram, write_ram */
};

struct rig {
    struct bus bus;               /* ports and memory */
    struct pci_bus *pci;          /* the bus under test */
    struct i440fx *host;          /* 00:00.0 */
    struct piix3 *piix;           /* 00:01.0 and 00:01.1 */
    struct pci_vga *vga;          /* 00:02.0 */
    uint8_t rom[ROM_LEN];         /* the VGA BIOS image */
    int lfb_owner;                /* identity of the stand-in framebuffer range */
    struct pam_call pam[MAX_PAM]; /* PAM callbacks, in order */
    int n_pam;
    int route[PIIX3_NPIRQ];    /* last route reported for each PIRQ */
    int n_pirq;                /* PIRQ callbacks */
    uint64_t lfb_old, lfb_new; /* the last framebuffer move */
    int n_lfb;                 /* framebuffer callbacks */
    uint8_t cf9;               /* last byte the stand-in reset control took */
    int n_cf9;                 /* its writes */
};

/* --- the board's side --- */

static void on_pam(void *opaque, uint32_t base, uint32_t size, bool rd, bool wr)
{
    struct rig *r = opaque;
    ck_assert_int_lt(r->n_pam, MAX_PAM);
    r->pam[r->n_pam++] = (struct pam_call){base, size, rd, wr};
}

static void on_pirq(void *opaque, int pirq, int irq)
{
    struct rig *r = opaque;
    ck_assert(pirq >= 0 && pirq < PIIX3_NPIRQ);
    r->route[pirq] = irq;
    r->n_pirq++;
}

static void on_lfb(void *opaque, uint64_t old_base, uint64_t new_base)
{
    struct rig *r = opaque;
    ck_assert_int_eq(bus_move_mmio(&r->bus, old_base, &r->lfb_owner, new_base), 0);
    r->lfb_old = old_base;
    r->lfb_new = new_base;
    r->n_lfb++;
}

static uint32_t lfb_read(void *opaque, uint32_t offset, int size)
{
    (void)opaque;
    (void)offset;
    return 0xabababab >> (32 - 8 * size); /* the stand-in's every byte */
}

static void cf9_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct rig *r = opaque;
    (void)offset;
    (void)size;
    r->cf9 = (uint8_t)value;
    r->n_cf9++;
}

static struct rig *rig_new_rom(const uint8_t *rom, size_t rom_len)
{
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bus_init(&r->bus, 1 << 20), 0);
    for (size_t k = 0; k < ROM_LEN; k++)
        r->rom[k] = (uint8_t)(k * 7 + 3);
    r->rom[0] = 0x55;
    r->rom[1] = 0xaa;
    r->rom[2] = ROM_LEN / 512;
    /* The reset control register claims 0xCF9 first, as on the board. */
    ck_assert_int_eq(bus_map_io(&r->bus, 0xcf9, 1, NULL, cf9_write, r), 0);
    ck_assert_int_eq(bus_map_mmio(&r->bus, LFB_START, LFB_SIZE, lfb_read, NULL, &r->lfb_owner), 0);
    r->pci = pci_create(&r->bus);
    ck_assert_ptr_nonnull(r->pci);
    r->host = i440fx_create(r->pci, on_pam, r);
    r->piix = piix3_create(r->pci, PIIX3_DEV, on_pirq, r);
    struct pci_vga_host vh = {on_lfb, r, LFB_START};
    r->vga = pci_vga_create(r->pci, &r->bus, PCI_VGA_DEV, rom == NULL && rom_len ? r->rom : rom,
                            rom_len, &vh);
    ck_assert_ptr_nonnull(r->host);
    ck_assert_ptr_nonnull(r->piix);
    ck_assert_ptr_nonnull(r->vga);
    return r;
}

/* The usual rig: the 40 KiB image in r->rom. */
static struct rig *rig_new(void)
{
    return rig_new_rom(NULL, ROM_LEN);
}

static void rig_free(struct rig *r)
{
    pci_vga_destroy(r->vga);
    piix3_destroy(r->piix);
    i440fx_destroy(r->host);
    pci_destroy(r->pci);
    bus_free(&r->bus);
    free(r);
}

/* --- the guest's side --- */

static uint32_t cfg_address(int bus, int dev, int fn, uint32_t reg)
{
    return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 |
           (reg & 0xfc);
}

static uint32_t cfg_read(struct rig *r, int dev, int fn, uint32_t reg, int size)
{
    bus_out(&r->bus, 0xcf8, cfg_address(0, dev, fn, reg), 4);
    return bus_in(&r->bus, (uint16_t)(0xcfc + (reg & 3)), size);
}

static void cfg_write(struct rig *r, int dev, int fn, uint32_t reg, uint32_t v, int size)
{
    bus_out(&r->bus, 0xcf8, cfg_address(0, dev, fn, reg), 4);
    bus_out(&r->bus, (uint16_t)(0xcfc + (reg & 3)), v, size);
}

/* --- configuration mechanism #1 --- */

START_TEST(test_config_address)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(bus_in(&r->bus, 0xcf8, 4), 0);
    bus_out(&r->bus, 0xcf8, 0xffffffff, 4); /* reserved bits 30:24 and 1:0 read 0 */
    ck_assert_uint_eq(bus_in(&r->bus, 0xcf8, 4), 0x80fffffc);
    /* Bytes and words at 0xCF8-0xCFB are ordinary I/O: nothing answers. */
    bus_out(&r->bus, 0xcf8, 0x12, 1);
    bus_out(&r->bus, 0xcfa, 0x3456, 2);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcf8, 4), 0x80fffffc);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcf8, 1), 0xff);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfa, 2), 0xffff);
    /* 0xCF9 is the reset control register's, not ours. */
    bus_out(&r->bus, 0xcf9, 0x06, 1);
    ck_assert_int_eq(r->n_cf9, 1);
    ck_assert_uint_eq(r->cf9, 0x06);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcf8, 4), 0x80fffffc);
    bus_out(&r->bus, 0xcf8, 0x80000000, 4);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcf8, 4), 0x80000000);
    ck_assert_int_eq(r->n_cf9, 1);
    rig_free(r);
}
END_TEST

START_TEST(test_enable_bit)
{
    struct rig *r = rig_new();
    bus_out(&r->bus, 0xcf8, 0x00000000, 4); /* 00:00.0 register 0, not enabled */
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfc, 4), 0xffffffff);
    bus_out(&r->bus, 0xcf8, cfg_address(0, PCI_VGA_DEV, 0, PCI_INTERRUPT_LINE) & ~0x80000000u, 4);
    bus_out(&r->bus, 0xcfc, 0x0b, 1); /* dropped */
    ck_assert_uint_eq(cfg_read(r, PCI_VGA_DEV, 0, PCI_INTERRUPT_LINE, 1), 0x00);
    ck_assert_uint_eq(cfg_read(r, 0, 0, PCI_VENDOR_ID, 4), 0x12378086);
    rig_free(r);
}
END_TEST

/* Bus, device, function and register are each decoded from their field. */
START_TEST(test_decoding)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(cfg_read(r, 1, 1, PCI_VENDOR_ID, 4), 0x70108086);
    ck_assert_uint_eq(cfg_read(r, 1, 0, PCI_VENDOR_ID, 4), 0x70008086);
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_REVISION_ID, 4), 0x03000000);
    ck_assert_uint_eq(cfg_read(r, 1, 0, PCI_HEADER_TYPE, 1), 0x80);
    bus_out(&r->bus, 0xcf8, cfg_address(1, 0, 0, 0), 4); /* bus 1 does not exist */
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfc, 4), 0xffffffff);
    ck_assert_uint_eq(cfg_read(r, 0, 1, PCI_VENDOR_ID, 4), 0xffffffff);
    ck_assert_uint_eq(cfg_read(r, 3, 0, PCI_VENDOR_ID, 4), 0xffffffff);
    ck_assert_uint_eq(cfg_read(r, 31, 7, PCI_VENDOR_ID, 4), 0xffffffff);
    ck_assert_uint_eq(cfg_read(r, 1, 2, PCI_VENDOR_ID, 2), 0xffff);
    rig_free(r);
}
END_TEST

/* Every width at every offset of CONFIG_DATA: byte k of the dword. */
START_TEST(test_data_widths)
{
    struct rig *r = rig_new();
    bus_out(&r->bus, 0xcf8, cfg_address(0, 0, 0, 0), 4);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfc, 1), 0x86);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfd, 1), 0x80);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfe, 1), 0x37);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcff, 1), 0x12);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfc, 2), 0x8086);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfd, 2), 0x3780); /* unaligned, inside the dword */
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfe, 2), 0x1237);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcff, 2), 0xff12); /* 0xD00 floats */
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfc, 4), 0x12378086);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfe, 4), 0xffff1237);
    /* Writes: a word at 0xCFD reaches registers 0x3D-0x3E of the VGA. */
    bus_out(&r->bus, 0xcf8, cfg_address(0, PCI_VGA_DEV, 0, PCI_INTERRUPT_LINE), 4);
    bus_out(&r->bus, 0xcfc, 0x0a, 1);
    bus_out(&r->bus, 0xcfd, 0xffff, 2); /* pin, MIN_GNT: read only */
    bus_out(&r->bus, 0xcff, 0xff, 1);   /* MAX_LAT: read only */
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfc, 4), 0x0000000a);
    bus_out(&r->bus, 0xcff, 0x0b0c, 2); /* 0x3F, then 0xD00: nothing, no crash */
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfc, 4), 0x0000000a);
    rig_free(r);
}
END_TEST

START_TEST(test_absent_all_ones)
{
    struct rig *r = rig_new();
    for (int dev = 3; dev < PCI_DEVICES; dev++) {
        cfg_write(r, dev, 0, PCI_COMMAND, 0xffffffff, 4);
        ck_assert_uint_eq(cfg_read(r, dev, 0, PCI_VENDOR_ID, 4), 0xffffffff);
        ck_assert_uint_eq(cfg_read(r, dev, 0, PCI_HEADER_TYPE, 1), 0xff);
        ck_assert_uint_eq(cfg_read(r, dev, 0, 0xfe, 2), 0xffff);
    }
    for (int fn = 1; fn < PCI_FUNCTIONS; fn++) {
        ck_assert_uint_eq(cfg_read(r, 0, fn, PCI_VENDOR_ID, 4), 0xffffffff);
        ck_assert_uint_eq(cfg_read(r, PCI_VGA_DEV, fn, PCI_VENDOR_ID, 4), 0xffffffff);
    }
    ck_assert_uint_eq(pci_config_read(r->pci, 40, 0, 0, 4), 0xffffffff);
    ck_assert_uint_eq(pci_config_read(r->pci, 0, 0, 0xfe, 4), 0xffffffff); /* past the end */
    rig_free(r);
}
END_TEST

/* --- identity --- */

START_TEST(test_ids_and_classes)
{
    static const struct {
        int dev, fn;
        uint32_t ids, class_rev; /* dwords at 0x00 and 0x08 */
        uint8_t header;
    } want[] = {
        {0, 0, 0x12378086, 0x06000002, 0x00}, /* host bridge */
        {1, 0, 0x70008086, 0x06010000, 0x80}, /* ISA bridge, multi-function */
        {1, 1, 0x70108086, 0x01018000, 0x00}, /* IDE, legacy mode, bus master */
        {2, 0, 0x11111234, 0x03000000, 0x00}, /* VGA */
    };
    struct rig *r = rig_new();
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        int d = want[k].dev, f = want[k].fn;
        ck_assert_uint_eq(cfg_read(r, d, f, PCI_VENDOR_ID, 4), want[k].ids);
        ck_assert_uint_eq(cfg_read(r, d, f, PCI_REVISION_ID, 4), want[k].class_rev);
        ck_assert_uint_eq(cfg_read(r, d, f, PCI_HEADER_TYPE, 1), want[k].header);
        /* Read-only: identity, class, header type. */
        cfg_write(r, d, f, PCI_VENDOR_ID, 0, 4);
        cfg_write(r, d, f, PCI_REVISION_ID, 0xffffffff, 4);
        cfg_write(r, d, f, PCI_HEADER_TYPE, 0x7f, 1);
        ck_assert_uint_eq(cfg_read(r, d, f, PCI_VENDOR_ID, 4), want[k].ids);
        ck_assert_uint_eq(cfg_read(r, d, f, PCI_REVISION_ID, 4), want[k].class_rev);
        ck_assert_uint_eq(cfg_read(r, d, f, PCI_HEADER_TYPE, 1), want[k].header);
    }
    ck_assert_uint_eq(cfg_read(r, 0, 0, PCI_COMMAND, 4), 0x02800006);
    ck_assert_uint_eq(cfg_read(r, 1, 0, PCI_COMMAND, 4), 0x02000007);
    rig_free(r);
}
END_TEST

/* --- BARs --- */

START_TEST(test_vga_bar0_sizing)
{
    struct rig *r = rig_new();
    /* Creation is a reset: the framebuffer is parked until BAR0 is set. */
    ck_assert_int_eq(r->n_lfb, 1);
    ck_assert_uint_eq(r->lfb_old, LFB_START);
    ck_assert_uint_eq(r->lfb_new, PCI_UNMAPPED);
    ck_assert_uint_eq(bus_mem_read(&r->bus, LFB_START, 1), 0xff);
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_BAR0, 4), 0x00000008);
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_COMMAND, 2), PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    cfg_write(r, 2, 0, PCI_BAR0, 0xffffffff, 4); /* sizing: not a place */
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_BAR0, 4), 0xff000008);
    ck_assert_int_eq(r->n_lfb, 1);
    cfg_write(r, 2, 0, PCI_BAR0, 0xfd000000, 4); /* SeaBIOS's choice */
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_BAR0, 4), 0xfd000008);
    ck_assert_int_eq(r->n_lfb, 2);
    ck_assert_uint_eq(r->lfb_new, 0xfd000000);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfd000010, 4), 0xabababab);
    /* Linux's sizing: decoding off, all ones, restore, decoding on. */
    cfg_write(r, 2, 0, PCI_COMMAND, 0, 2);
    ck_assert_uint_eq(r->lfb_new, PCI_UNMAPPED);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfd000010, 1), 0xff);
    cfg_write(r, 2, 0, PCI_BAR0, 0xffffffff, 4);
    cfg_write(r, 2, 0, PCI_BAR0, 0xfd000000, 4);
    ck_assert_int_eq(r->n_lfb, 3);
    cfg_write(r, 2, 0, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    ck_assert_int_eq(r->n_lfb, 4);
    ck_assert_uint_eq(r->lfb_new, 0xfd000000);
    /* Sizing with decoding on parks it, and the restore brings it back. */
    cfg_write(r, 2, 0, PCI_BAR0, 0xffffffff, 4);
    ck_assert_uint_eq(r->lfb_new, PCI_UNMAPPED);
    cfg_write(r, 2, 0, PCI_BAR0, 0xfd000000, 4);
    ck_assert_uint_eq(r->lfb_new, 0xfd000000);
    ck_assert_int_eq(r->n_lfb, 6);
    /* A byte write to the top of BAR0 moves it (the Bochs BIOS's place). */
    cfg_write(r, 2, 0, PCI_BAR0 + 3, 0xc0, 1);
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_BAR0, 4), 0xc0000008);
    ck_assert_uint_eq(r->lfb_old, 0xfd000000);
    ck_assert_uint_eq(r->lfb_new, 0xc0000000);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xc0fffffc, 4), 0xabababab);
    /* 0 is unassigned: nowhere. */
    cfg_write(r, 2, 0, PCI_BAR0, 0, 4);
    ck_assert_uint_eq(r->lfb_new, PCI_UNMAPPED);
    /* The other BARs do not exist. */
    for (uint32_t reg = PCI_BAR0 + 4; reg < PCI_BAR0 + 24; reg += 4) {
        cfg_write(r, 2, 0, reg, 0xffffffff, 4);
        ck_assert_uint_eq(cfg_read(r, 2, 0, reg, 4), 0);
    }
    rig_free(r);
}
END_TEST

START_TEST(test_rom_bar_sizing)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_ROM_ADDRESS, 4), 0);
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0xfffff800, 4); /* SeaBIOS: enable bit clear */
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_ROM_ADDRESS, 4), 0xffff0000); /* 64 KiB */
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0xfffffffe, 4);                   /* the Bochs BIOS */
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_ROM_ADDRESS, 4), 0xffff0000);
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0xffffffff, 4);
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_ROM_ADDRESS, 4), 0xffff0001);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xffff0000, 4), 0xffffffff); /* sizing: nowhere */
    rig_free(r);
}
END_TEST

/* The ROM BAR shows the VGA BIOS where the guest puts it, when enabled. */
START_TEST(test_rom_bar_decoding)
{
    struct rig *r = rig_new();
    uint32_t first = r->rom[0] | r->rom[1] << 8 | r->rom[2] << 16 | (uint32_t)r->rom[3] << 24;
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0xfeb00000, 4);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfeb00000, 4), 0xffffffff); /* not enabled */
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0xfeb00001, 4);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfeb00000, 2), 0xaa55);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfeb00000, 4), first);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfeb00000 + 12345, 1), r->rom[12345]);
    uint32_t tail = r->rom[ROM_LEN - 2] | r->rom[ROM_LEN - 1] << 8 | 0xffff0000u;
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfeb00000 + ROM_LEN - 2, 4), tail);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfeb0fffc, 4), 0xffffffff); /* padding */
    bus_mem_write(&r->bus, 0xfeb00000, 0, 4);                            /* ROM: dropped */
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfeb00000, 2), 0xaa55);
    /* The command register's memory bit does not gate it (pci_vga.c's third
     * divergence: test_rom_bar_bochs_bios). */
    cfg_write(r, 2, 0, PCI_COMMAND, PCI_COMMAND_IO, 2);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfeb00000, 2), 0xaa55);
    cfg_write(r, 2, 0, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfeb00000, 2), 0xaa55);
    /* Moved: gone from the old place, there at the new one. */
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS + 2, 0xfea0, 2);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfeb00000, 2), 0xffff);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfea00000, 2), 0xaa55);
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0xfea00000, 1); /* enable bit off */
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfea00000, 2), 0xffff);
    /* Under RAM, RAM wins; never a crash. */
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0x00010001, 4);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0x10000, 2), 0x0000);
    rig_free(r);
}
END_TEST

/* The Bochs BIOS's sequence (rombios32, pci_bios_init_device): memory and
 * I/O decoding off, BAR0 and the ROM BAR sized and assigned with the ROM's
 * enable bit, the image read from the ROM BAR, the ROM BAR's low byte
 * cleared, decoding on again. The image must be there while the memory bit
 * is off, or the BIOS copies all ones and no VGA BIOS runs. */
START_TEST(test_rom_bar_bochs_bios)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_COMMAND, 2), 0x0003);
    cfg_write(r, 2, 0, PCI_COMMAND, 0x0000, 2);
    cfg_write(r, 2, 0, PCI_BAR0, 0xffffffff, 4);
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_BAR0, 4), 0xff000008);
    cfg_write(r, 2, 0, PCI_BAR0, 0xc0000000, 4);
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0xfffffffe, 4);
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_ROM_ADDRESS, 4), 0xffff0000);
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0xc1000001, 4);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xc1000000, 2), 0xaa55);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xc1000002, 1), ROM_LEN / 512);
    ck_assert_uint_eq(r->n_lfb, 1); /* BAR0: left parked while memory is off */
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0x00, 1);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xc1000000, 2), 0xffff);
    cfg_write(r, 2, 0, PCI_COMMAND, 0x0003, 2);
    ck_assert_uint_eq(r->lfb_new, 0xc0000000);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xc1000000, 2), 0xffff);
    rig_free(r);
}
END_TEST

/* Every other function follows PCI 2.2, 6.2.5.2: a ROM answers only when
 * the memory bit and its enable bit are both set. */
START_TEST(test_rom_address_rule)
{
    struct pci_function f = {0};
    const struct pci_ident id = {.vendor = 0x8086,
                                 .device = 0x1234,
                                 .class_code = 0x020000,
                                 .command_mask = PCI_COMMAND_MEMORY};
    pci_function_init(&f, &id);
    pci_rom_init(&f, 0x10000);
    pci_set(&f, PCI_ROM_ADDRESS, 0xfeb00001, 4);
    ck_assert_uint_eq(pci_rom_address(&f), PCI_UNMAPPED);
    ck_assert_uint_eq(pci_rom_address_uncommanded(&f), 0xfeb00000);
    pci_set(&f, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    ck_assert_uint_eq(pci_rom_address(&f), 0xfeb00000);
    pci_set(&f, PCI_ROM_ADDRESS, 0xfeb00000, 4);
    ck_assert_uint_eq(pci_rom_address(&f), PCI_UNMAPPED);
    ck_assert_uint_eq(pci_rom_address_uncommanded(&f), PCI_UNMAPPED);
}
END_TEST

START_TEST(test_no_rom)
{
    uint8_t tiny[3] = {0x55, 0xaa, 0x01};
    struct rig *r = rig_new_rom(NULL, 0);
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0xffffffff, 4);
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_ROM_ADDRESS, 4), 0);
    rig_free(r);
    r = rig_new_rom(tiny, sizeof tiny); /* smaller than a ROM BAR can be: 2 KiB */
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0xfffff800, 4);
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_ROM_ADDRESS, 4), 0xfffff800);
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0x00200001, 4); /* above the 1 MiB of RAM */
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0x200000, 4), 0xff01aa55);
    rig_free(r);
}
END_TEST

/* --- the host bridge --- */

static void assert_pam(const struct pam_call *c, uint32_t base, uint32_t size, bool rd, bool wr)
{
    ck_assert_uint_eq(c->base, base);
    ck_assert_uint_eq(c->size, size);
    ck_assert_int_eq(c->rd, rd);
    ck_assert_int_eq(c->wr, wr);
}

START_TEST(test_pam_bios_area)
{
    struct rig *r = rig_new();
    ck_assert_int_eq(r->n_pam, 0);
    ck_assert_uint_eq(cfg_read(r, 0, 0, 0x58, 4), 0); /* PAM0-2 power on 0 */
    bus_out(&r->bus, 0xcf8, cfg_address(0, 0, 0, 0x58), 4);
    bus_out(&r->bus, 0xcfd, 0x30, 1); /* 0x59 = 0x30: F0000-FFFFF read/write RAM */
    ck_assert_int_eq(r->n_pam, 1);
    assert_pam(&r->pam[0], 0xf0000, 0x10000, true, true);
    bus_out(&r->bus, 0xcfd, 0x30, 1); /* no change, no call */
    bus_out(&r->bus, 0xcfd, 0xff, 1); /* reserved bits read 0 */
    ck_assert_int_eq(r->n_pam, 1);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcfd, 1), 0x30);
    bus_out(&r->bus, 0xcfd, 0x10, 1); /* locked: read RAM, writes to the ROM */
    ck_assert_int_eq(r->n_pam, 2);
    assert_pam(&r->pam[1], 0xf0000, 0x10000, true, false);
    rig_free(r);
}
END_TEST

START_TEST(test_pam_segments)
{
    struct rig *r = rig_new();
    bus_out(&r->bus, 0xcf8, cfg_address(0, 0, 0, 0x58), 4);
    bus_out(&r->bus, 0xcfe, 0x3333, 2); /* PAM1, PAM2 = 0x33 */
    ck_assert_int_eq(r->n_pam, 4);
    assert_pam(&r->pam[0], 0xc0000, 0x4000, true, true);
    assert_pam(&r->pam[1], 0xc4000, 0x4000, true, true);
    assert_pam(&r->pam[2], 0xc8000, 0x4000, true, true);
    assert_pam(&r->pam[3], 0xcc000, 0x4000, true, true);
    /* PAM3-6 in one dword: 0x10 (D4000 read), 0x03 (D8000 rw), 0x02 (E0000
     * write only), 0x21 (E8000 read, EC000 write). */
    cfg_write(r, 0, 0, 0x5c, 0x21020310, 4);
    ck_assert_int_eq(r->n_pam, 9);
    assert_pam(&r->pam[4], 0xd4000, 0x4000, true, false);
    assert_pam(&r->pam[5], 0xd8000, 0x4000, true, true);
    assert_pam(&r->pam[6], 0xe0000, 0x4000, false, true);
    assert_pam(&r->pam[7], 0xe8000, 0x4000, true, false);
    assert_pam(&r->pam[8], 0xec000, 0x4000, false, true);
    ck_assert_uint_eq(cfg_read(r, 0, 0, 0x5c, 4), 0x21020310);
    cfg_write(r, 0, 0, 0x5c, 0x21020310 | 0xcccccccc, 4); /* reserved bits only: nothing */
    ck_assert_int_eq(r->n_pam, 9);
    /* A reset puts each shadowed segment back on the PCI side. */
    pci_reset(r->pci);
    ck_assert_int_eq(r->n_pam, 18);
    for (int k = 9; k < 18; k++)
        ck_assert(!r->pam[k].rd && !r->pam[k].wr);
    ck_assert_uint_eq(cfg_read(r, 0, 0, 0x5c, 4), 0);
    rig_free(r);
}
END_TEST

START_TEST(test_smram)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(cfg_read(r, 0, 0, 0x72, 1), 0x02);
    cfg_write(r, 0, 0, 0x72, 0x4a, 1); /* open, enabled (the Bochs BIOS's SMM setup) */
    ck_assert_uint_eq(cfg_read(r, 0, 0, 0x72, 1), 0x4a);
    cfg_write(r, 0, 0, 0x72, 0x07, 1); /* C_BASE_SEG is read only */
    ck_assert_uint_eq(cfg_read(r, 0, 0, 0x72, 1), 0x02);
    cfg_write(r, 0, 0, 0x72, 0x5a, 1); /* D_LCK: D_OPEN clears */
    ck_assert_uint_eq(cfg_read(r, 0, 0, 0x72, 1), 0x1a);
    cfg_write(r, 0, 0, 0x72, 0x60, 1); /* locked: only D_CLS changes */
    ck_assert_uint_eq(cfg_read(r, 0, 0, 0x72, 1), 0x3a);
    pci_reset(r->pci);
    cfg_write(r, 0, 0, 0x72, 0x48, 1);
    ck_assert_uint_eq(cfg_read(r, 0, 0, 0x72, 1), 0x4a);
    rig_free(r);
}
END_TEST

/* --- the ISA bridge --- */

START_TEST(test_pirq_routing)
{
    struct rig *r = rig_new();
    ck_assert_int_eq(r->n_pirq, 0);
    ck_assert_uint_eq(cfg_read(r, 1, 0, 0x60, 4), 0x80808080);
    cfg_write(r, 1, 0, 0x60, 0x0b, 1);
    ck_assert_int_eq(r->n_pirq, 1);
    ck_assert_int_eq(r->route[0], 11);
    cfg_write(r, 1, 0, 0x60, 0x0b0b0a0a, 4); /* SeaBIOS: A, B -> 10; C, D -> 11 */
    ck_assert_int_eq(r->n_pirq, 5);
    ck_assert_int_eq(r->route[0], 10);
    ck_assert_int_eq(r->route[1], 10);
    ck_assert_int_eq(r->route[2], 11);
    ck_assert_int_eq(r->route[3], 11);
    cfg_write(r, 1, 0, 0x62, 0x7b, 1); /* bits 6:4 reserved: same route */
    ck_assert_uint_eq(cfg_read(r, 1, 0, 0x62, 1), 0x0b);
    ck_assert_int_eq(r->n_pirq, 5);
    cfg_write(r, 1, 0, 0x63, 0x0d, 1); /* IRQ 13 is reserved: nowhere */
    ck_assert_int_eq(r->route[3], PIIX3_NO_IRQ);
    cfg_write(r, 1, 0, 0x63, 0x02, 1);
    cfg_write(r, 1, 0, 0x63, 0x8f, 1); /* disabled */
    ck_assert_int_eq(r->n_pirq, 6);
    cfg_write(r, 1, 0, 0x63, 0x0f, 1);
    ck_assert_int_eq(r->route[3], 15);
    ck_assert_int_eq(r->n_pirq, 7);
    pci_reset(r->pci);
    ck_assert_int_eq(r->n_pirq, 11);
    for (int n = 0; n < PIIX3_NPIRQ; n++)
        ck_assert_int_eq(r->route[n], PIIX3_NO_IRQ);
    rig_free(r);
}
END_TEST

START_TEST(test_isa_bridge_registers)
{
    struct rig *r = rig_new();
    ck_assert_uint_eq(cfg_read(r, 1, 0, 0x4c, 4), 0x0003004d); /* IORT, XBCS */
    ck_assert_uint_eq(cfg_read(r, 1, 0, 0x69, 1), 0x02);       /* TOM */
    cfg_write(r, 1, 0, 0x69, 0x10, 1);
    ck_assert_uint_eq(cfg_read(r, 1, 0, 0x69, 1), 0x10);
    cfg_write(r, 1, 0, PCI_COMMAND, 0, 2); /* always decodes */
    ck_assert_uint_eq(cfg_read(r, 1, 0, PCI_COMMAND, 2), 0x0007);
    cfg_write(r, 1, 0, 0x90, 0xffffffff, 4); /* not a register */
    ck_assert_uint_eq(cfg_read(r, 1, 0, 0x90, 4), 0);
    rig_free(r);
}
END_TEST

/* --- the IDE function --- */

START_TEST(test_ide_function)
{
    struct rig *r = rig_new();
    for (uint32_t reg = PCI_BAR0; reg < PCI_BAR0 + 16; reg += 4) { /* legacy mode: no BARs */
        cfg_write(r, 1, 1, reg, 0xffffffff, 4);
        ck_assert_uint_eq(cfg_read(r, 1, 1, reg, 4), 0);
    }
    ck_assert_uint_eq(cfg_read(r, 1, 1, 0x20, 4), 0x00000001); /* BMIBA */
    cfg_write(r, 1, 1, 0x20, 0xffffffff, 4);
    ck_assert_uint_eq(cfg_read(r, 1, 1, 0x20, 4), 0xfffffff1); /* 16 ports */
    cfg_write(r, 1, 1, 0x20, 0xc000, 4);
    ck_assert_uint_eq(cfg_read(r, 1, 1, 0x20, 4), 0x0000c001);
    ck_assert_uint_eq(bus_in(&r->bus, 0xc002, 1), 0xff); /* bus master: not emulated */
    cfg_write(r, 1, 1, 0x40, 0x80008000, 4);             /* SeaBIOS: both channels on */
    ck_assert_uint_eq(cfg_read(r, 1, 1, 0x40, 4), 0x80008000);
    cfg_write(r, 1, 1, 0x40, 0xffff, 2);
    ck_assert_uint_eq(cfg_read(r, 1, 1, 0x40, 2), 0xf3ff);
    cfg_write(r, 1, 1, PCI_COMMAND, 0xffff, 2);
    ck_assert_uint_eq(cfg_read(r, 1, 1, PCI_COMMAND, 4), 0x02800005);
    rig_free(r);
}
END_TEST

/* --- interrupt registers --- */

START_TEST(test_interrupt_line_pin)
{
    static const int fns[][2] = {{0, 0}, {1, 0}, {1, 1}, {2, 0}};
    struct rig *r = rig_new();
    for (size_t k = 0; k < 4; k++) {
        int d = fns[k][0], f = fns[k][1];
        ck_assert_uint_eq(cfg_read(r, d, f, PCI_INTERRUPT_LINE, 4), 0); /* no pin */
        cfg_write(r, d, f, PCI_INTERRUPT_LINE, 0xffff0b00 | (uint32_t)k, 4);
        ck_assert_uint_eq(cfg_read(r, d, f, PCI_INTERRUPT_LINE, 4), k);
        cfg_write(r, d, f, PCI_INTERRUPT_PIN, 0x01, 1); /* read only */
        ck_assert_uint_eq(cfg_read(r, d, f, PCI_INTERRUPT_PIN, 1), 0);
    }
    rig_free(r);
}
END_TEST

/* --- reset, errors, robustness --- */

START_TEST(test_reset)
{
    struct rig *r = rig_new();
    cfg_write(r, 2, 0, PCI_BAR0, 0xfd000000, 4);
    cfg_write(r, 2, 0, PCI_ROM_ADDRESS, 0xfeb00001, 4);
    cfg_write(r, 2, 0, PCI_INTERRUPT_LINE, 0x0b, 1);
    ck_assert_uint_eq(r->lfb_new, 0xfd000000);
    pci_reset(r->pci);
    ck_assert_uint_eq(bus_in(&r->bus, 0xcf8, 4), 0);
    ck_assert_uint_eq(r->lfb_old, 0xfd000000);
    ck_assert_uint_eq(r->lfb_new, PCI_UNMAPPED);
    ck_assert_uint_eq(bus_mem_read(&r->bus, 0xfeb00000, 2), 0xffff);
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_BAR0, 4), 0x00000008);
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_ROM_ADDRESS, 4), 0);
    ck_assert_uint_eq(cfg_read(r, 2, 0, PCI_INTERRUPT_LINE, 1), 0);
    rig_free(r);
}
END_TEST

START_TEST(test_create_errors)
{
    struct rig *r = rig_new();
    ck_assert_ptr_null(i440fx_create(r->pci, NULL, NULL)); /* 00:00.0 taken */
    ck_assert_ptr_null(piix3_create(r->pci, PIIX3_DEV, NULL, NULL));
    ck_assert_ptr_null(piix3_create(r->pci, PCI_DEVICES, NULL, NULL));
    ck_assert_ptr_null(pci_vga_create(r->pci, &r->bus, PCI_VGA_DEV, NULL, 0, NULL));
    ck_assert_ptr_null(pci_vga_create(r->pci, &r->bus, -1, NULL, 0, NULL));
    ck_assert_ptr_null(pci_vga_create(r->pci, &r->bus, 5, r->rom, (16u << 20) + 1, NULL));
    struct pci_function f = {0};
    ck_assert_int_eq(pci_register(r->pci, 0, 8, &f), -1);
    ck_assert_int_eq(pci_register(r->pci, 2, 0, &f), -1);
    ck_assert_int_eq(pci_register(r->pci, 9, 0, &f), 0);
    ck_assert_uint_eq(cfg_read(r, 9, 0, PCI_VENDOR_ID, 4), 0); /* zeroed, all read only */
    rig_free(r);
}
END_TEST

START_TEST(test_devinfo)
{
    struct rig *r = rig_new();
    struct devinfo info[4];
    ck_assert_uint_eq(pci_devinfo(r->pci, info, 4), 1);
    ck_assert_str_eq(info[0].name, "pci");
    ck_assert_uint_eq(i440fx_devinfo(r->host, info, 4), 1);
    ck_assert_str_eq(info[0].name, "i440fx");
    ck_assert_uint_eq(devfield_get(&info[0].fields[0], info[0].state, 2), 0x37);
    ck_assert_uint_eq(piix3_devinfo(r->piix, info, 4), 2);
    ck_assert_str_eq(info[1].name, "piix3.ide");
    ck_assert_uint_eq(devfield_get(&info[1].fields[0], info[1].state, 2), 0x10);
    ck_assert_uint_eq(piix3_devinfo(r->piix, info, 1), 1);
    ck_assert_uint_eq(pci_vga_devinfo(r->vga, info, 4), 1);
    ck_assert_str_eq(info[0].name, "pci_vga");
    ck_assert_uint_eq(pci_vga_devinfo(r->vga, info, 0), 0);
    rig_free(r);
}
END_TEST

/* An untrusted guest hammering every port of the mechanism with every width
 * and random values: nothing crashes, and the identities stay. */
START_TEST(test_guest_noise)
{
    struct rig *r = rig_new();
    uint32_t seed = 12345;
    for (int k = 0; k < 50000; k++) {
        seed = seed * 1103515245u + 12345u;
        uint16_t port = (uint16_t)(0xcf8 + ((seed >> 8) & 7));
        int size = 1 << ((seed >> 12) % 3);
        seed = seed * 1103515245u + 12345u;
        uint32_t value = seed;
        if (port == 0xcf8 && size == 4) /* keep to bus 0, devices 0-3, any register */
            value = (value & 0x800007fc) | (value & 0x1800);
        if (seed & 0x10000)
            bus_out(&r->bus, port, value, size);
        else
            (void)bus_in(&r->bus, port, size);
    }
    ck_assert_uint_eq(pci_config_read(r->pci, 0, 0, PCI_VENDOR_ID, 4), 0x12378086);
    ck_assert_uint_eq(pci_config_read(r->pci, 1, 0, PCI_VENDOR_ID, 4), 0x70008086);
    ck_assert_uint_eq(pci_config_read(r->pci, 1, 1, PCI_VENDOR_ID, 4), 0x70108086);
    ck_assert_uint_eq(pci_config_read(r->pci, 2, 0, PCI_VENDOR_ID, 4), 0x11111234);
    ck_assert_int_gt(r->n_pam + r->n_pirq + r->n_lfb + r->n_cf9, 10);
    rig_free(r);
}
END_TEST

static Suite *pci_suite(void)
{
    Suite *s = suite_create("pci");
    TCase *t = tcase_create("core");
    tcase_add_test(t, test_config_address);
    tcase_add_test(t, test_enable_bit);
    tcase_add_test(t, test_decoding);
    tcase_add_test(t, test_data_widths);
    tcase_add_test(t, test_absent_all_ones);
    tcase_add_test(t, test_ids_and_classes);
    tcase_add_test(t, test_vga_bar0_sizing);
    tcase_add_test(t, test_rom_bar_sizing);
    tcase_add_test(t, test_rom_bar_decoding);
    tcase_add_test(t, test_rom_bar_bochs_bios);
    tcase_add_test(t, test_rom_address_rule);
    tcase_add_test(t, test_no_rom);
    tcase_add_test(t, test_pam_bios_area);
    tcase_add_test(t, test_pam_segments);
    tcase_add_test(t, test_smram);
    tcase_add_test(t, test_pirq_routing);
    tcase_add_test(t, test_isa_bridge_registers);
    tcase_add_test(t, test_ide_function);
    tcase_add_test(t, test_interrupt_line_pin);
    tcase_add_test(t, test_reset);
    tcase_add_test(t, test_create_errors);
    tcase_add_test(t, test_devinfo);
    tcase_add_test(t, test_guest_noise);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(pci_suite());
}
