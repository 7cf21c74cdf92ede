/*
 * meta.c - a small, strict JSON walker for metadata.json (see meta.h).
 *
 * This is not a general JSON library: it parses any well-formed JSON text
 * (objects, arrays, strings, numbers, literals), keeps the chain of object
 * keys from the root to the current value, and hands each scalar to
 * on_value(), which keeps only "opcodes.<op>.<field>" and
 * "opcodes.<op>.reg.<n>.<field>" for the fields status and flags-mask.
 * Anything malformed (unterminated string, missing colon, nesting deeper
 * than MAX_NEST, trailing garbage) stops the walk with a message.
 */
#include "meta.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JSON (4u << 20) /* metadata.json is about 46 KiB */
#define MAX_KEYS 8          /* object keys kept in the path */
#define KEY_LEN  16         /* longest key kept (longer ones are truncated) */
#define MAX_NEST 32         /* objects and arrays nested */

/* The walker's state. */
struct json {
    const char *p, *end;          /* cursor and end of the text */
    int depth;                    /* keys in path[] */
    int nest;                     /* open objects and arrays */
    char path[MAX_KEYS][KEY_LEN]; /* keys from the root to the current value */
    struct meta *m;               /* where results go */
    const char *err;              /* first error, or NULL */
};

static void parse_value(struct json *j);

static bool fail(struct json *j, const char *msg)
{
    if (!j->err)
        j->err = msg;
    return false;
}

