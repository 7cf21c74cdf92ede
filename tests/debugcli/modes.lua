-- modes.lua -- the --script of lua-modes.cmds: m:on_mode_switch counts the mode switches
-- (and prints each) while the command line runs the machine; it never stops it.
switches = 0
lab86.current:on_mode_switch(function(_, old, new)
    switches = switches + 1
    print("mode switch " .. switches .. ": " .. old .. " -> " .. new)
end)
