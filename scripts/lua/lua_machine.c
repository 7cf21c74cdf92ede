/*
 * lua_machine.c - lab86.machine{...}: a machine for a Lua script.
 *
 *     local m = lab86.machine{kernel = "k.elf", memory = "32M", core = "switch"}
 *     print(m:run{max_cycles = 1e6}, m:serial())
 *     m:close()
 *
 * The table's keys become the words of `lab86 run`'s own option list
 * (kernel= is --kernel, memory= is -m, ...) and go through run_parse_args(),
 * media_open() and run_boot(): a machine in Lua is exactly the machine
 * `lab86 run` would build from the same options, with the same checks and
 * the same messages (which become the Lua error). Keys this build's parser
 * does not know (smp= before --smp exists) give "not available in this
 * build".
 *
 * What the guest writes to COM1, COM2 and the 0xE9 console is kept whole
 * (m:serial(), m:console()); with `lab86 run --script` it also goes where
 * the run's options send it. Every machine has its own debugger (dbg_*),
 * which every stop goes through (lua_run.c).
 *
 * The userdata keeps one user value: a table of the script's callbacks
 * (breakpoints by handle, vectors, the mode switch, serial patterns), so
 * the functions live as long as the machine and no longer.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab86lua.h"
#include "tui/cmd.h"

/* --- guest output --- */

static void out_append(struct lm_out *o, const uint8_t *buf, size_t len)
{
    if (len == 0)
        return;
    if (o->len + len > LM_OUT_MAX) {
        o->truncated = true; /* a guest that never stops talking: keep the start */
        len = LM_OUT_MAX - o->len;
    }
    if (o->len + len + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + len + 1)
            cap *= 2;
        char *p = realloc(o->buf, cap);
        if (!p) {
            o->truncated = true;
            return;
        }
        o->buf = p;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, buf, len);
    o->len += len;
    o->buf[o->len] = '\0';
}

/* The machine's chardev: keep the bytes, and pass them on (--script). */
static void out_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct lm_out *o = opaque;
    out_append(o, buf, len);
    chardev_write(&o->host, buf, len);
}

static void out_clear(struct lm_out *o)
{
    o->len = 0;
    o->truncated = false;
    if (o->buf)
        o->buf[0] = '\0';
}

/* --- building --- */

/* Run fn(lm) with stderr captured: the parser and media report a bad
 * option or file as one "lab86: ..." line, which becomes the Lua error.
 * (glibc's stderr is an ordinary variable that may be assigned.) */
static int captured(struct lmachine *lm, int (*fn)(struct lmachine *), char *msg, size_t len)
{
    char *text = NULL;
    size_t tlen = 0;
    FILE *mem = open_memstream(&text, &tlen), *saved = stderr;
    if (mem)
        stderr = mem;
    int r = fn(lm);
    if (mem) {
        stderr = saved;
        fclose(mem);
    }
    msg[0] = '\0';
    if (text) {
        const char *t = strncmp(text, "lab86: ", 7) == 0 ? text + 7 : text;
        snprintf(msg, len, "%.*s", (int)strcspn(t, "\n"), t);
    }
    free(text);
    return r;
}

static int do_parse(struct lmachine *lm)
{
    return run_parse_args(lm->argc, lm->argv, &lm->args);
}

static int do_media(struct lmachine *lm)
{
    return media_open(&lm->args, &lm->md);
}

/* Plug the capture chardevs in front of the host ends media_open() made. */
static void plug_outputs(struct lmachine *lm)
{
    for (int k = 0; k < 2; k++) {
        lm->out[k].host = lm->md.serial[k].out;
        lm->out_cd[k] = (struct chardev){out_write, &lm->out[k]};
        lm->md.serial[k].out = lm->out_cd[k];
    }
    lm->out_cd[2] = (struct chardev){out_write, &lm->out[2]};
}

/* Build the machine and its debugger from lm->args and lm->md. */
static int do_boot(struct lmachine *lm)
{
    lm->m = run_boot(&lm->args, lm->args.core, &lm->out_cd[2]);
    if (!lm->m)
        return -1;
    lm->d = dbg_create(lm->m);
    char err[256];
    if (lm->d) /* a fresh debugger: the script is its only owner but the user */
        lm->owner = dbg_owner_new(lm->d);
    if (!lm->d)
        snprintf(err, sizeof err, "machine: out of memory");
    else if (dbg_auto_symbols(lm->d, lm->args.symbols, lm->args.kernel, err, sizeof err) == 0)
        return 0; /* symbols= or the kernel's own ELF symbols, for m:symbol */
    fprintf(stderr, "lab86: %s: %s\n", lm->args.symbols ? lm->args.symbols : "symbols", err);
    dbg_destroy(lm->d);
    emu_destroy(lm->m);
    lm->d = NULL;
    lm->m = NULL;
    return -1;
}

