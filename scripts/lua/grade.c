/*
 * grade.c - `lab86 grade`: build a submission with its lab's Makefile and
 * grade it with the lab's grade.lua (on gradelib.lua).
 *
 *     lab86 grade LAB_DIR [--submission DIR] [--junit FILE] [--gradescope FILE]
 *                         [--json FILE] [--core CORE]
 *     lab86 grade LAB_DIR --batch SUBMISSIONS_DIR [-j N] [--csv FILE]   (grade_batch.c)
 *
 * The build: `make -C SUBMISSION -f LAB_DIR/Makefile LAB_DIR=LAB_DIR` (both
 * absolute), so the lab's Makefile builds the student's sources where they
 * are and finds its own files through $(LAB_DIR). Its output is kept, and
 * shown in every test's failure when the build fails: each test then gets 0
 * with that reason and the reports are still written.
 *
 * The grading itself is gradelib.main (gradelib.lua): a fresh machine per
 * test, budgets in virtual cycles, the score table on stdout, the report
 * files. Nothing depends on the host's clock or speed: grading the same
 * submission twice prints and writes the same bytes. The exit status is 0
 * only on full marks, 1 otherwise, 2 on a host error (a missing lab, a bad
 * option, a grade.lua that does not load).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grade.h"

const char grade_help[] =
    "usage: lab86 grade LAB_DIR [--submission DIR] [--junit FILE] [--gradescope FILE]\n"
    "                   [--json FILE] [--core CORE]\n"
    "       lab86 grade LAB_DIR --batch SUBMISSIONS_DIR [-j N] [--csv FILE] [--core CORE]\n"
    "\n"
    "Build a submission with the lab's Makefile (make -C SUBMISSION -f LAB_DIR/Makefile\n"
    "LAB_DIR=LAB_DIR) and grade it with LAB_DIR/grade.lua: each test on a fresh\n"
    "machine, with budgets in virtual cycles, so the same submission always gets\n"
    "the same result. Prints a score table; exit status 0 only on full marks.\n"
    "\n"
    "  --submission DIR   the student's directory (default: the current directory)\n"
    "  --junit FILE       write JUnit XML (GitHub Actions, GitLab)\n"
    "  --gradescope FILE  write Gradescope's results.json\n"
    "  --json FILE        write the results as JSON\n"
    "  --core CORE        the interpreter for every machine: threaded or switch\n"
    "  --batch DIR        grade every directory in DIR, each in its own process;\n"
    "                     a submission that does not build, crashes or loops gets 0\n"
    "                     on the tests it fails, with the reason, and the batch goes on\n"
    "  -j N               grade N submissions at a time (default 1)\n"
    "  --csv FILE         --batch: one line a submission: its score and each test's\n";

/* A path made absolute (the build runs in another directory); NULL after
 * an error line. The result is malloc'd. */
static char *absolute(const char *what, const char *path)
{
    char *r = realpath(path, NULL);
    if (!r)
        cli_error(path, "%s (%s)", strerror(errno), what);
    return r;
}

/* Run argv with stdout and stderr into *log (at most LOG_MAX bytes kept);
 * returns the exit status, or -1 when it could not run. */
