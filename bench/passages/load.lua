-- wrk script: POST batches of passages (1-4 travellers each), every client id new.
-- wrk ... -s load.lua URL -- <batch> <checkpoint id> <grid code> <api key> <mode>
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  batch = tonumber(args[1])
  checkpoint = args[2]
  grid = args[3]
  key = args[4]
  mode = args[5]
  run = args[6] or "r0"
  -- every run's travellers its own too: each a new hand-off, never one of an earlier run
  runno = tonumber(string.sub(run, 2)) or 0
end

local function passage()
  counter = counter + 1
  local n = (counter % 4) + 1
  local people = {}
  for k = 1, n do
    local fever = (counter % 50 == 0 and k == 1) and "38.1" or "36.6"
    people[k] = string.format(
      '{"full_name":"旅客%d","phone":"139%08d","temperature":%s}',
      k, (runno * 400000 + tid * 200000 + counter * 4 + k) % 100000000, fever)
  end
  return string.format(
    '{"client_id":"%s-%d-%d","checkpoint":%s,"origin":"湖北省武汉市","destination":"%s",'
    .. '"plate":"鄂A%05d","travellers":[%s]}',
    run, tid, counter, checkpoint, grid, counter % 100000, table.concat(people, ","))
end

request = function()
  local headers = {["Content-Type"] = "application/json"}
  if mode == "bare" then
    counter = counter + 1
    return wrk.format("POST", "/bench/bare", headers, string.format('{"note":"w%d-%d"}', tid, counter))
  end
  local items = {}
  for i = 1, batch do
    items[i] = passage()
  end
  headers["Authorization"] = "Bearer " .. key
  return wrk.format("POST", "/api/checkpoints/passages", headers,
    '{"items":[' .. table.concat(items, ",") .. ']}')
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %d %d\n", summary.requests,
    summary.duration, summary.errors.status, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read
    + summary.errors.write, summary.errors.timeout))
end
