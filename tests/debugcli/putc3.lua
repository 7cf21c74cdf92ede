-- putc3.lua -- the --script of lua-hooks.cmds: a Lua breakpoint whose callback lets the
-- first two calls of the demo's putc go on and stops the third, printing its character.
local m = lab86.current
local n = 0
m:breakpoint("putc", function(mm)
    n = n + 1
    if n == 3 then
        print(string.format("third putc, al = %q", string.char(mm.cpu.eax & 0xff)))
        return "stop"
    end
end)