/* The option word for a table key, and whether it takes no value. */
static const struct key_option {
    const char *key;  /* lab86.machine{key = ...} */
    const char *flag; /* `lab86 run`'s option */
    bool boolean;     /* a flag without a value (true to give it) */
} key_options[] = {
    {"kernel", "--kernel", false},    {"hda", "--hda", false},
    {"hdb", "--hdb", false},          {"fda", "--fda", false},
    {"fdb", "--fdb", false},          {"cdrom", "--cdrom", false},
    {"memory", "-m", false},          {"firmware", "--firmware", false},
    {"bios", "--bios", false},        {"vga_bios", "--vga-bios", false},
    {"smp", "--smp", false},          {"core", "--core", false},
    {"append", "--append", false},    {"initrd", "--initrd", false},
    {"cpu_mhz", "--cpu-mhz", false},  {"boot", "--boot", false},
    {"symbols", "--symbols", false},  {"no_reboot", "--no-reboot", true},
};

static void add_word(lua_State *L, struct lmachine *lm, const char *w)
{
    if (lm->argc >= LM_MAX_ARGS - 1)
        luaL_error(L, "lab86.machine: too many options");
    if (!(lm->argv[lm->argc] = strdup(w)))
        luaL_error(L, "lab86.machine: out of memory");
    lm->argc++;
}

/* The value of one key as the option's word: strings as given, numbers
 * in decimal (memory = 64 is 64 MiB, as -m 64 is). */
static void add_value(lua_State *L, struct lmachine *lm, const struct key_option *o)
{
    if (o->boolean) {
        if (lua_toboolean(L, -1))
            add_word(L, lm, o->flag);
        return;
    }
    char num[32];
    const char *v;
    if (lua_isinteger(L, -1)) {
        snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, -1));
        v = num;
    } else if (lua_type(L, -1) == LUA_TSTRING) {
        v = lua_tostring(L, -1);
    } else {
        luaL_error(L, "lab86.machine: %s= must be a string or an integer", o->key);
        return;
    }
    add_word(L, lm, o->flag);
    add_word(L, lm, v);
}

/* The table at index 1 as option words; an unknown key is an error. */
static void table_to_words(lua_State *L, struct lmachine *lm)
{
    add_word(L, lm, "--serial");
    add_word(L, lm, "none");
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        const struct key_option *o = NULL;
        for (size_t k = 0; k < sizeof key_options / sizeof key_options[0]; k++)
            if (strcmp(key, key_options[k].key) == 0)
                o = &key_options[k];
        if (!o)
            luaL_error(L, "lab86.machine: unknown key '%s'", key);
        add_value(L, lm, o);
        lua_pop(L, 1);
    }
}

/* A new userdata with its callback table and metatable. */
static struct lmachine *new_userdata(lua_State *L)
{
    struct lmachine *lm = lua_newuserdatauv(L, sizeof *lm, 1);
    memset(lm, 0, sizeof *lm);
    lua_newtable(L);
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, LM_MT);
    return lm;
}

/* Why the parser refused: an option this build lacks, or a bad value. */
static int parse_error(lua_State *L, const char *msg)
{
    bool unknown = strstr(msg, "unknown option") != NULL;
    if (unknown && (strncmp(msg, "--smp", 5) == 0 || strncmp(msg, "--symbols", 9) == 0))
        return luaL_error(L, "lab86.machine: %s= not available in this build",
                          msg[3] == 'm' ? "smp" : "symbols");
    return luaL_error(L, "lab86.machine: %s", msg);
}

static int l_machine(lua_State *L)
{
    char msg[300];
    luaL_checktype(L, 1, LUA_TTABLE);
    struct lmachine *lm = new_userdata(L);
    table_to_words(L, lm);
    if (captured(lm, do_parse, msg, sizeof msg) != 0)
        return parse_error(L, msg);
    if (lm->args.lockstep || lm->args.firmware == RUN_FW_DEFAULT)
        return luaL_error(L, "lab86.machine: bad configuration");
    if (captured(lm, do_media, msg, sizeof msg) != 0)
        return luaL_error(L, "lab86.machine: %s", msg);
    lm->md_open = true;
    lm->args.media = &lm->md;
    plug_outputs(lm);
    if (captured(lm, do_boot, msg, sizeof msg) != 0)
        return luaL_error(L, "lab86.machine: %s", msg);
    return 1;
}

struct lmachine *lm_push_current(lua_State *L, const struct run_args *a)
{
    struct lmachine *lm = new_userdata(L);
    lm->args = *a;
    if (media_open(&lm->args, &lm->md) != 0) {
        lua_pop(L, 1);
        return NULL;
    }
    lm->md_open = true;
    lm->args.media = &lm->md;
    plug_outputs(lm);
    FILE *con = a->display_text ? stderr : stdout;
    lm->out[2].host = (struct chardev){lm_stdio_write, con};
    if (do_boot(lm) != 0 || (a->loadvm && cli_loadvm(&lm->args, lm->m) != 0)) {
        lua_pop(L, 1);
        return NULL;
    }
    lm->borrowed = true;
    return lm;
}