static void skip_ws(struct json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

/* Consume ch after optional white space. */
static bool expect(struct json *j, char ch)
{
    skip_ws(j);
    if (j->p < j->end && *j->p == ch) {
        j->p++;
        return true;
    }
    return false;
}

/* A string into buf, truncated to n - 1 characters; escapes kept simple
 * (\uXXXX becomes '?': no key or status we need uses one). */
static bool parse_string(struct json *j, char *buf, size_t n)
{
    size_t k = 0;
    if (!expect(j, '"'))
        return fail(j, "string expected");
    while (j->p < j->end && *j->p != '"') {
        char ch = *j->p++;
        if (ch == '\\' && j->p < j->end) {
            ch = *j->p++;
            if (ch == 'u') {
                if (j->end - j->p < 4)
                    break;
                j->p += 4;
                ch = '?';
            }
        }
        if (k + 1 < n)
            buf[k++] = ch;
    }
    if (j->p >= j->end)
        return fail(j, "unterminated string");
    j->p++;
    buf[k] = '\0';
    return true;
}

/* The entry for key, created if new. */
static struct meta_entry *entry(struct json *j, const char *key)
{
    struct meta *m = j->m;
    for (int k = 0; k < m->n; k++)
        if (strcmp(m->e[k].key, key) == 0)
            return &m->e[k];
    if (m->n == META_MAX) {
        fail(j, "too many instruction forms");
        return NULL;
    }
    struct meta_entry *e = &m->e[m->n++];
    memset(e, 0, sizeof *e);
    strcpy(e->key, key);
    return e;
}

/* The form key of the current path ("27", "F6.7"), or false if the path is
 * not opcodes.<op>.<field> or opcodes.<op>.reg.<n>.<field>. */
static bool form_key(const struct json *j, char *key, size_t n, const char **field)
{
    if (j->depth < 3 || strcmp(j->path[0], "opcodes") != 0)
        return false;
    size_t a = strlen(j->path[1]);
    if (j->depth == 3 && a < n) {
        memcpy(key, j->path[1], a + 1);
        *field = j->path[2];
        return true;
    }
    size_t b = strlen(j->path[3]);
    if (j->depth == 5 && strcmp(j->path[2], "reg") == 0 && a + b + 2 <= n) {
        memcpy(key, j->path[1], a);
        key[a] = '.';
        memcpy(key + a + 1, j->path[3], b + 1);
        *field = j->path[4];
        return true;
    }
    return false;
}

/* A scalar at the current path: keep it if it is a status or a flags-mask. */
static void on_value(struct json *j, const char *str, long num, bool is_num)
{
    char key[sizeof j->m->e[0].key];
    const char *field;
    if (!form_key(j, key, sizeof key, &field))
        return;
    if (strcmp(field, "status") == 0 && !is_num) {
        struct meta_entry *e = entry(j, key);
        if (e)
            snprintf(e->status, sizeof e->status, "%s", str);
    } else if (strcmp(field, "flags-mask") == 0) {
        if (!is_num || num < 0 || num > 0xffff) {
            fail(j, "flags-mask is not a 16-bit number");
            return;
        }
        struct meta_entry *e = entry(j, key);
        if (e) {
            e->has_mask = true;
            e->flags_mask = (uint16_t)num;
        }
    }
}

static void parse_object(struct json *j)
{
    int slot = j->depth;
    j->p++;
    if (expect(j, '}'))
        return;
    do {
        char key[KEY_LEN];
        if (!parse_string(j, key, sizeof key))
            return;
        if (!expect(j, ':')) {
            fail(j, "':' expected after a key");
            return;
        }
        if (slot < MAX_KEYS)
            memcpy(j->path[slot], key, sizeof key);
        j->depth = slot + 1;
        parse_value(j);
        j->depth = slot;
    } while (!j->err && expect(j, ','));
    if (!j->err && !expect(j, '}'))
        fail(j, "',' or '}' expected in an object");
}

static void parse_array(struct json *j)
{
    j->p++;
    if (expect(j, ']'))
        return;
    do
        parse_value(j);
    while (!j->err && expect(j, ','));
    if (!j->err && !expect(j, ']'))
        fail(j, "',' or ']' expected in an array");
}

/* A number or a literal (true, false, null). */
static void parse_scalar(struct json *j)
{
    char buf[32];
    size_t k = 0;
    while (j->p < j->end && k + 1 < sizeof buf && *j->p && strchr("+-.0123456789eEtrufalsn", *j->p))
        buf[k++] = *j->p++;
    buf[k] = '\0';
    if (!strcmp(buf, "true") || !strcmp(buf, "false") || !strcmp(buf, "null")) {
        on_value(j, buf, 0, false);
        return;
    }
    char *end;
    double v = strtod(buf, &end);
    bool integral = v >= -1e9 && v <= 1e9 && v == (double)(long)v;
    if (k == 0 || *end != '\0')
        fail(j, "malformed value");
    else
        on_value(j, buf, integral ? (long)v : -1, true);
}

static void parse_value(struct json *j)
{
    char str[64];
    skip_ws(j);
    if (j->p >= j->end) {
        fail(j, "unexpected end of text");
        return;
    }
    if (++j->nest > MAX_NEST) {
        fail(j, "nested too deeply");
        return;
    }
    if (*j->p == '{')
        parse_object(j);
    else if (*j->p == '[')
        parse_array(j);
    else if (*j->p == '"') {
        if (parse_string(j, str, sizeof str))
            on_value(j, str, 0, false);
    } else
        parse_scalar(j);
    j->nest--;
}

/* Read the whole file into a malloc'd buffer. */
static char *slurp(const char *path, size_t *len, const char **why)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *why = strerror(errno);
        return NULL;
    }
    char *buf = malloc(MAX_JSON);
    size_t n = buf ? fread(buf, 1, MAX_JSON, fp) : 0;
    bool bad = !buf || ferror(fp) || n == MAX_JSON;
    fclose(fp);
    if (bad) {
        free(buf);
        *why = "unreadable or too large";
        return NULL;
    }
    *len = n;
    return buf;
}

int meta_load(struct meta *m, const char *path, char *err, size_t errlen)
{
    size_t len = 0;
    const char *why = NULL;
    char *text = slurp(path, &len, &why);
    if (!text) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    struct json j = {.p = text, .end = text + len, .m = m};
    m->n = 0;
    parse_value(&j);
    skip_ws(&j);
    if (!j.err && j.p != j.end)
        j.err = "text after the JSON value";
    if (!j.err && !meta_find(m, "00"))
        j.err = "no \"opcodes\" entries";
    if (j.err)
        snprintf(err, errlen, "%s: malformed near byte %zu: %s", path, (size_t)(j.p - text), j.err);
    free(text);
    return j.err ? -1 : 0;
}

const struct meta_entry *meta_find(const struct meta *m, const char *key)
{
    for (int k = 0; k < m->n; k++)
        if (strcmp(m->e[k].key, key) == 0)
            return &m->e[k];
    return NULL;
}
