/*
 * test_decode_ref.c - the decoder against its reference model, bit for bit.
 *
 * core/interp/decode.c is tuned for speed (one limit test a byte, derived
 * attribute tables, the prefix loop only when there is a prefix); the switch
 * core executes whatever it decodes, so the tuning must not change a single
 * field of a single decode. decode_ref.h holds the decoder as it was before,
 * in its plain form; every case here hands both the same bytes and requires
 * the same status and the same struct insn, field by field, also for the
 * DECODE_MORE and DECODE_TOOLONG answers (the debugger and the fetch loop see
 * those).
 *
 * The bytes sit at the very end of a page whose successor is PROT_NONE, as an
 * instruction does at the end of a code page: a decoder that reads one byte
 * beyond the n it was given faults here, with or without the sanitizer.
 *
 * The cases: every opcode of both maps with every ModR/M byte, a few SIB
 * bytes and each truncation n = 0..16, in 16- and 32-bit code; the same with
 * prefix runs up to the 15-byte limit; and a seeded stream of random byte
 * strings biased towards prefixes and 0F.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "decode_ref.h"
#include "unit_util.h"

/* The guarded window: the last bytes of a readable page. */
static uint8_t *guard_end;

static void guard_setup(void)
{
    long page = sysconf(_SC_PAGESIZE);
    uint8_t *m =
        mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect(m + page, (size_t)page, PROT_NONE) != 0) {
        perror("test_decode_ref: the guard page");
        exit(1);
    }
    guard_end = m + page;
    ref_build_opmap();
}

/* Describe the first field where a and b differ, or return NULL. */
static const char *insn_diff(const struct insn *a, const struct insn *b)
{
#define SAME(f)                                                                                    \
    do {                                                                                           \
        if (a->f != b->f)                                                                          \
            return #f;                                                                             \
    } while (0)
    SAME(op);
    SAME(len);
    SAME(opsize);
    SAME(osize);
    SAME(addrsize);
    SAME(seg);
    SAME(seg_override);
    SAME(rep);
    SAME(lock);
    SAME(opcode);
    SAME(map);
    SAME(has_modrm);
    SAME(modrm.mod);
    SAME(modrm.reg);
    SAME(modrm.rm);
    SAME(ea.base);
    SAME(ea.index);
    SAME(ea.scale);
    SAME(disp);
    SAME(imm);
    SAME(imm2);
#undef SAME
    return NULL;
}

/* Decode b[0..n) with both decoders (the fast one from the guarded window)
 * and fail with the bytes and the differing field if they disagree. */
static void both(const uint8_t *b, int n, int size)
{
    uint8_t *at = guard_end - n;
    memcpy(at, b, (size_t)n);
    struct insn fast, ref;
    memset(&fast, 0xa5, sizeof fast);
    memset(&ref, 0x5a, sizeof ref);
    int sf = x86_decode(&fast, at, n, size);
    int sr = ref_decode(&ref, b, n, size);
    const char *f = sf != sr ? "status" : insn_diff(&fast, &ref);
    if (f) {
        char hex[64] = "";
        for (int k = 0; k < n && k < 16; k++)
            snprintf(hex + 3 * k, 4, "%02x ", b[k]);
        ck_abort_msg("size %d n %d bytes %s: %s differs (status %d vs %d)", size, n, hex, f, sf,
                     sr);
    }
}

/* Every truncation of a 16-byte string, in both code sizes. */
static void all_lengths(const uint8_t *b)
{
    for (int n = 0; n <= 16; n++) {
        both(b, n, 2);
        both(b, n, 4);
    }
}

/* A small deterministic generator (xorshift32), seeded per test. */
static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Every opcode of map m (0: one byte, 1: 0F) after np prefixes, with every
 * ModR/M byte and a SIB byte from a set covering base 5, index 4 and every
 * scale; the tail bytes random. */
static void opcode_sweep(int m, int np, uint32_t seed)
{
    static const uint8_t prefixes[] = {0x66, 0x67, 0x26, 0x2e, 0x36, 0x3e,
                                       0x64, 0x65, 0xf0, 0xf2, 0xf3};
    static const uint8_t sibs[] = {0x00, 0x25, 0x24, 0x65, 0xa4, 0xe5, 0x1d, 0xff};
    uint32_t s = seed;
    uint8_t b[16];

    for (int opc = 0; opc < 256; opc++)
        for (int modrm = 0; modrm < 256; modrm++) {
            int k = 0;
            for (; k < np; k++)
                b[k] = prefixes[rnd(&s) % sizeof prefixes];
            if (m)
                b[k++] = 0x0f;
            b[k++] = (uint8_t)opc;
            b[k++] = (uint8_t)modrm;
            b[k++] = sibs[(opc + modrm) % sizeof sibs];
            for (; k < 16; k++)
                b[k] = (uint8_t)rnd(&s);
            all_lengths(b);
        }
}

START_TEST(test_sweep_plain)
{
    opcode_sweep(0, 0, 1);
    opcode_sweep(1, 0, 2);
}
END_TEST

START_TEST(test_sweep_prefixed)
{
    /* One prefix; four, where the longest forms reach the 15-byte limit;
     * eleven, where nearly every form crosses it. */
    opcode_sweep(0, 1, 3);
    opcode_sweep(1, 1, 4);
    opcode_sweep(0, 4, 5);
    opcode_sweep(1, 4, 6);
    opcode_sweep(0, 11, 7);
}
END_TEST

START_TEST(test_random_strings)
{
    /* Bytes drawn half from the prefixes, 0F and the ModR/M forms with SIB
     * and displacements, half uniformly: 90,000 strings, each in all
     * 17 truncations and both code sizes (3 million decodes). */
    static const uint8_t common[] = {0x66, 0x67, 0x2e, 0x36, 0x64, 0xf0, 0xf3, 0xf2, 0x0f,
                                     0x04, 0x05, 0x44, 0x45, 0x84, 0x85, 0x80, 0xc0};
    uint32_t s = 0x1a2b3c4d;
    uint8_t b[16];
    for (int t = 0; t < 90000; t++) {
        for (int k = 0; k < 16; k++) {
            uint32_t r = rnd(&s);
            b[k] = (r & 0x100) ? common[(r >> 9) % sizeof common] : (uint8_t)r;
        }
        all_lengths(b);
    }
}
END_TEST

int main(void)
{
    guard_setup();
    Suite *s = suite_create("decode_ref");
    TCase *tc = tcase_create("decode_ref");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_sweep_plain);
    tcase_add_test(tc, test_sweep_prefixed);
    tcase_add_test(tc, test_random_strings);
    suite_add_tcase(s, tc);
    return um_run_suite(s);
}
