-- reports.lua JUNIT GRADESCOPE JSON SCORE MAX FAILURES -- checks the report files of
-- `lab86 grade`: the JUnit XML is well formed (every tag closed in order, attributes
-- quoted, entities known) with FAILURES <failure> elements; the Gradescope
-- results.json and lab86's JSON parse, and their scores add up to SCORE of MAX.
-- (Written in Lua so the tests need no XML or JSON tool besides lab86.)

local junit, gradescope, json_file, want_score, want_max, want_failures = ...
want_score, want_max, want_failures = tonumber(want_score), tonumber(want_max),
                                      tonumber(want_failures)

local function read(path)
    local f = assert(io.open(path))
    local s = f:read("a")
    f:close()
    return s
end

local function check(cond, fmt, ...)
    if not cond then error(string.format(fmt, ...), 2) end
end

-- XML: a stack of open elements; text may hold only the five predefined entities.
local function check_xml(s)
    check(s:match("^<%?xml [^>]*%?>\n"), "JUnit: no XML declaration")
    local stack, failures, pos = {}, 0, s:find("\n") + 1
    while pos <= #s do
        local lt = s:find("<", pos, true)
        local text = s:sub(pos, (lt or #s + 1) - 1)
        for ent in text:gmatch("&([^;]*);") do
            check(({amp = 1, lt = 1, gt = 1, quot = 1, apos = 1})[ent], "JUnit: entity &%s;", ent)
        end
        check(not text:find("[<>]"), "JUnit: stray < or >")
        if not lt then break end
        local gt = assert(s:find(">", lt, true), "JUnit: unclosed tag")
        local tag = s:sub(lt + 1, gt - 1)
        local close, name, attrs, empty = tag:match("^(/?)([%w_]+)(.-)(/?)$")
        check(name, "JUnit: bad tag <%s>", tag)
        local rest = attrs:gsub('%s+[%w_]+="[^"<]*"', "")
        check(not rest:find("%S"), "JUnit: bad attributes in <%s>", tag)
        if close == "/" then
            check(table.remove(stack) == name, "JUnit: </%s> closes the wrong element", name)
        elseif empty ~= "/" then
            stack[#stack + 1] = name
        end
        if name == "failure" and close == "" then failures = failures + 1 end
        pos = gt + 1
    end
    check(#stack == 0, "JUnit: <%s> never closed", stack[#stack] or "?")
    return failures
end

-- JSON: a small recursive-descent parser into Lua values.
local function parse_json(s)
    local pos = 1
    local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
    local value
    local function str()
        local out = {}
        pos = pos + 1
        while true do
            local c = s:sub(pos, pos)
            check(c ~= "", "JSON: unterminated string")
            if c == '"' then pos = pos + 1 return table.concat(out) end
            if c == "\\" then
                local e = s:sub(pos + 1, pos + 1)
                if e == "u" then
                    out[#out + 1] = utf8.char(tonumber(s:sub(pos + 2, pos + 5), 16))
                    pos = pos + 6
                else
                    local map = {n = "\n", t = "\t", r = "\r", b = "\b", f = "\f"}
                    out[#out + 1] = map[e] or e
                    pos = pos + 2
                end
            else
                check(c:byte() >= 32, "JSON: control character in a string")
                out[#out + 1] = c
                pos = pos + 1
            end
        end
    end
    function value()
        ws()
        local c = s:sub(pos, pos)
        if c == "{" or c == "[" then
            local t, close = {}, c == "{" and "}" or "]"
            pos = pos + 1
            ws()
            if s:sub(pos, pos) == close then pos = pos + 1 return t end
            repeat
                ws()
                if close == "}" then
                    check(s:sub(pos, pos) == '"', "JSON: key expected at %d", pos)
                    local k = str()
                    ws()
                    check(s:sub(pos, pos) == ":", "JSON: ':' expected at %d", pos)
                    pos = pos + 1
                    t[k] = value()
                else
                    t[#t + 1] = value()
                end
                ws()
                local sep = s:sub(pos, pos)
                pos = pos + 1
            until sep ~= ","
            check(s:sub(pos - 1, pos - 1) == close, "JSON: '%s' expected at %d", close, pos)
            return t
        elseif c == '"' then
            return str()
        end
        for lit, v in pairs{["true"] = true, ["false"] = false, null = false} do
            if s:sub(pos, pos + #lit - 1) == lit then pos = pos + #lit return v end
        end
        local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
        check(num and #num > 0, "JSON: value expected at %d", pos)
        pos = pos + #num
        return tonumber(num)
    end
    local v = value()
    ws()
    check(pos > #s, "JSON: text after the value")
    return v
end

local failures = check_xml(read(junit))
check(failures == want_failures, "JUnit: %d failures, expected %d", failures, want_failures)

for _, path in ipairs{gradescope, json_file} do
    local r = parse_json(read(path))
    local sum, max = 0, 0
    for _, t in ipairs(r.tests) do
        check(type(t.name) == "string" and type(t.output) == "string",
              "%s: a test lacks fields", path)
        check(t.score <= t.max_score, "%s: %s scores above its maximum", path, t.name)
        sum, max = sum + t.score, max + t.max_score
    end
    check(r.score == want_score and sum == want_score,
          "%s: score %s (tests sum to %s), expected %s", path, r.score, sum, want_score)
    check(max == want_max, "%s: maximum %s, expected %s", path, max, want_max)
end
print(string.format("reports: %d/%d, %d failures: ok", want_score, want_max, failures))
