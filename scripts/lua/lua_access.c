/*
 * lua_access.c - what a script reads and gives a machine between runs.
 *
 *     m.cpu.eax, m.cpu.cr3, m.cpu.cs     registers (a copy made when read)
 *     m.cycles, m.instructions, m.mode   the clock, the count, "protected+paging"
 *     m:read32(0x1000), m:pread8(0xb8000), m:read_string(a, 64), m:read(a, n)
 *     m:write32(a, v), m:pwrite8(a, v), m:write(a, "bytes")  RAM only
 *     m.cpu.eax = 5                      dbg_set_reg's names
 *     m:traps()                          {io = 12, cpuid = 1, ...}
 *     m:symbol("kmain"), m:symbolize(a)  the kernel's ELF symbols
 *     m:translate(0xc0001000)            phys, levels / nil, #PF error code, levels
 *     m.dev.pic.master.imr, m.dev.pic.imr, m:devices()
 *     m:serial(), m:serial(2), m:console()   what the guest wrote
 *     m:screen()                         the VGA text screen as text
 *     m:keys("ls\n"), m:serial_input("y")    input at the current cycle
 *
 * Everything goes through the debugger core's views (dbg_get_cpu,
 * dbg_read_linear, dbg_walk, dbg_devices): reads never fault, never set an
 * accessed or dirty bit and never touch a device. An unreadable address
 * reads as nil. A register the table below does not name is asked of the
 * debugger's expression language (dbg_eval), so m.cpu.ax, m.cpu.al and
 * m.cpu.cr2 work too.
 *
 * Input is given "at the current cycle": the bytes the device has room for
 * go in now, the rest before each later run slice, in order, so the same
 * script gives the guest the same input at the same cycles.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lab86lua.h"

/* --- registers --- */

static const struct reg {
    const char *name; /* as in m.cpu.NAME */
    int kind;         /* 0 gpr, 1 segment selector, 2 control register */
    int index;        /* into the view's array */
} regs[] = {
    {"eax", 0, DBG_EAX}, {"ecx", 0, DBG_ECX}, {"edx", 0, DBG_EDX}, {"ebx", 0, DBG_EBX},
    {"esp", 0, DBG_ESP}, {"ebp", 0, DBG_EBP}, {"esi", 0, DBG_ESI}, {"edi", 0, DBG_EDI},
    {"es", 1, DBG_ES},   {"cs", 1, DBG_CS},   {"ss", 1, DBG_SS},   {"ds", 1, DBG_DS},
    {"fs", 1, DBG_FS},   {"gs", 1, DBG_GS},   {"ldtr", 1, DBG_LDTR}, {"tr", 1, DBG_TR},
    {"cr0", 2, 0},       {"cr2", 2, 2},       {"cr3", 2, 3},       {"cr4", 2, 4},
};

/* A register or CPU fact by name; false when there is none. */
static bool push_reg(lua_State *L, struct lmachine *lm, const char *name)
{
    struct dbg_cpu_view v;
    dbg_get_cpu(lm->d, &v);
    for (size_t k = 0; k < sizeof regs / sizeof regs[0]; k++) {
        if (strcmp(name, regs[k].name) != 0)
            continue;
        const struct reg *r = &regs[k];
        lua_pushinteger(L, (lua_Integer)(r->kind == 0   ? v.gpr[r->index]
                                         : r->kind == 1 ? v.seg[r->index].sel
                                                        : v.cr[r->index]));
        return true;
    }
    if (strcmp(name, "eip") == 0)
        lua_pushinteger(L, (lua_Integer)v.eip);
    else if (strcmp(name, "eflags") == 0)
        lua_pushinteger(L, v.eflags);
    else if (strcmp(name, "cpl") == 0)
        lua_pushinteger(L, v.cpl);
    else if (strcmp(name, "flags") == 0)
        lua_pushstring(L, v.flags);
    else if (strcmp(name, "gdt_base") == 0 || strcmp(name, "idt_base") == 0)
        lua_pushinteger(L, (lua_Integer)(name[0] == 'g' ? v.gdt_base : v.idt_base));
    else if (strcmp(name, "gdt_limit") == 0 || strcmp(name, "idt_limit") == 0)
        lua_pushinteger(L, name[0] == 'g' ? v.gdt_limit : v.idt_limit);
    else if (strcmp(name, "halted") == 0)
        lua_pushboolean(L, v.halted);
    else
        return false;
    return true;
}

