-- grade.lua - lab 1 (booting). Run: lab86 grade labs/01-boot --submission DIR
--
-- The machine boots the submission's disk through the Bochs legacy BIOS: about 300 million
-- virtual cycles before it jumps to 0x7C00, most of them waiting in HLT, so a test takes a
-- tenth of a second of host time (SeaBIOS works too; it executes more on the way).

setup{hda = "build/disk.img", symbols = "build/stage2.elf", memory = "32M", firmware = "legacy"}

local BOOT_BUDGET = 800000000
local TEST = {max_cycles = BOOT_BUDGET} -- a whole test's budget: the BIOS alone takes 300 M

-- Run until the CPU is at linear address addr and check passes; fail otherwise.
local function run_to(m, addr, what, check)
    local id = m:breakpoint(addr, function(mm)
        if not check or check(mm) then return "stop" end
    end)
    local why = run{max_cycles = BOOT_BUDGET}
    m:delete(id)
    if why ~= "breakpoint" then
        fail("the CPU never reached %s (0x%x): the run ended with '%s' at cycle %d", what, addr,
             why, m.cycles)
    end
end

local function in_protected_mode(m) return m.cpu.cr0 & 1 == 1 end

test("the BIOS runs the boot sector at 0x7c00", 10, function(m)
    run_to(m, 0x7C00, "the boot sector")
    expect_mem(0x7DFE, 0xAA55, {size = 2})
    if m.cpu.cr0 & 1 ~= 0 then fail("CR0.PE is set at 0x7c00: not real mode") end
end, TEST)

test("greeting on COM1", 10, function(m)
    expect_serial("^lab1: booting", {max_cycles = BOOT_BUDGET})
end, TEST)

test("second stage read to 0x10000", 20, function(m)
    run_to(m, 0x10000, "the second stage", in_protected_mode)
    expect_mem(0x10004, "LAB1STG2")
end, TEST)

test("protected mode with a flat GDT", 25, function(m)
    run_to(m, 0x10000, "the second stage", in_protected_mode)
    expect_reg("cs", 0x08)
    local base = m.cpu.gdt_base
    for n, access in pairs{[1] = 0x9A, [2] = 0x92} do
        local lo, hi = m:read32(base + 8 * n), m:read32(base + 8 * n + 4)
        local seg_base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000)
        local limit = (lo & 0xFFFF) | (hi & 0xF0000)
        if seg_base ~= 0 or limit ~= 0xFFFFF or ((hi >> 8) & 0xFE) ~= access or (hi >> 20) & 0xC ~= 0xC then
            fail("GDT entry %d is %08x %08x: expected a flat 32-bit segment, access 0x%02x", n, hi, lo,
                 access)
        end
    end
    for _, r in ipairs{"ds", "es", "ss"} do expect_reg(r, 0x10) end
end, TEST)

test("A20 open", 15, function(m)
    run_to(m, 0x10000, "the second stage", in_protected_mode)
    local kbc, port92 = m.dev.kbc.outport, m.dev.sysctl.port_a
    if (kbc | port92) & 2 == 0 then
        fail("A20 is closed: 8042 output port 0x%02x, port 0x92 0x%02x (bit 1 of either opens it)",
             kbc, port92)
    end
end, TEST)

test("the second stage finishes", 20, function(m)
    expect_serial({"^lab1: stage 2 running in protected mode", "^lab1: A20 is open"},
                  {max_cycles = BOOT_BUDGET})
    expect_no_serial("disk read failed")
end, TEST)
