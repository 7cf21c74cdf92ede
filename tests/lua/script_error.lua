-- script_error.lua KERNEL CORE START -- fails on line 6, in a breakpoint callback:
-- run.sh checks the message's file:line, the traceback and the exit status.
local m = lab86.machine{kernel = arg[1], core = arg[2]}
m:breakpoint(tonumber(arg[3], 16), function(mm)
    local t = nil
    return t.field
end)
m:run{max_cycles = 20000000}
