/*
 * gdbstub.c - the GDB remote protocol's packets while the machine is
 * stopped: what gdb asks, and what the stub answers.
 *
 *   ?                 why the machine stopped (a stop reply, below)
 *   qSupported        PacketSize, qXfer:features:read, swbreak, hwbreak,
 *                     QStartNoAckMode, vContSupported
 *   qXfer:features:read:target.xml:OFF,LEN   the target description
 *   qAttached qC qfThreadInfo qsThreadInfo   one thread, id 1, "attached"
 *   qRcmd,HEX         `monitor CMD`: the debugger's command language
 *   g G p P           registers (gdb_regs.c)
 *   m M X             memory at linear addresses (never faults, RAM only)
 *   Z0-Z4 z0-z4       breakpoints and watchpoints, kept by the debugger core
 *   c s C S vCont     resume: handled by the run loop (gdb_run.c)
 *   D k vKill         detach, kill
 *   anything else     the empty reply: "not supported", as the protocol says
 *
 * Stop replies: T05 with swbreak:, hwbreak:, watch:/rwatch:/awatch:ADDR
 * when a breakpoint or watchpoint stopped the machine, T02 after a Ctrl-C,
 * W with lab86's exit status when the guest ended the run (exit device or
 * power-off), X0b (SIGSEGV) for a triple fault and X18 (SIGXCPU) when the
 * --max-cycles limit ended it.
 *
 * Z0 and Z1 are the same thing here: a debugger-core breakpoint at a linear
 * address. Nothing is ever written into guest memory, so gdb's memory reads
 * show the guest's own bytes and self-modifying code sees no INT3.
 */
#include "gdb/gdb_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cmd.h"

static void ok(struct gdb_stub *s)
{
    gdb_send_str(s, "OK");
}

static void error(struct gdb_stub *s, int code)
{
    char e[8];
    snprintf(e, sizeof e, "E%02x", code & 0xff);
    gdb_send_str(s, e);
}

/* --- breakpoints and watchpoints --- */

static struct gdb_point *find_point(struct gdb_stub *s, int type, uint64_t addr, uint64_t len)
{
    for (int k = 0; k < GDB_MAX_POINTS; k++) {
        struct gdb_point *p = &s->points[k];
        if (p->id && p->type == type && p->addr == addr && p->len == len)
            return p;
    }
    return NULL;
}

static struct gdb_point *point_by_id(struct gdb_stub *s, int id)
{
    for (int k = 0; k < GDB_MAX_POINTS && id > 0; k++)
        if (s->points[k].id == id)
            return &s->points[k];
    return NULL;
}

/* Z: a new breakpoint or watchpoint; its id in the core, or -1. */
static int insert_point(struct gdb_stub *s, int type, uint64_t addr, uint64_t len)
{
    static const int kinds[5] = {0, 0, DBG_WATCH_WRITE, DBG_WATCH_READ, DBG_WATCH_ACCESS};
    if (type <= 1)
        return dbg_break_linear(s->d, addr, false);
    return dbg_watch_linear(s->d, addr, len, kinds[type]);
}

/* "Zt,addr,kind" or "zt,...": parse and apply. */
static void handle_point(struct gdb_stub *s, const char *pkt)
{
    uint64_t addr, len;
    const char *p = pkt + 3;
    int type = pkt[1] - '0';
    if (pkt[1] < '0' || pkt[1] > '4' || pkt[2] != ',') {
        gdb_send_str(s, ""); /* a kind of point we do not have */
        return;
    }
    if (gdb_parse_hex(&p, &addr) != 0 || *p++ != ',' || gdb_parse_hex(&p, &len) != 0 ||
        (*p != '\0' && *p != ';') || (type >= 2 && len == 0)) {
        error(s, 1);
        return;
    }
    struct gdb_point *pt = find_point(s, type, addr, len);
    if (pkt[0] == 'z') {
        if (pt) {
            dbg_delete(s->d, pt->id);
            pt->id = 0;
        }
        ok(s);
        return;
    }
    if (pt) { /* already there: gdb may insert twice */
        ok(s);
        return;
    }
    for (int k = 0; k < GDB_MAX_POINTS && !pt; k++)
        if (!s->points[k].id)
            pt = &s->points[k];
    int id = pt ? insert_point(s, type, addr, len) : -1;
    if (id < 0) {
        error(s, 0x0e); /* the core's tables are full */
        return;
    }
    *pt = (struct gdb_point){type, addr, len, id};
    ok(s);
}

