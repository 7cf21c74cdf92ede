/*
 * symbols.c - a guest kernel's names: the ELF symbol table and the DWARF
 * line table, read with Debian's libelf and libdw (elfutils), so the
 * debugger can show `kmain+0x12` and `main.c:42` instead of bare numbers
 * and set a breakpoint with `break main.c:42`.
 *
 * What is read, once, into plain sorted arrays (the files are closed
 * again at the end of dbg_load_symbols):
 *   - symbols: every named symbol that is defined in a section (functions,
 *     objects, and the untyped labels nasm emits), sorted by address for
 *     address -> name and, through an index, by name for name -> address
 *     and prefix completion;
 *   - lines: the rows of every compilation unit's line program (address,
 *     file, line, and whether the row ends a sequence), sorted by address.
 *     address -> file:line takes the last row at or below the address
 *     (none when that row ends a sequence: the address is past the code);
 *     file:line -> address takes the lowest address of the first line at
 *     or after the one asked for that has code, as gdb does for a line
 *     that is a comment or a declaration.
 * A guest kernel is linked at the addresses it runs at (the ELF's
 * virtual addresses are the guest's linear ones), so no relocation or
 * load offset is applied: a kernel linked for 0xC0100000 gets its symbols
 * there.
 */
#include "debug/dbg_impl.h"

#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sym {
    char *name;    /* owned */
    uint64_t addr; /* value */
    uint64_t size; /* st_size, 0 for a label */
    bool func;     /* STT_FUNC or STT_OBJECT: preferred at equal addresses */
};

struct line {
    uint64_t addr;    /* first address of the row */
    const char *file; /* interned in files[] */
    int line;         /* line number */
    bool end;         /* the row ends a sequence: addr is past the code */
};

struct dbg_symtab {
    struct sym *syms;    /* by address */
    size_t nsyms;
    struct sym **names;  /* the same, by name */
    struct line *lines;  /* by address */
    size_t nlines, cap_lines;
    char **files;        /* distinct file names, owned */
    size_t nfiles, cap_files;
};

void dbg_symbols_free(struct dbg *d)
{
    struct dbg_symtab *t = d->syms;
    if (!t)
        return;
    for (size_t k = 0; k < t->nsyms; k++)
        free(t->syms[k].name);
    for (size_t k = 0; k < t->nfiles; k++)
        free(t->files[k]);
    free(t->syms);
    free(t->names);
    free(t->lines);
    free(t->files);
    free(t);
    d->syms = NULL;
}

/* --- reading the ELF symbol table --- */

static int by_addr(const void *a, const void *b)
{
    const struct sym *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->func != y->func) /* a function sorts after a label at its address: found first */
        return x->func ? 1 : -1;
    return strcmp(x->name, y->name);
}

static int by_name(const void *a, const void *b)
{
    const struct sym *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* Worth a name: defined in a section, named, not a section or file symbol. */
static bool wanted(const GElf_Sym *s, const char *name)
{
    int type = GELF_ST_TYPE(s->st_info);
    return name && *name && s->st_shndx != SHN_UNDEF && s->st_shndx != SHN_ABS &&
           type != STT_SECTION && type != STT_FILE;
}

/* Append the symbols of one symbol-table section. */
static int read_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct dbg_symtab *t)
{
    Elf_Data *data = elf_getdata(scn, NULL);
    size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
    struct sym *grown = realloc(t->syms, (t->nsyms + n + 1) * sizeof *grown);
    if (!data || !grown)
        return -1;
    t->syms = grown;
    for (size_t k = 0; k < n; k++) {
        GElf_Sym s;
        if (!gelf_getsym(data, (int)k, &s))
            continue;
        const char *name = elf_strptr(elf, sh->sh_link, s.st_name);
        if (!wanted(&s, name))
            continue;
        int type = GELF_ST_TYPE(s.st_info);
        struct sym *out = &t->syms[t->nsyms];
        *out = (struct sym){strdup(name), s.st_value, s.st_size,
                            type == STT_FUNC || type == STT_OBJECT};
        if (!out->name)
            return -1;
        t->nsyms++;
    }
    return 0;
}

/* The symbol tables of elf (SHT_SYMTAB; SHT_DYNSYM when stripped). */
static int read_symbols(Elf *elf, struct dbg_symtab *t)
{
    int kinds[2] = {SHT_SYMTAB, SHT_DYNSYM};
    for (int pass = 0; pass < 2 && t->nsyms == 0; pass++) {
        for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
            GElf_Shdr sh;
            if (gelf_getshdr(scn, &sh) && (int)sh.sh_type == kinds[pass] &&
                read_symtab(elf, scn, &sh, t) != 0)
                return -1;
        }
    }
    return 0;
}

