#!/usr/bin/env bash
# Accept latency of POST /webhooks/alertmanager under load, and the service's memory.
#
# Start the service first (Release build, 127.0.0.1 only, no Slack configured = dry run), e.g.:
#   dotnet build -c Release src/AlertLinker
#   AlertLinker__Storage__Path=/tmp/alertlinker-bench.db \
#   AlertLinker__Sources__Alertmanager__BearerToken=bench-token \
#   Logging__LogLevel__Default=Warning \
#   dotnet src/AlertLinker/bin/Release/net10.0/AlertLinker.dll --urls http://127.0.0.1:8080 &
# then:
#   ALERTLINKER_TOKEN=bench-token bench/accept-latency.sh
#
# Env: ALERTLINKER_URL (default http://127.0.0.1:8080), ALERTLINKER_TOKEN (required), DURATION in seconds (default 30),
#      CONNECTIONS (default 16), THREADS (default 2), UNIQUE (1 = every request a new alert, default; 0 = duplicates),
#      CAPTURE (default ../shared/fixtures/webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json),
#      ALERTLINKER_PID (else found from the listening port).
# Memory: VmRSS is the resident set now, VmHWM its peak since start (both from /proc/<pid>/status).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url="${ALERTLINKER_URL:-http://127.0.0.1:8080}"
token="${ALERTLINKER_TOKEN:?set ALERTLINKER_TOKEN to the Sources:Alertmanager:BearerToken of the service}"
duration="${DURATION:-30}"
connections="${CONNECTIONS:-16}"
threads="${THREADS:-2}"
unique="${UNIQUE:-1}"
capture="${CAPTURE:-$here/../../shared/fixtures/webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json}"

case "$url" in
  http://127.0.0.1:*) ;;
  *) echo "refusing to load anything but http://127.0.0.1:<port> (got $url)" >&2; exit 2 ;;
esac
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
[ -r "$capture" ] || { echo "capture not found: $capture (set CAPTURE)" >&2; exit 2; }

port="${url##*:}"; port="${port%%/*}"
pid="${ALERTLINKER_PID:-$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)}"

memory() {
  if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
    echo "memory ($1, pid $pid): $(grep -E '^(VmRSS|VmHWM)' "/proc/$pid/status" | tr -s ' \t' ' ' | paste -sd ';' -)"
  else
    echo "memory ($1): pid of the service not found; set ALERTLINKER_PID"
  fi
}

status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url/healthz" || true)"
[ "$status" = 200 ] || { echo "service not healthy at $url/healthz (HTTP $status)" >&2; exit 2; }

# One request first: it must be accepted, or the numbers below would measure 401s.
status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$url/webhooks/alertmanager" \
  -H 'Content-Type: application/json' -H "Authorization: Bearer $token" --data-binary "@$capture")"
case "$status" in 2??) ;; *) echo "probe POST answered HTTP $status, expected 202" >&2; exit 2 ;; esac

memory before
echo "wrk: $threads threads, $connections connections, ${duration}s, unique=$unique, capture $(basename "$capture")"
timeout --kill-after=10s "$(( duration + 30 ))s" \
  wrk --latency -t "$threads" -c "$connections" -d "${duration}s" --timeout 5s \
  -s "$here/alertmanager-post.lua" "$url/webhooks/alertmanager" -- "$capture" "$token" "$unique"
memory after
