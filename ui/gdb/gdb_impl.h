/*
 * gdb_impl.h - what the GDB stub's files share; front ends use gdb.h.
 *
 *   gdb_packet.c  framing: the byte-at-a-time packet reader ($...#cs, acks,
 *                 the 0x03 interrupt), hex and binary escapes, sending
 *   gdb_net.c     the sockets: listen on [HOST:]PORT, accept, read, wait
 *   gdb_regs.c    the i386 target description (target.xml) and the
 *                 g/G/p/P register packets
 *   gdbstub.c     the packets while the machine is stopped: queries,
 *                 memory, breakpoints, monitor
 *   gdb_run.c     gdb_serve(): sessions, run control in slices, stop replies
 *
 * Packets (GDB manual, appendix "Remote Serial Protocol"): "$data#cs" where
 * cs is the sum of data's bytes mod 256 in two hex digits; the receiver
 * answers '+' (good) or '-' (send again). A lone 0x03 between packets asks
 * a running target to stop.
 */
#ifndef LAB86_UI_GDB_IMPL_H
#define LAB86_UI_GDB_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "debug/debug.h"
#include "gdb/gdb.h"

/* The largest packet either side sends: announced in qSupported as
 * PacketSize; longer incoming packets are refused with '-'. Enough for a
 * 'G' packet and 8 KiB memory transfers. */
#define GDB_PACKET_MAX 16384

/* --- framing (gdb_packet.c) --- */

/* What one byte completed. */
enum gdb_rd_event {
    GDB_RD_NONE,      /* nothing yet */
    GDB_RD_PACKET,    /* a packet with a good checksum: r->buf[0..r->len) */
    GDB_RD_BAD,       /* a packet with a bad checksum, bad hex, or too long */
    GDB_RD_INTERRUPT, /* 0x03 between packets */
    GDB_RD_ACK,       /* '+' */
    GDB_RD_NAK,       /* '-': send the last packet again */
};

/* The packet reader: fed one byte at a time, so a packet may arrive in any
 * pieces, and a client that leaves mid-packet leaves nothing behind. */
struct gdb_reader {
    int state;                    /* RD_IDLE, RD_DATA, RD_CS1, RD_CS2 (gdb_packet.c) */
    char buf[GDB_PACKET_MAX + 1]; /* the packet's data, NUL-terminated */
    size_t len;                   /* bytes in buf */
    bool overflow;                /* the packet did not fit: refuse it */
    uint8_t sum;                  /* running checksum of the data */
    uint8_t cs;                   /* the checksum as sent */
};

void gdb_reader_reset(struct gdb_reader *r);
enum gdb_rd_event gdb_reader_feed(struct gdb_reader *r, uint8_t byte);

/* A hex digit's value, or -1. */
int gdb_hexval(char ch);
/* Parse hex digits at *p into *v (at most 16 digits); advances *p. 0, or
 * -1 when there are none or too many. */
int gdb_parse_hex(const char **p, uint64_t *v);
/* Decode 2n hex digits into n bytes: 0, or -1. */
int gdb_hex_decode(const char *hex, uint8_t *out, size_t n);
/* Encode n bytes as 2n hex digits plus a NUL. */
void gdb_hex_encode(const uint8_t *in, size_t n, char *out);
/* Undo the binary escapes ('}' then byte ^ 0x20) of an X packet's data in
 * place; returns the decoded length. */
size_t gdb_unescape(uint8_t *data, size_t len);
/* Escape '#', '$', '}' and '*' for a binary reply; returns the length
 * written (at most 2n into out). */
size_t gdb_escape(const uint8_t *in, size_t n, char *out);

/* --- the stub's state (gdb_run.c owns it) --- */

/* A breakpoint or watchpoint gdb set with Z: which, where, and its id in
 * the debugger core, so that z can find it again. */
struct gdb_point {
    int type;      /* 0 software, 1 hardware, 2 write, 3 read, 4 access watchpoint */
    uint64_t addr; /* linear address */
    uint64_t len;  /* gdb's kind (breakpoints) or length (watchpoints) */
    int id;        /* the debugger core's id; 0: a free slot */
};
#define GDB_MAX_POINTS (DBG_MAX_BREAK + DBG_MAX_WATCH)

