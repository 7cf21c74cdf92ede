-- keys.lua CORE GUESTS -- m:keys() reaches the PS/2 keyboard and m:serial_input() COM1:
-- tests/lua/keys.asm echoes every keyboard byte ("k=XX") and every COM1 byte ("s=c")
-- on the 0xE9 console and exits after four keyboard bytes and two serial ones. With
-- the 8042 translating (its default), 'a' is make code 0x1E and break code 0x9E, 'b'
-- 0x30 and 0xB0 (scan code set 1). It also writes "pekp" on the VGA text screen.

local core, guests = ...
local util = dofile(arg[0]:match("^(.-)[^/]*$") .. "util.lua")
local m = lab86.machine{kernel = guests .. "/keys.elf", core = core}
util.eq("nothing yet", m:run{max_cycles = 100000}, "cycles")
m:keys("ab")
m:serial_input("hi")
local why = m:run{max_cycles = 50000000}
util.eq("reason", why, "exit")
local out = m:console()
for _, part in ipairs{"k=1E ", "k=9E ", "k=30 ", "k=B0 ", "s=h ", "s=i "} do
    util.has("console", out, part)
end
util.eq("the screen's first line", m:screen():match("^[^\n]*"), "pekp")
local ok, err = pcall(m.keys, m, "\1")
util.eq("no key for ^A", ok, false)
util.has("its message", err, "no key types byte 1")
print(string.format("keys: %s cycles %d", out, m.cycles))
m:close()
