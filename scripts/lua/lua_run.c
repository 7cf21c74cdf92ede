/*
 * lua_run.c - running a machine from Lua, and the callbacks its stops call.
 *
 *     m:breakpoint("kmain", function(m) print(m.cpu.eax) end)
 *     m:watch(0x1000, 4, "w", function(m, addr, size, write) return "stop" end)
 *     local why, handle = m:run{max_cycles = 10000000}   -- "watchpoint", 2
 *
 * m:run drives the debugger core (dbg_continue) in slices of LM_SLICE
 * cycles; before each slice it gives the guest the keys and serial bytes
 * that wait for room (lua_access.c). A stop with a callback (lua_hooks.c)
 * calls it; the callback returns "stop" to end m:run with that reason, or
 * nothing to go on. A stop without a callback ends m:run. The reasons:
 *
 *   "breakpoint", "watchpoint", "io", "serial"  and the hook's handle
 *   "exception", "interrupt"                    and the vector (m:on_exception,
 *                                               m:on_interrupt)
 *   "vector"                                    and the vector: the command
 *                                               language's `catch vector` (m:command)
 *   "trap"                                      and the trap kind's name
 *   "mode_switch", "cr3"
 *   "exit"                                      and the value written to the
 *                                               exit port (0x10, not status 33)
 *   "halt", "triple_fault", "power_off"         the machine's own ends
 *   "cycles", "instructions"                    max_cycles / max_instructions
 *
 * Everything counts virtual cycles, never host time, and the slices fall
 * on the same cycles in every run: the same script gives the same run.
 */
#include <limits.h>
#include <string.h>

#include "lab86lua.h"

/* Cycles per slice: how often waiting input is offered to the guest. */
#define LM_SLICE 200000u

/* Call the function on the top of the stack, below nargs arguments, with
 * the machine cleared of its "running" mark if it raises an error. Returns
 * true when it returned "stop". */
static bool call_back(lua_State *L, struct lmachine *lm, int nargs)
{
    if (lm_pcall(L, nargs, 1) != 0) {
        lm->running = false;
        lua_error(L); /* the message already carries the callback's traceback */
    }
    bool stop = lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "stop") == 0;
    lua_pop(L, 1);
    return stop;
}

/* Push cb[field][key] (nil when absent). */
static void get_cb(lua_State *L, int idx, const char *field, lua_Integer key)
{
    lm_callbacks(L, idx);
    lua_getfield(L, -1, field);
    lua_remove(L, -2);
    if (lua_isnil(L, -1))
        return;
    lua_geti(L, -1, key);
    lua_remove(L, -2);
}

/* The slot of the hook with debugger id id, or -1. */
static int hook_of(struct lmachine *lm, int id)
{
    for (int k = 0; k < LM_MAX_HOOK; k++)
        if (lm->hook[k].used && lm->hook[k].dbg_id == id)
            return k;
    return -1;
}

/* Push a hook's callback arguments after the machine; returns how many. */
static int hook_args(lua_State *L, const struct lm_hook *h, int slot,
                     const struct dbg_stop_info *s)
{
    switch (h->kind) {
    case LM_BREAK: lua_pushinteger(L, slot + 1); return 1;
    case LM_WATCH:
        lua_pushinteger(L, (lua_Integer)s->addr);
        lua_pushinteger(L, s->size);
        lua_pushboolean(L, s->write);
        return 3;
    case LM_IO:
        lua_pushinteger(L, (lua_Integer)s->addr);
        lua_pushinteger(L, s->size);
        lua_pushboolean(L, s->write);
        lua_pushinteger(L, s->value);
        return 4;
    case LM_SERIAL: lua_pushstring(L, h->text); return 1;
    }
    return 0;
}

/* Call hook slot's callback; true when it has none or it returned "stop". */
static bool call_hook(lua_State *L, struct lmachine *lm, int idx, int slot,
                      const struct dbg_stop_info *s)
{
    get_cb(L, idx, "hook", slot + 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return true;
    }
    lua_pushvalue(L, idx);
    return call_back(L, lm, 1 + hook_args(L, &lm->hook[slot], slot, s));
}

/* A breakpoint, watchpoint, I/O or serial stop: its callback, or stop. The
 * debugger names one breakpoint when several share an address: every one
 * of them is called. */
static bool dispatch_hook(lua_State *L, struct lmachine *lm, int idx, int *handle)
{
    struct dbg_stop_info s;
    dbg_last_stop(lm->d, &s);
    int slot = hook_of(lm, s.id);
    *handle = slot + 1;
    if (slot < 0)
        return true;
    if (lm->hook[slot].kind != LM_BREAK)
        return call_hook(L, lm, idx, slot, &s);
    bool stop = false;
    uint64_t addr = lm->hook[slot].addr;
    for (int k = 0; k < LM_MAX_HOOK; k++) {
        if (!lm->hook[k].used || lm->hook[k].kind != LM_BREAK || lm->hook[k].addr != addr)
            continue;
        if (call_hook(L, lm, idx, k, &s) && !stop) {
            stop = true;
            *handle = k + 1;
        }
    }
    return stop;
}

