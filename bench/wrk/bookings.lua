-- wrk script for POST /bookings (issue 13's outside cross-check of bench/BookingAssignment.LoadTest).
-- Each request books a random restaurant (ids from WRK_RESTAURANTS, one per line), a day 1-60 ahead,
-- a start between 11:00 and 22:00 on the 15-minute grid and a party of 1-6: the load test's mix.
-- WRK_DELAY_MS paces every connection (a pause before each request) for a steady offered rate.
-- At the end it prints the status counts beside wrk's own latency lines.
local restaurants = {}
for line in io.lines(os.getenv("WRK_RESTAURANTS") or "bench/results/wrk-restaurants.txt") do
  restaurants[#restaurants + 1] = line
end
local pause = tonumber(os.getenv("WRK_DELAY_MS") or "0")
local threads = {}

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = os.getenv("WRK_KEY") or "bench-client-key"

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + #threads * 7919 + math.floor(os.clock() * 1000000))
  created, admitted, refused, failed, other = 0, 0, 0, 0, 0
end

function request()
  local restaurant = restaurants[math.random(#restaurants)]
  local day = os.date("!%Y-%m-%d", os.time() + 86400 * math.random(1, 60))
  local minutes = 11 * 60 + 15 * math.random(0, 44)
  local body = string.format(
    '{"restaurantId":"%s","partySize":%d,"startsAt":"%sT%02d:%02d:00+00:00","customer":{"name":"wrk","email":"wrk@example.com"}}',
    restaurant, math.random(1, 6), day, math.floor(minutes / 60), minutes % 60)
  return wrk.format(nil, "/bookings", nil, body)
end

if pause > 0 then
  function delay() return pause end
end

function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 202 then admitted = admitted + 1
  elseif status == 409 then refused = refused + 1
  elseif status >= 500 then failed = failed + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local c, a, r, f, o = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c, a, r, f, o = c + t:get("created"), a + t:get("admitted"), r + t:get("refused"), f + t:get("failed"), o + t:get("other")
  end
  io.write(string.format("statuses: 201 %d, 202 %d, 409 %d, 5xx %d, other %d\n", c, a, r, f, o))
  io.write(string.format("latency ms: p50 %.1f p95 %.1f p99 %.1f max %.1f; %.1f req/s\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests / (summary.duration / 1000000)))
end
