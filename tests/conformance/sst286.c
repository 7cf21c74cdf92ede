/*
 * sst286.c - run the SingleStepTests 80286 real-mode vectors against the
 * lab86 CPU core.
 *
 *   sst286 [DIR] [--only XX] [-v] [--summary] [--core switch|threaded]
 *
 * DIR (default ../shared/testdata/sst286) holds metadata.json and
 * v1_real_mode/XX.MOO.gz, one file per instruction form. Each test is one
 * instruction captured on a real 80C286: an initial state (registers and
 * the RAM bytes it touched), the instruction followed by HLT, and the final
 * state. For each test the runner builds that initial state on a real-mode
 * CPU over 16 MiB of flat RAM, steps the CPU until HLT has executed, and
 * compares the 14 registers and every final RAM byte.
 *
 * The CPU under test is a 386 or later, so the few places where the 286
 * documents a different answer are skipped or compared in part, not failed:
 * they are the rows of skip_rules[] in rules.c, each with its reason. The
 * flags an instruction leaves undefined are masked (metadata.json's
 * flags-mask, and RMSK chunks where a file has them). Beyond the 14
 * registers, the runner checks what a 16-bit real-mode instruction must
 * leave alone on a 386: the upper halves of the 32-bit registers and the
 * segment bases (selector * 16).
 *
 * The CPU runs under the switch core (cpu_step(), one instruction at a
 * time: the default) or, with --core threaded, under the threaded core
 * (cpu_run_threaded() to the HLT, with a cycle bound), whose block cache
 * is flushed before each test because the runner writes RAM directly.
 *
 * Each file runs in a child process, so that an emulator crash or hang in
 * one instruction costs that file, not the whole run. The last line printed
 * is always "sst286: P passed, F failed, S skipped"; the exit status is 1
 * when any test failed and 2 on a host error (missing or corrupt data).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus.h"
#include "interp/cpu.h"
#include "interp/exec.h"
#include "interp/tcache.h"
#include "mmu/mmu.h"
#include "meta.h"
#include "moo.h"
#include "rules.h"

#define RAM_SIZE      (16u << 20) /* README: 16 MiB of flat RAM, no A20 wrap */
#define REAL_REACH    0x110004u   /* FFFF:FFFF plus a dword: all real mode can touch */
#define STEPS_PLAIN   64          /* one instruction, an exception, the HLT */
#define STEPS_REP     0x20100     /* REP with CX = FFFF, one iteration a step */
#define STEP_CYCLES   64          /* --core threaded: cycles allowed per step of the bound */
#define SHOW_PER_FILE 3           /* failing tests printed per file */
#define MAX_DIFFS     48          /* differences kept per test */
#define NO_EXC        0xff        /* c->exc.vector before the run: nothing raised */
#define FILE_SECONDS  120         /* a file taking longer is a hung emulator */
#define SUFFIX        ".MOO.gz"

/* ---- the runner's state ---- */

/* Counts for one file, sent from the child to the parent after every test. */
struct file_stats {
    long pass, fail, skip; /* tests so far */
    long revoked;          /* skipped: hash in revocation_list.txt */
    long aliased;          /* run with IVT entry 12 = entry 13 */
    long rule[RULE_COUNT]; /* skipped or relaxed, by rule */
    uint32_t total;        /* tests the file's header announces */
    uint32_t current;      /* index of the test being run */
    int shown;             /* failures printed */
    bool done;             /* the file ran to its end */
};

/* A difference between the expected and the final state. */
struct diff {
    char what[24]; /* "ax", "flags", "ram[0x1a736]", "cs.base" */
    uint32_t exp;  /* expected value (masked) */
    uint32_t got;  /* value found (masked) */
};

/* The outcome of one test. */
struct result {
    char stop[96];            /* why the run did not end at HLT; "" if it did */
    struct diff d[MAX_DIFFS]; /* differences */
    int n;                    /* differences found (may exceed MAX_DIFFS) */
};

