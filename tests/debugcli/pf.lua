-- pf.lua -- the --script of lua-vectors.cmds, on tests/guest/paging.asm: the callbacks a
-- script sets for exceptions, interrupts and trap kinds, run when the command line's
-- `continue` runs the machine.
--   m:on_exception(14): every page fault, with CR2 and its error code; the second one
--     ("read_not_present_pte": CR2 0x803010, error code 0) returns "stop";
--   m:on_interrupt(0x30): the guest's INT 0x30 (lib.inc's VEC_RETURN, ring 3 code saying
--     it is done), counted;
--   m:on_trap("invlpg"): counted.
local m = lab86.current
faults, returns, invlpgs = 0, 0, 0
m:on_exception(14, function(mm, vector, err)
    faults = faults + 1
    print(string.format("#PF %d: vector %d, cr2 0x%x, error code 0x%x", faults, vector,
                        mm.cpu.cr2, err))
    if faults == 2 then
        return "stop"
    end
end)
m:on_interrupt(0x30, function() returns = returns + 1 end)
m:on_trap("invlpg", function() invlpgs = invlpgs + 1 end)
