-- regs.lua CORE GUESTS -- registers and memory at a breakpoint, stepping, writing
-- registers, the exit value, COM1's text, symbols and m:command, on guests/demo.
--
-- A multiboot loader enters the kernel with EAX = 0x2BADB002 and EBX = the address of
-- the multiboot information, whose mem_upper (offset 8) is the KiB above 1 MiB: 31744
-- for 32 MiB. The demo's first instruction is `mov esp, stack_top` (5 bytes).

local core, guests = ...
local util = dofile(arg[0]:match("^(.-)[^/]*$") .. "util.lua")
local elf = guests .. "/demo.elf"
local sym = util.nm(elf)

local m = lab86.machine{kernel = elf, core = core, memory = "32M", append = "from lua"}
local hits = 0
m:breakpoint(sym._start, function(mm)
    hits = hits + 1
    util.eq("eax at _start", mm.cpu.eax, 0x2BADB002)
    util.eq("eip at _start", mm.cpu.eip, sym._start)
    util.eq("cs at _start", mm.cpu.cs & 3, 0)
    util.eq("CR0.PE", mm.cpu.cr0 & 1, 1)
    util.eq("mem_upper", mm:read32(mm.cpu.ebx + 8), 31744)
end)
local why, code = m:run{max_cycles = 20000000}
util.eq("reason", why, "exit")
util.eq("exit value", code, 0x10)
util.eq("breakpoint hits", hits, 1)
util.has("COM1", m:serial(), "command line: from lua\r\n")
util.has("COM1", m:serial(), "cpu vendor: ")
print(string.format("run: %s 0x%x cycles %d instructions %d", why, code, m.cycles,
                    m.instructions))

-- Symbols: the kernel's ELF symbols, as nm lists them.
util.eq("m:symbol", m:symbol("_start"), sym._start)
util.eq("m:symbol vendor", m:symbol("vendor"), sym.vendor)
util.eq("no such symbol", m:symbol("no_such_symbol"), nil)
util.eq("m:symbolize", m:symbolize(sym.puts), "puts")

-- The same machine again: a breakpoint without a callback stops the run there.
m:reset()
util.eq("serial after reset", m:serial(), "")
local bp = m:breakpoint("_start")
local why2, handle = m:run{max_cycles = 20000000}
util.eq("stop at the plain breakpoint", why2, "breakpoint")
util.eq("its handle", handle, bp)
util.eq("eip", m.cpu.eip, sym._start)
util.eq("step", m:step(1), "step")
util.eq("eip after one step", m.cpu.eip, sym._start + 5)
util.eq("esp after mov esp, stack_top", m.cpu.esp, sym.stack_top)
m.cpu.eax = 0x12345678
util.eq("eax written", m.cpu.eax, 0x12345678)
util.eq("ax", m.cpu.ax, 0x5678)
m:write32(sym.stack_top - 4, 0xCAFEF00D)
util.eq("memory written", m:read32(sym.stack_top - 4), 0xCAFEF00D)
util.eq("physical read", m:pread32(sym.stack_top - 4), 0xCAFEF00D)
m:pwrite16(sym.stack_top - 4, 0xBEEF)
util.eq("physical write", m:read32(sym.stack_top - 4), 0xCAFEBEEF)
util.eq("unreadable", m:read32(0xFFFFFFF0 - 0x10000000), nil)
local regs, ok = m:command("info registers")
util.eq("command ok", ok, true)
util.has("info registers", regs, string.format("eip 0x%08x", m.cpu.eip))
util.has("info registers", regs, "eax 0x12345678")
local _, bad = m:command("no-such-command")
util.eq("bad command", bad, false)
print(string.format("step: eip 0x%x cycles %d", m.cpu.eip, m.cycles))
m:delete(bp)
m:reset()
util.eq("max_instructions", m:run{max_instructions = 10}, "instructions")
util.eq("instructions retired", m.instructions, 10)
util.eq("max_cycles", m:run{max_cycles = 100}, "cycles")
if m.cycles < 100 then error("cycles after max_cycles = 100: " .. m.cycles) end
why, code = m:run{max_cycles = 20000000}
util.eq("after delete", why, "exit")
m:close()
