-- errors.lua CORE GUESTS -- what a script gets wrong is a Lua error with a message:
-- bad machine options, a closed machine, a bad register, a nested m:run.

local core, guests = ...
local util = dofile(arg[0]:match("^(.-)[^/]*$") .. "util.lua")

local function fails(what, part, fn, ...)
    local ok, err = pcall(fn, ...)
    util.eq(what .. " fails", ok, false)
    util.has(what, tostring(err), part)
end

fails("unknown key", "unknown key 'kernal'", lab86.machine, {kernal = "x"})
fails("missing kernel", "no-such.elf", lab86.machine, {kernel = "no-such.elf"})
fails("bad memory", "not a memory size", lab86.machine, {kernel = "x", memory = "lots"})
fails("bad core", "not an interpreter core", lab86.machine, {kernel = "x", core = "jit"})

local m = lab86.machine{kernel = guests .. "/demo.elf", core = core}
fails("bad register", "no register 'foo'", function() return m.cpu.foo end)
fails("bad watch kind", "invalid option 'x'", m.watch, m, 0x1000, 4, "x")
local h = m:breakpoint(m:symbol("_start"), function(mm) mm:run{max_cycles = 10} end)
fails("nested run", "m:run from a callback", m.run, m, {max_cycles = 20000000})
m:delete(h)
m:reset()
h = m:breakpoint(m:symbol("_start"), function(mm) mm:close() end)
fails("close in a callback", "m:close() from a callback", m.run, m, {max_cycles = 20000000})
m:delete(h)
m:reset()
m:breakpoint(m:symbol("_start"), function(mm) mm:reset() end)
fails("reset in a callback", "m:reset() from a callback", m.run, m, {max_cycles = 20000000})
fails("bad handle", "no such handle", m.delete, m, 99)
fails("symbol=", "no symbol 'no_such_function'", m.breakpoint, m, "no_such_function")
m:close()
fails("closed machine", "the machine is closed", function() return m:run() end)
print("errors: ok")