struct lmachine *lm_push_foreign(lua_State *L, struct dbg *d)
{
    int owner = dbg_owner_new(d);
    if (owner < 0)
        return NULL;
    struct lmachine *lm = new_userdata(L);
    lm->foreign = true;
    lm->d = d;
    lm->m = dbg_emu(d);
    lm->owner = owner;
    return lm;
}

void lm_stdio_write(void *opaque, const uint8_t *buf, size_t len)
{
    fwrite(buf, 1, len, opaque);
}

void lm_close(struct lmachine *lm)
{
    if (lm->cmd)
        cmd_destroy(lm->cmd);
    lm->cmd = NULL;
    if (lm->foreign && lm->d)
        lm_disarm(lm); /* the debugger is someone else's: take back what we set */
    if (lm->d && !lm->foreign)
        dbg_destroy(lm->d);
    if (lm->m && !lm->foreign)
        emu_destroy(lm->m);
    lm->d = NULL;
    lm->m = NULL;
    if (lm->md_open)
        media_close(&lm->md);
    lm->md_open = false;
    for (int k = 0; k < 3; k++) {
        free(lm->out[k].buf);
        lm->out[k] = (struct lm_out){0};
    }
    lm_free_hooks(lm);
    free(lm->keys.buf);
    free(lm->rx.buf);
    lm->keys = lm->rx = (struct lm_input){0};
    for (int k = 0; k < lm->argc; k++)
        free(lm->argv[k]);
    lm->argc = 0;
}

struct lmachine *lm_check(lua_State *L, int idx)
{
    struct lmachine *lm = luaL_checkudata(L, idx, LM_MT);
    if (!lm->m)
        luaL_error(L, "the machine is closed");
    return lm;
}

void lm_callbacks(lua_State *L, int idx)
{
    lua_getiuservalue(L, idx, 1);
}

/* m:reset(): the machine as it was built, with the same hooks set; the
 * output kept so far and input not yet given are dropped. */
static int l_reset(lua_State *L)
{
    char msg[300];
    struct lmachine *lm = lm_check(L, 1);
    if (lm->running)
        return luaL_error(L, "m:reset() from a callback of m:run");
    if (lm->foreign)
        return luaL_error(L, "m:reset(): the machine belongs to the debugger");
    if (lm->cmd)
        cmd_destroy(lm->cmd);
    lm->cmd = NULL;
    dbg_destroy(lm->d);
    emu_destroy(lm->m);
    lm->d = NULL;
    lm->m = NULL;
    for (int k = 0; k < 3; k++)
        out_clear(&lm->out[k]);
    lm->keys.len = lm->rx.len = 0;
    if (captured(lm, do_boot, msg, sizeof msg) != 0)
        return luaL_error(L, "m:reset: %s", msg);
    lm_rearm(lm);
    return 0;
}

static int l_close(lua_State *L)
{
    struct lmachine *lm = luaL_checkudata(L, 1, LM_MT);
    if (lm->borrowed || lm->foreign)
        return luaL_error(L, "lab86.current belongs to the run: it cannot be closed");
    if (lm->running)
        return luaL_error(L, "m:close() from a callback of m:run (return \"stop\" first)");
    lm_close(lm);
    return 0;
}

static int l_gc(lua_State *L)
{
    lm_close(luaL_checkudata(L, 1, LM_MT));
    return 0;
}

static int l_tostring(lua_State *L)
{
    struct lmachine *lm = luaL_checkudata(L, 1, LM_MT);
    if (!lm->m)
        lua_pushstring(L, "lab86.machine (closed)");
    else
        lua_pushfstring(L, "lab86.machine (cycle %I)", (lua_Integer)emu_cycles(lm->m));
    return 1;
}

/* Methods first, then the fields lua_access.c knows (m.cpu, m.cycles ...). */
static int l_index(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    const char *key = luaL_checkstring(L, 2);
    luaL_getmetatable(L, LM_MT);
    lua_getfield(L, -1, "methods");
    lua_getfield(L, -1, key);
    if (!lua_isnil(L, -1))
        return 1;
    lua_pop(L, 3);
    return lm_index_field(L, lm, key);
}

static const luaL_Reg machine_meta[] = {
    {"__index", l_index}, {"__gc", l_gc}, {"__close", l_gc}, {"__tostring", l_tostring},
    {NULL, NULL}};
static const luaL_Reg machine_methods[] = {{"reset", l_reset}, {"close", l_close}, {NULL, NULL}};

int lm_open(lua_State *L)
{
    luaL_newmetatable(L, LM_MT);
    luaL_setfuncs(L, machine_meta, 0);
    lua_newtable(L);
    luaL_setfuncs(L, machine_methods, 0);
    lua_setfield(L, -2, "methods");
    lm_run_register(L);    /* adds to methods */
    lm_hooks_register(L);  /* the same */
    lm_session_register(L);
    lm_views_register(L);
    lm_access_register(L); /* the same */
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushcfunction(L, l_machine);
    lua_setfield(L, -2, "machine");
    lua_pushcfunction(L, lm_lab86_command);
    lua_setfield(L, -2, "command");
    lua_pushstring(L, EMU_VERSION);
    lua_setfield(L, -2, "version");
    return 1;
}
