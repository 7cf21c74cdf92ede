-- grade.lua - lab 2 (interrupts). Run: lab86 grade labs/02-interrupts --submission DIR
--
-- Each test gets a fresh machine booting the submission's kernel. Time is virtual: the
-- PIT counts the machine's cycles (100 MHz by default), so a second of guest time is
-- exactly 100,000,000 cycles on every host, and the tick count can be checked tightly.

setup{kernel = "build/kernel.elf", memory = "32M"}

local CYCLES_PER_SECOND = 100000000 -- lab86's default --cpu-mhz 100

-- The fields of descriptor n of the table at base (Intel SDM vol. 3, 3.4.5).
local function descriptor(m, base, n)
    local lo, hi = m:read32(base + 8 * n), m:read32(base + 8 * n + 4)
    return {
        base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000),
        limit = (lo & 0xFFFF) | (hi & 0xF0000),
        access = (hi >> 8) & 0xFF,
        flags = (hi >> 20) & 0xF,
        offset = (lo & 0xFFFF) | (hi & 0xFFFF0000), -- as a gate
        selector = lo >> 16,
    }
end

local function expect_flat(m, n, access, what)
    local d = descriptor(m, m.cpu.gdt_base, n)
    -- the CPU sets the accessed bit (bit 0 of the access byte) when it loads a selector
    if d.base ~= 0 or d.limit ~= 0xFFFFF or (d.access & 0xFE) ~= access or (d.flags & 0xC) ~= 0xC then
        fail("GDT entry %d (%s): base 0x%x limit 0x%x access 0x%02x flags 0x%x; expected a flat "
             .. "32-bit segment: base 0, limit 0xfffff in 4 KiB granules, access 0x%02x",
             n, what, d.base, d.limit, d.access, d.flags, access)
    end
end

test("GDT: flat code and data, segment registers reloaded", 15, function(m)
    expect_serial("lab2: interrupts on")
    if m.cpu.gdt_limit < 23 then fail("GDT limit %d: three entries need 23", m.cpu.gdt_limit) end
    expect_flat(m, 1, 0x9A, "code")
    expect_flat(m, 2, 0x92, "data")
    expect_reg("cs", 0x08)
    expect_reg("ds", 0x10)
    expect_reg("ss", 0x10)
end)

test("IDT: interrupt gates to the stubs", 15, function(m)
    expect_serial("lab2: interrupts on")
    local stubs = m:symbol("isr_stubs")
    if m.cpu.idt_limit < 48 * 8 - 1 then fail("IDT limit %d is too small for 48 gates", m.cpu.idt_limit) end
    for v = 0, 47 do
        local g = descriptor(m, m.cpu.idt_base, v)
        local want = m:read32(stubs + 4 * v)
        if g.offset ~= want or g.selector ~= 0x08 or g.access ~= 0x8E then
            fail("IDT entry %d: offset 0x%08x selector 0x%x type 0x%02x; expected a present DPL 0 "
                 .. "32-bit interrupt gate (0x8e) to 0x%08x through 0x08", v, g.offset, g.selector,
                 g.access, want)
        end
    end
end)

test("PIC: vectors 32-47, only IRQ 0-2 unmasked", 15, function(m)
    expect_serial("lab2: interrupts on")
    local master, slave = m.dev.pic.master, m.dev.pic.slave
    if master.vector ~= 32 or slave.vector ~= 40 then
        fail("vector bases %d and %d; expected 32 and 40", master.vector, slave.vector)
    end
    if master.icw3 ~= 0x04 or slave.icw3 ~= 0x02 then
        fail("cascade: ICW3 0x%x and 0x%x; expected 0x04 and 0x02", master.icw3, slave.icw3)
    end
    if master.imr ~= 0xF8 then fail("master mask 0x%02x; expected 0xf8", master.imr) end
end)

test("timer: 100 ticks per second of virtual time", 30, function(m)
    expect_serial("lab2: interrupts on")
    local ticks = m:symbol("ticks")
    local t0 = m:read32(ticks)
    run{max_cycles = CYCLES_PER_SECOND}
    local n = m:read32(ticks) - t0
    if n < 99 or n > 101 then
        fail("%d timer interrupts in 1 s of virtual time; expected 100 (100 Hz)", n)
    end
    expect_serial("lab2: 1 s")
end, {max_cycles = 2 * CYCLES_PER_SECOND})

test("keyboard: key presses printed", 25, function(m)
    expect_serial("lab2: interrupts on")
    m:keys("ab1 z")
    expect_serial({"^key: a$", "^key: b$", "^key: 1$", "^key:  $", "^key: z$"},
                  {max_cycles = CYCLES_PER_SECOND})
    expect_no_serial("exception")
end)