struct runner {
    const char *dir;        /* the sst286 data directory */
    const char *only;       /* --only: one form, or NULL */
    bool verbose;           /* -v: every difference, one a line */
    bool summary;           /* --summary: one line per file */
    struct meta meta;       /* metadata.json */
    uint8_t (*revoked)[20]; /* hashes of withdrawn tests */
    int n_revoked;          /* their count */
    struct bus bus;         /* 16 MiB of RAM, reused for every test */
    struct cpu cpu;         /* the CPU under test */
    bool threaded;          /* --core threaded: run it with cpu_run_threaded() */
    struct tcache *tcache;  /* the threaded core's block cache */
};

/* One file being run. */
struct file_run {
    const char *key;             /* "F6.7" */
    const struct meta_entry *me; /* its metadata (NULL: by ModR/M reg, per test) */
    const struct moo_file *moo;  /* the open file (top-level RMSK) */
    struct file_stats st;        /* counts */
    int out;                     /* pipe to the parent */
};

/* Register names and where each lives in struct cpu (-1: not that kind). */
static const struct {
    const char *name;
    int gpr, seg;
} regs[MOO_NREGS] = {
    [MOO_AX] = {"ax", R_EAX, -1},  [MOO_BX] = {"bx", R_EBX, -1},    [MOO_CX] = {"cx", R_ECX, -1},
    [MOO_DX] = {"dx", R_EDX, -1},  [MOO_CS] = {"cs", -1, SEG_CS},   [MOO_SS] = {"ss", -1, SEG_SS},
    [MOO_DS] = {"ds", -1, SEG_DS}, [MOO_ES] = {"es", -1, SEG_ES},   [MOO_SP] = {"sp", R_ESP, -1},
    [MOO_BP] = {"bp", R_EBP, -1},  [MOO_SI] = {"si", R_ESI, -1},    [MOO_DI] = {"di", R_EDI, -1},
    [MOO_IP] = {"ip", -1, -1},     [MOO_FLAGS] = {"flags", -1, -1},
};

static const char *const exc_names[] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
                                        "#DF", "#09", "#TS", "#NP", "#SS", "#GP", "#PF"};

/* A host error: one line, exit status 2. */
static void host_error(const char *what, const char *why)
{
    fprintf(stderr, "sst286: %s: %s\n", what, why);
    exit(2);
}

/* An allocation that must succeed. */
static void *need(void *p)
{
    if (!p)
        host_error("memory", "out of memory");
    return p;
}

/* ---- one test ---- */

/* Refuse a RAM entry outside RAM: only a corrupt file has one. */
static void ram_check(const struct file_run *fr, const struct moo_test *t, const struct moo_ram *m)
{
    for (uint32_t k = 0; k < m->count; k++) {
        uint32_t addr;
        uint8_t val;
        moo_ram_entry(m, k, &addr, &val);
        if (addr >= RAM_SIZE) {
            char what[64];
            snprintf(what, sizeof what, "%s test %u", fr->key, t->index);
            host_error(what, "RAM address beyond 16 MiB (corrupt file?)");
        }
    }
}

/* Zero the RAM bytes a state names: what the last test wrote or expected. */
static void ram_clear(struct runner *r, const struct moo_ram *m)
{
    for (uint32_t k = 0; k < m->count; k++) {
        uint32_t addr;
        uint8_t val;
        moo_ram_entry(m, k, &addr, &val);
        r->bus.ram[addr] = 0;
    }
}

