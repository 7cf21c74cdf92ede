/*
 * debug_util.h - a machine for the debugger suites: the real struct emu
 * (emu_create) with a tiny multiboot kernel assembled as bytes here, so
 * that the debugger is tested on what front ends drive.
 *
 * The kernel (a.out kludge, loaded at 1 MiB, entered in 32-bit protected
 * mode with flat segments and paging off):
 *
 *   100020 mov esp, 0x180000        100048 func:  inc eax
 *   100025 mov eax, 1               100049        call func2
 *   10002a mov ebx, 2               10004e        add eax, ebx
 *   10002f call func                100050        ret
 *   100034 mov [0x100200], eax      100058 func2: inc eax
 *   100039 mov al, 3                100059        ret
 *   10003b mov dx, 0xf4
 *   10003f out dx, al               (the exit device: code 3)
 *   100040 hlt
 *
 * EAX ends at 5 (1, +1 in func, +1 in func2, +2), stored at 0x100200.
 */
#ifndef LAB86_DEBUG_UTIL_H
#define LAB86_DEBUG_UTIL_H

#include <check.h>
#include <string.h>

#include "debug/debug.h"
#include "emu.h"

#define K_BASE 0x100000u
#define K_SIZE 0x300

static inline void k_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* Place bytes at kernel offset off. */
static inline void k_emit(uint8_t *img, int off, const char *bytes, int n)
{
    memcpy(img + off, bytes, (size_t)n);
}

static inline void k_build(uint8_t *img)
{
    memset(img, 0x90, K_SIZE);
    k_put32(img + 0, 0x1badb002u);
    k_put32(img + 4, 1u << 16);
    k_put32(img + 8, 0u - 0x1badb002u - (1u << 16));
    k_put32(img + 12, K_BASE);        /* header_addr */
    k_put32(img + 16, K_BASE);        /* load_addr */
    k_put32(img + 20, 0);             /* load_end_addr: the whole file */
    k_put32(img + 24, 0);             /* bss_end_addr: none */
    k_put32(img + 28, K_BASE + 0x20); /* entry_addr */
    k_emit(img, 0x20, "\xbc\x00\x00\x18\x00", 5);
    k_emit(img, 0x25, "\xb8\x01\x00\x00\x00", 5);
    k_emit(img, 0x2a, "\xbb\x02\x00\x00\x00", 5);
    k_emit(img, 0x2f, "\xe8\x14\x00\x00\x00", 5); /* 0x48 - 0x34 */
    k_emit(img, 0x34, "\xa3\x00\x02\x10\x00", 5);
    k_emit(img, 0x39, "\xb0\x03", 2);
    k_emit(img, 0x3b, "\x66\xba\xf4\x00", 4);
    k_emit(img, 0x3f, "\xee\xf4", 2);
    k_emit(img, 0x48, "\x40\xe8\x0a\x00\x00\x00", 6); /* 0x58 - 0x4e */
    k_emit(img, 0x4e, "\x01\xd8\xc3", 3);
    k_emit(img, 0x58, "\x40\xc3", 2);
}

/* A machine running the kernel under the given core, with a debugger. */
static inline struct dbg *k_machine(enum emu_core core)
{
    static uint8_t img[K_SIZE];
    char err[200];
    struct emu_config cfg = {.ram_size = 8u << 20, .core = core};
    struct emu *m = emu_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    k_build(img);
    ck_assert_msg(emu_load_multiboot(m, img, sizeof img, NULL, err, sizeof err) == 0, "%s", err);
    struct dbg *d = dbg_create(m);
    ck_assert_ptr_nonnull(d);
    return d;
}

static inline void k_free(struct dbg *d)
{
    struct emu *m = dbg_emu(d);
    dbg_destroy(d);
    emu_destroy(m);
}

static inline uint32_t k_eip(struct dbg *d)
{
    struct dbg_cpu_view v;
    dbg_get_cpu(d, &v);
    return (uint32_t)(v.seg[DBG_CS].base + v.eip);
}

static inline uint32_t k_reg(struct dbg *d, int r)
{
    struct dbg_cpu_view v;
    dbg_get_cpu(d, &v);
    return (uint32_t)v.gpr[r];
}

#define K_LIMIT 1000000u /* cycles: far more than the kernel needs */

#endif
