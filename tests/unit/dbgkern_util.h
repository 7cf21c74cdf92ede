/*
 * dbgkern_util.h - a machine running the debugger suites' guest kernel
 * (dbgkern.asm + dbgkern_c.c, built by unit.mk into the suites' own
 * directory as dbgkern.elf), with a debugger and the kernel's symbols, for
 * test_dbgio.c, test_events.c and test_symbols.c.
 *
 * Addresses come from the kernel's symbol table (dbg_symbol_addr), so the
 * suites do not hard-code where the linker put things; test_symbols.c
 * checks the symbols themselves against the code.
 */
#ifndef LAB86_DBGKERN_UTIL_H
#define LAB86_DBGKERN_UTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debug/debug.h"
#include "emu.h"

#define DK_LIMIT 50000000u   /* cycles: far more than the kernel needs */
#define DK_FLOOD 5000        /* dbgkern.asm's FLOOD */
#define DK_SERIAL "boot ok\r\nlogin: "

/* $(BUILD)/tests/dbgkern.elf: beside the running suite. */
static inline const char *dk_path(void)
{
    static char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 32);
    ck_assert_int_gt(n, 0);
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    strcpy(slash ? slash + 1 : path, "dbgkern.elf");
    return path;
}

/* The whole file. */
static inline uint8_t *dk_read(size_t *len)
{
    FILE *f = fopen(dk_path(), "rb");
    ck_assert_msg(f != NULL, "cannot open %s", dk_path());
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n);
    ck_assert(buf && fread(buf, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* A machine with the kernel loaded, its debugger, and the symbols. */
static inline struct dbg *dk_machine(enum emu_core core)
{
    char err[200];
    size_t len;
    struct emu_config cfg = {.ram_size = 8u << 20, .core = core};
    struct emu *m = emu_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    uint8_t *img = dk_read(&len);
    ck_assert_msg(emu_load_multiboot(m, img, len, NULL, err, sizeof err) == 0, "%s", err);
    free(img);
    struct dbg *d = dbg_create(m);
    ck_assert_ptr_nonnull(d);
    ck_assert_msg(dbg_load_symbols(d, dk_path(), err, sizeof err) == 0, "%s", err);
    return d;
}

static inline void dk_free(struct dbg *d)
{
    struct emu *m = dbg_emu(d);
    dbg_destroy(d);
    emu_destroy(m);
}

/* A symbol's address; the test fails when there is none. */
static inline uint32_t dk_sym(struct dbg *d, const char *name)
{
    uint64_t a;
    ck_assert_msg(dbg_symbol_addr(d, name, &a) == 0, "no symbol %s", name);
    return (uint32_t)a;
}

/* CS.base + EIP. */
static inline uint32_t dk_eip(struct dbg *d)
{
    struct dbg_cpu_view v;
    dbg_get_cpu(d, &v);
    return (uint32_t)(v.seg[DBG_CS].base + v.eip);
}

/* A dword of guest memory. */
static inline uint32_t dk_peek32(struct dbg *d, uint32_t lin)
{
    uint8_t b[4];
    ck_assert_int_eq(dbg_read_linear(d, lin, b, 4, NULL), 4);
    return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static const enum emu_core dk_cores[] = {EMU_CORE_SWITCH, EMU_CORE_THREADED};

/* A main() for a suite. */
#define DK_MAIN(suite_fn)                                                                          \
    int main(void)                                                                                 \
    {                                                                                              \
        SRunner *sr = srunner_create(suite_fn());                                                  \
        srunner_run_all(sr, CK_NORMAL);                                                            \
        int failed = srunner_ntests_failed(sr);                                                    \
        srunner_free(sr);                                                                          \
        return failed ? 1 : 0;                                                                     \
    }

#endif