/* A fresh real-mode CPU in the test's initial state. */
static void load_state(struct runner *r, const struct moo_test *t)
{
    struct cpu *c = &r->cpu;
    const uint16_t *v = t->init.regs.r;

    cpu_init(c, &r->bus);
    c->a20_mask = 0xffffffffu;
    for (int k = 0; k < MOO_NREGS; k++) {
        if (regs[k].gpr >= 0)
            c->gpr[regs[k].gpr] = v[k];
        else if (regs[k].seg >= 0)
            cpu_load_real_seg(c, regs[k].seg, v[k]);
    }
    c->eip = v[MOO_IP];
    /* The generator writes random bits 12-15 into INIT's FLAGS, but a 286 in
     * real mode cannot hold them (FINA shows them clear): the state the
     * hardware really started from has them clear, and starting a 386 there
     * keeps PUSHF and interrupt frames comparable. */
    c->eflags = (v[MOO_FLAGS] & FLAGS_286) | FL_FIXED1;
    c->idtr.base = 0; /* the real-mode IVT, in the test's RAM */
    c->idtr.limit = 0x3ff;
    cpu_update_mode(c);
    for (uint32_t k = 0; k < t->init.ram.count; k++) {
        uint32_t addr;
        uint8_t val;
        moo_ram_entry(&t->init.ram, k, &addr, &val);
        r->bus.ram[addr] = val;
    }
}

static const char *exc_name(unsigned vector)
{
    return vector < sizeof exc_names / sizeof *exc_names ? exc_names[vector] : "#?";
}

/* Step until HLT has executed; anything else is written to res->stop,
 * naming the first exception the CPU raised (cpu_fault() records it in
 * c->exc), which is usually the cause: an unimplemented handler is #UD. */
static void run_to_hlt(struct cpu *c, const struct insn_view *v, bool threaded, struct result *res)
{
    int bound = v->rep ? STEPS_REP : STEPS_PLAIN;
    char first[40] = "";

    c->exc.vector = NO_EXC;
    if (threaded) {
        /* Fill the TLB as the first fetch would (real mode: the identity, no
         * walk), so that the instruction under test runs from a block rather
         * than through the switch core's fetch of a TLB miss. */
        struct tlb_entry e;
        if (mmu_tlb_entry(c, (uint32_t)(c->seg[SEG_CS].base + c->eip), MMU_EXEC, false, false, &e))
            snprintf(first, sizeof first, " after a fault filling the TLB");
        cpu_run_threaded(c, c->cycles + (uint64_t)bound * STEP_CYCLES);
        if (c->exc.vector != NO_EXC) /* the last exception raised: where is not known */
            snprintf(first, sizeof first, " after %s", exc_name(c->exc.vector));
    }
    for (int k = 0; k < bound && c->stop == CPU_RUNNING && !threaded; k++) {
        uint16_t cs = c->seg[SEG_CS].sel, ip = (uint16_t)c->eip;
        cpu_step(c);
        if (c->exc.vector != NO_EXC && !first[0])
            snprintf(first, sizeof first, " after %s at %04x:%04x", exc_name(c->exc.vector), cs,
                     ip);
    }
    if (c->stop == CPU_SHUTDOWN)
        snprintf(res->stop, sizeof res->stop, "shutdown (triple fault)%s", first);
    else if (c->stop != CPU_HALTED)
        snprintf(res->stop, sizeof res->stop, "no HLT in %d steps%s; now at %04x:%04x", bound,
                 first, c->seg[SEG_CS].sel, (unsigned)c->eip & 0xffff);
}

static void add_diff(struct result *res, const char *what, uint32_t exp, uint32_t got)
{
    if (res->n < MAX_DIFFS) {
        struct diff *d = &res->d[res->n];
        snprintf(d->what, sizeof d->what, "%s", what);
        d->exp = exp;
        d->got = got;
    }
    res->n++;
}

/* The comparison mask of each register: RMSK (file or FINA) and, for
 * FLAGS, the form's flags-mask and bits 12-15. */
