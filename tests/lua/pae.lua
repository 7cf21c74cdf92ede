-- pae.lua CORE GUESTS -- m:translate() under PAE paging (tests/guest/pae): three levels
-- named pdpte, pde and pte, 8-byte entries read back with physical reads, a 2 MiB page,
-- and the rights the walk grants (a PDPTE has none of its own).
--
-- pae.asm builds, at 2 MiB: the PDPT (CR3), PD0 (PDE 0: a 2 MiB page at 0; PDE 1: PT1)
-- and PT1, whose entry for 0x300000 maps 0x310000; at test_main.on paging is on.

local core, guests = ...
local util = dofile(arg[0]:match("^(.-)[^/]*$") .. "util.lua")
local elf = guests .. "/pae.elf"
local sym = util.nm(elf)
local m = lab86.machine{kernel = elf, core = core}

m:breakpoint(sym["test_main.on"])
util.eq("reason", m:run{max_cycles = 50000000}, "breakpoint")
util.eq("CR4.PAE", m.cpu.cr4 & 0x20, 0x20)

local phys, levels = m:translate(0x300010)
util.eq("4 KiB page", phys, 0x310010)
util.eq("levels", #levels, 3)
local pdpt = m.cpu.cr3 & ~0x1f
util.eq("pdpte level", levels[1].level, "pdpte")
util.eq("pdpte address", levels[1].addr, pdpt)
util.eq("pdpte entry", levels[1].entry, m:pread32(pdpt) | (m:pread32(pdpt + 4) << 32))
util.eq("pde entry", levels[2].entry, m:pread32(levels[2].addr))
util.eq("pte entry", levels[3].entry, 0x310003) -- not used yet: no A, no D (a peek sets none)
util.eq("writable", levels[2].writable and levels[3].writable, true)
util.eq("supervisor", levels[2].user or levels[3].user, false)

local big, blevels = m:translate(0x1ffffc)
util.eq("2 MiB page", big, 0x1ffffc)
util.eq("2 MiB levels", #blevels, 2)
util.eq("large", blevels[2].large, true)

local none, err = m:translate(0x301000)
util.eq("not present", none, nil)
util.eq("not-present error", err, 0)
local _, rsvd = m:translate(0x302000)
util.eq("reserved bit error", rsvd, 0x9)
print("pae: ok")
