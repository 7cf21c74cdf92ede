/*
 * meta.h - the two facts the sst286 runner needs from metadata.json: each
 * instruction form's status and its flags-mask.
 *
 * metadata.json nests group opcodes: "opcodes": {"F6": {"reg": {"7": {...}}}}.
 * The reader flattens that to the names the data files use: "F6.7" for a
 * group member, "27" or "0F01.2" otherwise.
 */
#ifndef LAB86_META_H
#define LAB86_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define META_MAX 1024 /* instruction forms; the 286 set has about 400 */

/* One instruction form. */
struct meta_entry {
    char key[16];        /* "F6.7": file name without .MOO.gz */
    char status[16];     /* "normal", "fpu", "undefined", ... ("" if absent) */
    bool has_mask;       /* a flags-mask was given */
    uint16_t flags_mask; /* AND with FLAGS on both sides before comparing */
};

struct meta {
    struct meta_entry e[META_MAX]; /* the forms, in file order */
    int n;                         /* used entries */
};

/* Parse the metadata.json file at path into *m. Returns 0, or -1 with a
 * one-line reason in err. */
int meta_load(struct meta *m, const char *path, char *err, size_t errlen);

/* The entry for key, or NULL. */
const struct meta_entry *meta_find(const struct meta *m, const char *key);

#endif
