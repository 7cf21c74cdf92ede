-- paging.lua CORE GUESTS -- m:translate() against tests/guest/paging's page tables,
-- walked by hand from CR3 with physical reads, and the mode-switch callback.
--
-- paging.asm builds its tables, then `call paging_on`; at t_accessed_dirty paging is
-- on with LIN_AD = 0x800000 -> page_a (user, writable), LIN_RO = 0x801000 -> page_a
-- read-only, LIN_NP = 0x803000 not present, and PDE 6 (0x1800000) not present.

local core, guests = ...
local util = dofile(arg[0]:match("^(.-)[^/]*$") .. "util.lua")
local elf = guests .. "/paging.elf"
local sym = util.nm(elf)
local m = lab86.machine{kernel = elf, core = core}

local switches = {}
m:on_mode_switch(function(_, old, new) switches[#switches + 1] = old .. "->" .. new end)
local bp = m:breakpoint(sym.t_accessed_dirty)
util.eq("reason", m:run{max_cycles = 50000000}, "breakpoint")
util.eq("mode", m.mode, "protected+paging")
util.eq("mode switches seen", switches[#switches], "protected->protected+paging")
util.eq("CR3 is pg_dir", m.cpu.cr3 & ~0xfff, sym.pg_dir)

-- The walk by hand, with physical reads: PDE at CR3 + 4 * dir, PTE at the table +
-- 4 * index.
local function walk(lin)
    local pde = m:pread32((m.cpu.cr3 & ~0xfff) + (lin >> 22) * 4)
    if pde & 1 == 0 then return nil, pde end
    local pte = m:pread32((pde & ~0xfff) + ((lin >> 12) & 0x3ff) * 4)
    if pte & 1 == 0 then return nil, pde, pte end
    return (pte & ~0xfff) | (lin & 0xfff), pde, pte
end

for _, lin in ipairs{0x800000, 0x800123, 0x801ffc, 0x802000, 0x100000, sym.t_accessed_dirty} do
    local phys, levels = m:translate(lin)
    local want, pde, pte = walk(lin)
    util.eq(string.format("translate(0x%x)", lin), phys, want)
    util.eq("levels", #levels, 2)
    util.eq("PDE", levels[1].entry, pde)
    util.eq("PTE", levels[2].entry, pte)
    util.eq("PDE address", levels[1].addr, (m.cpu.cr3 & ~0xfff) + (lin >> 22) * 4)
end
util.eq("LIN_AD -> page_a", m:translate(0x800000), sym.page_a)
local _, l = m:translate(0x801000)
util.eq("LIN_RO read-only", l[2].writable, false)
util.eq("LIN_RO user", l[2].user, true)

local phys, err, levels = m:translate(0x803000)
util.eq("LIN_NP not mapped", phys, nil)
util.eq("#PF error: not present", err & 1, 0)
util.eq("walk stops at the PTE", #levels, 2)
phys, err, levels = m:translate(0x1800000)
util.eq("PDE 6 not mapped", phys, nil)
util.eq("walk stops at the PDE", #levels, 1)

-- The descriptor tables lib.inc builds (SEL_KCODE 0x08, SEL_UCODE 0x18 | 3, SEL_TSS
-- 0x28) and the IDT gate of #PF, decoded by the debugger core.
util.eq("GDT 1", m:gdt(1).type:match("^code 32%-bit") ~= nil, true)
util.eq("GDT 1 DPL", m:gdt(1).dpl, 0)
util.eq("GDT 3 DPL", m:gdt(3).dpl, 3)
util.eq("GDT 5", m:gdt(5).type:match("TSS") ~= nil, true)
util.eq("beyond the GDT", m:gdt(8191), nil)
util.eq("#PF gate selector", m:idt(14).selector, 0x08)
util.eq("#PF gate present", m:idt(14).present, true)
util.eq("TR", m:tss().sel, 0x28)
util.eq("mapped ranges", #m:mem_ranges() > 0, true)
util.eq("disassembly", (m:disasm(m.cpu.eip)) ~= nil, true)

-- A snapshot and back: the clock and EIP as they were.
local snap = os.tmpname()
local cycles, eip = m.cycles, m.cpu.eip
m:savevm(snap)
m:run{max_cycles = 1000}
m:loadvm(snap)
os.remove(snap)
util.eq("cycles after loadvm", m.cycles, cycles)
util.eq("eip after loadvm", m.cpu.eip, eip)
m:delete(bp) -- back at the breakpoint's address: it would stop the run there again

-- Runs on to the end: the guest's own checks pass.
util.eq("end", m:run{max_cycles = 50000000}, "exit")
util.has("guest checks", m:console(), "PASS")
if m:console():find("FAIL") then error("the guest failed:\n" .. m:console()) end
print(string.format("paging: %s cycles %d", table.concat(switches, " "), m.cycles))
m:close()
