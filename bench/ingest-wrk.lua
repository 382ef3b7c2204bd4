-- wrk script for bench/ingest.mjs: POSTs DotM household submissions, each with a fresh instanceId.
-- BODY_FILE holds the body with the placeholder __ID__; TOKEN and SURVEY come from the environment.
local f = io.open(os.getenv("BODY_FILE"), "r")
local template = f:read("*a")
f:close()
local token = os.getenv("TOKEN")
local survey = os.getenv("SURVEY")
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

local function uuid()
  counter = counter + 1
  local hex = string.format("%08x%04x%012x", math.random(0, 0x7fffffff), tid or 0, counter)
  return string.format("%s-%s-4%s-8%s-%s", hex:sub(1, 8), hex:sub(9, 12), hex:sub(14, 16), hex:sub(18, 20), hex:sub(13, 13) .. hex:sub(17, 17) .. hex:sub(21, 24) .. string.format("%06x", math.random(0, 0xffffff)))
end

function init(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
end

function request()
  local body = template:gsub("__ID__", uuid())
  return wrk.format("POST", "/api/v1/surveys/" .. survey .. "/submissions", { ["content-type"] = "application/json", ["authorization"] = "Bearer " .. token }, body)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
