-- wrk script for GET /restaurants/{id}/availability (issue 13, target 6: availability against booking
-- throughput at the same concurrency). A random restaurant from WRK_RESTAURANTS, a day 1-60 ahead and
-- a party of 1-6 per request; prints the status counts like bookings.lua.
local restaurants = {}
for line in io.lines(os.getenv("WRK_RESTAURANTS") or "bench/results/wrk-restaurants.txt") do
  restaurants[#restaurants + 1] = line
end
local threads = {}
wrk.headers["X-Api-Key"] = os.getenv("WRK_KEY") or "bench-client-key"

function setup(thread) table.insert(threads, thread) end

function init(args)
  math.randomseed(os.time() + #threads * 7919 + math.floor(os.clock() * 1000000))
  ok, failed, other = 0, 0, 0
end

function request()
  local day = os.date("!%Y-%m-%d", os.time() + 86400 * math.random(1, 60))
  local path = string.format("/restaurants/%s/availability?date=%s&partySize=%d", restaurants[math.random(#restaurants)], day, math.random(1, 6))
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 elseif status >= 500 then failed = failed + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local o, f, x = 0, 0, 0
  for _, t in ipairs(threads) do o, f, x = o + t:get("ok"), f + t:get("failed"), x + t:get("other") end
  io.write(string.format("statuses: 200 %d, 5xx %d, other %d\n", o, f, x))
  io.write(string.format("latency ms: p50 %.1f p95 %.1f p99 %.1f max %.1f; %.1f req/s\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests / (summary.duration / 1000000)))
end
