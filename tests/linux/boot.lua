-- boot.lua KERNEL INITRD [SMP] -- boot Debian's i386 Linux to a busybox shell, type a
-- command through COM1, check its answer, and end the machine through the exit port.
--
-- Run by tests/linux/run.sh as `lab86 script boot.lua ...`. Prints the serial output
-- and a last line "linux: ok" or "linux: FAIL: why"; exits 0 only when it passed.

local kernel, initrd, smp = arg[1], arg[2], tonumber(arg[3] or "1")
local m = lab86.machine{kernel = kernel, initrd = initrd, memory = "128M", smp = smp > 1 and smp or nil,
                        append = "console=ttyS0 panic=-1 cryptomgr.notests"}
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
io.write(m:serial(), "\n")
print(string.format("linux: ok (%d cycles)", m.cycles))
