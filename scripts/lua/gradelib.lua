-- gradelib.lua -- the grading library `lab86 grade` runs a lab's grade.lua with.
--
-- In the spirit of MIT 6.828's gradelib.py: a grader is a list of tests, each worth some
-- points, each run on a fresh machine, each failing with the guest's output marked up so
-- a student sees what was expected:
--
--     setup{kernel = "kernel.elf", memory = "32M"}      -- paths are in the submission
--     test("prints hello", 10, function(m)
--         expect_serial({"^Hello", "protected mode"}, {max_cycles = 5e6})
--         expect_no_serial("panic")
--     end)
--     test("eax at the end", 5, function(m)
--         expect_serial("done")
--         expect_reg("eax", 42)
--     end)
--
-- On a failure the output is shown line by line: "GOOD" before a line an expectation
-- matched, "BAD" before a line a forbidden pattern matched, and "MISSING" for each
-- expected pattern no line matched. Patterns are Lua patterns matched against each
-- line (string.find); {plain = true} in the options makes them plain text.
--
-- Every budget is in virtual cycles, never host time, and every test gets a fresh
-- machine built from the same configuration: grading the same submission twice gives
-- the same results, byte for byte. The expectations act on the running test's
-- machine (the m the test function receives; machine() returns it too).
--
-- The C side (grade.c) builds the submission, then calls gradelib.main{...}, which
-- loads grade.lua with this library's functions as globals, runs the tests, prints
-- the score table and writes the JUnit, Gradescope, JSON and summary files asked for.

local lab86 = require "lab86"

local M = {}

M.budget = 50000000          -- default cycles an expectation may run the machine
M.test_budget = 200000000    -- cycles a whole test may run the machine (test{...} opts)
M.lua_budget = 50000000      -- Lua instructions a test may run (a runaway grader)
M.slice = 1000000            -- cycles between two looks at the output

local config = {}            -- the machine configuration of setup{}
local tests = {}             -- {name, points, fn} in order
local cur                    -- the running test: {m, log, expected, forbidden}
local opts = {}              -- what gradelib.main was given

-- ---------------------------------------------------------------------------------
-- Failures
-- ---------------------------------------------------------------------------------

-- A failure is a table {msg = "..."} so that the report shows the message without
-- Lua's position prefix; anything else that is raised is a grader bug, shown whole.
local Failure = {}
Failure.__index = Failure
Failure.__tostring = function(f) return f.msg end

local function fail(fmt, ...)
    error(setmetatable({msg = string.format(fmt, ...)}, Failure), 0)
end
M.fail = fail