void gdb_clear_points(struct gdb_stub *s)
{
    for (int k = 0; k < GDB_MAX_POINTS; k++) {
        if (s->points[k].id)
            dbg_delete(s->d, s->points[k].id);
        s->points[k].id = 0;
    }
}

/* --- stop replies --- */

/* T05 with the reason, for a breakpoint or watchpoint of gdb's. */
static void trap_reply(struct gdb_stub *s, const struct dbg_stop_info *st, char *out, size_t len)
{
    static const char *const watch[5] = {"", "", "watch", "rwatch", "awatch"};
    const struct gdb_point *p = point_by_id(s, st->id);
    if (p && st->reason == DBG_STOP_BREAKPOINT)
        snprintf(out, len, "T05%s:;thread:1;", p->type == 0 ? "swbreak" : "hwbreak");
    else if (p && st->reason == DBG_STOP_WATCHPOINT && p->type >= 2)
        snprintf(out, len, "T05%s:%llx;thread:1;", watch[p->type], (unsigned long long)st->addr);
    else
        snprintf(out, len, "T05thread:1;");
}

void gdb_stop_reply(struct gdb_stub *s, char *out, size_t len)
{
    struct dbg_stop_info st;
    dbg_last_stop(s->d, &st);
    if (s->limit) {
        snprintf(out, len, "X18"); /* SIGXCPU: the cycle budget is spent */
        return;
    }
    if (s->interrupted) { /* Ctrl-C, or a client connected to a running machine */
        snprintf(out, len, "T02thread:1;");
        return;
    }
    switch (st.reason) {
    case DBG_STOP_EXIT: snprintf(out, len, "W%02x", ((st.exit_code << 1) | 1) & 0xff); return;
    case DBG_STOP_POWER_OFF: snprintf(out, len, "W00"); return;
    case DBG_STOP_TRIPLE_FAULT: snprintf(out, len, "X0b"); return; /* SIGSEGV: shut down */
    default: trap_reply(s, &st, out, len); return;
    }
}

/* --- memory --- */

/* "m addr,len" and the head of "M addr,len:" and "X addr,len:". */
static int parse_mem(const char **p, uint64_t *addr, uint64_t *len)
{
    if (gdb_parse_hex(p, addr) != 0 || *(*p)++ != ',' || gdb_parse_hex(p, len) != 0)
        return -1;
    return 0;
}

static void read_memory(struct gdb_stub *s, const char *pkt)
{
    uint8_t *buf = s->bytes, *okb = s->bytes + GDB_PACKET_MAX / 2;
    uint64_t addr, len;
    const char *p = pkt + 1;
    if (parse_mem(&p, &addr, &len) != 0 || *p != '\0') {
        error(s, 1);
        return;
    }
    if (len > GDB_PACKET_MAX / 2)
        len = GDB_PACKET_MAX / 2; /* gdb asks again for the rest */
    dbg_read_linear(s->d, addr, buf, (size_t)len, okb);
    size_t n = 0;
    while (n < len && okb[n])
        n++;
    if (n == 0 && len > 0) {
        error(s, 0x0e); /* EFAULT: not mapped, or not RAM or ROM */
        return;
    }
    gdb_hex_encode(buf, n, s->reply);
    gdb_send(s, s->reply, 2 * n);
}

/* M (hex) and X (binary) writes. */
static void write_memory(struct gdb_stub *s, char *pkt, size_t pktlen)
{
    uint8_t *buf = s->bytes;
    uint64_t addr, len;
    const char *p = pkt + 1;
    if (parse_mem(&p, &addr, &len) != 0 || *p++ != ':' || len > GDB_PACKET_MAX) {
        error(s, 1);
        return;
    }
    size_t have = pktlen - (size_t)(p - pkt);
    if (pkt[0] == 'X') {
        memcpy(buf, p, have);
        have = gdb_unescape(buf, have);
    } else if (have != 2 * len || gdb_hex_decode(p, buf, (size_t)len) != 0) {
        error(s, 1);
        return;
    } else {
        have = (size_t)len;
    }
    if (have != len) {
        error(s, 1);
        return;
    }
    if (dbg_write_linear(s->d, addr, buf, (size_t)len) != len)
        error(s, 0x0e);
    else
        ok(s);
}

