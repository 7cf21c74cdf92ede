/*
 * pane_dev.c - the Devices pane: every device's state as its own field
 * table describes it (devfield.h; the machine lists them through
 * dbg_devices()): "pic.master" then "imr 0xb8 interrupt mask register",
 * and so on for the PIT's channels, the UARTs, the CMOS, the disks. The
 * same tables drive Lua and snapshots, so what the pane shows is what the
 * machine keeps.
 *
 * Arrays show their elements on one line, byte arrays (DF_BYTES) as hex,
 * cut to the pane's width.
 */
#include <stdio.h>
#include <string.h>

#include "tui_impl.h"

/* A field's value(s) as text. */
static void field_text(const struct devfield *f, const void *state, char *out, size_t len)
{
    static const int digits[] = {[DF_U8] = 2, [DF_U16] = 4, [DF_U32] = 8, [DF_U64] = 16,
                                 [DF_BOOL] = 1, [DF_BYTES] = 2};
    size_t n = 0;
    out[0] = '\0';
    for (size_t k = 0; k < f->count && n + 20 < len; k++) {
        uint64_t v = devfield_get(f, state, k);
        if (f->type == DF_BOOL)
            n += (size_t)snprintf(out + n, len - n, "%s%s", k ? " " : "", v ? "yes" : "no");
        else if (f->type == DF_BYTES)
            n += (size_t)snprintf(out + n, len - n, "%02llx", (unsigned long long)v);
        else
            n += (size_t)snprintf(out + n, len - n, "%s%0*llx", k ? " " : "", digits[f->type],
                                  (unsigned long long)v);
    }
}

/* Line k of the list: a device's name, or one of its fields. Returns the
 * number of lines, drawing line k at row r when r >= 0. */
static int walk(struct tui *t, struct area a, int first, bool focused, int cursor)
{
    const struct devinfo *dev;
    size_t n = dbg_devices(t->d, &dev);
    int line = 0;
    for (size_t i = 0; i < n; i++) {
        int r = line - first;
        if (r >= 0 && r < a.h)
            tui_print(t, a, r, focused && line == cursor ? ST_CURSOR : ST_TITLE, "%s",
                      dev[i].name);
        line++;
        for (size_t j = 0; j < dev[i].n_fields; j++, line++) {
            r = line - first;
            if (r < 0 || r >= a.h)
                continue;
            const struct devfield *f = &dev[i].fields[j];
            char val[256];
            field_text(f, dev[i].state, val, sizeof val);
            enum tui_style st = focused && line == cursor ? ST_CURSOR : ST_NORMAL;
            tui_print(t, a, r, st, "  %-10s %s", f->name, val);
            int col = 14 + (int)strlen(val) + 2;
            if (col < 30)
                col = 30;
            if (f->doc && col < a.w)
                tui_print_at(t, a, r, col, ST_DIM, "%s", f->doc);
        }
    }
    return line;
}

static void dev_draw(struct tui *t, struct pane *p, struct area a)
{
    struct area none = {0, 0, 0, 0};
    int n = walk(t, none, 0, false, -1);
    tui_scroll_to_cursor(p, a.h, n);
    walk(t, a, p->scroll, t->focus == PANE_DEV, p->cursor);
}

static bool dev_key(struct tui *t, struct pane *p, int key)
{
    struct area none = {0, 0, 0, 0};
    return tui_list_key(p, key, p->area.h, walk(t, none, 0, false, -1));
}

const struct pane_class pane_dev = {"Devices", dev_draw, dev_key};
