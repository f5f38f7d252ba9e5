-- wrk script for part 5 of scripts/bench-reliability.sh: PATCH ticks without a
-- version, cycling over TICK_TARGETS ("payments-api/20,payments-api/21,…"; thread k of
-- two takes every other one, so two threads never tick the same item), done and todo
-- in turn so that each tick changes something. TICK_TOKEN is the write token.
local token = os.getenv("TICK_TOKEN")
local all = {}
for target in string.gmatch(os.getenv("TICK_TARGETS") or "", "[^,]+") do
  local slug, id = string.match(target, "^([%w-]+)/(%d+)$")
  all[#all + 1] = "/api/v1/services/" .. slug .. "/items/" .. id
end

local threads = 0
function setup(thread)
  thread:set("index", threads)
  threads = threads + 1
end

function init(args)
  mine = {}
  for i, path in ipairs(all) do
    if (i - 1) % 2 == index % 2 then mine[#mine + 1] = path end
  end
  if #mine == 0 then mine = all end
  n = 0
  headers = { ["authorization"] = "Bearer " .. token, ["content-type"] = "application/json" }
end

function request()
  local path = mine[n % #mine + 1]
  local status = (math.floor(n / #mine) % 2 == 0) and "done" or "todo"
  n = n + 1
  return wrk.format("PATCH", path, headers, '{"status":"' .. status .. '"}')
end
