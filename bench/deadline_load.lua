-- bench/passages/load.lua as it is, reporting p95 and the worst latency as well
-- (for bench/deadline_load_bench.py). Same arguments as load.lua.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "passages/load.lua")

done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f %.3f %d %d\n", summary.requests,
    summary.duration, summary.errors.status, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout))
end
