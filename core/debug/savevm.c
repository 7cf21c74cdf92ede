/*
 * savevm.c - `savevm FILE` and `loadvm FILE` for the debugger's front ends:
 * a snapshot (../snapshot.h) written to or read from a host file.
 *
 * The core proper does no file I/O (emu.h): emu_save() and emu_load() work
 * on buffers. The debugger core is the front ends' library, so it takes
 * the path here, as dbg_load_symbols() does, and reports a failure as one
 * line naming the file.
 */
#include "debug/dbg_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dbg_savevm(struct dbg *d, const char *path, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t len;
    char why[160];
    if (emu_save(d->m, &buf, &len, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(buf, 1, len, f) == len;
    int saved = errno;
    if (f && fclose(f) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    free(buf);
    if (!ok)
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(saved));
    return ok ? 0 : -1;
}

/* The whole of a file into a new buffer: 0, or -1 with errno set. */
static int slurp(const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    if (!f)
        return -1;
    for (;;) {
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 1u << 20;
            uint8_t *p = realloc(buf, ncap);
            if (!p) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return -1;
            }
            buf = p;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
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

int dbg_loadvm(struct dbg *d, const char *path, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t len;
    char why[200];
    if (slurp(path, &buf, &len) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = emu_load(d->m, buf, len, why, sizeof why);
    free(buf);
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