/* --- reading the DWARF line tables --- */

/* The interned copy of a file name. */
static const char *intern(struct dbg_symtab *t, const char *name)
{
    for (size_t k = 0; k < t->nfiles; k++)
        if (strcmp(t->files[k], name) == 0)
            return t->files[k];
    if (t->nfiles == t->cap_files) {
        size_t cap = t->cap_files ? 2 * t->cap_files : 16;
        char **grown = realloc(t->files, cap * sizeof *grown);
        if (!grown)
            return NULL;
        t->files = grown, t->cap_files = cap;
    }
    char *copy = strdup(name);
    if (copy)
        t->files[t->nfiles++] = copy;
    return copy;
}

static int add_line(struct dbg_symtab *t, Dwarf_Line *l)
{
    Dwarf_Addr addr;
    int lineno;
    bool end = false;
    const char *file = dwarf_linesrc(l, NULL, NULL);
    if (dwarf_lineaddr(l, &addr) != 0 || dwarf_lineno(l, &lineno) != 0 || !file)
        return 0; /* a row libdw cannot read: skip it */
    dwarf_lineendsequence(l, &end);
    if (t->nlines == t->cap_lines) {
        size_t cap = t->cap_lines ? 2 * t->cap_lines : 256;
        struct line *grown = realloc(t->lines, cap * sizeof *grown);
        if (!grown)
            return -1;
        t->lines = grown, t->cap_lines = cap;
    }
    const char *name = intern(t, file);
    if (!name)
        return -1;
    t->lines[t->nlines++] = (struct line){addr, name, lineno, end};
    return 0;
}

/* Every compilation unit's line rows; a file without DWARF has none. */
static int read_lines(Elf *elf, struct dbg_symtab *t)
{
    Dwarf *dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
    Dwarf_Off off = 0, next;
    size_t hsize;
    int r = 0;
    if (!dw)
        return 0;
    while (r == 0 && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu;
        Dwarf_Lines *lines;
        size_t n;
        if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_getsrclines(&cu, &lines, &n) == 0)
            for (size_t k = 0; k < n && r == 0; k++)
                r = add_line(t, dwarf_onesrcline(lines, k));
        off = next;
    }
    dwarf_end(dw);
    return r;
}

static int line_by_addr(const void *a, const void *b)
{
    const struct line *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return (int)y->end - (int)x->end; /* an end row first: the next sequence's row wins */
}

/* --- loading --- */

/* Read the tables of an open ELF; the message names what is wrong. */
static int read_elf(Elf *elf, struct dbg_symtab *t, char *err, size_t errlen)
{
    if (elf_kind(elf) != ELF_K_ELF) {
        snprintf(err, errlen, "not an ELF file");
        return -1;
    }
    if (read_symbols(elf, t) != 0 || read_lines(elf, t) != 0) {
        snprintf(err, errlen, "cannot read its symbols: %s", elf_errmsg(-1));
        return -1;
    }
    if (t->nsyms == 0 && t->nlines == 0) {
        snprintf(err, errlen, "no symbols");
        return -1;
    }
    t->names = malloc((t->nsyms + 1) * sizeof *t->names);
    if (!t->names) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* qsort() must not be given a null array, even with no elements (C11
     * 7.22.5): a kernel without symbols or without DWARF has none. */
    if (t->nsyms) {
        qsort(t->syms, t->nsyms, sizeof *t->syms, by_addr);
        for (size_t k = 0; k < t->nsyms; k++)
            t->names[k] = &t->syms[k];
        qsort(t->names, t->nsyms, sizeof *t->names, by_name);
    }
    if (t->nlines)
        qsort(t->lines, t->nlines, sizeof *t->lines, line_by_addr);
    return 0;
}

int dbg_load_symbols(struct dbg *d, const char *path, char *err, size_t errlen)
{
    struct dbg_symtab *t = calloc(1, sizeof *t);
    int fd = open(path, O_RDONLY);
    if (!t || fd < 0) {
        snprintf(err, errlen, "%s", t ? "cannot open it" : "out of memory");
        if (fd >= 0)
            close(fd);
        free(t);
        return -1;
    }
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    int r = elf ? read_elf(elf, t, err, errlen) : -1;
    if (!elf)
        snprintf(err, errlen, "not an ELF file");
    elf_end(elf);
    close(fd);
    dbg_symbols_free(d);
    d->syms = t;
    if (r != 0)
        dbg_symbols_free(d);
    return r;
}

