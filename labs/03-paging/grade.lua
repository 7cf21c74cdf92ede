-- grade.lua - lab 3 (paging). Run: lab86 grade labs/03-paging --submission DIR

setup{kernel = "build/kernel.elf", memory = "32M"}

local KERNEL_HIGH = 0xC0000000
local DEMAND_BASE = 0xD0000000

test("frame allocator: aligned, after the kernel, reused", 20, function(m)
    expect_serial("lab3: freed")
    local out = m:serial()
    local f1, f2, f3 = out:match("lab3: frames 0x(%x+) 0x(%x+) 0x(%x+)")
    local freed, again = out:match("lab3: freed 0x(%x+), next 0x(%x+)")
    f1, f2, f3 = tonumber(f1, 16), tonumber(f2, 16), tonumber(f3, 16)
    if not f1 or not freed then fail("the frame allocator's report is missing") end
    local kend = m:symbol("kernel_end")
    for _, f in ipairs{f1, f2, f3} do
        if f == 0 or f % 4096 ~= 0 then fail("frame 0x%08x is not a page-aligned frame", f) end
        if f < kend then fail("frame 0x%08x lies inside the kernel (it ends at 0x%08x)", f, kend) end
    end
    if f1 == f2 or f2 == f3 or f1 == f3 then fail("the same frame was handed out twice") end
    if tonumber(again, 16) ~= tonumber(freed, 16) then
        fail("a freed frame (0x%s) was not handed out again (got 0x%s)", freed, again)
    end
end)

test("paging on: identity map and the high alias", 30, function(m)
    expect_serial("lab3: paging on")
    if m.cpu.cr0 & 0x80000000 == 0 then fail("CR0.PG is clear") end
    if m.cpu.cr0 & 0x00010000 == 0 then fail("CR0.WP is clear") end
    for _, pa in ipairs{0x0, 0xB8000, 0x100000, 0x3FF000} do
        expect_mapping(pa, pa, "ws")
        expect_mapping(KERNEL_HIGH + pa, pa, "ws")
    end
    expect_mapping(0x400000, nil)
    expect_serial("marker through the high alias: 0x1ab3")
end)

test("demand paging", 25, function(m)
    expect_serial("lab3: demand page")
    local phys = m:translate(DEMAND_BASE + 0x1000)
    if not phys then fail("0x%08x is not mapped after the kernel touched it", DEMAND_BASE + 0x1000) end
    expect_mapping(DEMAND_BASE + 0x1000, phys, "ws")
    expect_mem(DEMAND_BASE + 0x1234, 0xfeed)
    expect_mapping(DEMAND_BASE + 0x2000, nil)
    expect_serial("lab3: done")
end)

test("page fault reported with its address and error code", 25, function(m)
    -- induce the fault: the kernel checks this variable before it finishes
    m:breakpoint("kmain", function() return "stop" end)
    run{}
    m:write32(m:symbol("induce_fault"), 1)
    local faults = {} -- every #PF as the CPU delivers it: CR2 and the error code
    m:on_exception(14, function(mm, _, err) faults[#faults + 1] = {mm.cpu.cr2, err} end)
    expect_serial("lab3: page fault at 0xdead0000, error 0x2")
    local last = faults[#faults]
    if not last then fail("no page fault was delivered") end
    if last[1] ~= 0xdead0000 or last[2] ~= 0x2 then
        fail("the last #PF had CR2 0x%08x, error 0x%x; expected 0xdead0000, 0x2 (not present, "
             .. "write, supervisor)", last[1], last[2])
    end
end)
