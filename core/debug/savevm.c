/*
 * savevm.c - `savevm FILE` and `loadvm FILE` for the debugger's front ends:
 * a snapshot (../snapshot.h) written to or read from a host file.
 *
 * The core proper does no file I/O (emu.h): emu_save() and emu_load() work
 * on buffers. The debugger core is the front ends' library, so the files
 * are handled here, as dbg_load_symbols() does: emu_save_file() and
 * emu_load_file() for any front end (the command line's --loadvm and
 * --savevm-at use them without a debugger), dbg_savevm() and dbg_loadvm()
 * for the debugger's, which report a failure as one line naming the file.
 */
#include "debug/dbg_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file at path in a new buffer: 0, or -1 with errno set. */
static int read_all(const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n == cap) {
            uint8_t *p = realloc(buf, cap = cap ? 2 * cap : 1u << 20);
            if (!p) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return -1;
            }
            buf = p;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

int emu_save_file(struct emu *m, const char *path, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t len;
    if (emu_save(m, &buf, &len, err, errlen) != 0)
        return -1;
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(buf, 1, len, f) == len;
    int saved = errno;
    if (f && fclose(f) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    free(buf);
    if (!ok)
        snprintf(err, errlen, "cannot write: %s", strerror(saved));
    return ok ? 0 : -1;
}

int emu_load_file(struct emu *m, const char *path, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t len;
    if (read_all(path, &buf, &len) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    int rc = emu_load(m, buf, len, err, errlen);
    free(buf);
    return rc;
}

int dbg_savevm(struct dbg *d, const char *path, char *err, size_t errlen)
{
    char why[200];
    if (emu_save_file(d->m, path, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    return 0;
}

int dbg_loadvm(struct dbg *d, const char *path, char *err, size_t errlen)
{
    char why[200];
    int rc = emu_load_file(d->m, path, why, sizeof why);
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    dbg_end_goal(d);
    d->stop = (struct dbg_stop_info){.reason = DBG_STOP_STEP};
    d->stopped_at_boundary = false;
    dbg_rev_reset(d); /* the history belongs to the time line the load left */
    return 0;
}
