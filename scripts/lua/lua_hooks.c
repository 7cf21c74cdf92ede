/*
 * lua_hooks.c - the stops a script sets on a machine, each with an
 * optional callback that m:run calls (lua_run.c):
 *
 *     m:breakpoint(addr_or_symbol [, fn])      fn(m, handle)
 *     m:watch(addr, len, "r"|"w"|"rw" [, fn])  fn(m, addr, size, write)
 *     m:on_io(lo, hi, fn [, "in"|"out"|"both"])  fn(m, port, size, out, value)
 *     m:on_serial(text, fn [, port])           fn(m, text): after the byte that
 *                                              completes text on COM1 (port 2: COM2)
 *     m:on_exception(vector, fn)               fn(m, vector, error_code)
 *     m:on_interrupt(vector, fn)               fn(m, vector)
 *     m:on_mode_switch(fn)                     fn(m, old_mode, new_mode)
 *     m:on_trap(kind, fn)                      fn(m, kind, a, b) ("cpuid", "io", ...)
 *     m:delete(handle)                         the first four return a handle
 *
 * Each is a thin wrapper over the debugger core's stop of the same kind
 * (dbg_break_linear, dbg_watch_linear, dbg_break_io, dbg_stop_on_serial,
 * dbg_stop_on_mode_switch_as, dbg_stop_on_trap_as). The C side keeps what
 * was asked for, so m:reset() sets it all again on the new machine; the
 * functions live in the machine's callback table.
 *
 * The mode and trap stops are switches another client of the same debugger
 * may set too (the command line's `catch`, under `lab86 debug`): the script
 * sets them as its own owner (lm->owner; debug.h, "stop owners"), so that
 * turning its own off, or closing the machine, leaves the command line's
 * on, and a stop says whether it was the script's (lua_run.c).
 *
 * Exception and interrupt callbacks ride on the vector stops of their
 * vectors: the stop says how the vector came (exception, external or INT n)
 * and carries the error code, and a delivery of the vector the other way
 * (INT 14 where only m:on_exception(14) is set) is passed over. A vector
 * stop stops only that vector, where the trap stop TRAP_INTR would stop the
 * run at every timer tick.
 */
#include <stdlib.h>
#include <string.h>

#include "lab86lua.h"

void lm_set_cb(lua_State *L, int idx, const char *field, lua_Integer key, int vi)
{
    vi = lua_absindex(L, vi);
    lm_callbacks(L, idx);
    if (lua_getfield(L, -1, field) == LUA_TNIL) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, field);
    }
    lua_pushvalue(L, vi);
    lua_seti(L, -2, key);
    lua_pop(L, 2);
}

uint64_t lm_check_addr(lua_State *L, int idx, int arg)
{
    if (lua_type(L, arg) != LUA_TSTRING)
        return (uint64_t)luaL_checkinteger(L, arg);
    lua_getfield(L, idx, "symbol");
    lua_pushvalue(L, idx);
    lua_pushvalue(L, arg);
    lua_call(L, 2, 1);
    if (lua_isnil(L, -1))
        luaL_error(L, "no symbol '%s'", lua_tostring(L, arg));
    uint64_t a = (uint64_t)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return a;
}

/* Set hook h in the debugger: its id, or -1. */
static int arm_hook(struct lmachine *lm, const struct lm_hook *h)
{
    switch (h->kind) {
    case LM_BREAK: return dbg_break_linear(lm->d, h->addr, false);
    case LM_WATCH: return dbg_watch_linear(lm->d, h->addr, h->len, h->mode);
    case LM_IO: return dbg_break_io(lm->d, (uint16_t)h->addr, (uint16_t)h->len, h->mode);
    case LM_SERIAL: return dbg_stop_on_serial(lm->d, (uint16_t)h->addr, h->text);
    }
    return -1;
}

/* The script's switch stops as its callbacks want them: a vector stop
 * where an exception or interrupt callback is set, a trap stop per kind
 * with an m:on_trap callback. */