local function log(fmt, ...)
    cur.log[#cur.log + 1] = string.format(fmt, ...)
end

-- ---------------------------------------------------------------------------------
-- Output, matched line by line
-- ---------------------------------------------------------------------------------

local function lines_of(text)
    local t = {}
    for line in (text .. "\n"):gmatch("(.-)\r?\n") do t[#t + 1] = line end
    if t[#t] == "" then t[#t] = nil end
    return t
end

local function matches(line, p)
    return line:find(p.pattern, 1, p.plain) ~= nil
end

-- The output with GOOD/BAD marks and the MISSING patterns, as one string.
local function annotate(text, expected, forbidden)
    local out, seen = {}, {}
    for _, line in ipairs(lines_of(text)) do
        local mark = "    "
        for k, p in ipairs(expected) do
            if matches(line, p) then mark, seen[k] = "GOOD", true end
        end
        for _, p in ipairs(forbidden) do
            if matches(line, p) then mark = "BAD " end
        end
        out[#out + 1] = mark .. " | " .. line
    end
    for k, p in ipairs(expected) do
        if not seen[k] then out[#out + 1] = "MISSING '" .. p.pattern .. "'" end
    end
    return table.concat(out, "\n")
end

local function port_of(o)
    return o and o.port or config.port or 1
end

-- The text a port shows: a serial port's or the console's bytes, or with port
-- "screen" the VGA text screen now.
local function output(port)
    if port == "screen" then return cur.m:screen() end
    return cur.m:serial(port)
end

-- Do all patterns match some line of text?
local function all_found(text, pats)
    local lines = lines_of(text)
    for _, p in ipairs(pats) do
        local ok = false
        for _, line in ipairs(lines) do
            if matches(line, p) then ok = true break end
        end
        if not ok then return false end
    end
    return true
end

local function pattern_list(patterns, o)
    if type(patterns) == "string" then patterns = {patterns} end
    local t = {}
    for _, p in ipairs(patterns) do t[#t + 1] = {pattern = p, plain = o and o.plain} end
    return t
end

-- The machine's own ends: running on after them does nothing.
local final = {exit = true, halt = true, triple_fault = true, power_off = true}

-- Run the machine until done() is true, the machine ends or max_cycles pass.
-- Returns the last stop reason.
local function run_until(done, max_cycles)
    local m, why = cur.m, "cycles"
    local left = math.max(0, math.min(max_cycles, cur.limit - m.cycles))
    while left > 0 and not done() do
        local before = m.cycles
        why = m:run{max_cycles = math.min(M.slice, left)}
        left = left - (m.cycles - before)
        if final[why] then break end
        if m.cycles == before and why ~= "cycles" then left = left - 1 end
    end
    cur.last_stop = why
    return why
end

local function why_text(why)
    if why == "cycles" then return "the cycle budget ran out" end
    if why == "triple_fault" then return "the machine triple-faulted" end
    if why == "halt" then return "the CPU halted for good" end
    if why == "exit" then return "the guest exited" end
    return "the run stopped (" .. tostring(why) .. ")"
end

-- ---------------------------------------------------------------------------------
-- Expectations
-- ---------------------------------------------------------------------------------

-- expect_serial(patterns, {max_cycles=, port=, plain=}): run until every pattern has
-- matched a line of the port's output (COM1 by default; 0xE9 for the debug console;
-- "screen" for the VGA text screen, e.g. what INT 10h printed).
function M.expect_serial(patterns, o)
    local pats = pattern_list(patterns, o)
    local port = port_of(o)
    for _, p in ipairs(pats) do cur.expected[#cur.expected + 1] = p end
    local why = run_until(function() return all_found(output(port), pats) end,
                          o and o.max_cycles or M.budget)
    local missing = {}
    for _, p in ipairs(pats) do
        if not all_found(output(port), {p}) then missing[#missing + 1] = "'" .. p.pattern .. "'" end
    end
    if #missing > 0 then
        fail("missing %s in the output (%s at cycle %d)\n%s", table.concat(missing, ", "),
             why_text(why), cur.m.cycles, annotate(output(port), cur.expected, cur.forbidden))
    end
end

-- expect_no_serial(pattern, {port=, plain=}): no line of the output so far matches.
function M.expect_no_serial(pattern, o)
    local pats = pattern_list(pattern, o)
    local port = port_of(o)
    for _, p in ipairs(pats) do cur.forbidden[#cur.forbidden + 1] = p end
    for _, line in ipairs(lines_of(output(port))) do
        for _, p in ipairs(pats) do
            if matches(line, p) then
                fail("unexpected output matching '%s'\n%s", p.pattern,
                     annotate(output(port), cur.expected, cur.forbidden))
            end
        end
    end
end

-- expect_reg(name, value [, {mask=}]): the register now (m.cpu[name]).
function M.expect_reg(name, value, o)
    local got = cur.m.cpu[name]
    local mask = o and o.mask or -1
    if (got & mask) ~= (value & mask) then
        fail("%s: expected 0x%x, got 0x%x%s", name, value & mask, got & mask,
             mask ~= -1 and string.format(" (mask 0x%x)", mask) or "")
    end
end

-- expect_mem(addr, expected [, {size=1|2|4, physical=true}]): expected is a number
-- (size bytes, 4 by default) or a string of bytes.
function M.expect_mem(addr, expected, o)
    local m, phys = cur.m, o and o.physical
    local got
    if type(expected) == "string" then
        got = phys and m:pread(addr, #expected) or m:read(addr, #expected)
        if got ~= expected then
            fail("memory at 0x%x: expected %q, got %s", addr, expected,
                 got and string.format("%q", got) or "unreadable bytes")
        end
        return
    end
    local size = o and o.size or 4
    local name = (phys and "pread" or "read") .. (size * 8)
    got = m[name](m, addr)
    if got ~= expected then
        fail("memory at 0x%x (%d bytes): expected 0x%x, got %s", addr, size, expected,
             got and string.format("0x%x", got) or "unreadable")
    end
end

-- The rights a walk grants: writable and user only when every level says so.
local function rights(levels)
    local w, u = true, true
    for _, l in ipairs(levels) do
        w = w and l.writable
        u = u and l.user
    end
    return w, u
end

-- expect_mapping(vaddr, paddr [, flags]): vaddr translates to paddr (nil: not mapped).
-- flags letters: "w" writable, "r" read-only, "u" user, "s" supervisor only.
function M.expect_mapping(vaddr, paddr, flags)
    local phys, a, b = cur.m:translate(vaddr)
    if paddr == nil then
        if phys then fail("0x%08x: expected no mapping, maps to 0x%08x", vaddr, phys) end
        return
    end
    if not phys then
        fail("0x%08x: expected to map to 0x%08x, not mapped (#PF error 0x%x)", vaddr, paddr, a)
    end
    if phys ~= paddr then
        fail("0x%08x: expected to map to 0x%08x, maps to 0x%08x", vaddr, paddr, phys)
    end
    local w, u = rights(a)
    for c in (flags or ""):gmatch(".") do
        local ok = (c == "w" and w) or (c == "r" and not w) or (c == "u" and u)
            or (c == "s" and not u)
        if not ok then
            fail("0x%08x: expected flag '%s' (the page is %s, %s)", vaddr, c,
                 w and "writable" or "read-only", u and "user" or "supervisor")
        end
    end
    local _ = b
end

-- Exceptions by their mnemonics, for expect_trap("#PF").
local exceptions = {["#DE"] = 0, ["#DB"] = 1, ["#BP"] = 3, ["#OF"] = 4, ["#BR"] = 5,
    ["#UD"] = 6, ["#NM"] = 7, ["#DF"] = 8, ["#TS"] = 10, ["#NP"] = 11, ["#SS"] = 12,
    ["#GP"] = 13, ["#PF"] = 14, ["#MF"] = 16, ["#AC"] = 17}

-- expect_trap(kind [, {max_cycles=}]): run until the guest causes a trap of kind (a
-- trap kind: "cpuid", "hlt", "io", "exception", ...; or an exception: "#PF", "#GP").
-- Returns what the callback saw: the vector and error code, or the trap's a and b.
function M.expect_trap(kind, o)
    local m, seen = cur.m, nil
    local vector = exceptions[kind]
    if vector then
        m:on_exception(vector, function(_, v, err) seen = {v, err} return "stop" end)
    else
        m:on_trap(kind, function(_, _, a, b) seen = {a, b} return "stop" end)
    end
    local why = run_until(function() return seen ~= nil end, o and o.max_cycles or M.budget)
    if vector then m:on_exception(vector, nil) else m:on_trap(kind, nil) end
    if not seen then
        fail("expected a %s trap; none came (%s at cycle %d)", kind, why_text(why), m.cycles)
    end
    return seen[1], seen[2]
end

-- run{max_cycles=}: run the test's machine on (breakpoints and callbacks apply);
-- returns m:run's results.
function M.run(o)
    local left = math.min(o and o.max_cycles or M.budget, cur.limit - cur.m.cycles)
    if left <= 0 then return "cycles" end
    return cur.m:run{max_cycles = left}
end

function M.machine() return cur.m end
function M.setup(t) config = t end
function M.log(...) log(...) end

-- test(name, points, fn [, {max_cycles = N}]): max_cycles bounds all the running the
-- test's expectations do together (gradelib.test_budget by default).
function M.test(name, points, fn, o)
    assert(type(name) == "string", "test: the name must be a string")
    assert(type(points) == "number" and points >= 0, "test: points must be a number >= 0")
    assert(type(fn) == "function", "test: the third argument must be a function")
    tests[#tests + 1] = {name = name, points = points, fn = fn,
                         max_cycles = o and o.max_cycles or M.test_budget}
end

-- ---------------------------------------------------------------------------------
-- Running the tests
-- ---------------------------------------------------------------------------------

-- The configuration of one test's machine: paths in the submission, --core applied.
local function machine_config()
    local t = {}
    for k, v in pairs(config) do
        if k ~= "port" then t[k] = v end
    end
    for _, k in ipairs{"kernel", "hda", "hdb", "fda", "fdb", "cdrom", "initrd", "symbols"} do
        if t[k] and not t[k]:match("^/") then t[k] = opts.submission .. "/" .. t[k] end
    end
    if opts.core then t.core = opts.core end
    return t
end

local function message_of(err)
    if getmetatable(err) == Failure then return err.msg end
    return "grader error: " .. tostring(err)
end

local function run_one(t)
    if opts.build_error then
        return false, "the submission did not build: " .. opts.build_error
    end
    local ok, m = pcall(lab86.machine, machine_config())
    if not ok then return false, "cannot build the machine: " .. tostring(m) end
    cur = {m = m, log = {}, expected = {}, forbidden = {}, limit = m.cycles + t.max_cycles}
    lab86.instruction_limit(M.lua_budget)
    local saved_print = print
    print = function(...)
        local parts = table.pack(...)
        for k = 1, parts.n do parts[k] = tostring(parts[k]) end
        cur.log[#cur.log + 1] = table.concat(parts, "\t")
    end
    local passed, err = xpcall(t.fn, function(e)
        if getmetatable(e) == Failure then return e end
        return debug.traceback(tostring(e), 2)
    end, m)
    print = saved_print
    m:close()
    local text = table.concat(cur.log, "\n")
    if not passed then
        text = (text ~= "" and text .. "\n" or "") .. message_of(err)
    end
    return passed, text
end

local function dots(name, width)
    return name .. " " .. string.rep(".", math.max(2, width - #name - 1))
end

-- Run every test; the results, in order.
local function run_all()
    local results, score, max = {}, 0, 0
    for _, t in ipairs(tests) do
        local passed, text = run_one(t)
        local r = {name = t.name, max = t.points, score = passed and t.points or 0,
                   passed = passed, output = text}
        results[#results + 1] = r
        score, max = score + r.score, max + t.points
        if not opts.quiet then
            io.write(string.format("%s %s (%g/%g)\n", dots(t.name, 50), passed and "OK" or "FAIL",
                                   r.score, r.max))
            if not passed then io.write("    ", (text:gsub("\n", "\n    ")), "\n") end
            io.flush()
        end
    end
    return results, score, max
end

-- ---------------------------------------------------------------------------------
-- Reports
-- ---------------------------------------------------------------------------------

local function xml(s)
    s = s:gsub("[%z\1-\8\11\12\14-\31\127-\255]", "?")
    return (s:gsub("[&<>\"]", {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
                              ['"'] = "&quot;"}))
end

local function json(s)
    s = s:gsub('[%c"\\\127-\255]', function(c)
        local named = {['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\t"] = "\\t",
                       ["\r"] = "\\r"}
        return named[c] or string.format("\\u%04x", c:byte())
    end)
    return '"' .. s .. '"'
end

local function write_file(path, text)
    local f = assert(io.open(path, "w"))
    f:write(text)
    f:close()
end

-- JUnit XML, as GitHub Actions' and GitLab's test reports read it.
local function junit(results, name)
    local failures = 0
    for _, r in ipairs(results) do if not r.passed then failures = failures + 1 end end
    local out = {'<?xml version="1.0" encoding="UTF-8"?>',
        string.format('<testsuites tests="%d" failures="%d">', #results, failures),
        string.format('  <testsuite name="%s" tests="%d" failures="%d" errors="0">', xml(name),
                      #results, failures)}
    for _, r in ipairs(results) do
        local head = string.format('    <testcase classname="%s" name="%s (%g/%g)"', xml(name),
                                   xml(r.name), r.score, r.max)
        if r.passed then
            out[#out + 1] = head .. "/>"
        else
            out[#out + 1] = head .. ">"
            out[#out + 1] = string.format('      <failure message="%s">%s</failure>',
                                          xml((r.output:match("[^\n]*"))), xml(r.output))
            out[#out + 1] = "    </testcase>"
        end
    end
    out[#out + 1] = "  </testsuite>"
    out[#out + 1] = "</testsuites>"
    return table.concat(out, "\n") .. "\n"
end

-- Gradescope's results.json: score, and each test's name, score, max_score, output.
local function gradescope(results, score, max)
    local out = {}
    for _, r in ipairs(results) do
        out[#out + 1] = string.format(
            '    {"name": %s, "score": %g, "max_score": %g, "output": %s, "visibility": "visible"}',
            json(r.name), r.score, r.max, json(r.output))
    end
    local _ = max -- Gradescope sums the tests' max_score itself
    return string.format('{\n  "score": %g,\n  "visibility": "visible",\n'
        .. '  "stdout_visibility": "visible",\n  "tests": [\n%s\n  ]\n}\n', score,
        table.concat(out, ",\n"))
end

-- lab86's own JSON: the same facts, with pass/fail.
local function own_json(results, score, max, name)
    local out = {}
    for _, r in ipairs(results) do
        out[#out + 1] = string.format(
            '    {"name": %s, "passed": %s, "score": %g, "max_score": %g, "output": %s}',
            json(r.name), tostring(r.passed), r.score, r.max, json(r.output))
    end
    return string.format('{\n  "lab": %s,\n  "score": %g,\n  "max_score": %g,\n'
        .. '  "tests": [\n%s\n  ]\n}\n', json(name), score, max, table.concat(out, ",\n"))
end

-- The summary batch mode reads: "score<TAB>max", then one line a test.
local function summary(results, score, max)
    local out = {string.format("%g\t%g", score, max)}
    for _, r in ipairs(results) do
        local reason = r.passed and "" or r.output:match("[^\n]*")
        out[#out + 1] = string.format("%s\t%g\t%g\t%s\t%s", (r.name:gsub("[\t\n]", " ")), r.score,
                                      r.max, r.passed and "pass" or "fail",
                                      (reason:gsub("[\t\n]", " ")))
    end
    return table.concat(out, "\n") .. "\n"
end

-- gradelib.main{lab=, grader=, submission=, build_error=, junit=, gradescope=, json=,
-- summary=, core=, quiet=}: returns score, max.
function M.main(o)
    opts = o
    for _, k in ipairs{"test", "setup", "expect_serial", "expect_no_serial", "expect_reg",
                       "expect_mem", "expect_mapping", "expect_trap", "run", "machine",
                       "fail", "log"} do
        _G[k] = M[k]
    end
    _G.gradelib = M
    _G.lab = {dir = o.lab, submission = o.submission,
              file = function(p) return o.submission .. "/" .. p end}
    local chunk, err = loadfile(o.grader)
    if not chunk then error(err, 0) end
    chunk()
    local results, score, max = run_all()
    local name = o.lab:match("([^/]+)/*$") or o.lab
    if not o.quiet then io.write(string.format("Score: %g/%g\n", score, max)) end
    if o.junit then write_file(o.junit, junit(results, name)) end
    if o.gradescope then write_file(o.gradescope, gradescope(results, score, max)) end
    if o.json then write_file(o.json, own_json(results, score, max, name)) end
    if o.summary then write_file(o.summary, summary(results, score, max)) end
    return score, max
end

return M
