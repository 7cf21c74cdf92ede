-- memtest.lua IMAGE -- run memtest86+ (its ia32 image, loaded by the Linux boot protocol)
-- on 16 MiB until it starts its third test, and check that it reports no errors.
-- memtest86+ draws on the VGA text screen; m:screen() reads it.

local m = lab86.machine{kernel = arg[1], memory = "16M"}
local BUDGET = 20000000000

local function screen() return m:screen() end
while not screen():find("Test #3", 1, true) do
    local why = m:run{max_cycles = 100000000}
    if why ~= "cycles" or m.cycles > BUDGET then
        print(screen())
        print(string.format("memtest: FAIL: no 'Test #3' (%s at cycle %d)", why, m.cycles))
        os.exit(1)
    end
end
local s = screen()
print(s)
local errors = s:match("Errors:%s*(%d+)")
if errors ~= "0" then
    print("memtest: FAIL: errors reported: " .. tostring(errors))
    os.exit(1)
end
print(string.format("memtest: ok (%d cycles)", m.cycles))
