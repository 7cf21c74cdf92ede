-- runaway.lua -- a script that never ends: the instruction bound stops it.
lab86.instruction_limit(2000000)
local n = 0
while true do n = n + 1 end
