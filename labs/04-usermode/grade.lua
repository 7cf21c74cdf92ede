-- grade.lua - lab 4 (user mode). Run: lab86 grade labs/04-usermode --submission DIR

setup{kernel = "build/kernel.elf", memory = "32M"}

local function entry(m, n)
    local base = m.cpu.gdt_base
    local lo, hi = m:read32(base + 8 * n), m:read32(base + 8 * n + 4)
    return {base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000),
            limit = (lo & 0xFFFF) | (hi & 0xF0000), access = (hi >> 8) & 0xFF}
end

test("user segments and the TSS", 15, function(m)
    expect_serial("lab4: kernel ready")
    for n, access in pairs{[3] = 0xFA, [4] = 0xF2} do
        local d = entry(m, n)
        if d.base ~= 0 or d.limit ~= 0xFFFFF or (d.access & 0xFE) ~= access then
            fail("GDT entry %d: base 0x%x limit 0x%x access 0x%02x; expected a flat DPL 3 segment "
                 .. "(access 0x%02x)", n, d.base, d.limit, d.access, access)
        end
    end
    expect_reg("tr", 0x28)
    local tss = entry(m, 5)
    if tss.access & 0x9D ~= 0x89 then
        fail("GDT entry 5 (access 0x%02x) is not a present 32-bit TSS", tss.access)
    end
    local top = m:symbol("kernel_stack") + 8192
    local esp0, ss0 = m:read32(tss.base + 4), m:read32(tss.base + 8) & 0xFFFF
    if esp0 ~= top or ss0 ~= 0x10 then
        fail("TSS SS0:ESP0 = 0x%x:0x%08x; expected 0x10:0x%08x (the top of kernel_stack)", ss0, esp0, top)
    end
end)

test("programs run in ring 3", 15, function(m)
    m:breakpoint("prog_hello", function() return "stop" end)
    local why = run{}
    if why ~= "breakpoint" then fail("program 1 never started (%s)", why) end
    expect_reg("cpl", 3)
    expect_reg("cs", 0x1B)
    expect_reg("ss", 0x23)
end)

test("system calls enter on the kernel stack", 10, function(m)
    local lo = m:symbol("kernel_stack")
    local bad
    m:on_interrupt(0x80, function(mm)
        local esp = mm.cpu.esp
        if esp < lo or esp > lo + 8192 then bad = esp end
    end)
    expect_serial("program 1 exited")
    if bad then fail("INT 0x80 ran on ESP 0x%08x, outside kernel_stack", bad) end
end)

test("write and exit", 20, function(m)
    expect_serial({"^hello from ring 3$", "^lab4: program 1 exited with 0$"})
end)

test("getpid, and a kernel pointer refused", 15, function(m)
    expect_serial({"^lab4: program 3 exited with 3$", "^lab4: program 4 exited with %-1$"})
end)

test("faults end the program, not the kernel", 25, function(m)
    local gp = 0
    m:on_exception(13, function() gp = gp + 1 end)
    expect_serial({"^lab4: program 2 killed: exception 13", "^lab4: program 5 killed: exception 13",
                   "^lab4: all programs done$"})
    if gp ~= 2 then fail("%d general-protection faults; expected 2 (CLI and IN in ring 3)", gp) end
    expect_no_serial("kernel exception")
end)
