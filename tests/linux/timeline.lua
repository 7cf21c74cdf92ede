-- timeline.lua [--profile] direct KERNEL INITRD [SMP] [APPEND]   where a Linux boot's
-- timeline.lua [--profile] cdrom ISO [SMP]                        virtual time goes
--
-- Boots like boot.lua (the same machine and kernel command line) to the busybox prompt and
-- prints every serial line with the virtual time at which its newline was written (guest
-- seconds at the nominal 100 MHz) and the time since the line before: the long gaps are
-- where the guest spent its time. The kernel buffers its log until the serial console is
-- up, so the first kernel line carries everything before it (the decompressor above all).
--
-- With --profile it also samples the bootstrap CPU's EIP every million cycles and, at the
-- prompt, types `grep ' [tT] ' /proc/kallsyms` (the kernel's own symbol table: Debian's
-- System.map is a stub, and KASLR moves the kernel, so the table must come from the same
-- boot; a lab86 boot is deterministic, so it does) and prints a histogram of the samples
-- by kernel function, with the time before the kernel (firmware, boot loader,
-- decompressor), user space and HLT counted apart. Reading the table costs about 1.2 G
-- cycles more (15 s of host time).
--
-- A tool for people, not a test: it checks nothing. tests/linux/README says what it found.
--
--   lab86 script tests/linux/timeline.lua --profile direct vmlinuz initrd.gz

local APPEND = "console=ttyS0 panic=-1 cryptomgr.notests" -- boot.lua's
local HZ = 100e6           -- the default --cpu-mhz: cycles to guest seconds
local SAMPLE = 1000000     -- cycles between two EIP samples
local TOP = 30             -- functions in the histogram
local BUDGET = 60000000000 -- boot.lua's

local profile = arg[1] == "--profile"
if profile then table.remove(arg, 1) end
local mode, smp, config = arg[1], 1, nil
if mode == "direct" then
    smp = tonumber(arg[4] or "1")
    config = {kernel = arg[2], initrd = arg[3], append = arg[5] or APPEND}
elseif mode == "cdrom" then
    smp = tonumber(arg[3] or "1")
    config = {cdrom = arg[2], boot = "d"}
else
    error("usage: timeline.lua [--profile] direct KERNEL INITRD [SMP] [APPEND] | cdrom ISO [SMP]")
end
config.memory = "128M"
if smp > 1 then config.smp = smp end
local m = lab86.machine(config)

local last, seen, quiet = 0, 0, false
m:on_serial("\n", function(mm)
    local s = mm:serial()
    local line = s:sub(seen + 1):gsub("[\r\n]+$", "")
    seen = #s
    if not quiet then
        print(string.format("%9.4f (+%8.4f) %s", mm.cycles / HZ, (mm.cycles - last) / HZ, line))
    end
    last = mm.cycles
end)

-- Run until the output has text; with samples, note the BSP's EIP after every slice.
local function run_until(text, samples)
    while not m:serial():find(text, 1, true) do
        local why = m:run{max_cycles = SAMPLE}
        if why ~= "cycles" then error("the machine stopped: " .. tostring(why)) end
        if m.cycles > BUDGET then error("no '" .. text .. "' within the budget") end
        if samples then samples[#samples + 1] = m.cpu.halted and -1 or m.cpu.eip end
    end
end

local samples = profile and {} or nil
run_until("\n/ # ", samples)
print(string.format("prompt at cycle %d (%.2f s), %d instructions", m.cycles, m.cycles / HZ,
                    m.instructions))
if not profile then return end

-- The kernel's text symbols, sorted by address.
quiet = true
local from = #m:serial()
m:serial_input("grep ' [tT] ' /proc/kallsyms; echo KALLSYMS-END\n")
run_until("\nKALLSYMS-END", nil)
local syms = {}
for addr, name in m:serial():sub(from + 1):gmatch("\n(%x%x%x%x%x%x%x%x) [tT] ([%w_.$]+)") do
    syms[#syms + 1] = {tonumber(addr, 16), name}
end
table.sort(syms, function(a, b) return a[1] < b[1] end)

local function symbol(eip) -- the last symbol at or below eip (binary search)
    local lo, hi = 1, #syms
    if hi == 0 or eip < syms[1][1] then return "?" end
    while lo < hi do
        local mid = (lo + hi + 1) // 2
        if syms[mid][1] <= eip then lo = mid else hi = mid - 1 end
    end
    return syms[lo][2]
end

local count, in_kernel = {}, false
for _, eip in ipairs(samples) do
    local what
    if eip == -1 then
        what = "(halted: HLT, waiting for an interrupt)"
    elseif eip >= 0xC0000000 then
        in_kernel = true
        what = symbol(eip)
    else
        what = in_kernel and "(user space)" or "(before the kernel: firmware, loader, decompressor)"
    end
    count[what] = (count[what] or 0) + 1
end
local rows = {}
for what, n in pairs(count) do rows[#rows + 1] = {what, n} end
table.sort(rows, function(a, b) return a[2] > b[2] or (a[2] == b[2] and a[1] < b[1]) end)
print(string.format("\n%d samples, one every %d cycles (%d kernel symbols):", #samples, SAMPLE,
                    #syms))
for k = 1, math.min(TOP, #rows) do
    print(string.format("%7.2f s %5.1f%%  %s", rows[k][2] * SAMPLE / HZ,
                        100 * rows[k][2] / #samples, rows[k][1]))
end
