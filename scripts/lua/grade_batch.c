/*
 * grade_batch.c - `lab86 grade LAB_DIR --batch SUBMISSIONS_DIR -j N --csv FILE`:
 * a whole class.
 *
 * Every directory in SUBMISSIONS_DIR (in name order, hidden ones skipped) is
 * one submission, graded in its own process (a fork that runs grade_one()
 * with its output in a log file), at most N at a time. A process that
 * writes no result (it crashed, or the grader failed to load) gives its
 * submission 0 with that reason; a submission that does not build or whose
 * kernel loops or triple-faults is graded as usual and gets 0 on the tests
 * it fails. The batch always goes on to the next one.
 *
 * The child reports through the summary file gradelib writes (--summary):
 * a first line "score<TAB>max", then "name<TAB>score<TAB>max<TAB>pass|fail<TAB>
 * reason" a test. The results are printed and written to the CSV in
 * submission order, whatever order the processes ended in.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grade.h"

/* One submission of the batch. */
struct sub {
    char *name;   /* its directory's name */
    char *path;   /* SUBMISSIONS_DIR/name */
    pid_t pid;    /* its grading process; 0 not started or done */
    int status;   /* that process's wait status */
    char *result; /* the summary it wrote (malloc'd), NULL: none */
};

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct sub *)a)->name, ((const struct sub *)b)->name);
}

/* The submissions: every directory in dir, sorted. -1 after an error line. */
static int list_subs(const char *dir, struct sub **out, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d) {
        cli_error(dir, "%s", strerror(errno));
        return -1;
    }
    struct dirent *e;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((e = readdir(d))) {
        struct stat st;
        char *path;
        if (e->d_name[0] == '.' || asprintf(&path, "%s/%s", dir, e->d_name) < 0)
            continue;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
            free(path);
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = realloc(*out, cap * sizeof **out);
        }
        (*out)[(*n)++] = (struct sub){.name = strdup(e->d_name), .path = path};
    }
    closedir(d);
    qsort(*out, *n, sizeof **out, by_name);
    return 0;
}

static char *file_path(const char *tmp, size_t k, const char *ext)
{
    char *p;
    return asprintf(&p, "%s/%zu.%s", tmp, k, ext) < 0 ? NULL : p;
}

/* Start grading submission k in a child process. */
static void start(const struct grade_args *g, struct sub *s, size_t k, const char *tmp)
{
    char *log = file_path(tmp, k, "log"), *sum = file_path(tmp, k, "tsv");
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *f = log ? freopen(log, "w", stdout) : NULL;
        if (f)
            dup2(fileno(stdout), 2);
        struct grade_args one = *g;
        one.batch = NULL;
        one.csv = NULL;
        one.submission = s->path;
        one.summary = sum;
        one.quiet = false;
        one.junit = one.gradescope = one.json = NULL;
        int status = grade_one(&one);
        fflush(stdout);
        _exit(status);
    }
    s->pid = pid < 0 ? 0 : pid;
    s->status = pid < 0 ? -1 : 0;
    free(log);
    free(sum);
}

/* Wait for one child and note its status. */
static void reap(struct sub *subs, size_t n)
{
    int status;
    pid_t pid;
    while ((pid = wait(&status)) < 0 && errno == EINTR)
        ;
    for (size_t k = 0; pid > 0 && k < n; k++)
        if (subs[k].pid == pid) {
            subs[k].pid = 0;
            subs[k].status = status;
        }
}

static char *read_all(const char *path)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int c;
    while (mem && (c = fgetc(f)) != EOF)
        fputc(c, mem);
    if (mem)
        fclose(mem);
    fclose(f);
    return buf;
}

/* A CSV field, quoted. */
static void csv_field(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t k = 0; k < n && s[k]; k++) {
        if (s[k] == '"')
            fputc('"', f);
        fputc(s[k], f);
    }
    fputc('"', f);
}

/* Why a submission has no result. */
static void no_result(const struct sub *s, char *buf, size_t len)
{
    if (s->status == -1)
        snprintf(buf, len, "the grading process could not start");
    else if (WIFSIGNALED(s->status))
        snprintf(buf, len, "the grader crashed (signal %d)", WTERMSIG(s->status));
    else
        snprintf(buf, len, "the grader wrote no result (exit status %d)",
                 WEXITSTATUS(s->status));
}

/* One line of a summary split at its tabs: up to max fields, each with its
 * length. Returns how many. */