/* --- queries --- */

/* qXfer:features:read:ANNEX:OFF,LEN: a piece of the target description,
 * 'm' when more follows, 'l' for the last piece. */
static void read_features(struct gdb_stub *s, const char *args)
{
    static const char annex[] = "target.xml:";
    const char *xml = gdb_target_xml(), *p = args + sizeof annex - 1;
    uint64_t off, len, total = strlen(xml);
    if (strncmp(args, annex, sizeof annex - 1) != 0) {
        error(s, 0);
        return;
    }
    if (parse_mem(&p, &off, &len) != 0 || *p != '\0') {
        error(s, 1);
        return;
    }
    if (off >= total) {
        gdb_send_str(s, "l");
        return;
    }
    /* Escaping at most doubles a byte: keep the reply inside PacketSize. */
    uint64_t room = (GDB_PACKET_MAX - 1) / 2, n = total - off;
    n = n < len ? n : len;
    n = n < room ? n : room;
    s->reply[0] = off + n < total ? 'm' : 'l';
    size_t w = 1 + gdb_escape((const uint8_t *)xml + off, (size_t)n, s->reply + 1);
    gdb_send(s, s->reply, w);
}

/* Monitor output as 'O' packets (hex-encoded console text). */
static void monitor_out(void *ctx, const char *text)
{
    struct gdb_stub *s = ctx;
    size_t len = strlen(text), chunk = (GDB_PACKET_MAX - 2) / 2;
    for (size_t at = 0; at < len; at += chunk) {
        size_t n = len - at < chunk ? len - at : chunk;
        s->reply[0] = 'O';
        gdb_hex_encode((const uint8_t *)text + at, n, s->reply + 1);
        gdb_send(s, s->reply, 1 + 2 * n);
    }
}

/* A monitor command that runs the machine stops at gdb's Ctrl-C. */
static bool monitor_poll(void *ctx)
{
    struct gdb_stub *s = ctx;
    if (s->cfg->poll && !s->cfg->poll(s->cfg->ctx))
        return true;
    return gdb_receive(s, false) == GDB_RD_INTERRUPT;
}

void gdb_monitor(struct gdb_stub *s, const char *line)
{
    struct cmd_io io = {.out = monitor_out, .poll = monitor_poll, .ctx = s};
    if (!s->monitor) {
        monitor_out(s, "monitor commands are not available in this build\n");
        error(s, 1);
        return;
    }
    cmd_exec(s->monitor, line, &io);
    ok(s);
}

/* qRcmd,HEX */
static void handle_rcmd(struct gdb_stub *s, const char *hex)
{
    char line[1024];
    size_t n = strlen(hex) / 2;
    if (strlen(hex) % 2 || n >= sizeof line || gdb_hex_decode(hex, (uint8_t *)line, n) != 0) {
        error(s, 1);
        return;
    }
    line[n] = '\0';
    gdb_monitor(s, line);
}

static void handle_query(struct gdb_stub *s, const char *pkt)
{
    if (strncmp(pkt, "qSupported", 10) == 0)
        gdb_send_str(s, "PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;"
                        "QStartNoAckMode+;vContSupported+");
    else if (strncmp(pkt, "qXfer:features:read:", 20) == 0)
        read_features(s, pkt + 20);
    else if (strcmp(pkt, "qAttached") == 0 || strncmp(pkt, "qAttached:", 10) == 0)
        gdb_send_str(s, "1"); /* attached to a machine that exists: kill is not the default */
    else if (strcmp(pkt, "qC") == 0)
        gdb_send_str(s, "QC1");
    else if (strcmp(pkt, "qfThreadInfo") == 0)
        gdb_send_str(s, "m1");
    else if (strcmp(pkt, "qsThreadInfo") == 0)
        gdb_send_str(s, "l");
    else if (strncmp(pkt, "qRcmd,", 6) == 0)
        handle_rcmd(s, pkt + 6);
    else if (strncmp(pkt, "qSymbol:", 8) == 0)
        ok(s); /* no symbols wanted */
    else
        gdb_send_str(s, "");
}

/* --- resuming --- */

/* Start the machine: a step or a run; the stop reply comes from the run
 * loop. An address, when given, is where to resume. */
