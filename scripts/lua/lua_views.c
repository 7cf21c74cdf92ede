/*
 * lua_views.c - the debugger core's decoded views, for graders that check
 * what a kernel built rather than what it printed:
 *
 *     m:gdt(1)    -> {base =, limit =, dpl =, present =, system =, type = "code 32-bit RX",
 *                     lo =, hi =, selector =, offset =}   (nil beyond the limit)
 *     m:idt(0x80) -> the same for a gate (selector, offset: its target)
 *     m:ldt(i)    -> the same in the current LDT
 *     m:tss()     -> {sel =, base =, esp0 =, ss0 =, cr3 =, eip =, iomap =, ...} or nil
 *     m:mem_ranges() -> {{lin =, len =, user =, write =}, ...}   present pages merged
 *     m:disasm(addr) -> "mov eax, 5", length   (nil when unreadable)
 *     m:savevm(path), m:loadvm(path)           snapshots (an error says why not)
 *
 * Copies made now through dbg_gdt_entry, dbg_idt_entry, dbg_ldt_entry,
 * dbg_tss, dbg_mem_ranges, dbg_disasm, dbg_savevm and dbg_loadvm.
 */
#include <stdlib.h>

#include "lab86lua.h"

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, bool v)
{
    lua_pushboolean(L, v);
    lua_setfield(L, -2, k);
}

static void push_desc(lua_State *L, const struct dbg_desc *e)
{
    lua_createtable(L, 0, 10);
    set_int(L, "lo", e->lo);
    set_int(L, "hi", e->hi);
    set_int(L, "base", (lua_Integer)e->base);
    set_int(L, "limit", e->limit);
    set_int(L, "selector", e->selector);
    set_int(L, "offset", e->offset);
    set_int(L, "dpl", e->dpl);
    set_bool(L, "present", e->present);
    set_bool(L, "system", e->system);
    lua_pushstring(L, e->type);
    lua_setfield(L, -2, "type");
}

typedef int entry_fn(struct dbg *d, unsigned index, struct dbg_desc *out);

static int table_entry(lua_State *L, entry_fn *fn)
{
    struct lmachine *lm = lm_check(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2);
    luaL_argcheck(L, i >= 0 && i <= 8191, 2, "an index 0-8191");
    struct dbg_desc e;
    if (fn(lm->d, (unsigned)i, &e) != 0)
        lua_pushnil(L);
    else
        push_desc(L, &e);
    return 1;
}

static int l_gdt(lua_State *L) { return table_entry(L, dbg_gdt_entry); }
static int l_idt(lua_State *L) { return table_entry(L, dbg_idt_entry); }
static int l_ldt(lua_State *L) { return table_entry(L, dbg_ldt_entry); }

/* m:tss(): the current task's TSS, decoded; nil when TR holds none. */
static int l_tss(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    struct dbg_tss t;
    if (dbg_tss(lm->d, &t) != 0) {
        lua_pushnil(L);
        return 1;
    }
    static const char *const esp[] = {"esp0", "esp1", "esp2"}, *const ss[] = {"ss0", "ss1", "ss2"};
    lua_createtable(L, 0, 16);
    set_int(L, "sel", t.sel);
    set_int(L, "base", (lua_Integer)t.base);
    set_int(L, "limit", t.limit);
    set_bool(L, "is32", t.is32);
    set_bool(L, "busy", t.busy);
    set_int(L, "link", t.link);
    for (int k = 0; k < 3; k++) {
        set_int(L, esp[k], t.esp[k]);
        set_int(L, ss[k], t.ss[k]);
    }
    set_int(L, "cr3", t.cr3);
    set_int(L, "eip", t.eip);
    set_int(L, "eflags", t.eflags);
    set_int(L, "ldt", t.ldt);
    set_int(L, "iomap", t.iomap);
    return 1;
}

/* m:mem_ranges(): the linear ranges the page tables map, like `info mem`. */
static int l_mem_ranges(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    size_t n = dbg_mem_ranges(lm->d, NULL, 0);
    struct dbg_mem_range *r = n ? lua_newuserdatauv(L, n * sizeof *r, 0) : NULL;
    if (n)
        n = dbg_mem_ranges(lm->d, r, n);
    lua_createtable(L, (int)n, 0);
    for (size_t k = 0; k < n; k++) {
        lua_createtable(L, 0, 4);
        set_int(L, "lin", (lua_Integer)r[k].lin);
        set_int(L, "len", (lua_Integer)r[k].len);
        set_bool(L, "user", r[k].user);
        set_bool(L, "write", r[k].write);
        lua_seti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

/* m:disasm(addr): the instruction at a linear address, and its length. */
static int l_disasm(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    char text[128];
    int len = dbg_disasm(lm->d, (uint64_t)luaL_checkinteger(L, 2), text, sizeof text);
    if (len == 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushstring(L, text);
    lua_pushinteger(L, len);
    return 2;
}

typedef int vm_fn(struct dbg *d, const char *path, char *err, size_t errlen);

static int snapshot(lua_State *L, vm_fn *fn, const char *what)
{
    struct lmachine *lm = lm_check(L, 1);
    char err[256];
    if (lm->running)
        return luaL_error(L, "m:%s from a callback of m:run", what);
    if (fn(lm->d, luaL_checkstring(L, 2), err, sizeof err) != 0)
        return luaL_error(L, "m:%s: %s", what, err);
    return 0;
}

static int l_savevm(lua_State *L) { return snapshot(L, dbg_savevm, "savevm"); }
static int l_loadvm(lua_State *L) { return snapshot(L, dbg_loadvm, "loadvm"); }

static const luaL_Reg view_methods[] = {
    {"gdt", l_gdt},       {"idt", l_idt},       {"ldt", l_ldt},
    {"tss", l_tss},       {"mem_ranges", l_mem_ranges}, {"disasm", l_disasm},
    {"savevm", l_savevm}, {"loadvm", l_loadvm}, {NULL, NULL},
};

void lm_views_register(lua_State *L)
{
    lua_getfield(L, -1, "methods");
    luaL_setfuncs(L, view_methods, 0);
    lua_pop(L, 1);
}