static int split(const char *line, const char **f, int *len, int max)
{
    int n = 0;
    for (const char *p = line; n < max; p += len[n++] + 1) {
        f[n] = p;
        len[n] = (int)strcspn(p, "\t\n");
        if (p[len[n]] != '\t')
            return n + 1;
    }
    return n;
}

/* The test lines of a summary, one after the other: NULL after the last. */
static const char *next_line(const char *t)
{
    t = strchr(t, '\n');
    return t && t[1] ? t + 1 : NULL;
}

static void csv_header(FILE *csv, const char *r)
{
    fputs("submission,score,max_score", csv);
    for (const char *t = next_line(r); t; t = next_line(t)) {
        fputc(',', csv);
        csv_field(csv, t, strcspn(t, "\t\n"));
    }
    fputs(",reasons\n", csv);
}

/* One CSV row for a submission with a result: its scores and the reasons
 * of the tests it failed ("name: reason; ..."). */
static void csv_row(FILE *csv, const struct sub *s, const char *r)
{
    const char *f[5] = {"0", "0"};
    int len[5] = {1, 1};
    csv_field(csv, s->name, strlen(s->name));
    split(r, f, len, 2);
    fprintf(csv, ",%.*s,%.*s", len[0], f[0], len[1], f[1]);
    char *reasons = NULL;
    size_t rlen = 0;
    FILE *m = open_memstream(&reasons, &rlen);
    for (const char *t = next_line(r); t; t = next_line(t)) {
        int n = split(t, f, len, 5);
        fprintf(csv, ",%.*s", n > 1 ? len[1] : 1, n > 1 ? f[1] : "0");
        if (m && n == 5 && strncmp(f[3], "fail", 4) == 0)
            fprintf(m, "%s%.*s: %.*s", ftell(m) ? "; " : "", len[0], f[0], len[4], f[4]);
    }
    if (m)
        fclose(m);
    fputc(',', csv);
    csv_field(csv, reasons ? reasons : "", reasons ? strlen(reasons) : 0);
    fputc('\n', csv);
    free(reasons);
}

/* Report submission s: a line on stdout and a CSV row. */
static void report(FILE *csv, const struct sub *s, bool *header)
{
    const char *f[2] = {"0", "0"};
    int len[2] = {1, 1};
    const char *r = s->result && strchr(s->result, '\t') ? s->result : NULL;
    if (!r) {
        char why[128];
        no_result(s, why, sizeof why);
        printf("%-24s 0  %s\n", s->name, why);
        if (csv) {
            csv_field(csv, s->name, strlen(s->name));
            fputs(",0,0,", csv);
            csv_field(csv, why, strlen(why));
            fputc('\n', csv);
        }
        return;
    }
    split(r, f, len, 2);
    printf("%-24s %.*s/%.*s\n", s->name, len[0], f[0], len[1], f[1]);
    if (!csv)
        return;
    if (!*header)
        csv_header(csv, r);
    *header = true;
    csv_row(csv, s, r);
}

int grade_batch(const struct grade_args *g)
{
    struct sub *subs;
    size_t n;
    if (list_subs(g->batch, &subs, &n) != 0)
        return EXIT_HOST_ERROR;
    char tmp[] = "/tmp/lab86-batch-XXXXXX";
    FILE *csv = NULL;
    if (!mkdtemp(tmp) || (g->csv && !(csv = fopen(g->csv, "w")))) {
        cli_error(g->csv && tmp[0] ? g->csv : "/tmp", "%s", strerror(errno));
        return EXIT_HOST_ERROR;
    }
    size_t next = 0, running = 0;
    while (next < n || running > 0) {
        if (next < n && running < (size_t)g->jobs) {
            start(g, &subs[next], next, tmp);
            running += subs[next].pid != 0;
            next++;
            continue;
        }
        reap(subs, n);
        running--;
    }
    bool header = false;
    for (size_t k = 0; k < n; k++) {
        char *sum = file_path(tmp, k, "tsv"), *log = file_path(tmp, k, "log");
        subs[k].result = read_all(sum);
        report(csv, &subs[k], &header);
        if (sum)
            unlink(sum);
        if (log)
            unlink(log);
        free(sum);
        free(log);
        free(subs[k].result);
        free(subs[k].name);
        free(subs[k].path);
    }
    rmdir(tmp);
    free(subs);
    if (csv)
        fclose(csv);
    return 0;
}