/* m.cpu.NAME */
static int cpu_index(lua_State *L)
{
    struct lmachine *lm = lm_check(L, lua_upvalueindex(1));
    const char *name = luaL_checkstring(L, 2);
    if (push_reg(L, lm, name))
        return 1;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p))
            return luaL_error(L, "m.cpu: no register '%s'", name);
    uint64_t value;
    char err[128];
    if (dbg_eval(lm->d, name, &value, err, sizeof err) != 0)
        return luaL_error(L, "m.cpu: no register '%s'", name);
    lua_pushinteger(L, (lua_Integer)value);
    return 1;
}

/* m.cpu.NAME = value: dbg_set_reg's names (eax, ax, al, eip, eflags ...). */
static int cpu_newindex(lua_State *L)
{
    struct lmachine *lm = lm_check(L, lua_upvalueindex(1));
    const char *name = luaL_checkstring(L, 2);
    lua_Integer v = luaL_checkinteger(L, 3);
    char err[128];
    if (dbg_set_reg(lm->d, name, (uint64_t)v, err, sizeof err) != 0)
        return luaL_error(L, "m.cpu.%s = 0x%I: %s", name, v, err);
    return 0;
}

static void push_cpu(lua_State *L)
{
    lua_newtable(L);
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, cpu_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, cpu_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
}

/* --- devices --- */

static void push_field(lua_State *L, const struct devfield *f, const void *state)
{
    if (f->type == DF_BYTES) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (size_t k = 0; k < f->count; k++)
            luaL_addchar(&b, (char)devfield_get(f, state, k));
        luaL_pushresult(&b);
    } else if (f->count > 1) {
        lua_createtable(L, (int)f->count, 0);
        for (size_t k = 0; k < f->count; k++) {
            lua_pushinteger(L, (lua_Integer)devfield_get(f, state, k));
            lua_seti(L, -2, (lua_Integer)k);
        }
    } else if (f->type == DF_BOOL) {
        lua_pushboolean(L, devfield_get(f, state, 0) != 0);
    } else {
        lua_pushinteger(L, (lua_Integer)devfield_get(f, state, 0));
    }
}

/* A device's fields as a table, read now. */
static void push_device(lua_State *L, const struct devinfo *di)
{
    lua_createtable(L, 0, (int)di->n_fields);
    for (size_t k = 0; k < di->n_fields; k++) {
        push_field(L, &di->fields[k], di->state);
        lua_setfield(L, -2, di->fields[k].name);
    }
}

static void push_devs(lua_State *L, int mi, const char *prefix);

/* m.dev.A.B: the device named "A.B", the group "A.B.*", or (when "A" is a
 * group) field B of its first member: m.dev.pic.imr is the master's. */
static int dev_index(lua_State *L)
{
    struct lmachine *lm = lm_check(L, lua_upvalueindex(1));
    const char *prefix = lua_tostring(L, lua_upvalueindex(2));
    const char *key = luaL_checkstring(L, 2);
    const char *name = *prefix ? lua_pushfstring(L, "%s.%s", prefix, key) : key;
    const struct devinfo *di;
    size_t n = dbg_devices(lm->d, &di), len = strlen(name);
    for (size_t k = 0; k < n; k++)
        if (strcmp(di[k].name, name) == 0) {
            push_device(L, &di[k]);
            return 1;
        }
    for (size_t k = 0; k < n; k++)
        if (strncmp(di[k].name, name, len) == 0 && di[k].name[len] == '.') {
            push_devs(L, lua_upvalueindex(1), name);
            return 1;
        }
    for (size_t k = 0; *prefix && k < n; k++) {
        if (strncmp(di[k].name, prefix, strlen(prefix)) != 0)
            continue;
        for (size_t f = 0; f < di[k].n_fields; f++)
            if (strcmp(di[k].fields[f].name, key) == 0) {
                push_field(L, &di[k].fields[f], di[k].state);
                return 1;
            }
        break; /* the first member only */
    }
    return luaL_error(L, "m.dev: no device or field '%s'", name);
}

