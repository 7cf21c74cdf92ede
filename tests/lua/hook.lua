-- hook.lua -- for `lab86 run --kernel demo.elf --script hook.lua`: sets a breakpoint on
-- lab86.current at $DEMO_START (the kernel's entry, from nm) and prints EAX there;
-- the run then goes on to the guest's exit.
local m = lab86.current
local start = tonumber(os.getenv("DEMO_START"), 16)
m:breakpoint(start, function(mm)
    print(string.format("script: eax=%08x at %08x", mm.cpu.eax, mm.cpu.eip))
end)
