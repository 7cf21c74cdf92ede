-- owners.lua CORE GUESTS -- a script's exception callback and the debugger command
-- language's `catch` (m:command) on one machine: each owns its own stop (debug.h, "stop
-- owners"). tests/guest/paging raises 11 page faults (its FAULT_AT_* checks).
--   - catch vector 14 and m:on_exception(14) both on: the callback runs at each fault
--     and, the catch being someone else's stop, m:run ends there with "vector", 14;
--   - the callback taken off: the catch still ends m:run at the next fault;
--   - the catch taken off, the callback back: m:run goes to the exit, the callback
--     counting the rest.

local core, guests = ...
local util = dofile(arg[0]:match("^(.-)[^/]*$") .. "util.lua")

local m = lab86.machine{kernel = guests .. "/paging.elf", core = core}
local seen = {}
local function count(mm, vector, err)
    seen[#seen + 1] = string.format("%x:%x", mm.cpu.cr2, err)
    util.eq("vector", vector, 14)
end
m:on_exception(14, count)
util.eq("catch", select(2, m:command("catch vector 14")), true)
local why, v = m:run{max_cycles = 50000000}
util.eq("first fault ends m:run", why, "vector")
util.eq("its vector", v, 14)
util.eq("the callback ran too", #seen, 1)
util.eq("first fault", seen[1], "801000:7") -- user_write_read_only: P | W | U

m:on_exception(14, nil)
util.eq("second fault, the catch alone", m:run{max_cycles = 50000000}, "vector")
util.eq("no callback", #seen, 1)
util.eq("CR2 of the second", m.cpu.cr2, 0x803010)

m:on_exception(14, count)
util.eq("catch off", select(2, m:command("catch vector 14 off")), true)
util.eq("to the end", m:run{max_cycles = 50000000}, "exit")
util.eq("the other 9 counted", #seen, 10)
util.eq("the last", seen[10], "804000:0") -- invlpg_drops_translation
print("owners: " .. table.concat(seen, " ") .. ", cycles " .. m.cycles)
m:close()