/* --- lookups --- */

size_t dbg_symbol_count(const struct dbg *d)
{
    return d->syms ? d->syms->nsyms : 0;
}

/* The first name >= key in the name index. */
static size_t lower_name(const struct dbg_symtab *t, const char *key, size_t keylen)
{
    size_t lo = 0, hi = t->nsyms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncmp(t->names[mid]->name, key, keylen) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int dbg_symbol_addr(struct dbg *d, const char *name, uint64_t *addr)
{
    struct dbg_symtab *t = d->syms;
    if (!t)
        return -1;
    size_t k = lower_name(t, name, strlen(name) + 1);
    if (k == t->nsyms || strcmp(t->names[k]->name, name) != 0)
        return -1;
    *addr = t->names[k]->addr;
    return 0;
}

size_t dbg_symbol_complete(struct dbg *d, const char *prefix, const char **out, size_t max)
{
    struct dbg_symtab *t = d->syms;
    size_t len = strlen(prefix), n = 0;
    if (!t)
        return 0;
    for (size_t k = lower_name(t, prefix, len);
         k < t->nsyms && strncmp(t->names[k]->name, prefix, len) == 0; k++) {
        /* Equal names (a local label in two files) are offered once. */
        if (n > 0 && n <= max && strcmp(out[n - 1], t->names[k]->name) == 0)
            continue;
        if (n < max)
            out[n] = t->names[k]->name;
        n++;
    }
    return n;
}

int dbg_symbolize(struct dbg *d, uint64_t addr, char *buf, size_t len)
{
    struct dbg_symtab *t = d->syms;
    size_t lo = 0, hi = t ? t->nsyms : 0;
    if (len)
        buf[0] = '\0';
    while (lo < hi) { /* the first symbol above addr */
        size_t mid = lo + (hi - lo) / 2;
        if (t->syms[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return -1;
    const struct sym *s = &t->syms[lo - 1];
    if (s->size && addr - s->addr >= s->size)
        return -1; /* past the end of the object or function below it */
    if (addr == s->addr)
        snprintf(buf, len, "%s", s->name);
    else
        snprintf(buf, len, "%s+0x%llx", s->name, (unsigned long long)(addr - s->addr));
    return 0;
}

int dbg_addr_line(struct dbg *d, uint64_t addr, char *file, size_t filelen, int *line)
{
    struct dbg_symtab *t = d->syms;
    size_t lo = 0, hi = t ? t->nlines : 0;
    while (lo < hi) { /* the first row above addr */
        size_t mid = lo + (hi - lo) / 2;
        if (t->lines[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || t->lines[lo - 1].end)
        return -1;
    snprintf(file, filelen, "%s", t->lines[lo - 1].file);
    *line = t->lines[lo - 1].line;
    return 0;
}

/* Does the recorded name match what the user typed: the same, or the
 * typed name is its tail after a '/' ("main.c" for "/src/kern/main.c")? */
static bool file_matches(const char *recorded, const char *typed)
{
    size_t r = strlen(recorded), n = strlen(typed);
    if (n > r || strcmp(recorded + r - n, typed) != 0)
        return false;
    return n == r || recorded[r - n - 1] == '/';
}

int dbg_line_addr(struct dbg *d, const char *file, int line, uint64_t *addr)
{
    struct dbg_symtab *t = d->syms;
    int best = -1;
    for (size_t k = 0; t && k < t->nlines; k++) { /* the first line >= line with code */
        const struct line *l = &t->lines[k];
        if (!l->end && l->line >= line && (best < 0 || l->line < best) &&
            file_matches(l->file, file))
            best = l->line;
    }
    for (size_t k = 0; best >= 0 && k < t->nlines; k++) { /* its lowest address */
        const struct line *l = &t->lines[k];
        if (!l->end && l->line == best && file_matches(l->file, file)) {
            *addr = l->addr;
            return 0;
        }
    }
    return -1;
}

int dbg_auto_symbols(struct dbg *d, const char *symbols_path, const char *kernel_path, char *err,
                     size_t errlen)
{
    char ignored[128];
    if (symbols_path)
        return dbg_load_symbols(d, symbols_path, err, errlen);
    if (kernel_path)
        dbg_load_symbols(d, kernel_path, ignored, sizeof ignored);
    return 0;
}
