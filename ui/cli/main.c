/*
 * main.c - the `lab86` command line: pick the command, print help and
 * version, report errors the one way every front end reports them.
 *
 *     lab86 run --hda IMG [--firmware NAME] [-m SIZE] [--max-cycles N] ...
 *     lab86 run --kernel FILE [-m SIZE] [--append CMDLINE] [--max-cycles N]
 *     lab86 --help | --version
 *
 * A host or configuration error is one line on stderr, "lab86: <what>:
 * <why>", naming the flag or file at fault, and exit status 2.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "emu.h"
#include "lab86lua.h"

static const char main_help_text[] =
    "usage: lab86 COMMAND [OPTIONS]\n"
    "\n"
    "lab86 emulates a PC-compatible x86 machine for operating-systems courses.\n"
    "\n"
    "commands:\n"
    "  run          boot the PC from a disk image, or a multiboot kernel directly,\n"
    "               headless (see 'lab86 run --help')\n"
    "  debug        the same machine stopped under the debugger: the TUI, or\n"
    "               commands on stdin with --no-tui (see 'lab86 debug --help')\n"
    "  script       run a Lua script that builds and drives machines\n"
    "               (see 'lab86 script --help')\n"
    "  grade        build a lab submission and grade it with the lab's grade.lua\n"
    "               (see 'lab86 grade --help')\n"
    "\n"
    "options:\n"
    "  -h, --help   print this help\n"
    "  --version    print the version\n"
    "\n"
    "exit status of 'lab86 run': (v << 1) | 1 when the guest writes v to port 0xF4;\n"
    "0 the guest powered off; 2 host or configuration error; 4 triple fault;\n"
    "6 --max-cycles reached; 8 halted with interrupts disabled.\n";

static int cmd_run(int argc, char **argv)
{
    struct run_args a;
    if (run_parse_args(argc, argv, &a) != 0)
        return EXIT_HOST_ERROR;
    if (a.help) {
        fputs(run_help_text, stdout);
        return 0;
    }
    return a.script ? lm_run_script_main(&a) : run_main(&a);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(main_help_text, stderr);
        return EXIT_HOST_ERROR;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        fputs(main_help_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("lab86 %s\n", EMU_VERSION);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "debug") == 0)
        return debug_command(argc - 2, argv + 2);
    if (strcmp(cmd, "script") == 0)
        return lm_script_main(argc - 2, argv + 2);
    if (strcmp(cmd, "grade") == 0)
        return grade_main(argc - 2, argv + 2);
    if (cmd[0] == '-')
        cli_error(cmd, "unknown option (see 'lab86 --help')");
    else
        cli_error(cmd, "unknown command (see 'lab86 --help')");
    return EXIT_HOST_ERROR;
}