/* Call cb[field][key](m, ...) with nargs arguments already pushed, if there
 * is one: 1 it returned "stop", 0 it did not, -1 there is none. */
static int call_opt(lua_State *L, struct lmachine *lm, int idx, const char *field,
                    lua_Integer key, int nargs)
{
    get_cb(L, idx, field, key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1 + nargs);
        return -1;
    }
    lua_insert(L, -1 - nargs);
    lua_pushvalue(L, idx);
    lua_insert(L, -1 - nargs);
    return call_back(L, lm, 1 + nargs);
}

/* Vector, trap and mode-switch stops are switches the debugger's user (the
 * command line's catch, with lab86 debug) may have set as well: a stop says
 * whose it is (debug.h, "stop owners"). The script's callbacks run when it
 * is the script's; a stop that is also someone else's ends m:run (and stops
 * the command line) whatever they return. */
static bool mine(const struct lmachine *lm, const struct dbg_stop_info *s)
{
    return (s->owners & DBG_OWNER_BIT(lm->owner)) != 0;
}

static bool others(const struct lmachine *lm, const struct dbg_stop_info *s)
{
    return (s->owners & ~DBG_OWNER_BIT(lm->owner)) != 0;
}

/* A vector or trap stop: the exception or interrupt callback of its vector,
 * and the kind's m:on_trap callback. *reason and *detail say what stopped,
 * if anything does. */
static bool dispatch_trap(lua_State *L, struct lmachine *lm, int idx, const char **reason,
                          lua_Integer *detail)
{
    struct dbg_stop_info s;
    dbg_last_stop(lm->d, &s);
    int v = s.vector, rv = -1, rt = -1;
    uint32_t bit = 1u << (v & 31);
    bool delivery = s.trap == TRAP_EXCEPTION || s.trap == TRAP_INTR || s.trap == TRAP_SWINT;
    if (delivery && mine(lm, &s) && s.trap == TRAP_EXCEPTION && (lm->vec_exc[v >> 5] & bit)) {
        lua_pushinteger(L, v);
        lua_pushinteger(L, s.value);
        rv = call_opt(L, lm, idx, "exception", v, 2);
    } else if (delivery && mine(lm, &s) && s.trap != TRAP_EXCEPTION &&
               (lm->vec_int[v >> 5] & bit)) {
        lua_pushinteger(L, v);
        rv = call_opt(L, lm, idx, "interrupt", v, 1);
    }
    if (mine(lm, &s) && lm->trap_cb[s.trap]) {
        lua_pushstring(L, dbg_trap_name(s.trap));
        lua_pushinteger(L, (lua_Integer)s.addr);
        lua_pushinteger(L, s.value);
        rt = call_opt(L, lm, idx, "trap", s.trap, 3);
    }
    *detail = v;
    if (rv == 1) {
        *reason = s.trap == TRAP_EXCEPTION ? "exception" : "interrupt";
        return true;
    }
    *reason = s.reason == DBG_STOP_VECTOR && rt != 1 ? "vector" : "trap";
    return rt == 1 || others(lm, &s);
}

static bool dispatch_mode(lua_State *L, struct lmachine *lm, int idx)
{
    struct dbg_stop_info s;
    dbg_last_stop(lm->d, &s);
    lm_callbacks(L, idx);
    lua_getfield(L, -1, "mode");
    lua_remove(L, -2);
    if (lua_isnil(L, -1) || !mine(lm, &s)) {
        lua_pop(L, 1);
        return true;
    }
    lua_pushvalue(L, idx);
    lua_pushstring(L, dbg_mode_name(s.old_mode));
    lua_pushstring(L, dbg_mode_name(s.new_mode));
    return call_back(L, lm, 3) || others(lm, &s);
}

/* Push the reason of a stop that ends m:run; returns the count pushed. */
static int push_end(lua_State *L, struct lmachine *lm, const char *reason, lua_Integer extra,
                    bool has_extra)
{
    lm->running = false;
    lua_pushstring(L, reason);
    if (has_extra)
        lua_pushinteger(L, extra);
    return has_extra ? 2 : 1;
}

/* One debugger call: a slice toward the cycle or instruction target. */
static enum dbg_stop run_slice(struct lmachine *lm, uint64_t budget, uint64_t insns_left)
{
    if (insns_left == 0)
        return dbg_continue(lm->d, budget);
    return dbg_stepi(lm->d, insns_left > INT_MAX ? INT_MAX : (int)insns_left, budget);
}

static uint64_t instructions(struct lmachine *lm)
{
    struct emu_cpu_view v;
    emu_get_cpu(lm->m, &v);
    return v.instructions;
}

