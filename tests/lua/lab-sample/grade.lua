-- grade.lua -- the sample lab's grader (tests/lua/lab-sample/README.md): 40 points.

setup{kernel = "kernel.elf", memory = "32M"}

test("says hello", 10, function()
    expect_serial("^hello, lab$", {max_cycles = 2000000})
end)

test("maps the kernel high", 10, function()
    expect_serial("paging on", {max_cycles = 2000000})
    expect_mapping(0xC0100000, 0x100000, "w")
    expect_mapping(0xC0000000 + 0x7000, 0x7000)
    expect_mapping(0xC0400000, nil)
end)

test("computes the answer", 10, function()
    expect_serial("^done$", {max_cycles = 2000000})
    expect_reg("ebx", 42)
    expect_mem(0x7000, 0x1234)
end)

test("uses cpuid", 5, function()
    expect_trap("cpuid", {max_cycles = 2000000})
end)

test("exits cleanly", 5, function()
    local why, code = run{max_cycles = 50000000} -- bounded by the test's own budget below
    expect_no_serial("panic")
    if why ~= "exit" or code ~= 0x10 then
        fail("expected the guest to write 0x10 to the exit port; the run ended with %s %s",
             why, tostring(code))
    end
end, {max_cycles = 2000000})
