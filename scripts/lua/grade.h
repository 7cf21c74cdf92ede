/*
 * grade.h - what grade.c (one submission) and grade_batch.c (a class of
 * them) share: the options of `lab86 grade`.
 */
#ifndef LAB86_GRADE_H
#define LAB86_GRADE_H

#include <stdbool.h>

#include "lab86lua.h"

/* What `lab86 grade` was asked to do. */
struct grade_args {
    const char *lab;        /* LAB_DIR: Makefile, grade.lua */
    const char *submission; /* --submission DIR; NULL: the current directory */
    const char *junit;      /* --junit FILE */
    const char *gradescope; /* --gradescope FILE */
    const char *json;       /* --json FILE */
    const char *summary;    /* --summary FILE: the line format --batch reads back */
    const char *core;       /* --core CORE for every machine; NULL: the grader's choice */
    const char *batch;      /* --batch DIR of submissions */
    const char *csv;        /* --csv FILE (with --batch) */
    int jobs;               /* -j N */
    bool quiet;             /* --quiet: no score table */
};

/* Grade g->submission: the exit status (0 only on full marks). */
int grade_one(const struct grade_args *g);
/* Grade every directory in g->batch, g->jobs at a time: 0, or 2 after an error line. */
int grade_batch(const struct grade_args *g);

#endif
