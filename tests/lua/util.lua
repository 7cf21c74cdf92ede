-- util.lua -- what the tests/lua scripts share: checks that stop the script with a
-- message naming what differed, and a guest kernel's symbols read with nm (so the
-- tests do not depend on the debugger core's own symbol loading).
--
--     local util = dofile(arg[0]:match("^(.-)[^/]*$") .. "util.lua")
--     local sym = util.nm("build/guests/demo.elf")      -- sym._start = 0x100010
--     util.eq("eax at _start", m.cpu.eax, 0x2BADB002)

local util = {}

function util.nm(elf)
    local p = assert(io.popen("nm " .. elf))
    local t = {}
    for addr, name in p:read("a"):gmatch("(%x+) %a ([%w_.]+)") do
        t[name] = tonumber(addr, 16)
    end
    p:close()
    assert(t._start, "no _start in " .. elf)
    return t
end

local function show(v)
    if math.type(v) == "integer" then return string.format("0x%x", v) end
    return string.format("%q", tostring(v))
end

function util.eq(what, got, want)
    if got ~= want then
        error(string.format("%s: expected %s, got %s", what, show(want), show(got)), 2)
    end
end

function util.has(what, text, part)
    if not text:find(part, 1, true) then
        error(string.format("%s: %q not found in %q", what, part, text), 2)
    end
end

return util