static void reg_masks(const struct file_run *fr, const struct meta_entry *me,
                      const struct moo_test *t, uint16_t *mask)
{
    for (int k = 0; k < MOO_NREGS; k++) {
        mask[k] = 0xffff;
        if (fr->moo->has_rmsk && (fr->moo->rmsk.mask & (1u << k)))
            mask[k] &= fr->moo->rmsk.r[k];
        if (t->fina.has_rmsk && (t->fina.rmsk.mask & (1u << k)))
            mask[k] &= t->fina.rmsk.r[k];
    }
    mask[MOO_FLAGS] &= FLAGS_286;
    if (me->has_mask)
        mask[MOO_FLAGS] &= me->flags_mask;
}

/* The expected value of register k: INIT overridden by FINA. */
static uint16_t expected_reg(const struct moo_test *t, int k)
{
    return (t->fina.regs.mask & (1u << k)) ? t->fina.regs.r[k] : t->init.regs.r[k];
}

static uint16_t reg_value(const struct cpu *c, int k)
{
    if (regs[k].gpr >= 0)
        return (uint16_t)c->gpr[regs[k].gpr];
    if (regs[k].seg >= 0)
        return c->seg[regs[k].seg].sel;
    return (uint16_t)(k == MOO_IP ? c->eip : c->eflags);
}

/* The 14 registers, INIT overridden by FINA. */
static void compare_regs(const struct cpu *c, const struct moo_test *t, const uint16_t *mask,
                         struct result *res)
{
    for (int k = 0; k < MOO_NREGS; k++) {
        uint16_t exp = expected_reg(t, k);
        uint16_t got = reg_value(c, k);
        if ((exp ^ got) & mask[k])
            add_diff(res, regs[k].name, exp & mask[k], got & mask[k]);
    }
}

/* What a 16-bit real-mode instruction must leave alone on a 386, though a
 * 286 has nothing to show for it: the upper halves of the 32-bit registers
 * (all zero at the start), and segment bases other than selector * 16. */
static void compare_hidden(const struct cpu *c, struct result *res)
{
    char what[24];
    for (int k = 0; k < MOO_NREGS; k++) {
        uint32_t high = regs[k].gpr >= 0 ? (uint32_t)(c->gpr[regs[k].gpr] >> 16) : 0;
        if (high) {
            snprintf(what, sizeof what, "e%s[31:16]", regs[k].name);
            add_diff(res, what, 0, high);
        }
        if (regs[k].seg < 0)
            continue;
        const struct seg *s = &c->seg[regs[k].seg];
        if (s->base != (uint32_t)s->sel << 4) {
            snprintf(what, sizeof what, "%s.base", regs[k].name);
            add_diff(res, what, (uint32_t)s->sel << 4, (uint32_t)s->base);
        }
    }
    if (c->eip >> 16)
        add_diff(res, "eip[31:16]", 0, (uint32_t)(c->eip >> 16));
}

/* Linear address of the FLAGS image an interrupt pushed: the handler is a
 * bare HLT, so the frame IP, CS, FLAGS is still at the final SS:SP. EXCP's
 * own address is not used: it is rounded down to even (a 286 bus word)
 * when SP is odd. */
static uint32_t flags_image(const struct moo_test *t, int byte)
{
    uint32_t sp = expected_reg(t, MOO_SP);
    return ((uint32_t)expected_reg(t, MOO_SS) << 4) + ((sp + 4 + (uint32_t)byte) & 0xffff);
}

/* Every FINA RAM byte; the FLAGS image of an interrupt frame is masked
 * like FLAGS. */
static void compare_ram(const struct runner *r, const struct moo_test *t, uint16_t flags_mask,
                        struct result *res)
{
    for (uint32_t k = 0; k < t->fina.ram.count; k++) {
        uint32_t addr;
        uint8_t exp, mask = 0xff;
        moo_ram_entry(&t->fina.ram, k, &addr, &exp);
        if (t->has_excp && addr == flags_image(t, 0))
            mask = (uint8_t)flags_mask;
        else if (t->has_excp && addr == flags_image(t, 1))
            mask = (uint8_t)(flags_mask >> 8);
        uint8_t got = r->bus.ram[addr];
        if ((exp ^ got) & mask) {
            char what[24];
            snprintf(what, sizeof what, "ram[%05x]", addr);
            add_diff(res, what, exp & mask, got & mask);
        }
    }
}