static void resume(struct gdb_stub *s, bool step, const char *addr)
{
    uint64_t a;
    char err[128];
    if (addr && *addr) {
        if (gdb_parse_hex(&addr, &a) != 0 || dbg_set_reg(s->d, "eip", a, err, sizeof err) != 0) {
            error(s, 1);
            return;
        }
    }
    s->running = true;
    s->step = step;
    s->interrupted = false;
}

/* C sig[;addr] and S sig[;addr]: the signal means nothing to a machine. */
static void resume_sig(struct gdb_stub *s, bool step, const char *args)
{
    const char *semi = strchr(args, ';');
    resume(s, step, semi ? semi + 1 : NULL);
}

/* vCont;ACTION[:THREAD];...: the first action for our one thread (or for
 * all threads) decides. */
static void handle_vcont(struct gdb_stub *s, const char *pkt)
{
    if (strcmp(pkt, "vCont?") == 0) {
        gdb_send_str(s, "vCont;c;C;s;S");
        return;
    }
    for (const char *a = strchr(pkt, ';'); a; a = strchr(a + 1, ';')) {
        const char *thread = strchr(a + 1, ':'), *next = strchr(a + 1, ';');
        if (thread && next && thread > next)
            thread = NULL;
        bool ours = !thread || strncmp(thread + 1, "1", 1) == 0 || thread[1] == '-' ||
                    strncmp(thread + 1, "p1", 2) == 0;
        if (!ours)
            continue;
        if (a[1] == 'c' || a[1] == 'C' || a[1] == 's' || a[1] == 'S') {
            resume(s, a[1] == 's' || a[1] == 'S', NULL);
            return;
        }
    }
    error(s, 1);
}

static void handle_v(struct gdb_stub *s, const char *pkt)
{
    if (strncmp(pkt, "vCont", 5) == 0 && (pkt[5] == '?' || pkt[5] == ';'))
        handle_vcont(s, pkt);
    else if (strncmp(pkt, "vKill", 5) == 0) {
        ok(s);
        s->killed = true;
    } else
        gdb_send_str(s, ""); /* vMustReplyEmpty and the rest */
}

/* --- dispatch --- */

static void handle_register_packet(struct gdb_stub *s, const char *pkt)
{
    uint64_t n;
    const char *p = pkt + 1;
    if (pkt[0] == 'g') {
        gdb_regs_read_all(s, s->reply);
        gdb_send_str(s, s->reply);
    } else if (pkt[0] == 'G') {
        gdb_regs_write_all(s, pkt + 1) == 0 ? ok(s) : error(s, 1);
    } else if (gdb_parse_hex(&p, &n) != 0 || n > 255) {
        error(s, 1);
    } else if (pkt[0] == 'p') {
        if (*p != '\0' || gdb_reg_read(s, (unsigned)n, s->reply) != 0)
            error(s, 0);
        else
            gdb_send_str(s, s->reply);
    } else {
        (*p == '=' && gdb_reg_write(s, (unsigned)n, p + 1) == 0) ? ok(s) : error(s, 1);
    }
}

void gdb_handle_packet(struct gdb_stub *s, char *pkt, size_t len)
{
    switch (pkt[0]) {
    case '?':
        gdb_stop_reply(s, s->reply, sizeof s->reply);
        gdb_send_str(s, s->reply);
        return;
    case 'g':
    case 'G':
    case 'p':
    case 'P': handle_register_packet(s, pkt); return;
    case 'm': read_memory(s, pkt); return;
    case 'M':
    case 'X': write_memory(s, pkt, len); return;
    case 'Z':
    case 'z': handle_point(s, pkt); return;
    case 'c': resume(s, false, pkt + 1); return;
    case 's': resume(s, true, pkt + 1); return;
    case 'C': resume_sig(s, false, pkt + 1); return;
    case 'S': resume_sig(s, true, pkt + 1); return;
    case 'v': handle_v(s, pkt); return;
    case 'q': handle_query(s, pkt); return;
    case 'H':
    case 'T': ok(s); return; /* one thread: every thread id is it */
    case 'D':
        ok(s);
        s->detached = true;
        return;
    case 'k': s->killed = true; return; /* no reply: the target is gone */
    default: break;
    }
    if (strcmp(pkt, "QStartNoAckMode") == 0) {
        ok(s); /* acknowledged the old way, then no more acks */
        s->noack = true;
        return;
    }
    gdb_send_str(s, ""); /* unknown, empty, or garbage: "not supported" */
}