#define LOG_MAX (64u * 1024u)
static int run_captured(char *const argv[], char **log)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        dup2(fd[1], 2);
        close(fd[0]);
        close(fd[1]);
        execvp(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    size_t len = 0;
    char *buf = malloc(LOG_MAX + 1), chunk[4096];
    ssize_t n;
    while ((n = read(fd[0], chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
        for (ssize_t k = 0; buf && k < n && len < LOG_MAX; k++)
            buf[len++] = chunk[k];
    close(fd[0]);
    if (buf)
        buf[len] = '\0';
    *log = buf;
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Build the submission; NULL on success, else the reason and the log (malloc'd). */
static char *build(const char *lab, const char *sub)
{
    char makefile[PATH_MAX + 16], labvar[PATH_MAX + 16];
    snprintf(makefile, sizeof makefile, "%s/Makefile", lab);
    snprintf(labvar, sizeof labvar, "LAB_DIR=%s", lab);
    if (access(makefile, R_OK) != 0)
        return NULL; /* a lab without a Makefile grades prebuilt files */
    /* A clean make: not the jobserver or the flags of a make we may run under. */
    unsetenv("MAKEFLAGS");
    unsetenv("MFLAGS");
    unsetenv("MAKELEVEL");
    char *argv[] = {"make", "--no-print-directory", "-C", (char *)sub, "-f", makefile,
                    labvar, NULL};
    char *log = NULL;
    int status = run_captured(argv, &log);
    if (status == 0) {
        free(log);
        return NULL;
    }
    char *reason = NULL;
    if (asprintf(&reason, "make exited with status %d\n%s", status, log ? log : "") < 0)
        reason = NULL;
    free(log);
    return reason ? reason : strdup("make failed");
}

/* Set t[key] = value when value is not NULL. */
static void set_opt(lua_State *L, const char *key, const char *value)
{
    if (!value)
        return;
    lua_pushstring(L, value);
    lua_setfield(L, -2, key);
}

/* Grade one built submission: gradelib.main in a new Lua state. */
static int grade_lua(const struct grade_args *g, const char *lab, const char *sub,
                     const char *build_error)
{
    char grader[PATH_MAX + 16];
    snprintf(grader, sizeof grader, "%s/grade.lua", lab);
    lua_State *L = lm_newstate();
    if (!L) {
        cli_error("grade", "out of memory");
        return EXIT_HOST_ERROR;
    }
    lua_getglobal(L, "require");
    lua_pushstring(L, "gradelib");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "main");
    lua_createtable(L, 0, 10);
    set_opt(L, "lab", lab);
    set_opt(L, "grader", grader);
    set_opt(L, "submission", sub);
    set_opt(L, "build_error", build_error);
    set_opt(L, "junit", g->junit);
    set_opt(L, "gradescope", g->gradescope);
    set_opt(L, "json", g->json);
    set_opt(L, "summary", g->summary);
    set_opt(L, "core", g->core);
    lua_pushboolean(L, g->quiet);
    lua_setfield(L, -2, "quiet");
    int status;
    if (lm_pcall(L, 1, 2) != 0) {
        fprintf(stderr, "lab86: %s: %s\n", grader, lua_tostring(L, -1));
        status = EXIT_HOST_ERROR;
    } else {
        status = lua_tonumber(L, -2) == lua_tonumber(L, -1) ? 0 : 1;
    }
    fflush(stdout);
    lua_close(L);
    return status;
}

int grade_one(const struct grade_args *g)
{
    char *lab = absolute("the lab directory", g->lab);
    char *sub = lab ? absolute("the submission", g->submission ? g->submission : ".") : NULL;
    int status = EXIT_HOST_ERROR;
    if (lab && sub) {
        char *why = build(lab, sub);
        status = grade_lua(g, lab, sub, why);
        free(why);
    }
    free(lab);
    free(sub);
    return status;
}

/* A value option: argv[*k] is the flag; takes the next word. */
static int take(int argc, char **argv, int *k, const char **out)
{
    if (*k + 1 >= argc) {
        cli_error(argv[*k], "missing argument");
        return -1;
    }
    *out = argv[++*k];
    return 0;
}

static int parse(int argc, char **argv, struct grade_args *g)
{
    static const char *const names[] = {"--submission", "--junit", "--gradescope", "--json",
                                        "--batch", "--csv", "--summary", "--core"};
    const char **fields[] = {&g->submission, &g->junit, &g->gradescope, &g->json, &g->batch,
                             &g->csv, &g->summary, &g->core};
    for (int k = 0; k < argc; k++) {
        const char *a = argv[k], *jobs;
        bool known = false;
        for (size_t n = 0; n < sizeof names / sizeof names[0]; n++)
            if (strcmp(a, names[n]) == 0) {
                if (take(argc, argv, &k, fields[n]) != 0)
                    return -1;
                known = true;
            }
        if (known)
            continue;
        if (strcmp(a, "--quiet") == 0) {
            g->quiet = true;
        } else if (strcmp(a, "-j") == 0) {
            if (take(argc, argv, &k, &jobs) != 0)
                return -1;
            char *end;
            long j = strtol(jobs, &end, 10);
            if (*end || j < 1 || j > 256) {
                cli_error("-j", "not a number of jobs (1 to 256): %s", jobs);
                return -1;
            }
            g->jobs = (int)j;
        } else if (a[0] == '-' || g->lab) {
            cli_error(a, a[0] == '-' ? "unknown option (see 'lab86 grade --help')"
                                     : "unexpected argument (one LAB_DIR)");
            return -1;
        } else {
            g->lab = a;
        }
    }
    return 0;
}

/* The checks that need the whole command line. */
static int check(const struct grade_args *g)
{
    if (!g->lab) {
        cli_error("grade", "missing LAB_DIR (see 'lab86 grade --help')");
        return -1;
    }
    if (g->core && strcmp(g->core, "threaded") != 0 && strcmp(g->core, "switch") != 0) {
        cli_error("--core", "not an interpreter core (threaded or switch): %s", g->core);
        return -1;
    }
    if (g->batch && g->submission) {
        cli_error("--batch", "grades every directory in it: give no --submission");
        return -1;
    }
    if (!g->batch && g->csv) {
        cli_error("--csv", "needs --batch");
        return -1;
    }
    return 0;
}

int grade_main(int argc, char **argv)
{
    struct grade_args g = {.jobs = 1};
    for (int k = 0; k < argc; k++)
        if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
            fputs(grade_help, stdout);
            return 0;
        }
    if (parse(argc, argv, &g) != 0 || check(&g) != 0)
        return EXIT_HOST_ERROR;
    char grader[PATH_MAX];
    snprintf(grader, sizeof grader, "%s/grade.lua", g.lab);
    if (access(grader, R_OK) != 0) {
        cli_error(grader, "%s (is %s a lab directory?)", strerror(errno), g.lab);
        return EXIT_HOST_ERROR;
    }
    return g.batch ? grade_batch(&g) : grade_one(&g);
}
