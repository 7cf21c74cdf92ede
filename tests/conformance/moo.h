/*
 * moo.h - a reader for MOO files, the chunked binary format of the
 * SingleStepTests CPU test vectors (format version 1.1; the fields are
 * described in ../shared/testdata/sst286/README.md).
 *
 * A file is a sequence of chunks: a 4-byte ASCII type, a little-endian
 * uint32 payload length, the payload. The reader loads the whole gzip file
 * into memory, checks the MOO header, then hands out one TEST at a time.
 * Every length is checked against the bytes that remain, so a truncated or
 * corrupt file is an error with a message, never a read past the buffer.
 * Chunks the reader does not know (GMET, CYCL, QUEU, ...) are skipped by
 * their length.
 *
 * A parsed test points into the file's buffer (instruction bytes, RAM
 * entries): it stays valid until the next moo_next() or moo_close().
 */
#ifndef LAB86_MOO_H
#define LAB86_MOO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Register order of a REGS chunk: bit k of its mask is register k. */
enum {
    MOO_AX,
    MOO_BX,
    MOO_CX,
    MOO_DX,
    MOO_CS,
    MOO_SS,
    MOO_DS,
    MOO_ES,
    MOO_SP,
    MOO_BP,
    MOO_SI,
    MOO_DI,
    MOO_IP,
    MOO_FLAGS,
    MOO_NREGS
};

/* A REGS (or RMSK) chunk: the registers whose mask bit is set. */
struct moo_regs {
    uint16_t mask;         /* bit k set: r[k] is given */
    uint16_t r[MOO_NREGS]; /* values, indexed by MOO_AX.. */
};

/* A RAM chunk: count entries of (u32 address, u8 value), left packed. */
struct moo_ram {
    const uint8_t *p; /* the first entry */
    uint32_t count;   /* number of 5-byte entries */
};

/* An INIT or FINA container. */
struct moo_state {
    struct moo_regs regs; /* REGS */
    struct moo_ram ram;   /* RAM (count 0 if absent) */
    bool has_rmsk;        /* an RMSK chunk was inside */
    struct moo_regs rmsk; /* masks for undefined register bits */
};

/* One TEST chunk. */
struct moo_test {
    uint32_t index;           /* test number in the file */
    char name[96];            /* NAME: disassembly (truncated, NUL-terminated) */
    const uint8_t *bytes;     /* BYTS: instruction bytes (points into the file) */
    uint32_t nbytes;          /* their count */
    struct moo_state init;    /* INIT */
    struct moo_state fina;    /* FINA */
    bool has_excp;            /* an EXCP chunk was given */
    uint8_t excp_vector;      /* exception or interrupt vector taken */
    uint32_t excp_flags_addr; /* address of the FLAGS image pushed */
    bool has_hash;            /* a HASH chunk was given */
    uint8_t hash[20];         /* SHA-1 identifying the test */
};

/* An open MOO file. */
struct moo_file {
    uint8_t *data;        /* the decompressed file */
    size_t len;           /* its length */
    size_t pos;           /* offset of the next top-level chunk */
    uint8_t major, minor; /* format version from the MOO header */
    uint32_t test_count;  /* tests announced by the header */
    char cpu_id[5];       /* "C286" */
    uint8_t cpu_mode;     /* from META: 0 = real mode */
    bool has_rmsk;        /* a top-level RMSK chunk was seen */
    struct moo_regs rmsk; /* its masks */
    char err[160];        /* what went wrong, after a -1 return */
};

/* Read the gzip (or plain) file at path and check its MOO header.
 * Returns 0, or -1 with f->err set (f then needs no moo_close). */
int moo_open(struct moo_file *f, const char *path);

/* Parse the next test into *t. Returns 1, 0 at the end of the file, or -1
 * with f->err set when the file is malformed. */
int moo_next(struct moo_file *f, struct moo_test *t);

/* Entry k (< r->count) of a RAM chunk. */
void moo_ram_entry(const struct moo_ram *r, uint32_t k, uint32_t *addr, uint8_t *val);

/* Free the file's buffer. */
void moo_close(struct moo_file *f);

#endif
