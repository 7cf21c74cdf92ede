/*
 * media.c - the host files of a run: the ROM images, the disk and CD
 * images, the firmware log and the screen dump.
 *
 * The core does no file I/O (DESIGN.md): the front end reads the ROM
 * images and hands over their bytes, and opens the disk images and hands
 * over descriptors wrapped in a struct blockdev (blockdev_file_init()).
 * Everything is opened and checked before the machine is built, so that
 * every problem with a file is one line naming it and exit status 2, never
 * a guest that finds a broken disk later:
 *
 *   - a hard disk image is opened read-write (the guest's writes go to the
 *     file) and must be a whole number of 512-byte sectors, not empty;
 *   - a CD image is opened read-only and must be a whole number of
 *     2048-byte sectors, not empty;
 *   - a floppy image is opened read-write and must have the size of a
 *     diskette format the drives know (emu_check_floppy());
 *   - a ROM image is read whole; its size is checked by the core's rules
 *     (emu_check_bios(), emu_check_vga_bios());
 *   - the firmware log and the screen dump are created (truncated) up front;
 *   - with --snapshot, every disk image is opened read-only and the guest
 *     writes to a copy-on-write overlay in memory instead (blockdev_cow.h);
 *   - last, the serial ports' host ends (chardev_host.c), since a Unix
 *     socket waits for its client.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blockdev_cow.h"
#include "cli.h"
#include "emu.h"

#define READ_CHUNK  (64u * 1024u)
#define DISK_SECTOR 512u       /* a hard disk's sector */
#define CD_SECTOR   2048u      /* a CD's sector */
#define ROM_MAX     (1u << 20) /* read no more of a ROM file than this: far above any limit */

/* Append up to READ_CHUNK bytes of fd to *buf; returns bytes read, 0 at the
 * end, -1 on error. */
static ssize_t read_chunk(int fd, uint8_t **buf, size_t *len, size_t *cap)
{
    if (*cap - *len < READ_CHUNK) {
        size_t ncap = *cap ? *cap * 2 : READ_CHUNK;
        uint8_t *p = realloc(*buf, ncap);
        if (!p) {
            errno = ENOMEM;
            return -1;
        }
        *buf = p;
        *cap = ncap;
    }
    ssize_t n;
    do
        n = read(fd, *buf + *len, READ_CHUNK);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        *len += (size_t)n;
    return n;
}

uint8_t *cli_read_file(const char *path, size_t max, size_t *len)
{
    uint8_t *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        cli_error(path, "%s", strerror(errno));
        return NULL;
    }
    *len = 0;
    while ((n = read_chunk(fd, &buf, len, &cap)) > 0 && *len <= max)
        ;
    int saved = errno;
    close(fd);
    if (n < 0 || *len > max || *len == 0) {
        if (n < 0)
            cli_error(path, "%s", strerror(saved));
        else if (*len)
            cli_error(path, "file too large (more than %zu bytes)", max);
        else
            cli_error(path, "empty file");
        free(buf);
        return NULL;
    }
    return buf;
}

/* Open the disk image at path (flag names the option) as a blockdev of
 * sector-sized sectors; read-only for a CD. Returns 0 or -1 after one
 * error line. */
