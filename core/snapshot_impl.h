/*
 * snapshot_impl.h - what the two halves of the snapshot code share:
 * snapshot.c (saving, comparing) and snapshot_load.c (checking and
 * restoring). The format itself is described in snapshot.h.
 */
#ifndef LAB86_SNAPSHOT_IMPL_H
#define LAB86_SNAPSHOT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "blockdev.h"
#include "board.h"
#include "snapshot.h"

/* The drives a snapshot checks, in this order. */
enum { DRIVE_HDA, DRIVE_HDB, DRIVE_CDROM, DRIVE_FDA, DRIVE_FDB, SNAP_DRIVES };

#define DRIVE_WRITABLE 1u /* drive_flags: the medium takes writes */
#define DRIVE_HASHED   2u /* drive_flags: drive_hash covers its contents */

/* The "machine" section: what must match for a load to make sense. */
struct snap_machine {
    uint64_t ram_size;                 /* bytes of RAM */
    uint64_t board;                    /* enum emu_board */
    uint64_t hz;                       /* nominal CPU clock */
    uint64_t fw_len;                   /* system BIOS bytes; 0: no firmware */
    uint64_t fw_hash;                  /* FNV-1a of the BIOS and the ROM sides */
    uint64_t drive_size[SNAP_DRIVES];  /* bytes + 1; 0: no such drive */
    uint64_t drive_flags[SNAP_DRIVES]; /* DRIVE_* */
    uint64_t drive_hash[SNAP_DRIVES];  /* contents, when DRIVE_HASHED */
    uint64_t n_cpus;                   /* CPUs (--smp): the BSP and the APs */
};

/* The "smp" section: the SMP scheduler's turn (struct smp_turn, board.h). */
struct snap_smp {
    uint64_t open;  /* 1: the BSP is inside a turn whose APs have not run */
    uint64_t until; /* the BSP cycle that turn ends at, at the latest */
};

/* The "board" section: struct emu's own state (board.h). */
struct snap_board {
    uint8_t pam[BOARD_SHADOW_NSEG]; /* PAM bits of each shadow segment */
    int32_t pirq[PIIX3_NPIRQ];      /* PIRQ routes */
    uint8_t intr_level;             /* the PIC's INT output */
    uint8_t a20_kbc, a20_port92;    /* the two A20 gates */
    uint8_t reset_pending;          /* requests not served yet */
    uint8_t powered_off;
    uint8_t exited;
    uint32_t exit_code;
};


/* A TLB entry's host pointer in a snapshot: NULL, or an offset into RAM. */
#define TLB_NO_HOST UINT64_MAX

#define SNAP_MAX_SECTIONS (SNAP_MAX_REGIONS + 2 * EMU_MAX_CPUS + 16)
#define SNAP_HEADER_LEN   (SNAP_MAGIC_LEN + 2 * sizeof(uint32_t) + sizeof(uint64_t))

struct section {
    char name[SNAP_NAME_LEN + 1]; /* NUL-terminated */
    const uint8_t *data;          /* its bytes, inside the buffer */
    uint64_t len;                 /* how many */
};

struct parsed {
    struct section s[SNAP_MAX_SECTIONS]; /* in file order */
    int n;                               /* how many */
};

static inline uint64_t rd_u64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* How many CPUs m has, the BSP included (1 without --smp). */
static inline uint32_t snap_n_cpus(const struct emu *m)
{
    return m->n_cpus ? m->n_cpus : 1;
}

/* snapshot.c: CPU k's struct cpu as a region, "cpu" for the BSP and "cpuK"
 * for AP K (the keep table is there). */
struct snap_region snap_cpu_region(struct emu *m, uint32_t k);
/* snapshot.c: the name of CPU k's TLB section: "tlb", "tlb1", ... */
const char *snap_tlb_name(uint32_t k);
/* snapshot.c: what m is, for the "machine" section (disks hashed for a file). */
void snap_describe(const struct emu *m, enum snap_mode mode, struct snap_machine *s);
/* snapshot.c: a disk's contents hashed through its backend; false if a read fails. */
bool snap_disk_hash(const struct blockdev *bd, uint64_t *out);
/* snapshot.c: drive k (DRIVE_HDA..) of m's configuration, or NULL. */
const struct blockdev *snap_drive(const struct emu *m, int k);
/* snapshot.c: is page k of p[0..n) all zero bytes? */
bool snap_zero_page(const uint8_t *p, size_t n, size_t k);
/* snapshot_load.c: the header and the section table of buf[0..len): 0,
 * or -1 with a reason. */
int snap_parse(const uint8_t *buf, size_t len, struct parsed *p, char *err, size_t errlen);
/* snapshot_load.c: the section called name, or NULL. */
const struct section *snap_find(const struct parsed *p, const char *name);

#endif
