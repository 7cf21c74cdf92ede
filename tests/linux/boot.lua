-- boot.lua direct KERNEL INITRD [SMP]   boot Debian's i386 Linux directly (--kernel)
-- boot.lua cdrom ISO [SMP]              or from a CD, through SeaBIOS and GRUB
--
-- to a busybox shell, type a command through COM1, check its answer, and end the machine
-- through the exit port. The GRUB CD's grub.cfg gives the same kernel command line.
--
-- Run by tests/linux/run.sh as `lab86 script boot.lua ...`. Prints the serial output
-- and a last line "linux: ok" or "linux: FAIL: why"; exits 0 only when it passed.

-- cryptomgr.notests: the kernel's crypto self-tests are billions of instructions of RSA
-- arithmetic, minutes at lab86's speed; they test the kernel, not the machine.
local APPEND = "console=ttyS0 panic=-1 cryptomgr.notests"
local mode, smp, config = arg[1], 1, nil
if mode == "direct" then
    smp = tonumber(arg[4] or "1")
    config = {kernel = arg[2], initrd = arg[3], append = APPEND}
elseif mode == "cdrom" then
    smp = tonumber(arg[3] or "1")
    config = {cdrom = arg[2], boot = "d"}
else
    error("usage: boot.lua direct KERNEL INITRD [SMP] | cdrom ISO [SMP]")
end
config.memory = "128M"
if smp > 1 then config.smp = smp end
local m = lab86.machine(config)
local BUDGET = 60000000000 -- virtual cycles: 600 s of guest time at 100 MHz

local function fail(why)
    io.write(m:serial(), "\n")
    print("linux: FAIL: " .. why .. string.format(" (at cycle %d)", m.cycles))
    os.exit(1)
end

-- Run until the output contains text (plain), or the budget ends.
local function run_until(text)
    while not m:serial():find(text, 1, true) do
        local why = m:run{max_cycles = 100000000}
        if why ~= "cycles" then fail("the machine stopped (" .. why .. ") before '" .. text .. "'") end
        if m.cycles > BUDGET then fail("no '" .. text .. "' within the budget") end
    end
end

run_until(string.format("lab86-linux: %d cpus online", smp))
run_until("# ")
m:serial_input("echo hello-$((6*7)); printf '\\020' | dd of=/dev/port bs=1 seek=244 count=1\n")
local why, code
repeat
    why, code = m:run{max_cycles = 100000000}
until why ~= "cycles" or m.cycles > BUDGET
if not m:serial():find("\nhello-42", 1, true) then fail("the shell did not answer the command") end
if why ~= "exit" or code ~= 0x10 then fail("no exit through port 0xF4 (" .. tostring(why) .. ")") end

-- The kernel's own view of the machine's clocks, from its log: a clock that is wrong, or
-- a timer interrupt that is not where the firmware says, makes the kernel busy-wait for
-- seconds of virtual time (tests/linux/README, "Where the time goes").
-- The TSC frequency the kernel measures against the PIT is the nominal clock: the PIT's
-- 1.193182 MHz and the TSC's one tick a cycle agree (to 0.1%; it printed 99.992).
local log = m:serial()
local mhz = tonumber(log:match("tsc: Detected ([%d.]+) MHz processor") or "")
if not mhz or math.abs(mhz - 100) > 0.1 then
    fail("the kernel measured the TSC at " .. tostring(mhz) .. " MHz, not the nominal 100")
end
-- An MP table that puts IRQ 0 on another I/O APIC pin than the board wires it to makes
-- the kernel try the timer three ways, 1.6 s of busy-waiting each (check_timer()).
if log:find("8254 timer not connected to IO-APIC", 1, true) then
    fail("the timer's I/O APIC pin is not where the MP table says")
end
io.write(m:serial(), "\n")
print(string.format("linux: ok (%d cycles)", m.cycles))
