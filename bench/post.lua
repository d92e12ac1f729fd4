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

local request = os.getenv("REQUEST") or "json"

wrk.method = "POST"
wrk.headers["Content-Type"] = request == "text" and "text/plain;charset=UTF-8" or "application/json"
if request == "pixel" then
  assert(count == 1, "a pixel carries one event")
  local encoded = event:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end)
  wrk.method = "GET"
  wrk.headers["Content-Type"] = nil
  wrk.path = "/streams/" .. assert(os.getenv("STREAM"), "STREAM names the pixel's stream") .. "/pixel?e=" .. encoded
elseif count == 1 then
  wrk.body = event
else
  local events = {}
  for i = 1, count do events[i] = event end
  wrk.body = "[" .. table.concat(events, ",") .. "]"
end

local statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  codes = {}
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