/* What a debugger stop means for m:run: 0 go on, else values pushed. */
int lm_on_stop(lua_State *L, struct lmachine *lm, int idx, enum dbg_stop why)
{
    int n;
    switch (why) {
    case DBG_STOP_BUDGET:
    case DBG_STOP_STEP: return 0;
    case DBG_STOP_BREAKPOINT:
        return dispatch_hook(L, lm, idx, &n) ? push_end(L, lm, "breakpoint", n, true) : 0;
    case DBG_STOP_WATCHPOINT:
        return dispatch_hook(L, lm, idx, &n) ? push_end(L, lm, "watchpoint", n, true) : 0;
    case DBG_STOP_MODE_SWITCH:
        return dispatch_mode(L, lm, idx) ? push_end(L, lm, "mode_switch", 0, false) : 0;
    case DBG_STOP_CR3_WRITE: return push_end(L, lm, "cr3", 0, false);
    case DBG_STOP_IO:
        return dispatch_hook(L, lm, idx, &n) ? push_end(L, lm, "io", n, true) : 0;
    case DBG_STOP_SERIAL:
        return dispatch_hook(L, lm, idx, &n) ? push_end(L, lm, "serial", n, true) : 0;
    case DBG_STOP_VECTOR: /* "vector": set by a debugger front end sharing the machine */
    case DBG_STOP_TRAP: {
        const char *reason;
        lua_Integer v;
        if (!dispatch_trap(L, lm, idx, &reason, &v))
            return 0;
        if (strcmp(reason, "trap") != 0)
            return push_end(L, lm, reason, v, true);
        struct dbg_stop_info t;
        dbg_last_stop(lm->d, &t);
        push_end(L, lm, "trap", 0, false);
        lua_pushstring(L, dbg_trap_name(t.trap));
        return 2;
    }
    case DBG_STOP_HISTORY_START: return push_end(L, lm, "history_start", 0, false);
    case DBG_STOP_EXIT: {
        struct dbg_stop_info s;
        dbg_last_stop(lm->d, &s);
        lm->exit_code = s.exit_code;
        return push_end(L, lm, "exit", s.exit_code, true);
    }
    case DBG_STOP_HALT: return push_end(L, lm, "halt", 0, false);
    case DBG_STOP_TRIPLE_FAULT: return push_end(L, lm, "triple_fault", 0, false);
    case DBG_STOP_POWER_OFF: return push_end(L, lm, "power_off", 0, false);
    }
    return push_end(L, lm, "unknown", 0, false);
}

int lm_run(lua_State *L, int idx, uint64_t max_cycles, uint64_t max_insns)
{
    struct lmachine *lm = lm_check(L, idx);
    if (lm->running)
        return luaL_error(L, "m:run from a callback of m:run (return \"stop\" instead)");
    lm->running = true;
    uint64_t end_c = emu_cycles(lm->m) + max_cycles, end_i = instructions(lm) + max_insns;
    for (;;) {
        uint64_t now = emu_cycles(lm->m), budget = LM_SLICE, left_i = 0;
        if (max_cycles && now >= end_c)
            return push_end(L, lm, "cycles", 0, false);
        if (max_insns && (left_i = end_i - instructions(lm)) == 0)
            return push_end(L, lm, "instructions", 0, false);
        if (max_cycles && end_c - now < budget)
            budget = end_c - now;
        lm_feed_input(lm);
        enum dbg_stop why = run_slice(lm, budget, left_i);
        if (max_insns && instructions(lm) > end_i)
            end_i = instructions(lm); /* never: stepi stops at or before the target */
        int n = lm_on_stop(L, lm, idx, why);
        if (n)
            return n;
    }
}

/* A count from a table field: an integer >= 0 (floats like 1e7 allowed). */
static uint64_t opt_count(lua_State *L, int t, const char *field)
{
    lua_getfield(L, t, field);
    uint64_t v = 0;
    if (!lua_isnil(L, -1)) {
        int ok;
        lua_Number x = lua_tonumberx(L, -1, &ok);
        if (!ok || x < 0 || x >= 1.8e19)
            luaL_error(L, "m:run: %s must be a number of at least 0", field);
        v = (uint64_t)x;
    }
    lua_pop(L, 1);
    return v;
}

/* m:run{max_cycles=N} / m:run{max_instructions=N} / m:run() */
static int l_run(lua_State *L)
{
    lm_check(L, 1);
    uint64_t cycles = 0, insns = 0;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        cycles = opt_count(L, 2, "max_cycles");
        insns = opt_count(L, 2, "max_instructions");
    }
    return lm_run(L, 1, cycles, insns);
}

int lm_run_entry(lua_State *L)
{
    lm_check(L, 1);
    return lm_run(L, 1, (uint64_t)luaL_checkinteger(L, 2), 0);
}

/* m:step(n): n instructions (1 by default); returns "step" when done. */
static int l_step(lua_State *L)
{
    lm_check(L, 1);
    lua_Integer n = luaL_optinteger(L, 2, 1);
    luaL_argcheck(L, n >= 1, 2, "at least 1 instruction");
    int r = lm_run(L, 1, 0, (uint64_t)n);
    if (r == 1 && strcmp(lua_tostring(L, -1), "instructions") == 0) {
        lua_pop(L, 1);
        lua_pushstring(L, "step");
    }
    return r;
}

static const luaL_Reg run_methods[] = {
    {"run", l_run},
    {"step", l_step},
    {NULL, NULL},
};

void lm_run_register(lua_State *L)
{
    lua_getfield(L, -1, "methods");
    luaL_setfuncs(L, run_methods, 0);
    lua_pop(L, 1);
}