static void push_devs(lua_State *L, int mi, const char *prefix)
{
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, mi);
    lua_pushstring(L, prefix);
    lua_pushcclosure(L, dev_index, 2);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
}

/* m:devices(): the names, in the board's order. */
static int l_devices(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    const struct devinfo *di;
    size_t n = dbg_devices(lm->d, &di);
    lua_createtable(L, (int)n, 0);
    for (size_t k = 0; k < n; k++) {
        lua_pushstring(L, di[k].name);
        lua_seti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

int lm_index_field(lua_State *L, struct lmachine *lm, const char *key)
{
    struct emu_cpu_view v;
    emu_get_cpu(lm->m, &v);
    if (strcmp(key, "cpu") == 0)
        push_cpu(L);
    else if (strcmp(key, "dev") == 0)
        push_devs(L, 1, "");
    else if (strcmp(key, "cycles") == 0)
        lua_pushinteger(L, (lua_Integer)v.cycles);
    else if (strcmp(key, "instructions") == 0)
        lua_pushinteger(L, (lua_Integer)v.instructions);
    else if (strcmp(key, "exit_code") == 0)
        lua_pushinteger(L, lm->exit_code);
    else if (strcmp(key, "mode") == 0) {
        struct dbg_cpu_view c;
        dbg_get_cpu(lm->d, &c);
        lua_pushstring(L, dbg_mode_name(c.mode));
    } else
        lua_pushnil(L);
    return 1;
}

/* --- memory --- */

typedef size_t read_fn(struct dbg *d, uint64_t a, uint8_t *buf, size_t len, uint8_t *ok);

/* A little-endian value of size bytes, or nil when any byte is unreadable. */
static int read_n(lua_State *L, read_fn *rd, int size)
{
    struct lmachine *lm = lm_check(L, 1);
    uint64_t a = (uint64_t)luaL_checkinteger(L, 2);
    uint8_t b[4];
    if (rd(lm->d, a, b, (size_t)size, NULL) != (size_t)size) {
        lua_pushnil(L);
        return 1;
    }
    uint32_t v = 0;
    for (int k = size - 1; k >= 0; k--)
        v = v << 8 | b[k];
    lua_pushinteger(L, v);
    return 1;
}

static int l_read8(lua_State *L) { return read_n(L, dbg_read_linear, 1); }
static int l_read16(lua_State *L) { return read_n(L, dbg_read_linear, 2); }
static int l_read32(lua_State *L) { return read_n(L, dbg_read_linear, 4); }
static int l_pread8(lua_State *L) { return read_n(L, dbg_read_physical, 1); }
static int l_pread16(lua_State *L) { return read_n(L, dbg_read_physical, 2); }
static int l_pread32(lua_State *L) { return read_n(L, dbg_read_physical, 4); }

/* m:read(addr, len) / m:pread(addr, len): the bytes as a string, nil when
 * any is unreadable. At most 16 MiB. */
static int read_bytes(lua_State *L, read_fn *rd)
{
    struct lmachine *lm = lm_check(L, 1);
    uint64_t a = (uint64_t)luaL_checkinteger(L, 2);
    lua_Integer n = luaL_checkinteger(L, 3);
    luaL_argcheck(L, n >= 0 && n <= (1 << 24), 3, "0 to 16 MiB");
    uint8_t *buf = lua_newuserdatauv(L, (size_t)n + 1, 0);
    if (rd(lm->d, a, buf, (size_t)n, NULL) != (size_t)n)
        lua_pushnil(L);
    else
        lua_pushlstring(L, (const char *)buf, (size_t)n);
    return 1;
}

static int l_read(lua_State *L) { return read_bytes(L, dbg_read_linear); }
static int l_pread(lua_State *L) { return read_bytes(L, dbg_read_physical); }

/* m:read_string(addr [, max=256]): up to the NUL, max bytes or the first
 * unreadable byte; nil when the first byte is unreadable. */
static int l_read_string(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    uint64_t a = (uint64_t)luaL_checkinteger(L, 2);
    lua_Integer max = luaL_optinteger(L, 3, 256);
    luaL_argcheck(L, max >= 0 && max <= (1 << 20), 3, "0 to 1 MiB");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lua_Integer k = 0;
    for (; k < max; k++) {
        uint8_t c;
        if (dbg_read_linear(lm->d, a + (uint64_t)k, &c, 1, NULL) != 1) {
            if (k == 0) {
                lua_pushnil(L);
                return 1;
            }
            break;
        }
        if (c == 0)
            break;
        luaL_addchar(&b, (char)c);
    }
    luaL_pushresult(&b);
    return 1;
}

typedef size_t write_fn(struct dbg *d, uint64_t a, const uint8_t *buf, size_t len);

/* m:write8/16/32(addr, v), m:pwrite8/16/32: little-endian, RAM only; an
 * error when a byte is not RAM (ROM, a device, not mapped). */
static int write_n(lua_State *L, write_fn *wr, int size)
{
    struct lmachine *lm = lm_check(L, 1);
    uint64_t a = (uint64_t)luaL_checkinteger(L, 2);
    uint64_t v = (uint64_t)luaL_checkinteger(L, 3);
    uint8_t b[4];
    for (int k = 0; k < size; k++)
        b[k] = (uint8_t)(v >> (8 * k));
    if (wr(lm->d, a, b, (size_t)size) != (size_t)size)
        return luaL_error(L, "cannot write %d bytes at 0x%I: not RAM", size, (lua_Integer)a);
    return 0;
}

static int l_write8(lua_State *L) { return write_n(L, dbg_write_linear, 1); }
static int l_write16(lua_State *L) { return write_n(L, dbg_write_linear, 2); }
static int l_write32(lua_State *L) { return write_n(L, dbg_write_linear, 4); }
static int l_pwrite8(lua_State *L) { return write_n(L, dbg_write_physical, 1); }
static int l_pwrite16(lua_State *L) { return write_n(L, dbg_write_physical, 2); }
static int l_pwrite32(lua_State *L) { return write_n(L, dbg_write_physical, 4); }

/* m:write(addr, bytes): a string of bytes at a linear address. */
static int l_write(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    uint64_t a = (uint64_t)luaL_checkinteger(L, 2);
    size_t n;
    const char *s = luaL_checklstring(L, 3, &n);
    if (dbg_write_linear(lm->d, a, (const uint8_t *)s, n) != n)
        return luaL_error(L, "cannot write %d bytes at 0x%I: not RAM", (int)n, (lua_Integer)a);
    return 0;
}

/* m:traps(): {io = n, cpuid = n, ...}, every kind, since the machine was made. */
static int l_traps(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    uint64_t counts[TRAP_COUNT];
    dbg_traps(lm->d, counts);
    lua_createtable(L, 0, TRAP_COUNT);
    for (int k = 0; k < TRAP_COUNT; k++) {
        lua_pushinteger(L, (lua_Integer)counts[k]);
        lua_setfield(L, -2, dbg_trap_name(k));
    }
    return 1;
}

/* --- the page walk --- */

/* One level of a walk: its entry's address and value, its bits by name, and
 * the level's name ("pde", "pte"; with PAE "pdpte", "pde", "pte"). A PAE
 * PDPTE has no R/W or U/S bits (SDM vol. 3, 4.4.1): it reads as writable
 * and user, so that rights combined over the levels are the PDE's and PTE's. */
static void push_level(lua_State *L, uint64_t addr, uint64_t e, const char *level)
{
    lua_createtable(L, 0, 9);
    lua_pushinteger(L, (lua_Integer)addr);
    lua_setfield(L, -2, "addr");
    lua_pushinteger(L, (lua_Integer)e);
    lua_setfield(L, -2, "entry");
    lua_pushstring(L, level);
    lua_setfield(L, -2, "level");
    bool pdpte = strcmp(level, "pdpte") == 0;
    static const char *const bits[] = {"present", "writable", "user", NULL, NULL,
                                       "accessed", "dirty", "large"};
    for (int k = 0; k < 8; k++)
        if (bits[k]) {
            lua_pushboolean(L, (pdpte && (k == 1 || k == 2)) || ((e >> k) & 1));
            lua_setfield(L, -2, bits[k]);
        }
}

/* m:translate(vaddr) -> phys, levels | nil, pf_error_code, levels */
static int l_translate(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    struct dbg_walk w;
    dbg_walk(lm->d, (uint64_t)luaL_checkinteger(L, 2), &w);
    if (w.ok)
        lua_pushinteger(L, (lua_Integer)w.phys);
    else
        lua_pushnil(L);
    if (!w.ok)
        lua_pushinteger(L, w.error);
    lua_createtable(L, w.levels, 3);
    static const char *const names32[] = {"pde", "pte"};
    static const char *const names_pae[] = {"pdpte", "pde", "pte"};
    for (int k = 0; k < w.levels && k < 3; k++) {
        push_level(L, w.addr[k], w.entry[k], w.pae ? names_pae[k] : names32[k]);
        lua_seti(L, -2, k + 1);
    }
    lua_pushboolean(L, w.paging);
    lua_setfield(L, -2, "paging");
    lua_pushinteger(L, w.page_size);
    lua_setfield(L, -2, "page_size");
    return w.ok ? 2 : 3;
}

/* --- output and input --- */

/* The port argument: 1/"COM1"/0x3F8, 2/"COM2"/0x2F8, 0xE9/"console". */
static int port_arg(lua_State *L, int arg)
{
    if (lua_isnoneornil(L, arg))
        return 0;
    if (lua_type(L, arg) == LUA_TSTRING) {
        const char *s = lua_tostring(L, arg);
        if (strcmp(s, "COM1") == 0 || strcmp(s, "com1") == 0)
            return 0;
        if (strcmp(s, "COM2") == 0 || strcmp(s, "com2") == 0)
            return 1;
        if (strcmp(s, "console") == 0)
            return 2;
    } else {
        lua_Integer p = luaL_checkinteger(L, arg);
        if (p == 1 || p == 0x3F8)
            return 0;
        if (p == 2 || p == 0x2F8)
            return 1;
        if (p == 0xE9)
            return 2;
    }
    return luaL_argerror(L, arg, "a port: 1 or 0x3F8 (COM1), 2 or 0x2F8 (COM2), 0xE9");
}

static int l_serial(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    const struct lm_out *o = &lm->out[port_arg(L, 2)];
    lua_pushlstring(L, o->buf ? o->buf : "", o->len);
    return 1;
}

static int l_console(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    lua_pushlstring(L, lm->out[2].buf ? lm->out[2].buf : "", lm->out[2].len);
    return 1;
}

/* m:screen(): the VGA text screen, a line a row ("" outside text modes). */
static int l_screen(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    size_t n = emu_screen_text(lm->m, NULL, 0);
    char *buf = lua_newuserdatauv(L, n + 1, 0);
    emu_screen_text(lm->m, buf, n);
    lua_pushlstring(L, buf, n);
    return 1;
}

static void input_add(lua_State *L, struct lm_input *in, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (in->len + n > in->cap) {
        size_t cap = in->cap ? in->cap : 256;
        while (cap < in->len + n)
            cap *= 2;
        char *p = realloc(in->buf, cap);
        if (!p)
            luaL_error(L, "out of memory");
        in->buf = p;
        in->cap = cap;
    }
    memcpy(in->buf + in->len, s, n);
    in->len += n;
}

static void input_drop(struct lm_input *in, size_t n)
{
    if (n == 0)
        return; /* also: nothing was ever given, buf is NULL */
    memmove(in->buf, in->buf + n, in->len - n);
    in->len -= n;
}

void lm_feed_input(struct lmachine *lm)
{
    size_t k = 0;
    while (k < lm->keys.len && emu_type_char(lm->m, lm->keys.buf[k]) != 0)
        k++; /* 1 queued, -1 no key makes it (checked when given) */
    input_drop(&lm->keys, k);
    for (k = 0; k < lm->rx.len && emu_serial_room(lm->m, EMU_COM1) > 0; k++)
        emu_serial_receive(lm->m, EMU_COM1, (uint8_t)lm->rx.buf[k]);
    input_drop(&lm->rx, k);
}

/* m:keys(text): type on the PS/2 keyboard (US-ASCII). */
static int l_keys(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    size_t n;
    const char *s = luaL_checklstring(L, 2, &n);
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)s[k] >= 0x80 || (s[k] < 0x20 && !strchr("\n\t\b\r\x1b", s[k])))
            return luaL_error(L, "m:keys: no key types byte %d", (unsigned char)s[k]);
    input_add(L, &lm->keys, s, n);
    lm_feed_input(lm);
    return 0;
}