struct gdb_stub {
    struct dbg *d;                           /* the debugger core */
    const struct gdb_config *cfg;            /* as given to gdb_serve() */
    struct cmd *monitor;                     /* monitor commands; NULL: not available */
    bool own_monitor;                        /* the stub created it */
    int listen_fd;                           /* the listening socket */
    int fd;                                  /* the client; -1: none */
    struct gdb_reader rd;                    /* its packet reader */
    uint8_t in[4096];                        /* bytes received and not fed to rd yet */
    size_t in_pos, in_len;                   /* the next one, and how many there are */
    bool noack;                              /* QStartNoAckMode: no '+'/'-' any more */
    char out[2 * GDB_PACKET_MAX + 8];        /* the last packet sent, framed (for '-') */
    size_t out_len;                          /* its length */
    struct gdb_point points[GDB_MAX_POINTS]; /* what gdb set */
    bool running;                            /* c, s or vCont in progress */
    bool step;                               /* it is a single step */
    bool fresh;                              /* it has not started: the next slice sets the goal */
    bool detached;                           /* D: run to the end, serve nobody */
    bool killed;                             /* k */
    bool interrupted;                        /* 0x03 came while running */
    bool limit;                              /* max_cycles reached: the session ends */
    char reply[GDB_PACKET_MAX + 1];          /* the reply being built (a full 'm' reply fits) */
    uint8_t bytes[GDB_PACKET_MAX];           /* memory being read or written for m, M, X */
};

/* --- sockets (gdb_net.c) --- */

/* Listen on cfg->hostport and print the address; 0, or -1 after one line. */
int gdb_listen(struct gdb_stub *s);
/* Accept a client when one is waiting (wait: block until one comes, or a
 * signal); true when s->fd is now a client. */
bool gdb_accept(struct gdb_stub *s, bool wait);
/* Drop the client. */
void gdb_disconnect(struct gdb_stub *s);
/* Read what the client sent and feed it to the reader; stops at the first
 * event. wait: block until something comes (or a signal: GDB_RD_NONE).
 * A closed connection disconnects the client and returns GDB_RD_NONE. */
enum gdb_rd_event gdb_receive(struct gdb_stub *s, bool wait);
/* Frame data as a packet and send it (kept for a '-'). */
void gdb_send(struct gdb_stub *s, const char *data, size_t len);
void gdb_send_str(struct gdb_stub *s, const char *text);
/* Send the last packet again. */
void gdb_resend(struct gdb_stub *s);
/* Send a '+' or '-' (not in no-ack mode). */
void gdb_ack(struct gdb_stub *s, bool good);

/* --- registers (gdb_regs.c) --- */

/* The target description gdb reads through qXfer:features:read. */
const char *gdb_target_xml(void);
/* g: every register as hex, into out (at least GDB_PACKET_MAX bytes). */
void gdb_regs_read_all(struct gdb_stub *s, char *out);
/* G: set every register from hex; 0, or -1. */
int gdb_regs_write_all(struct gdb_stub *s, const char *hex);
/* p: register n as hex into out; -1 when there is no register n. */
int gdb_reg_read(struct gdb_stub *s, unsigned n, char *out);
/* P: register n from hex; 0, or -1. */
int gdb_reg_write(struct gdb_stub *s, unsigned n, const char *hex);

/* --- packets while stopped (gdbstub.c) --- */

/* Answer one packet. A packet that starts the machine (c, s, vCont) sets
 * s->running and sends nothing: the stop reply comes later. */
void gdb_handle_packet(struct gdb_stub *s, char *pkt, size_t len);
/* Delete every breakpoint and watchpoint gdb set (a client left). */
void gdb_clear_points(struct gdb_stub *s);
/* The stop reply for the debugger core's last stop (T05..., W, X), into out. */
void gdb_stop_reply(struct gdb_stub *s, char *out, size_t len);
/* Monitor: run one command line, its output sent as 'O' packets. */
void gdb_monitor(struct gdb_stub *s, const char *line);

#endif