static void update_traps(struct lmachine *lm)
{
    for (int v = 0; v < 256; v++) {
        uint32_t bit = 1u << (v & 31);
        bool on = ((lm->vec_exc[v >> 5] | lm->vec_int[v >> 5]) & bit) != 0;
        dbg_stop_on_vector_as(lm->d, lm->owner, v, on);
    }
    for (int k = 0; k < TRAP_COUNT; k++)
        dbg_stop_on_trap_as(lm->d, lm->owner, k, lm->trap_cb[k]);
}

void lm_rearm(struct lmachine *lm)
{
    for (int k = 0; k < LM_MAX_HOOK; k++)
        if (lm->hook[k].used)
            lm->hook[k].dbg_id = arm_hook(lm, &lm->hook[k]);
    update_traps(lm);
    dbg_stop_on_mode_switch_as(lm->d, lm->owner, lm->mode_cb);
}

void lm_disarm(struct lmachine *lm)
{
    for (int k = 0; k < LM_MAX_HOOK; k++)
        if (lm->hook[k].used)
            dbg_delete(lm->d, lm->hook[k].dbg_id);
    dbg_owner_free(lm->d, lm->owner); /* its mode and trap stops, not the command line's */
}

void lm_free_hooks(struct lmachine *lm)
{
    for (int k = 0; k < LM_MAX_HOOK; k++) {
        free(lm->hook[k].text);
        lm->hook[k] = (struct lm_hook){0};
    }
}

/* Take a free slot for h, set it, store the function at fi: pushes the handle. */
static int new_hook(lua_State *L, struct lmachine *lm, struct lm_hook h, int fi)
{
    if (!lua_isnoneornil(L, fi))
        luaL_checktype(L, fi, LUA_TFUNCTION);
    for (int k = 0; k < LM_MAX_HOOK; k++) {
        if (lm->hook[k].used)
            continue;
        h.used = true;
        if ((h.dbg_id = arm_hook(lm, &h)) < 0)
            break;
        lm->hook[k] = h;
        lm_set_cb(L, 1, "hook", k + 1, fi);
        lua_pushinteger(L, k + 1);
        return 1;
    }
    free(h.text);
    return luaL_error(L, "the debugger has no room for another stop of this kind");
}

/* m:breakpoint(addr_or_symbol [, fn]) -> handle */
static int l_breakpoint(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    uint64_t a = lm_check_addr(L, 1, 2);
    lua_settop(L, 3);
    return new_hook(L, lm, (struct lm_hook){.kind = LM_BREAK, .addr = a}, 3);
}

/* m:watch(addr, len [, "r"|"w"|"rw" [, fn]]) -> handle */
static int l_watch(lua_State *L)
{
    static const char *const kinds[] = {"r", "w", "rw", NULL};
    static const int modes[] = {DBG_WATCH_READ, DBG_WATCH_WRITE, DBG_WATCH_ACCESS};
    struct lmachine *lm = lm_check(L, 1);
    uint64_t a = lm_check_addr(L, 1, 2);
    lua_Integer len = luaL_checkinteger(L, 3);
    luaL_argcheck(L, len >= 1, 3, "at least 1 byte");
    int mode = modes[luaL_checkoption(L, 4, "w", kinds)];
    lua_settop(L, 5);
    return new_hook(L, lm, (struct lm_hook){.kind = LM_WATCH, .addr = a, .len = (uint64_t)len,
                                            .mode = mode}, 5);
}

/* m:on_io(lo, hi, fn [, "in"|"out"|"both"]) -> handle */
static int l_on_io(lua_State *L)
{
    static const char *const kinds[] = {"in", "out", "both", NULL};
    static const int modes[] = {DBG_IO_IN, DBG_IO_OUT, DBG_IO_BOTH};
    struct lmachine *lm = lm_check(L, 1);
    lua_Integer lo = luaL_checkinteger(L, 2), hi = luaL_optinteger(L, 3, lo);
    luaL_argcheck(L, lo >= 0 && lo <= 0xffff, 2, "a port 0-0xFFFF");
    luaL_argcheck(L, hi >= lo && hi <= 0xffff, 3, "a port from lo to 0xFFFF");
    int mode = modes[luaL_checkoption(L, 5, "both", kinds)];
    lua_settop(L, 5);
    return new_hook(L, lm, (struct lm_hook){.kind = LM_IO, .addr = (uint64_t)lo,
                                            .len = (uint64_t)hi, .mode = mode}, 4);
}