/* ---- reporting ---- */

/* Names of the FLAGS bits set in x, space-separated. */
static void flag_names(uint32_t x, char *buf, size_t n)
{
    static const char *const names[12] = {"CF", "1",  "PF", "3",  "AF", "5",
                                          "ZF", "SF", "TF", "IF", "DF", "OF"};
    size_t used = 0;
    buf[0] = '\0';
    for (int b = 0; b < 12 && used < n; b++)
        if (x & (1u << b))
            used += (size_t)snprintf(buf + used, n - used, " %s", names[b]);
}

/* One difference on a line of its own; for FLAGS, the names of the bits. */
static void print_diff_line(const struct diff *d)
{
    char names[40] = "", bits[64] = "";
    if (strcmp(d->what, "flags") == 0) {
        flag_names(d->exp ^ d->got, names, sizeof names);
        snprintf(bits, sizeof bits, " (differ:%s)", names);
    }
    printf("    %-12s expected %04x got %04x%s\n", d->what, d->exp, d->got, bits);
}

/* One line for a failing test: form, index, disassembly, bytes, then what
 * differed; with -v, every difference on a line of its own. */
static void print_failure(const struct runner *r, const struct file_run *fr,
                          const struct moo_test *t, const struct result *res)
{
    int kept = res->n < MAX_DIFFS ? res->n : MAX_DIFFS;
    int brief = r->verbose ? 0 : (kept < 4 ? kept : 4);

    printf("%s #%u \"%s\" [", fr->key, t->index, t->name);
    for (uint32_t k = 0; k < t->nbytes && k < 16; k++)
        printf(k ? " %02x" : "%02x", t->bytes[k]);
    printf("]:");
    if (res->stop[0])
        printf(" %s%s", res->stop, res->n ? ";" : "");
    for (int k = 0; k < brief; k++)
        printf(" %s expected %x got %x%s", res->d[k].what, res->d[k].exp, res->d[k].got,
               k + 1 < brief ? ";" : "");
    if (res->n > brief && !r->verbose)
        printf(" (+%d more)", res->n - brief);
    printf("\n");
    for (int k = 0; r->verbose && k < kept; k++)
        print_diff_line(&res->d[k]);
}

/* ---- a file ---- */

static bool is_revoked(const struct runner *r, const struct moo_test *t)
{
    for (int k = 0; t->has_hash && k < r->n_revoked; k++)
        if (memcmp(r->revoked[k], t->hash, sizeof r->revoked[k]) == 0)
            return true;
    return false;
}

/* The rule that skips t, RULE_COUNT for a revoked test, or -1. */
static int skip_reason(const struct runner *r, const struct meta_entry *me,
                       const struct moo_test *t, const struct insn_view *v)
{
    return is_revoked(r, t) ? RULE_COUNT : rule_for(me, t, v);
}

/* The metadata of t's form. Files 8F, C6 and C7 hold a whole group while
 * metadata.json describes each member (8F.0 ... 8F.7): look the member up
 * by the test's ModR/M reg field. */
static const struct meta_entry *form_of(const struct runner *r, const struct file_run *fr,
                                        const struct insn_view *v)
{
    char key[24];
    if (fr->me)
        return fr->me;
    snprintf(key, sizeof key, "%s.%d", fr->key, (v->modrm >> 3) & 7);
    const struct meta_entry *me = meta_find(&r->meta, key);
    if (!me)
        host_error(key, "no entry for this form in metadata.json");
    return me;
}

/* Run t from its initial state and compare; registers in ignore are not
 * compared. Leaves RAM as clean as load_state() found it. Returns whether
 * #SS was aliased to #GP. */
