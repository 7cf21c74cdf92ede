/*
 * gdb_net.c - the GDB stub's sockets: one listening TCP socket, at most
 * one client at a time, and the bytes between them and the packet reader.
 *
 * The stub listens on 127.0.0.1 unless a host is given: a debugger that
 * can read and write the whole machine should not be open to the network
 * by default. Port 0 asks the kernel for a free port; the address actually
 * bound is printed ("lab86: gdb: listening on 127.0.0.1:PORT"), which is how
 * the tests find it without guessing a port.
 *
 * Nothing here blocks the machine for long: while it runs, the run loop
 * asks for waiting bytes with wait = false (a poll() with no timeout); only
 * a stopped machine waits for gdb. A signal (SIGINT to a headless run)
 * interrupts a wait, so the front end can end the session.
 */
#include "gdb/gdb_impl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int gdb_parse_hostport(const char *text, char *host, unsigned hostlen, uint16_t *port)
{
    const char *colon = strrchr(text, ':'), *num = colon ? colon + 1 : text;
    size_t hl = colon ? (size_t)(colon - text) : 0;
    char *end;
    if (*num < '0' || *num > '9')
        return -1;
    unsigned long p = strtoul(num, &end, 10);
    if (*end != '\0' || p > 65535 || hl + 1 > hostlen || hl > 63)
        return -1;
    if (hl == 0 || (hl == 9 && strncmp(text, "localhost", 9) == 0)) {
        snprintf(host, hostlen, "127.0.0.1");
    } else {
        struct in_addr a;
        memcpy(host, text, hl);
        host[hl] = '\0';
        if (inet_pton(AF_INET, host, &a) != 1)
            return -1;
    }
    *port = (uint16_t)p;
    return 0;
}

int gdb_listen(struct gdb_stub *s)
{
    char host[64];
    uint16_t port;
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t salen = sizeof sa;
    int one = 1;
    if (gdb_parse_hostport(s->cfg->hostport, host, sizeof host, &port) != 0) {
        fprintf(stderr, "lab86: --gdb %s: not [HOST:]PORT (an IPv4 address and a port 0-65535)\n",
                s->cfg->hostport);
        return -1;
    }
    inet_pton(AF_INET, host, &sa.sin_addr);
    sa.sin_port = htons(port);
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->listen_fd >= 0)
        fcntl(s->listen_fd, F_SETFD, FD_CLOEXEC); /* a guest's disk helper never inherits it */
    if (s->listen_fd < 0 ||
        setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(s->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(s->listen_fd, 1) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&sa, &salen) != 0) {
        fprintf(stderr, "lab86: --gdb %s: %s\n", s->cfg->hostport, strerror(errno));
        return -1;
    }
    fprintf(stderr, "lab86: gdb: listening on %s:%u\n", host, ntohs(sa.sin_port));
    fflush(stderr);
    return 0;
}

/* Wait until fd is readable: 1, 0 (not with wait = false), -1 (a signal). */
static int readable(int fd, bool wait)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, wait ? -1 : 0);
    return r < 0 ? -1 : r > 0;
}

bool gdb_accept(struct gdb_stub *s, bool wait)
{
    int one = 1;
    if (readable(s->listen_fd, wait) <= 0)
        return false;
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0)
        return false;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    /* Packets are small and answered one at a time: send each at once. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    s->fd = fd;
    s->noack = false;
    s->in_pos = s->in_len = 0;
    s->out_len = 0;
    gdb_reader_reset(&s->rd);
    return true;
}

void gdb_disconnect(struct gdb_stub *s)
{
    if (s->fd < 0)
        return;
    close(s->fd);
    s->fd = -1;
    gdb_clear_points(s);
}

enum gdb_rd_event gdb_receive(struct gdb_stub *s, bool wait)
{
    while (s->fd >= 0) {
        while (s->in_pos < s->in_len) {
            enum gdb_rd_event ev = gdb_reader_feed(&s->rd, s->in[s->in_pos++]);
            if (ev != GDB_RD_NONE)
                return ev;
        }
        int r = readable(s->fd, wait);
        if (r <= 0)
            return GDB_RD_NONE;
        ssize_t n = recv(s->fd, s->in, sizeof s->in, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return GDB_RD_NONE;
        if (n <= 0) {
            gdb_disconnect(s); /* closed, or reset: a half-read packet goes with it */
            return GDB_RD_NONE;
        }
        s->in_pos = 0;
        s->in_len = (size_t)n;
    }
    return GDB_RD_NONE;
}

/* Write all of buf, or drop the client. */
static void send_all(struct gdb_stub *s, const char *buf, size_t len)
{
    while (s->fd >= 0 && len > 0) {
        ssize_t n = send(s->fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            gdb_disconnect(s);
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

void gdb_send(struct gdb_stub *s, const char *data, size_t len)
{
    uint8_t sum = 0;
    if (len > sizeof s->out - 4)
        len = sizeof s->out - 4; /* never happens: replies are sized to fit */
    s->out[0] = '$';
    for (size_t k = 0; k < len; k++) {
        s->out[1 + k] = data[k];
        sum = (uint8_t)(sum + (uint8_t)data[k]);
    }
    snprintf(s->out + 1 + len, 4, "#%02x", sum);
    s->out_len = len + 4;
    send_all(s, s->out, s->out_len);
}

void gdb_send_str(struct gdb_stub *s, const char *text)
{
    gdb_send(s, text, strlen(text));
}

void gdb_resend(struct gdb_stub *s)
{
    if (s->out_len)
        send_all(s, s->out, s->out_len);
}

void gdb_ack(struct gdb_stub *s, bool good)
{
    if (!s->noack)
        send_all(s, good ? "+" : "-", 1);
}
