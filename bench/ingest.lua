-- wrk script for bench/ingest.py: POSTs answers as the widget sends them (text/plain JSON,
-- a simple CORS request), each with its own id and secret so every one is a new row.
local counter = 0
local thread_number = 0
local threads = {}

function setup(thread)
  thread_number = thread_number + 1
  thread:set("number", thread_number)
  table.insert(threads, thread)
end

function init(args)
  site = args[1]
  origin = args[2]
  scales = {"agreement7", "ease5", "effort5"}
  points = {7, 5, 5}
end

function request()
  counter = counter + 1
  local which = counter % 3 + 1
  local body = string.format(
    '{"site":"%s","id":"wrk-%02d-%016d","secret":"wrk-secret-%02d-%020d","touchpoint":"kb-article",' ..
    '"scale":"%s","score":%d,"ref":"kb-%d","page":"https://help.example.com/kb/%d","locale":"en"}',
    site, number, counter, number, counter, scales[which], counter % points[which] + 1, counter % 200, counter % 200)
  return wrk.format("POST", "/api/v1/answers", {["Content-Type"] = "text/plain", ["Origin"] = origin}, body)
end
