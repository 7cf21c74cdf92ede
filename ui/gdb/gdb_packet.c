/*
 * gdb_packet.c - the GDB remote protocol's framing, with no sockets: the
 * packet reader fed one byte at a time, hex and the binary escapes.
 *
 * A packet is '$', the data, '#' and two hex digits of checksum (the sum
 * of the data's bytes modulo 256). Between packets the client sends '+'
 * and '-' (acknowledgements) and 0x03 (interrupt the running target);
 * anything else between packets is line noise and is dropped. The reader
 * never trusts the client: a packet longer than GDB_PACKET_MAX is read to
 * its end and refused, a '$' inside a packet starts a new one (the old one
 * was cut off), and the checksum must be two hex digits.
 *
 * X packets and qXfer replies carry binary data, in which '#', '$', '}'
 * (and, from the stub, '*', which would start a run-length encoding) are
 * sent as '}' followed by the byte XOR 0x20.
 */
#include "gdb/gdb_impl.h"

#include <string.h>

/* The reader's states. */
enum { RD_IDLE, RD_DATA, RD_CS1, RD_CS2 };

void gdb_reader_reset(struct gdb_reader *r)
{
    r->state = RD_IDLE;
    r->len = 0;
    r->overflow = false;
    r->sum = 0;
    r->buf[0] = '\0';
}

int gdb_hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Between packets. */
static enum gdb_rd_event feed_idle(struct gdb_reader *r, uint8_t byte)
{
    switch (byte) {
    case '$':
        gdb_reader_reset(r);
        r->state = RD_DATA;
        return GDB_RD_NONE;
    case '+': return GDB_RD_ACK;
    case '-': return GDB_RD_NAK;
    case 0x03: return GDB_RD_INTERRUPT;
    default: return GDB_RD_NONE; /* noise */
    }
}

/* Inside a packet's data. */
static void feed_data(struct gdb_reader *r, uint8_t byte)
{
    if (byte == '#') {
        r->state = RD_CS1;
    } else if (byte == '$') {
        gdb_reader_reset(r); /* the last packet was cut off: this one starts afresh */
        r->state = RD_DATA;
    } else if (r->len < GDB_PACKET_MAX) {
        r->buf[r->len++] = (char)byte;
        r->sum = (uint8_t)(r->sum + byte);
    } else {
        r->overflow = true;
    }
}

/* The second checksum digit ends the packet. */
static enum gdb_rd_event feed_end(struct gdb_reader *r, uint8_t byte)
{
    int v = gdb_hexval((char)byte);
    r->state = RD_IDLE;
    r->buf[r->len] = '\0';
    if (v < 0 || r->overflow)
        return GDB_RD_BAD;
    r->cs = (uint8_t)(r->cs << 4 | v);
    return r->cs == r->sum ? GDB_RD_PACKET : GDB_RD_BAD;
}

enum gdb_rd_event gdb_reader_feed(struct gdb_reader *r, uint8_t byte)
{
    int v;
    switch (r->state) {
    case RD_IDLE: return feed_idle(r, byte);
    case RD_DATA: feed_data(r, byte); return GDB_RD_NONE;
    case RD_CS1:
        v = gdb_hexval((char)byte);
        if (v < 0) {
            r->state = RD_IDLE;
            r->buf[r->len] = '\0';
            return GDB_RD_BAD;
        }
        r->cs = (uint8_t)v;
        r->state = RD_CS2;
        return GDB_RD_NONE;
    default: return feed_end(r, byte);
    }
}

int gdb_parse_hex(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int n = 0;
    for (int h; (h = gdb_hexval(*s)) >= 0; s++, n++) {
        if (n == 16)
            return -1;
        x = x << 4 | (uint64_t)h;
    }
    if (n == 0)
        return -1;
    *v = x;
    *p = s;
    return 0;
}

int gdb_hex_decode(const char *hex, uint8_t *out, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        int hi = gdb_hexval(hex[2 * k]), lo = hi < 0 ? -1 : gdb_hexval(hex[2 * k + 1]);
        if (lo < 0)
            return -1;
        out[k] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

void gdb_hex_encode(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t k = 0; k < n; k++) {
        out[2 * k] = digits[in[k] >> 4];
        out[2 * k + 1] = digits[in[k] & 15];
    }
    out[2 * n] = '\0';
}

size_t gdb_unescape(uint8_t *data, size_t len)
{
    size_t w = 0;
    for (size_t k = 0; k < len; k++) {
        if (data[k] == '}' && k + 1 < len)
            data[w++] = data[++k] ^ 0x20;
        else
            data[w++] = data[k];
    }
    return w;
}

size_t gdb_escape(const uint8_t *in, size_t n, char *out)
{
    size_t w = 0;
    for (size_t k = 0; k < n; k++) {
        if (strchr("#$}*", in[k]) && in[k] != '\0') {
            out[w++] = '}';
            out[w++] = (char)(in[k] ^ 0x20);
        } else {
            out[w++] = (char)in[k];
        }
    }
    return w;
}