static bool run_and_compare(struct runner *r, const struct file_run *fr,
                            const struct meta_entry *me, const struct moo_test *t,
                            const struct insn_view *v, uint16_t ignore, struct result *res)
{
    uint16_t mask[MOO_NREGS];

    memset(res, 0, sizeof *res);
    load_state(r, t);
    bool aliased = rules_alias(r->bus.ram, t);
    if (r->threaded) { /* the RAM was written behind the cache's back */
        tcache_flush(r->tcache);
        r->cpu.tcache = r->tcache;
    }
    run_to_hlt(&r->cpu, v, r->threaded, res);
    reg_masks(fr, me, t, mask);
    for (int k = 0; k < MOO_NREGS; k++)
        if (ignore & REG_BIT(k))
            mask[k] = 0;
    compare_regs(&r->cpu, t, mask, res);
    compare_hidden(&r->cpu, res);
    compare_ram(r, t, mask[MOO_FLAGS], res);
    ram_clear(r, &t->init.ram);
    ram_clear(r, &t->fina.ram);
    if (aliased)
        memset(r->bus.ram + IVT_SS, 0, 4);
    /* A wrong CPU may have written anywhere real mode reaches. */
    if (res->stop[0] || res->n)
        memset(r->bus.ram, 0, REAL_REACH);
    return aliased;
}

static void one_test(struct runner *r, struct file_run *fr, const struct moo_test *t)
{
    struct insn_view v;
    struct result res;

    view_insn(t, &v);
    const struct meta_entry *me = form_of(r, fr, &v);
    int rule = skip_reason(r, me, t, &v);
    uint16_t ignore = rule >= 0 && rule < RULE_COUNT ? skip_rules[rule].ignore : 0;
    if (rule == RULE_COUNT)
        fr->st.revoked++;
    else if (rule >= 0)
        fr->st.rule[rule]++;
    if (rule >= 0 && !ignore) {
        fr->st.skip++;
        return;
    }
    ram_check(fr, t, &t->init.ram);
    ram_check(fr, t, &t->fina.ram);
    fr->st.aliased += run_and_compare(r, fr, me, t, &v, ignore, &res);
    if (!res.stop[0] && res.n == 0) {
        fr->st.pass++;
        return;
    }
    fr->st.fail++;
    if (fr->st.shown++ < SHOW_PER_FILE)
        print_failure(r, fr, t, &res);
}

static void send_stats(const struct file_run *fr)
{
    if (write(fr->out, &fr->st, sizeof fr->st) != (ssize_t)sizeof fr->st)
        host_error("pipe", "cannot report to the parent process");
}

/* Run every test of one file (in the child process). */
static void run_file(struct runner *r, const char *key, int out)
{
    char path[4096];
    struct moo_file f;
    struct moo_test t;
    int rc;

    snprintf(path, sizeof path, "%s/v1_real_mode/%s%s", r->dir, key, SUFFIX);
    if (moo_open(&f, path))
        host_error(path, f.err);
    struct file_run fr = {.key = key, .me = meta_find(&r->meta, key), .moo = &f, .out = out};
    fr.st.total = f.test_count;
    while ((rc = moo_next(&f, &t)) > 0) {
        if (f.cpu_mode != 0)
            host_error(path, "META says the tests are not real-mode");
        fr.st.current = t.index;
        send_stats(&fr);
        one_test(r, &fr, &t);
    }
    if (rc < 0)
        host_error(path, f.err);
    if (fr.st.shown > SHOW_PER_FILE)
        printf("%s: %d more failing tests not shown\n", key, fr.st.shown - SHOW_PER_FILE);
    fr.st.done = true;
    send_stats(&fr);
    moo_close(&f);
}

/* ---- isolation: one child process per file ---- */

/* Totals over all files. */
struct totals {
    long pass, fail, skip; /* tests */
    long revoked;          /* skipped as withdrawn */
    long aliased;          /* run with #SS aliased to #GP */
    long rule[RULE_COUNT]; /* skipped or relaxed, by rule */
};

