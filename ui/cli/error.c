/*
 * error.c - the one way every front end reports a host error: one line,
 * "lab86: <what>: <why>", on stderr (cli.h). A file of its own so that the
 * front ends' library (libui.a, everything but main.c) has it too: the
 * command line, the Lua binding and the unit tests that link them.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

void cli_error(const char *what, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "lab86: %s: ", what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
