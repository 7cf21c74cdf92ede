-- watch.lua CORE GUESTS -- a watchpoint on a known store, I/O, trap and serial stops,
-- on guests/demo: after CPUID leaf 0 it stores EBX ("Genu") to `vendor`, then EDX and
-- ECX; it writes 0x10 to the exit port 0xF4 last.

local core, guests = ...
local util = dofile(arg[0]:match("^(.-)[^/]*$") .. "util.lua")
local elf = guests .. "/demo.elf"
local sym = util.nm(elf)
local m = lab86.machine{kernel = elf, core = core}

local seen = {}
m:watch(sym.vendor, 4, "w", function(mm, addr, size, write)
    seen[#seen + 1] = string.format("%x/%d/%s", addr, size, tostring(write))
    return "stop"
end)
local why = m:run{max_cycles = 20000000}
util.eq("reason", why, "watchpoint")
util.eq("callback arguments", seen[1], string.format("%x/4/true", sym.vendor))
util.eq("the stored bytes", m:read_string(sym.vendor, 4), "Genu")
util.eq("cpuid counted", m:traps().cpuid, 1)

-- Serial text: stop right after "cpu vendor: " is sent.
m:on_serial("cpu vendor: ", function() return "stop" end)
why = m:run{max_cycles = 20000000}
util.eq("serial stop", why, "serial")
util.eq("text so far ends with it", m:serial():sub(-12), "cpu vendor: ")

-- The exit port: an I/O stop with the value.
local io_value
m:on_io(0xF4, 0xF4, function(mm, port, size, out, value)
    io_value = string.format("%x %d %s %x", port, size, tostring(out), value)
end, "out")
why = m:run{max_cycles = 20000000}
util.eq("end", why, "exit")
util.eq("on_io", io_value, "f4 1 true 10")
util.has("vendor text", m:serial(), "cpu vendor: " .. m:read_string(sym.vendor, 12))
print(string.format("watch: cycles %d vendor %s traps io %d", m.cycles,
                    m:read_string(sym.vendor, 12), m:traps().io))
m:close()