static int open_disk(struct run_media *md, int slot, const char *path, unsigned sector,
                     bool read_only)
{
    struct stat st;
    read_only = read_only || md->snapshot; /* --snapshot: the file is never written */
    int fd = open(path, read_only ? O_RDONLY : O_RDWR);
    if (fd < 0) {
        cli_error(path, "%s", strerror(errno));
        return -1;
    }
    md->fd[slot] = fd;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        cli_error(path, "not a regular file (a disk image is a file)");
        return -1;
    }
    if (st.st_size == 0) {
        cli_error(path, "empty disk image");
        return -1;
    }
    if (st.st_size % sector != 0) {
        cli_error(path, "disk image size %lld is not a whole number of %u-byte sectors",
                  (long long)st.st_size, sector);
        return -1;
    }
    if (blockdev_file_init(&md->disk[slot], fd, read_only) != 0) {
        cli_error(path, "cannot find the size of the image: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Open the floppy image at path into slot, read-write, and check that its
 * size is a diskette's. */
static int open_floppy(struct run_media *md, int slot, const char *path)
{
    char err[200];
    if (open_disk(md, slot, path, 1, false) != 0) /* any size: the check below names it */
        return -1;
    if (emu_check_floppy(md->disk[slot].size, err, sizeof err) != 0) {
        cli_error(path, "%s", err);
        return -1;
    }
    return 0;
}

/* --snapshot: put each disk (not the CD, which is read-only anyway) behind
 * a copy-on-write overlay in memory (core/blockdev_cow.h): the guest reads
 * its own writes, and the image file, opened read-only, stays as it was. */
static int snapshot_disks(struct run_media *md)
{
    for (int k = 0; k < RUN_NDISKS; k++) {
        if (md->fd[k] < 0 || k == RUN_CDROM)
            continue;
        md->image[k] = md->disk[k];
        if (blockdev_cow_init(&md->disk[k], &md->image[k]) != 0) {
            cli_error("--snapshot", "out of memory");
            return -1;
        }
    }
    return 0;
}

static int open_disks(const struct run_args *a, struct run_media *md)
{
    if (a->hda && open_disk(md, RUN_HDA, a->hda, DISK_SECTOR, false) != 0)
        return -1;
    if (a->hdb && open_disk(md, RUN_HDB, a->hdb, DISK_SECTOR, false) != 0)
        return -1;
    if (a->cdrom && open_disk(md, RUN_CDROM, a->cdrom, CD_SECTOR, true) != 0)
        return -1;
    if (a->fda && open_floppy(md, RUN_FDA, a->fda) != 0)
        return -1;
    if (a->fdb && open_floppy(md, RUN_FDB, a->fdb) != 0)
        return -1;
    if (md->snapshot && snapshot_disks(md) != 0)
        return -1;
    md->hda = a->hda ? &md->disk[RUN_HDA] : NULL;
    md->hdb = a->hdb ? &md->disk[RUN_HDB] : NULL;
    md->cdrom = a->cdrom ? &md->disk[RUN_CDROM] : NULL;
    md->fda = a->fda ? &md->disk[RUN_FDA] : NULL;
    md->fdb = a->fdb ? &md->disk[RUN_FDB] : NULL;
    return 0;
}

/* The system BIOS and the VGA BIOS, read and checked. */
static int read_roms(const struct run_args *a, struct run_media *md)
{
    char err[200];
    if (a->bios) {
        md->bios = cli_read_file(a->bios, ROM_MAX, &md->bios_len);
        if (!md->bios)
            return -1;
        if (emu_check_bios(md->bios_len, err, sizeof err) != 0) {
            cli_error(a->bios, "%s", err);
            return -1;
        }
    }
    if (a->vga_bios) {
        md->vga_bios = cli_read_file(a->vga_bios, ROM_MAX, &md->vga_bios_len);
        if (!md->vga_bios)
            return -1;
        if (emu_check_vga_bios(md->vga_bios, md->vga_bios_len, err, sizeof err) != 0) {
            cli_error(a->vga_bios, "%s", err);
            return -1;
        }
    }
    return 0;
}

/* Nothing open: every descriptor -1. */
static void media_reset(struct run_media *md)
{
    *md = (struct run_media){0};
    for (int k = 0; k < RUN_NDISKS; k++)
        md->fd[k] = -1;
    for (int k = 0; k < 2; k++)
        md->serial[k] = (struct host_serial){.in_fd = -1, .out_fd = -1};
}

static void file_write(void *opaque, const uint8_t *buf, size_t len)
{
    fwrite(buf, 1, len, opaque);
}

/* A file the run writes: created (or truncated) now. */
static FILE *create_file(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        cli_error(path, "%s", strerror(errno));
    return f;
}

int media_open(const struct run_args *a, struct run_media *md)
{
    media_reset(md);
    md->snapshot = a->snapshot;
    if (read_roms(a, md) != 0 || open_disks(a, md) != 0)
        goto fail;
    if (a->fwlog && !(md->fwlog_file = create_file(a->fwlog)))
        goto fail;
    md->fwlog = (struct chardev){md->fwlog_file ? file_write : NULL, md->fwlog_file};
    if (a->vga_text_out && !(md->vga_text_file = create_file(a->vga_text_out)))
        goto fail;
    if (host_serial_open(&a->serial[0], "COM1", &md->serial[0]) != 0 ||
        host_serial_open(&a->serial[1], "COM2", &md->serial[1]) != 0)
        goto fail;
    return 0;
fail:
    media_close(md);
    return -1;
}

void media_close(struct run_media *md)
{
    for (int k = 0; k < RUN_NDISKS; k++)
        if (md->image[k].read) /* an overlay of --snapshot: its writes are dropped */
            blockdev_cow_free(&md->disk[k]);
    for (int k = 0; k < RUN_NDISKS; k++)
        if (md->fd[k] >= 0)
            close(md->fd[k]);
    free(md->bios);
    free(md->vga_bios);
    if (md->fwlog_file)
        fclose(md->fwlog_file);
    if (md->vga_text_file)
        fclose(md->vga_text_file);
    host_serial_close(&md->serial[0]);
    host_serial_close(&md->serial[1]);
    media_reset(md);
}

void media_write_screen(struct run_media *md, struct emu *m)
{
    if (!md->vga_text_file)
        return;
    size_t need = emu_screen_text(m, NULL, 0);
    char *text = malloc(need ? need : 1);
    if (text) {
        size_t n = emu_screen_text(m, text, need);
        fwrite(text, 1, n < need ? n : need, md->vga_text_file);
    }
    free(text);
    fflush(md->vga_text_file);
}
