#!/usr/bin/env bash
# The AlertLinker demo, one command: a real Prometheus and Alertmanager (Debian packages), a demo service whose
# latency histogram carries exemplars, a stand-in Jaeger holding those traces, and AlertLinker in dry run, all on
# free 127.0.0.1 ports in a temp folder. Within about a minute a latency alert fires and the Slack message
# AlertLinker would send (trace links, exemplar traces, the slow span, the runbooks) appears below.
#
#   deploy/demo/run.sh          run until Ctrl-C, printing AlertLinker's log
#   deploy/demo/run.sh --once   stop after the first message (exit 0), or exit 1 after DEMO_TIMEOUT seconds (120)
#
# Needs: the .NET 10 SDK, python3, and `apt-get install prometheus prometheus-alertmanager`.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
demo="$repo/deploy/demo"
once=false
[ "${1:-}" = "--once" ] && once=true
timeout="${DEMO_TIMEOUT:-120}"

prometheus="${PROMETHEUS_BIN:-/usr/bin/prometheus}"
alertmanager="${ALERTMANAGER_BIN:-/usr/bin/prometheus-alertmanager}"
for program in "$prometheus" "$alertmanager"; do
  [ -x "$program" ] || { echo "demo: $program is missing: apt-get install prometheus prometheus-alertmanager" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "demo: python3 is missing" >&2; exit 2; }
command -v dotnet >/dev/null || { echo "demo: the .NET 10 SDK (dotnet) is missing" >&2; exit 2; }

work="$(mktemp -d -t alertlinker-demo.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r target_port jaeger_port prometheus_port alertmanager_port alertlinker_port < <(python3 - <<'PY'
import socket
sockets = [socket.socket() for _ in range(5)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))
PY
)

wait_for() { # URL NAME LOG
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "demo: $2 did not come up at $1; its log:" >&2
  tail -n 40 "$3" >&2
  exit 1
}

echo "== building AlertLinker"
dotnet build "$repo/src/AlertLinker/AlertLinker.csproj" -nologo -v q -clp:ErrorsOnly >/dev/null
dll="$(find "$repo/src/AlertLinker/bin/Debug" -name AlertLinker.dll -path '*net10.0*' | head -1)"

echo "== demo service on 127.0.0.1:$target_port, stand-in Jaeger on 127.0.0.1:$jaeger_port"
python3 "$demo/demo_services.py" "$target_port" "$jaeger_port" >"$work/demo-services.log" 2>&1 &
pids+=($!)

# AlertLinker's configuration for the demo: the three backends the Development defaults used to name, pointed at
# what this script runs. Dry run (no Slack token): every message goes to the log.
token="demo-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
echo "== AlertLinker on 127.0.0.1:$alertlinker_port (dry run)"
(
  cd "$repo"
  export ASPNETCORE_ENVIRONMENT=Development
  export Logging__Console__FormatterName=simple
  export AlertLinker__Storage__Path="$work/alertlinker.db"
  export AlertLinker__Sources__Alertmanager__BearerToken="$token"
  export AlertLinker__Backends__jaeger__Type=Jaeger
  export AlertLinker__Backends__jaeger__Api=V1
  export AlertLinker__Backends__jaeger__ApiUrl="http://127.0.0.1:$jaeger_port/"
  export AlertLinker__Backends__exemplars__Type=PrometheusExemplars
  export AlertLinker__Backends__exemplars__ApiUrl="http://127.0.0.1:$prometheus_port/"
  export AlertLinker__Backends__exemplars__TraceBackend=jaeger
  exec dotnet "$dll" --urls "http://127.0.0.1:$alertlinker_port"
) >"$work/alertlinker.log" 2>&1 &
pids+=($!)

cat >"$work/alertmanager.yml" <<YAML
route:
  receiver: alertlinker
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 10s
  repeat_interval: 1h
receivers:
  - name: alertlinker
    webhook_configs:
      - url: http://127.0.0.1:$alertlinker_port/webhooks/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: $token
YAML
cat >"$work/rules.yml" <<'YAML'
groups:
  - name: demo
    interval: 1s
    rules:
      - alert: CheckoutLatencyHigh
        expr: histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket{service="checkout"}[15s]))) > 0.5
        for: 0s
        labels:
          severity: critical
        annotations:
          summary: "p99 latency of {{ $labels.service }} is above 500ms"
          description: "checkout p99 is {{ $value | humanizeDuration }}"
YAML
cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files: ["$work/rules.yml"]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:$alertmanager_port"]
scrape_configs:
  - job_name: checkout
    static_configs:
      - targets: ["127.0.0.1:$target_port"]
YAML

echo "== Alertmanager on 127.0.0.1:$alertmanager_port, Prometheus on 127.0.0.1:$prometheus_port"
"$alertmanager" --config.file="$work/alertmanager.yml" --storage.path="$work/alertmanager-data" \
  --web.listen-address="127.0.0.1:$alertmanager_port" --web.external-url="http://127.0.0.1:$alertmanager_port" \
  --cluster.listen-address= >"$work/alertmanager.log" 2>&1 &
pids+=($!)
"$prometheus" --enable-feature=exemplar-storage --config.file="$work/prometheus.yml" \
  --storage.tsdb.path="$work/prometheus-data" --web.listen-address="127.0.0.1:$prometheus_port" \
  --web.external-url="http://127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)

wait_for "http://127.0.0.1:$alertlinker_port/readyz" AlertLinker "$work/alertlinker.log"
wait_for "http://127.0.0.1:$alertmanager_port/-/ready" Alertmanager "$work/alertmanager.log"
wait_for "http://127.0.0.1:$prometheus_port/-/ready" Prometheus "$work/prometheus.log"
cat <<TEXT
== everything is up; the alert fires within about 15 s
   Prometheus    http://127.0.0.1:$prometheus_port/alerts
   Alertmanager  http://127.0.0.1:$alertmanager_port/
   AlertLinker   http://127.0.0.1:$alertlinker_port/swagger  (preview open in Development: POST /api/preview)
   logs          $work/*.log
TEXT

# The dry-run message is AlertLinker's event 7010.
if $once; then
  for _ in $(seq 1 $((timeout * 2))); do
    if grep -q '\[7010\]' "$work/alertlinker.log"; then
      sleep 2 # the rest of the message
      echo "== the message AlertLinker would send to Slack:"
      sed -n '/\[7010\]/,$p' "$work/alertlinker.log"
      exit 0
    fi
    sleep 0.5
  done
  echo "demo: no message within $timeout s; AlertLinker's log:" >&2
  tail -n 60 "$work/alertlinker.log" >&2
  exit 1
fi
echo "== AlertLinker's log (Ctrl-C stops everything):"
tail -n +1 -f "$work/alertlinker.log"
