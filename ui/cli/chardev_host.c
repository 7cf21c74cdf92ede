/*
 * chardev_host.c - the host ends of the serial ports (--serial, --serial2).
 *
 * A UART in the core is only the guest-facing half (chardev.h); this file
 * makes the other half from a DEST string:
 *
 *   stdio       the guest's bytes to standard output; console.c feeds
 *               standard input (COM1 only)
 *   file:PATH   the guest's bytes appended to PATH; nothing comes back
 *   none        nothing plugged in: output dropped, no input
 *   pty         a pseudo-terminal (openpty); its slave's path goes to
 *               stderr for the user to open with screen, minicom or cu
 *   unix:PATH   a Unix stream socket listening at PATH; the run waits for
 *               one client before it starts, then bytes go both ways
 *
 * Output is written as the guest sends it; a pty or socket nobody reads
 * (O_NONBLOCK, EAGAIN) drops bytes rather than stall the machine. Input
 * from a pty or socket arrives when the host sends it, so a run using one
 * is interactive, not reproducible; console.c reads it at slice boundaries.
 */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

int host_serial_parse(const char *flag, const char *dest, struct run_serial *s)
{
    static const struct {
        const char *name;          /* as typed, with ':' for those taking a path */
        enum run_serial_kind kind; /* its kind */
    } kinds[] = {{"stdio", RUN_SERIAL_STDIO}, {"none", RUN_SERIAL_NONE}, {"pty", RUN_SERIAL_PTY},
                 {"file:", RUN_SERIAL_FILE},  {"unix:", RUN_SERIAL_UNIX}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n = strlen(kinds[k].name);
        bool has_path = kinds[k].name[n - 1] == ':';
        if (has_path ? strncmp(dest, kinds[k].name, n) == 0 && dest[n] != '\0'
                     : strcmp(dest, kinds[k].name) == 0) {
            *s = (struct run_serial){kinds[k].kind, has_path ? dest + n : NULL};
            return 0;
        }
    }
    char what[64];
    snprintf(what, sizeof what, "%s %.40s", flag, dest);
    cli_error(what, "not a serial destination (stdio, file:PATH, none, pty or unix:PATH)");
    return -1;
}

static void file_out(void *opaque, const uint8_t *buf, size_t len)
{
    fwrite(buf, 1, len, opaque);
    fflush(opaque);
}

static void stdout_out(void *opaque, const uint8_t *buf, size_t len)
{
    fwrite(buf, 1, len, opaque);
}

/* A pty or socket: what the host end cannot take now is dropped. A socket
 * is written with send(MSG_NOSIGNAL): a client that went away must not
 * kill lab86 with SIGPIPE (it gets EPIPE, and the bytes are dropped); a
 * pty is not a socket (ENOTSOCK) and gets write(). */
static ssize_t put(int fd, const uint8_t *buf, size_t len)
{
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    return n < 0 && errno == ENOTSOCK ? write(fd, buf, len) : n;
}

static void fd_out(void *opaque, const uint8_t *buf, size_t len)
{
    const struct host_serial *h = opaque;
    while (len > 0) {
        ssize_t n = put(h->out_fd, buf, len);
        if (n <= 0 && errno != EINTR)
            return;
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        }
    }
}

/* A pseudo-terminal in raw mode, so the guest's bytes pass unchanged. */
static int open_pty(const char *name, struct host_serial *h)
{
    int master, slave;
    char path[128];
    if (openpty(&master, &slave, path, NULL, NULL) != 0) {
        cli_error("--serial pty", "%s", strerror(errno));
        return -1;
    }
    struct termios t;
    if (tcgetattr(slave, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(slave, TCSANOW, &t);
    }
    /* The slave stays open here too, so the master reads EAGAIN, not EIO,
     * while no program has the terminal open. */
    fcntl(master, F_SETFL, O_NONBLOCK);
    h->in_fd = h->out_fd = master;
    h->file = fdopen(slave, "r");
    fprintf(stderr, "lab86: %s on %s\n", name, path);
    return 0;
}

/* Listen at path and wait for one client; the listening socket is closed
 * once it has come. */
static int open_unix(const char *path, const char *name, struct host_serial *h)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        cli_error(path, "socket path too long (at most %zu bytes)", sizeof sa.sun_path - 1);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1) != 0) {
        cli_error(path, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fprintf(stderr, "lab86: %s waiting for a client on %s\n", name, path);
    int client = accept(fd, NULL, NULL);
    close(fd);
    unlink(path);
    if (client < 0) {
        cli_error(path, "%s", strerror(errno));
        return -1;
    }
    fcntl(client, F_SETFL, O_NONBLOCK);
    h->in_fd = h->out_fd = client;
    return 0;
}

int host_serial_open(const struct run_serial *s, const char *name, struct host_serial *h)
{
    *h = (struct host_serial){.in_fd = -1, .out_fd = -1};
    switch (s->kind) {
    case RUN_SERIAL_DEFAULT:
    case RUN_SERIAL_NONE: return 0;
    case RUN_SERIAL_STDIO: h->out = (struct chardev){stdout_out, stdout}; return 0;
    case RUN_SERIAL_FILE:
        if (!(h->file = fopen(s->path, "a"))) {
            cli_error(s->path, "%s", strerror(errno));
            return -1;
        }
        h->out = (struct chardev){file_out, h->file};
        return 0;
    case RUN_SERIAL_PTY: h->out = (struct chardev){fd_out, h}; return open_pty(name, h);
    case RUN_SERIAL_UNIX: h->out = (struct chardev){fd_out, h}; return open_unix(s->path, name, h);
    }
    return 0;
}

void host_serial_close(struct host_serial *h)
{
    if (h->file)
        fclose(h->file);
    if (h->out_fd >= 0)
        close(h->out_fd);
    *h = (struct host_serial){.in_fd = -1, .out_fd = -1};
}
