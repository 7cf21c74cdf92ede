/*
 * gdb.h - the GDB stub: the machine debugged by a real gdb over TCP, with
 * the GDB remote serial protocol. Any front end calls it the same way:
 *
 *     struct gdb_config cfg = { .hostport = "1234", .start_stopped = true,
 *                               .max_cycles = 0, .poll = feed, .ctx = me };
 *     enum gdb_end end = gdb_serve(d, &cfg);         d from dbg_create()
 *
 * and in another terminal
 *
 *     gdb kernel.elf -ex 'target remote :1234'
 *
 * gdb_serve() owns the loop until the session is over: it listens (on
 * 127.0.0.1 unless a host is given; port 0 picks a free port; either way
 * "lab86: gdb: listening on HOST:PORT" goes to stderr), runs the machine in
 * slices through the debugger core while gdb lets it run, and answers
 * gdb's packets while it is stopped. It is a thin client of core/debug:
 * gdb's breakpoints (Z0 and Z1 alike) and watchpoints become debugger-core
 * breakpoints and watchpoints, never an INT3 written into guest memory.
 *
 * Without start_stopped the machine runs at once; it stops when a client
 * connects (gdb expects a stopped target), when gdb interrupts it (Ctrl-C)
 * or at a breakpoint. A client may disconnect (its breakpoints go with it)
 * and another connect. `detach` lets the machine run on to its end.
 */
#ifndef LAB86_UI_GDB_H
#define LAB86_UI_GDB_H

#include <stdbool.h>
#include <stdint.h>

struct dbg;
struct cmd;

/* How gdb_serve() is to work. */
struct gdb_config {
    const char *hostport; /* "[HOST:]PORT" as given to --gdb */
    bool start_stopped;   /* -S: wait for gdb before the first instruction */
    uint64_t max_cycles;  /* the run ends at this cycle count; 0: no limit */
    /* Called between run slices (and while waiting with the machine
     * idle): give the guest its input, redraw a screen. Returns false when
     * the user asked to quit (Ctrl-C in a headless run). May be NULL. */
    bool (*poll)(void *ctx);
    void *ctx;
    /* gdb's `monitor` commands go to this command interpreter (ui/tui/cmd.h);
     * NULL: the stub makes its own for d. */
    struct cmd *monitor;
};

/* How a session ended. */
enum gdb_end {
    GDB_END_MACHINE, /* the machine stopped for good: dbg_last_stop() says why (exit,
                        power-off, triple fault, halt with interrupts off) */
    GDB_END_LIMIT,   /* max_cycles reached */
    GDB_END_KILLED,  /* gdb sent `k` (kill) */
    GDB_END_QUIT,    /* poll() asked to quit */
    GDB_END_ERROR,   /* bad HOST:PORT or the socket failed: one line on stderr */
};

/* Serve gdb until the session ends; see above. */
enum gdb_end gdb_serve(struct dbg *d, const struct gdb_config *cfg);

/* Parse "[HOST:]PORT" (HOST an IPv4 address or "localhost"; PORT 0 to
 * 65535): 0, or -1. host gets "127.0.0.1" when none is given. */
int gdb_parse_hostport(const char *text, char *host, unsigned hostlen, uint16_t *port);

#endif