static bool read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, (char *)buf + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        got += (size_t)k;
    }
    return true;
}

/* The child died mid-file: the test it was on and those after it fail. */
static void report_crash(const char *key, struct file_stats *st, int status)
{
    long ran = st->pass + st->fail + st->skip;
    long lost = (long)st->total > ran ? (long)st->total - ran : 1;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        printf("%s #%u: emulator hung (over %d s); %ld tests not run, counted failed\n", key,
               st->current, FILE_SECONDS, lost);
    else if (WIFSIGNALED(status))
        printf("%s #%u: emulator crashed (%s); %ld tests not run, counted failed\n", key,
               st->current, strsignal(WTERMSIG(status)), lost);
    else
        printf("%s #%u: test process died (exit status %d, report above); %ld tests counted "
               "failed\n",
               key, st->current, WEXITSTATUS(status), lost);
    st->fail += lost;
}

static void add_totals(struct totals *tot, const struct file_stats *st)
{
    tot->pass += st->pass;
    tot->fail += st->fail;
    tot->skip += st->skip;
    tot->revoked += st->revoked;
    tot->aliased += st->aliased;
    for (int k = 0; k < RULE_COUNT; k++)
        tot->rule[k] += st->rule[k];
}

static void run_file_isolated(struct runner *r, const char *key, struct totals *tot)
{
    struct file_stats st = {0}, rec;
    int fd[2], status = 0;

    fflush(stdout);
    if (pipe(fd))
        host_error("pipe", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        host_error("fork", strerror(errno));
    if (pid == 0) {
        close(fd[0]);
        alarm(FILE_SECONDS);
        run_file(r, key, fd[1]);
        fflush(stdout);
        _exit(0);
    }
    close(fd[1]);
    while (read_full(fd[0], &rec, sizeof rec))
        st = rec;
    close(fd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
        exit(2); /* a host error, already reported by the child */
    if (!st.done || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        report_crash(key, &st, status);
    if (r->summary)
        printf("%-6s %4ld passed %4ld failed %4ld skipped\n", key, st.pass, st.fail, st.skip);
    add_totals(tot, &st);
}

/* ---- set-up ---- */

static void usage(void)
{
    fprintf(stderr, "usage: sst286 [DIR] [--only FORM] [-v] [--summary] [--core CORE]\n"
                    "  DIR        the sst286 data directory (default ../shared/testdata/sst286)\n"
                    "  --only XX  run one form's file, e.g. 00, F6.7\n"
                    "  -v         print every difference of a failing test\n"
                    "  --summary  print pass/fail counts per file\n"
                    "  --core C   the interpreter: switch (the default) or threaded\n");
    exit(2);
}

static void set_core(struct runner *r, const char *name)
{
    if (strcmp(name, "switch") != 0 && strcmp(name, "threaded") != 0)
        usage();
    r->threaded = strcmp(name, "threaded") == 0;
}

static void parse_args(struct runner *r, int argc, char **argv)
{
    r->dir = "../shared/testdata/sst286";
    bool dir_given = false;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--only") == 0 && k + 1 < argc)
            r->only = argv[++k];
        else if (strcmp(argv[k], "-v") == 0)
            r->verbose = true;
        else if (strcmp(argv[k], "--summary") == 0)
            r->summary = true;
        else if (strcmp(argv[k], "--core") == 0 && k + 1 < argc)
            set_core(r, argv[++k]);
        else if (argv[k][0] == '-' || dir_given)
            usage();
        else {
            r->dir = argv[k];
            dir_given = true;
        }
    }
}

/* One hash from a line of 40 hex digits. */
static bool parse_hash(const char *s, uint8_t *hash)
{
    for (int k = 0; k < 20; k++) {
        unsigned v;
        if (sscanf(s + 2 * k, "%2x", &v) != 1 || !s[2 * k + 1])
            return false;
        hash[k] = (uint8_t)v;
    }
    return true;
}

/* revocation_list.txt: '#' comments and hashes, one a line; a missing list
 * is an empty one. */
static void load_revoked(struct runner *r)
{
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/revocation_list.txt", r->dir);
    FILE *fp = fopen(path, "r");
    while (fp && fgets(line, sizeof line, fp)) {
        line[strcspn(line, " \t\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        uint8_t(*more)[20] = realloc(r->revoked, (size_t)(r->n_revoked + 1) * sizeof *more);
        if (!more || strlen(line) != 40 || !parse_hash(line, more[r->n_revoked]))
            host_error(path, more ? "a line is not a 40-digit hash" : "out of memory");
        r->revoked = more;
        r->n_revoked++;
    }
    if (fp)
        fclose(fp);
}

static int is_moo(const struct dirent *d)
{
    size_t n = strlen(d->d_name), s = strlen(SUFFIX);
    return n > s && strcmp(d->d_name + n - s, SUFFIX) == 0;
}

/* The forms to run: --only's, or every file of v1_real_mode in name order. */
static int list_forms(const struct runner *r, char ***keys)
{
    char path[4096];
    struct dirent **list;

    if (r->only) {
        *keys = need(malloc(sizeof **keys));
        (*keys)[0] = need(strdup(r->only));
        size_t n = strlen((*keys)[0]), s = strlen(SUFFIX);
        if (n > s && strcmp((*keys)[0] + n - s, SUFFIX) == 0)
            (*keys)[0][n - s] = '\0';
        snprintf(path, sizeof path, "%s/v1_real_mode/%s%s", r->dir, (*keys)[0], SUFFIX);
        if (access(path, R_OK) != 0)
            host_error(path, strerror(errno));
        return 1;
    }
    snprintf(path, sizeof path, "%s/v1_real_mode", r->dir);
    int n = scandir(path, &list, is_moo, alphasort);
    if (n < 0)
        host_error(path, strerror(errno));
    if (n == 0)
        host_error(path, "no " SUFFIX " files");
    *keys = need(malloc((size_t)n * sizeof **keys));
    for (int k = 0; k < n; k++) {
        list[k]->d_name[strlen(list[k]->d_name) - strlen(SUFFIX)] = '\0';
        (*keys)[k] = need(strdup(list[k]->d_name));
        free(list[k]);
    }
    free(list);
    return n;
}

static void print_skips(const struct totals *tot)
{
    printf("skipped or relaxed, by rule:");
    for (int k = 0; k < RULE_COUNT; k++)
        printf(" %s %ld;", skip_rules[k].name, tot->rule[k]);
    printf(" revoked %ld; run with #SS aliased to #GP %ld\n", tot->revoked, tot->aliased);
}

int main(int argc, char **argv)
{
    static struct runner r;
    struct totals tot = {0};
    char path[4096], err[512];
    char **keys;

    parse_args(&r, argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0); /* lines survive a crashing child */
    snprintf(path, sizeof path, "%s/metadata.json", r.dir);
    if (meta_load(&r.meta, path, err, sizeof err))
        host_error("metadata", err);
    load_revoked(&r);
    int n = list_forms(&r, &keys);
    if (bus_init(&r.bus, RAM_SIZE))
        host_error("RAM", "cannot allocate 16 MiB");
    if (r.threaded && !(r.tcache = tcache_create(&r.bus)))
        host_error("--core threaded", "cannot allocate the block cache");
    for (int k = 0; k < n; k++)
        run_file_isolated(&r, keys[k], &tot);
    for (int k = 0; k < n; k++)
        free(keys[k]);
    free(keys);
    free(r.revoked);
    tcache_destroy(r.tcache);
    bus_free(&r.bus);
    if (r.summary)
        print_skips(&tot);
    printf("sst286: %ld passed, %ld failed, %ld skipped\n", tot.pass, tot.fail, tot.skip);
    return tot.fail > 0;
}