/* m:on_serial(text, fn [, port]) -> handle: port 1 (COM1, the default) or 2. */
static int l_on_serial(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    size_t len;
    const char *text = luaL_checklstring(L, 2, &len);
    luaL_argcheck(L, len > 0 && strlen(text) == len, 2, "a non-empty text without NUL");
    lua_Integer port = luaL_optinteger(L, 4, 1);
    luaL_argcheck(L, port == 1 || port == 2, 4, "1 (COM1) or 2 (COM2)");
    char *copy = strdup(text);
    if (!copy)
        return luaL_error(L, "out of memory");
    lua_settop(L, 4);
    return new_hook(L, lm, (struct lm_hook){.kind = LM_SERIAL, .addr = port == 1 ? 0x3F8 : 0x2F8,
                                            .text = copy}, 3);
}

/* m:delete(handle) */
static int l_delete(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    lua_Integer h = luaL_checkinteger(L, 2);
    luaL_argcheck(L, h >= 1 && h <= LM_MAX_HOOK && lm->hook[h - 1].used, 2, "no such handle");
    dbg_delete(lm->d, lm->hook[h - 1].dbg_id);
    free(lm->hook[h - 1].text);
    lm->hook[h - 1] = (struct lm_hook){0};
    lua_pushnil(L);
    lm_set_cb(L, 1, "hook", h, -1);
    return 0;
}

/* m:on_exception(vector, fn) and m:on_interrupt(vector, fn); fn nil removes. */
static int on_vector(lua_State *L, const char *kind, bool exception)
{
    struct lmachine *lm = lm_check(L, 1);
    uint32_t *set = exception ? lm->vec_exc : lm->vec_int;
    lua_Integer v = luaL_checkinteger(L, 2);
    luaL_argcheck(L, v >= 0 && v <= 255, 2, "a vector 0-255");
    bool on = !lua_isnoneornil(L, 3);
    if (on)
        luaL_checktype(L, 3, LUA_TFUNCTION);
    lua_settop(L, 3);
    lm_set_cb(L, 1, kind, v, 3);
    uint32_t bit = 1u << (v & 31);
    set[v >> 5] = on ? set[v >> 5] | bit : set[v >> 5] & ~bit;
    update_traps(lm);
    return 0;
}

static int l_on_exception(lua_State *L)
{
    return on_vector(L, "exception", true);
}

static int l_on_interrupt(lua_State *L)
{
    return on_vector(L, "interrupt", false);
}

/* m:on_mode_switch(fn): fn(m, old_mode, new_mode) ("real", "protected+paging" ...) */
static int l_on_mode_switch(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    lm->mode_cb = !lua_isnoneornil(L, 2);
    if (lm->mode_cb)
        luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    lm_callbacks(L, 1);
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "mode");
    dbg_stop_on_mode_switch_as(lm->d, lm->owner, lm->mode_cb);
    return 0;
}

/* m:on_trap(kind, fn): a trap kind by name (dbg_trap_name: "io", "hlt",
 * "cpuid", "exception", ...); fn nil removes. */
static int l_on_trap(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    const char *name = luaL_checkstring(L, 2);
    int kind = dbg_trap_kind(name);
    if (kind < 0)
        return luaL_error(L, "m:on_trap: no trap kind '%s'", name);
    lm->trap_cb[kind] = !lua_isnoneornil(L, 3);
    if (lm->trap_cb[kind])
        luaL_checktype(L, 3, LUA_TFUNCTION);
    lua_settop(L, 3);
    lm_set_cb(L, 1, "trap", kind, 3);
    update_traps(lm);
    return 0;
}

static const luaL_Reg hook_methods[] = {
    {"breakpoint", l_breakpoint},
    {"watch", l_watch},
    {"on_io", l_on_io},
    {"on_serial", l_on_serial},
    {"delete", l_delete},
    {"on_exception", l_on_exception},
    {"on_interrupt", l_on_interrupt},
    {"on_mode_switch", l_on_mode_switch},
    {"on_trap", l_on_trap},
    {NULL, NULL},
};

void lm_hooks_register(lua_State *L)
{
    lua_getfield(L, -1, "methods");
    luaL_setfuncs(L, hook_methods, 0);
    lua_pop(L, 1);
}