/* m:serial_input(bytes): bytes arriving on COM1's line. */
static int l_serial_input(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    size_t n;
    const char *s = luaL_checklstring(L, 2, &n);
    input_add(L, &lm->rx, s, n);
    lm_feed_input(lm);
    return 0;
}

/* m:symbol(name) -> address, or nil: the kernel's ELF symbols (or those of
 * symbols=), loaded when the machine was built. */
static int l_symbol(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    uint64_t a;
    if (dbg_symbol_addr(lm->d, luaL_checkstring(L, 2), &a) != 0)
        lua_pushnil(L);
    else
        lua_pushinteger(L, (lua_Integer)a);
    return 1;
}

/* m:symbolize(addr) -> "func+0x12", or nil. */
static int l_symbolize(lua_State *L)
{
    struct lmachine *lm = lm_check(L, 1);
    char buf[256];
    if (dbg_symbolize(lm->d, (uint64_t)luaL_checkinteger(L, 2), buf, sizeof buf) != 0)
        lua_pushnil(L);
    else
        lua_pushstring(L, buf);
    return 1;
}

static const luaL_Reg access_methods[] = {
    {"read8", l_read8},     {"read16", l_read16},       {"read32", l_read32},
    {"pread8", l_pread8},   {"pread16", l_pread16},     {"pread32", l_pread32},
    {"read", l_read},       {"pread", l_pread},         {"read_string", l_read_string},
    {"write8", l_write8},   {"write16", l_write16},     {"write32", l_write32},
    {"pwrite8", l_pwrite8}, {"pwrite16", l_pwrite16},   {"pwrite32", l_pwrite32},
    {"write", l_write},     {"traps", l_traps},         {"symbol", l_symbol},
    {"symbolize", l_symbolize},
    {"translate", l_translate}, {"devices", l_devices}, {"serial", l_serial},
    {"console", l_console}, {"screen", l_screen},       {"keys", l_keys},           {"serial_input", l_serial_input},
    {NULL, NULL},
};

void lm_access_register(lua_State *L)
{
    lua_getfield(L, -1, "methods");
    luaL_setfuncs(L, access_methods, 0);
    lua_pop(L, 1);
}
