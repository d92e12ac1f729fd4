-- wrk script: sends the same events on every request and prints a JSON summary at the end.
-- EVENTS (environment): 1 sends one event object, N > 1 an array of N events.
-- REQUEST (environment): json (default) POSTs them as application/json, text as a beacon's
-- text/plain;charset=UTF-8, pixel GETs /streams/STREAM/pixel?e=<the one event, URL-encoded>.
-- The event is about 200 bytes once the gateway adds its id and newline, as in docs/benchmarks.md.
local event = '{"type":"page_view","user":"u-000123","session":"s-9f8e7d6c",'
  .. '"ts":"2026-11-25T18:00:00.000Z","path":"/products/1/reviews","ref":"https://example.com/?q=sh"}'
-- EVENT_FILE (environment), when set, names a file whose one JSON object is sent instead.
local eventFile = os.getenv("EVENT_FILE")
if eventFile and eventFile ~= "" then
  local f = assert(io.open(eventFile, "r"))
  event = f:read("*a"):gsub("%s+$", "")
  f:close()
end
local count = tonumber(os.getenv("EVENTS") or "1")
-- USERS (environment), when above 0, varies the built-in event's "user" over that many values,
-- u-000000, u-000001, ... (each as long as the fixed one, so events keep their size), event after
-- event and request after request, so a partition-key of /user sees USERS distinct keys in turn.
local users = tonumber(os.getenv("USERS") or "0")

local function gcd(a, b)
  while b ~= 0 do a, b = b, a % b end
  return a
end

local function bodyFrom(first)
  if count == 1 then
    if users > 0 then return (event:gsub('"user":"[^"]*"', string.format('"user":"u-%06d"', first % users), 1)) end
    return event
  end
  local events = {}
  for i = 1, count do
    if users > 0 then
      events[i] = event:gsub('"user":"[^"]*"', string.format('"user":"u-%06d"', (first + i - 1) % users), 1)
    else
      events[i] = event
    end
  end
  return "[" .. table.concat(events, ",") .. "]"
end

local request = os.getenv("REQUEST") or "json"

wrk.method = "POST"
wrk.headers["Content-Type"] = request == "text" and "text/plain;charset=UTF-8" or "application/json"
if request == "pixel" then
  assert(count == 1, "a pixel carries one event")
  local encoded = event:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end)
  wrk.method = "GET"
  wrk.headers["Content-Type"] = nil
  wrk.path = "/streams/" .. assert(os.getenv("STREAM"), "STREAM names the pixel's stream") .. "/pixel?e=" .. encoded
else
  wrk.body = bodyFrom(0)
end

local statuses = {}
local threads = {}

-- IDEMPOTENCY_KEYS=1 (environment): every request carries an Idempotency-Key never sent before, so
-- each one is claimed and its answer kept, none replayed.
local keyed = os.getenv("IDEMPOTENCY_KEYS") == "1"

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

if keyed then
  local sent = 0
  local prefix = nil
  function request()
    if prefix == nil then
      prefix = string.format("k-%d-%d-%d-", os.time(), tid or 0, math.random(1, 1000000000))
    end
    sent = sent + 1
    -- wrk.format takes the headers given instead of wrk.headers, not with them.
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Idempotency-Key"] = prefix .. sent
    return wrk.format(nil, nil, headers, nil)
  end
end

function init(args)
  codes = {}
  if users > 0 then
    -- Built once per thread: the few bodies whose events cycle through every user, sent in turn.
    local bodies = users / gcd(users, count)
    requests = {}
    for b = 0, bodies - 1 do
      requests[b + 1] = wrk.format(nil, nil, nil, bodyFrom(b * count))
    end
    nextRequest = 0
  end
end

if users > 0 then
  function request()
    nextRequest = nextRequest % #requests + 1
    return requests[nextRequest]
  end
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local byStatus = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("codes")
    for status, n in pairs(c) do
      byStatus[status] = (byStatus[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(byStatus) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d},"statuses":{%s},"events_per_request":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), table.concat(parts, ","), count))
end
