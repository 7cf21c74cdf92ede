/*
 * snapshot.h - the whole machine as bytes: the file format of `savevm`,
 * `loadvm` and `lab86 run --loadvm`, and the in-memory snapshots of the
 * debugger's reverse execution (debug/reverse.c). The public entry points
 * are emu_save() and emu_load() in emu.h; this header is the core's side:
 * the format, and how a device hands over its state.
 *
 * The format. A header, then named sections, each with its length, so a
 * reader can check everything before it changes anything and say in one
 * line what does not fit:
 *
 *     "LAB86SNP"            8 bytes of magic
 *     u32 version           SNAP_VERSION; another one is refused
 *     u32 flags             SNAP_F_CHECKSUM: the "end" section holds a checksum
 *     u64 total             bytes in the whole snapshot (truncation shows at once)
 *     sections:  char name[16] (NUL-padded), u64 len, len bytes
 *       "machine"   what the machine is: RAM size, board, clock, firmware, drives
 *       "cpu"       struct cpu;   "tlb"  its TLB, host pointers as RAM offsets
 *       "cpu1" ...  with --smp N, each AP's struct cpu and "tlb1" ... its TLB
 *       "smp"       the SMP scheduler's turn in progress (smp.c; zeros with one CPU)
 *       "board"     the board's own wires (PAM, PIRQ, A20, pending requests)
 *       "bus"       the RAM hole and where each memory-mapped range sits now
 *       "clock"     every timer's name and deadline (an absolute cycle)
 *       one section a device: "pic", "pit", ..., "com1", "ata0", ..., and on
 *                   the pc board each CPU's local APIC ("lapic0" ...) and "ioapic"
 *       "ram"       all of RAM (sparse: see SNAP_PAGE below)
 *       "end"       snap_hash() of everything before it (0 when unchecked)
 *
 * Integers are little-endian (the host's: lab86 runs on x86 and other
 * little-endian hosts only). A device section is the device's state struct
 * as the compiler laid it out, so a snapshot is for the build that wrote
 * it: a struct that changed size is refused by name ("section 'vga' is
 * ... bytes, this build's is ..."). That is the deliberate trade: saving a
 * device costs it two lines, not a hand-written serialiser that must be
 * kept in step with every field.
 *
 * How a device takes part (the one- or two-line job; core/README.md):
 *
 *     static const struct snap_keep pic_keep[] = {
 *         SNAP_KEEP(struct pic, intr),           wiring: not state
 *     };
 *     void pic_snap(struct pic *p, const char *name, struct snap_region *out)
 *     {
 *         *out = SNAP_REGION(name, p, pic_keep);
 *     }
 *
 * and one line in board_snap_regions() (board.c). Everything in the struct
 * is saved except the "kept" members: the wiring that belongs to this
 * process rather than to the machine's state (pointers to the bus, the
 * clock, the other chips, callbacks, host ends, struct clock_timer, which
 * the "clock" section restores). A load leaves kept members as they are in
 * the machine it loads into. A device that adds a pointer member must add
 * it to its keep table: test_snapshot.c loads a file into a second machine,
 * frees the first and runs on, so a pointer copied across shows up under
 * the sanitizer build.
 *
 * What a snapshot is not: disks. A disk's sectors are the host's file, not
 * the machine; the "machine" section records each drive's size and, for a
 * writable disk of at most SNAP_HASH_DISK_MAX bytes, a hash of its
 * contents, and a load refuses a disk that changed since ("hda changed
 * since the snapshot was saved"). The in-memory snapshots of reverse
 * execution skip the hash and do not roll disk writes back.
 *
 * A snapshot file is host input made by lab86 itself, like a disk image:
 * its checksum catches a damaged file, but the device bytes are not
 * validated field by field, so a file crafted with a correct checksum can
 * put a device into an impossible state.
 */
#ifndef LAB86_SNAPSHOT_H
#define LAB86_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAP_MAGIC     "LAB86SNP"
#define SNAP_MAGIC_LEN 8
#define SNAP_VERSION   5 /* 2: the APs of --smp N, the "smp" section; 3: struct cpu with
                             the lazy flags, the TLB fast tags and the segments' fast_end;
                             4: 64-bit fast tags and the addends in the TLB;
                             5: struct cpu with seg_flat */
#define SNAP_NAME_LEN  16 /* a section name's field, NUL-padded */
#define SNAP_F_CHECKSUM 1u /* flags: the "end" section's hash is valid */

/* The sparse encoding of RAM and of any device state of SNAP_SPARSE_MIN
 * bytes or more (the VGA's 16 MiB of video memory): u64 the unpacked
 * length, a bitmap with one bit a SNAP_PAGE-byte page (bit k % 8 of byte
 * k / 8: the page holds a non-zero byte), then those pages in order. A
 * machine's memory is mostly zeros, so snapshots shrink from tens of MiB
 * to what the guest has touched. */
#define SNAP_PAGE       4096u
#define SNAP_SPARSE_MIN (64u << 10)

/* Writable disks up to this size are hashed into a file snapshot. */
#define SNAP_HASH_DISK_MAX (512ull << 20)

/* A member of a device's state that a snapshot neither saves nor restores. */
struct snap_keep {
    size_t offset; /* offsetof in the state struct */
    size_t size;   /* bytes */
};

#define SNAP_KEEP(type, member) {offsetof(type, member), sizeof(((type *)0)->member)}

/* One device's state as a snapshot sees it. */
struct snap_region {
    const char *name;             /* the section name ("pic", "com1"), < SNAP_NAME_LEN */
    void *state;                  /* the state struct */
    size_t size;                  /* its bytes */
    const struct snap_keep *keep; /* members left alone (wiring) */
    size_t n_keep;                /* how many */
};

#define SNAP_REGION(nm, ptr, keeps)                                                                \
    ((struct snap_region){(nm), (ptr), sizeof *(ptr), (keeps), sizeof(keeps) / sizeof((keeps)[0])})

/* The most device regions a board lists. */
#define SNAP_MAX_REGIONS 48

struct emu;

/* How a snapshot is made. */
enum snap_mode {
    SNAP_FILE,   /* for a file: checksummed, writable disks hashed */
    SNAP_MEMORY, /* for reverse execution: no checksum, no disk hashes */
};

/* Serialise m into a new malloc'd buffer: *out, *len. Returns 0, or -1
 * with a reason in err (out of memory). */
int snap_save(struct emu *m, enum snap_mode mode, uint8_t **out, size_t *len, char *err,
              size_t errlen);

/* Restore m from buf[0..len). Everything is checked first: on -1 (with a
 * one-line reason in err) m is unchanged. */
int snap_load(struct emu *m, const uint8_t *buf, size_t len, char *err, size_t errlen);

/* FNV-1a 64 of p[0..n) taken a 64-bit word at a time (then the last
 * bytes one by one), continuing from h (start with SNAP_FNV_INIT). */
#define SNAP_FNV_INIT 0xcbf29ce484222325ull
uint64_t snap_hash(uint64_t h, const void *p, size_t n);

/* Compare two machines' snapshots section by section (not RAM, which
 * emu_diff() does): one line per differing section ("section pit differs
 * at byte 24") in out, truncated to len; returns how many differ. For the
 * tests' "restore then run equals run". */
int snap_diff(struct emu *a, struct emu *b, char *out, size_t len);

/* The same for two snapshots already made, RAM included when ram is true:
 * how many sections differ, or -1 when one does not parse. */
int snap_compare(const uint8_t *x, size_t nx, const uint8_t *y, size_t ny, bool ram, char *out,
                 size_t len);

#endif
