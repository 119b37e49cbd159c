-- wrk script: POST a real Alertmanager 0.25 webhook capture with a bearer token, as Alertmanager sends it.
-- Args (after --): <capture file> <bearer token> <unique: 1|0>
-- unique=1 rewrites each alert's fingerprint per request, so every request is a new alert (the store's write
-- path); unique=0 re-sends the identical body, i.e. Alertmanager retries / HA duplicates (the dedupe path).

local body, token, unique
local counter = 0
local threads = {}
-- thread_id is a global set per thread by setup(), so each thread makes its own fingerprints.

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "rb"), "cannot open capture " .. tostring(args[1]))
  body = file:read("*a")
  file:close()
  token = args[2]
  unique = args[3] == "1"
  thread_id = thread_id or 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["User-Agent"] = "Alertmanager/0.25.0"
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.body = body
end

function request()
  if not unique then
    return wrk.format("POST", nil, nil, body)
  end
  counter = counter + 1
  local n = 0
  local fresh = body:gsub('"fingerprint":"(%x+)"', function(fp)
    n = n + 1
    return string.format('"fingerprint":"%s%02x%08x%02x"', fp:sub(1, 4), thread_id % 256, counter % 4294967296, n)
  end)
  return wrk.format("POST", nil, nil, fresh)
end

function done(summary, latency, requests)
  io.write("\naccept latency (ms):\n")
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("  p%-5s %8.2f\n", tostring(p), latency:percentile(p) / 1000.0))
  end
  io.write(string.format("  max    %8.2f\n", latency.max / 1000.0))
  io.write(string.format("requests: %d in %.1f s (%.0f/s); errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
