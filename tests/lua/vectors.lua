-- vectors.lua CORE GUESTS -- m:on_exception and m:on_interrupt, told apart:
--   tests/guest/paging raises page faults (vector 14) on purpose: each callback sees
--   CR2 and an error code whose P bit (bit 0) says whether the page was present,
--   which m:translate(CR2) must agree with;
--   tests/guest/pic_pit remaps the master PIC to 0x20 and takes timer interrupts on
--   vector 0x20 (IRQ 0): they reach m:on_interrupt, never m:on_exception, and the
--   callbacks on 0x20-0x2F see as many interrupts as the core counts (m:traps():
--   intr external, swint INT n; the guest's come only from the PICs).

local core, guests = ...
local util = dofile(arg[0]:match("^(.-)[^/]*$") .. "util.lua")

local m = lab86.machine{kernel = guests .. "/paging.elf", core = core}
local faults = 0
m:on_exception(14, function(mm, vector, err)
    faults = faults + 1
    util.eq("vector", vector, 14)
    local phys = mm:translate(mm.cpu.cr2)
    util.eq(string.format("#PF at 0x%x: P bit against the walk", mm.cpu.cr2), err & 1,
            phys and 1 or 0)
end)
m:on_interrupt(14, function() error("a page fault reached on_interrupt") end)
util.eq("paging end", m:run{max_cycles = 50000000}, "exit")
if faults < 5 then error("only " .. faults .. " page faults seen") end
util.eq("#PF counted as exceptions", m:traps().exception >= faults, true)
m:close()

m = lab86.machine{kernel = guests .. "/pic_pit.elf", core = core}
local ticks, irqs = 0, {}
for v = 0x20, 0x2f do
    m:on_interrupt(v, function(_, vector)
        irqs[#irqs + 1] = string.format("%x", vector)
        if vector == 0x20 then ticks = ticks + 1 end
    end)
end
m:on_exception(0x20, function() error("IRQ 0 reached on_exception") end)
util.eq("pic_pit end", m:run{max_cycles = 200000000}, "exit")
if ticks < 2 then error("only " .. ticks .. " timer interrupts seen") end
util.eq("interrupts against the count", #irqs, m:traps().intr + m:traps().swint)
util.has("guest checks", m:console(), "PASS")
-- The PICs as the guest left them (m.dev reads the device field tables): remapped to
-- 0x20 and 0x28, every input masked again at the end.
util.eq("master vector base", m.dev.pic.master.vector, 0x20)
util.eq("slave vector base", m.dev["pic.slave"].vector, 0x28)
util.eq("IMR", m.dev.pic.master.imr, 0xff)
util.eq("a group's field is its first member's", m.dev.pic.imr, m.dev.pic.master.imr)
print(string.format("vectors: %d page faults, interrupts %s, cycles %d", faults,
                    table.concat(irqs, " "), m.cycles))
m:close()
