/*
 * lua_session.c - the debugger's command language from Lua, and Lua from
 * the debugger.
 *
 *     print(m:command("info registers"))     -- the command's output, as text
 *     local out, ok = m:command("x/4xw 0x1000")
 *     lab86.command("break 0x7c00")          -- on lab86.current
 *
 * m:command runs one line through cmd_exec (ui/tui/cmd.h), the same
 * interpreter the TUI and `lab86 debug` use, on the machine's own debugger;
 * it returns the text the command printed and whether it succeeded. A run
 * command (continue, stepi ...) runs the machine there and then, outside
 * m:run's callbacks.
 *
 * The other way round, lm_session.h gives a debugger front end a Lua state
 * bound to its machine, for its `lua CHUNK` and `source FILE.lua`.
 */
#include <stdlib.h>
#include <string.h>

#include "lab86lua.h"
#include "lm_session.h"
#include "tui/cmd.h"

/* --- m:command --- */

static void collect(void *ctx, const char *text)
{
    luaL_addstring(ctx, text);
}

/* m:command(line) -> output, ok */
static int l_command(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    const char *line = luaL_checkstring(L, 2);
    if (lm->running)
        return luaL_error(L, "m:command from a callback of m:run");
    if (!lm->cmd && !(lm->cmd = cmd_create(lm->d)))
        return luaL_error(L, "m:command: out of memory");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    struct cmd_io io = {.out = collect, .ctx = &b};
    int r = cmd_exec(lm->cmd, line, &io);
    luaL_pushresult(&b);
    lua_pushboolean(L, r != CMD_ERROR);
    return 2;
}

/* lab86.command(line): m:command on lab86.current. */
int lm_lab86_command(lua_State *L)
{
    lua_getglobal(L, "lab86");
    lua_getfield(L, -1, "current");
    if (lua_isnil(L, -1))
        return luaL_error(L, "lab86.command: no lab86.current (use m:command)");
    lua_getfield(L, -1, "command");
    lua_insert(L, 1);
    lua_insert(L, 2); /* command, current, line */
    lua_settop(L, 3);
    lua_call(L, 2, 2);
    return 2;
}

void lm_session_register(lua_State *L)
{
    lua_getfield(L, -1, "methods");
    lua_pushcfunction(L, l_command);
    lua_setfield(L, -2, "command");
    lua_pop(L, 1);
}

/* --- Lua in a debugger front end --- */

struct lm_session {
    lua_State *L;  /* its state: lab86.current is the debugger's machine */
    lm_out_fn *out; /* where print and errors go */
    void *ctx;     /* out's context */
};

/* print(...) in a session: one line through out. */
static int session_print(lua_State *L)
{
    struct lm_session *s = lua_touserdata(L, lua_upvalueindex(1));
    int n = lua_gettop(L); /* before the buffer takes its stack slot */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int k = 1; k <= n; k++) {
        if (k > 1)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, k, NULL);
        luaL_addvalue(&b);
    }
    luaL_addchar(&b, '\n');
    luaL_pushresult(&b);
    s->out(s->ctx, lua_tostring(L, -1));
    return 0;
}

struct lm_session *lm_session_create(struct dbg *d, lm_out_fn *out, void *ctx)
{
    struct lm_session *s = calloc(1, sizeof *s);
    if (!s || !(s->L = lm_newstate())) {
        free(s);
        return NULL;
    }
    s->out = out;
    s->ctx = ctx;
    lua_State *L = s->L;
    lua_getglobal(L, "lab86");
    if (!lm_push_foreign(L, d)) { /* every owner number of d is taken */
        lua_close(L);
        free(s);
        return NULL;
    }
    lua_setfield(L, -2, "current");
    lua_pop(L, 1);
    lua_pushlightuserdata(L, s);
    lua_pushcclosure(L, session_print, 1);
    lua_setglobal(L, "print");
    return s;
}

int lm_session_exec(struct lm_session *s, const char *text, bool file)
{
    lua_State *L = s->L;
    int r = file ? luaL_loadfile(L, text) : luaL_loadbuffer(L, text, strlen(text), "=lua");
    if (r == LUA_OK)
        r = lm_pcall(L, 0, 0) == 0 ? LUA_OK : LUA_ERRRUN;
    if (r == LUA_OK)
        return 0;
    s->out(s->ctx, lua_tostring(L, -1));
    s->out(s->ctx, "\n");
    lua_pop(L, 1);
    return -1;
}

/* (machine, why) -> whether to stop: lm_on_stop in a protected call, so
 * that a callback's error comes back as a message, not a Lua panic. */
static int session_stop_entry(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    enum dbg_stop why = (enum dbg_stop)lua_tointeger(L, 2);
    lm->running = true; /* a callback must not run the machine again */
    int n = lm_on_stop(L, lm, 1, why);
    lm->running = false;
    lua_pushboolean(L, n != 0);
    return 1;
}

int lm_session_stop(struct lm_session *s, enum dbg_stop why)
{
    lua_State *L = s->L;
    int top = lua_gettop(L);
    lua_getglobal(L, "lab86");
    lua_getfield(L, -1, "current");
    struct lmachine *lm = lm_check(L, -1);
    if (lm->running) { /* a chunk's own m:run is on: its loop handles the stop */
        lua_settop(L, top);
        return 1;
    }
    lua_pushcfunction(L, session_stop_entry);
    lua_insert(L, -2);
    lua_pushinteger(L, why);
    int stop = 1; /* a callback that fails stops the machine, its error shown */
    if (lm_pcall(L, 2, 1) == 0)
        stop = lua_toboolean(L, -1);
    else
        s->out(s->ctx, lua_pushfstring(L, "%s\n", lua_tostring(L, -1)));
    lm->running = false;
    lua_settop(L, top);
    return stop;
}

void lm_session_destroy(struct lm_session *s)
{
    if (!s)
        return;
    lua_close(s->L); /* collects lab86.current: its hooks leave the debugger */
    free(s);
}
