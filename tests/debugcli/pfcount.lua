-- pfcount.lua -- the --script of catch-lua.cmds: counts the page faults the command line
-- runs through, never stopping the machine itself.
n = 0
function count(_, vector, err)
    n = n + 1
    print(string.format("script: #PF %d (vector %d, error code 0x%x)", n, vector, err))
end
lab86.current:on_exception(14, count)
