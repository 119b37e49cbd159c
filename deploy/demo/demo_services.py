#!/usr/bin/env python3
"""The two stand-ins of the AlertLinker demo, on 127.0.0.1:

- a scrape target that looks like a slow checkout service: an OpenMetrics latency histogram whose buckets carry
  exemplars (# {trace_id="…"} value timestamp), more slow requests at every scrape, so the demo's latency rule fires;
- a tracing backend serving exactly those traces through Jaeger's v1 query API (GET /api/traces search, GET
  /api/traces/{id}), each trace shaped like the seed picture: checkout → product (fast) and inventory (slow) →
  one postgres query that takes the time; every third trace fails in the inventory service.

Usage: demo_services.py METRICS_PORT JAEGER_PORT
"""
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

SERVICE = "checkout"
METRIC = "http_request_duration_seconds"
MAX_TRACES = 500

lock = threading.Lock()
traces = {}  # trace id -> Jaeger v1 trace
counts = {"fast": 0, "slow": 0, "sum": 0.0, "made": 0}


def span(trace_id, span_id, parent, operation, process, start_us, duration_us, tags, logs=()):
    return {
        "traceID": trace_id,
        "spanID": span_id,
        "operationName": operation,
        "references": [{"refType": "CHILD_OF", "traceID": trace_id, "spanID": parent}] if parent else [],
        "startTime": start_us,
        "duration": duration_us,
        "tags": [{"key": k, "type": "bool" if isinstance(v, bool) else "string", "value": v} for k, v in tags],
        "logs": list(logs),
        "processID": process,
        "warnings": None,
    }


def make_trace(total_ms, failed):
    """checkout GET /checkout → product GET /products (12 ms) and inventory GET /stock → SELECT (most of the time)."""
    trace_id = uuid.uuid4().hex
    ids = [uuid.uuid4().hex[:16] for _ in range(4)]
    end_us = int(time.time() * 1_000_000)
    start_us = end_us - total_ms * 1000
    inventory_ms = total_ms - 10
    query_ms = inventory_ms - 2
    error_tags = [("error", True), ("otel.status_code", "ERROR")] if failed else []
    spans = [
        span(trace_id, ids[0], None, "GET /checkout", "p1", start_us, total_ms * 1000,
             [("span.kind", "server"), ("http.route", "/checkout"), ("http.response.status_code", "500" if failed else "200")]
             + error_tags),
        span(trace_id, ids[1], ids[0], "GET /products", "p2", start_us + 1000, 12_000,
             [("span.kind", "server"), ("http.route", "/products")]),
        span(trace_id, ids[2], ids[0], "GET /stock", "p3", start_us + 2000, inventory_ms * 1000,
             [("span.kind", "server"), ("http.route", "/stock")] + error_tags,
             [{"timestamp": start_us + 2000 + inventory_ms * 1000, "fields": [
                 {"key": "event", "type": "string", "value": "error"},
                 {"key": "message", "type": "string", "value": "canceling statement due to statement timeout"}]}] if failed else []),
        span(trace_id, ids[3], ids[2], "SELECT inventory", "p3", start_us + 3000, query_ms * 1000,
             [("span.kind", "client"), ("db.system", "postgresql"),
              ("db.statement", "SELECT quantity FROM stock WHERE sku = $1 FOR UPDATE")] + error_tags),
    ]
    return {
        "traceID": trace_id,
        "spans": spans,
        "processes": {
            "p1": {"serviceName": SERVICE, "tags": []},
            "p2": {"serviceName": "product", "tags": []},
            "p3": {"serviceName": "inventory", "tags": []},
        },
        "warnings": None,
    }


def remember(trace):
    with lock:
        traces[trace["traceID"]] = trace
        while len(traces) > MAX_TRACES:
            traces.pop(next(iter(traces)))


def scrape():
    with lock:
        counts["made"] += 1
        failed = counts["made"] % 3 == 0
    fast, slow = make_trace(800, False), make_trace(1800, failed)
    remember(fast)
    remember(slow)
    with lock:
        counts["fast"] += 5
        counts["slow"] += 20
        counts["sum"] += 5 * 0.8 + 20 * 1.8
        fast_count, slow_count, total = counts["fast"], counts["slow"], counts["sum"]
    now = f"{time.time():.3f}"
    labels = f'service="{SERVICE}"'
    # OpenMetrics 1.0: cumulative buckets, at most one exemplar per bucket, its value inside the bucket.
    return "".join([
        f"# TYPE {METRIC} histogram\n",
        f"# HELP {METRIC} Latency of HTTP requests.\n",
        f'{METRIC}_bucket{{{labels},le="0.1"}} 0\n',
        f'{METRIC}_bucket{{{labels},le="1.0"}} {fast_count} # {{trace_id="{fast["traceID"]}"}} 0.8 {now}\n',
        f'{METRIC}_bucket{{{labels},le="2.5"}} {fast_count + slow_count} # {{trace_id="{slow["traceID"]}"}} 1.8 {now}\n',
        f'{METRIC}_bucket{{{labels},le="+Inf"}} {fast_count + slow_count}\n',
        f"{METRIC}_sum{{{labels}}} {total:.1f}\n",
        f"{METRIC}_count{{{labels}}} {fast_count + slow_count}\n",
        "# EOF\n",
    ])


def root(trace):
    return trace["spans"][0]


def search(query):
    """Jaeger v1 /api/traces: service, start/end (µs), minDuration (e.g. 500ms), tags ({"error":"true"}), limit."""
    service = query.get("service", [""])[0]
    start = int(query.get("start", ["0"])[0])
    end = int(query.get("end", [str(2 ** 62)])[0])
    limit = int(query.get("limit", ["20"])[0])
    tags = json.loads(query.get("tags", ["{}"])[0] or "{}")
    min_us = duration_us(query.get("minDuration", [""])[0])
    with lock:
        found = [t for t in traces.values()
                 if t["processes"]["p1"]["serviceName"] == service
                 and start <= root(t)["startTime"] <= end
                 and root(t)["duration"] >= min_us
                 and (tags.get("error") != "true" or any(tag["key"] == "error" for tag in root(t)["tags"]))]
    found.sort(key=lambda t: root(t)["startTime"], reverse=True)
    return found[:limit]


def duration_us(text):
    if not text:
        return 0
    for unit, factor in (("ms", 1000), ("us", 1), ("µs", 1), ("s", 1_000_000)):
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(float(text))


class Metrics(BaseHTTPRequestHandler):
    def do_GET(self):
        if urlparse(self.path).path != "/metrics":
            return self.send_error(404)
        body = scrape().encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Jaeger(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/api/traces":
            return self.json({"data": search(parse_qs(url.query)), "total": 0, "limit": 0, "offset": 0, "errors": None})
        if url.path.startswith("/api/traces/"):
            with lock:
                trace = traces.get(url.path.rsplit("/", 1)[1].lower())
            if trace is None:
                return self.json({"data": None, "errors": [{"code": 404, "msg": "trace not found"}]}, 404)
            return self.json({"data": [trace], "total": 0, "limit": 0, "offset": 0, "errors": None})
        if url.path == "/api/services":
            return self.json({"data": [SERVICE, "product", "inventory"], "total": 3})
        self.json({"data": None, "errors": [{"code": 404, "msg": "not served by the demo"}]}, 404)

    def json(self, value, status=200):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    metrics_port, jaeger_port = int(sys.argv[1]), int(sys.argv[2])
    servers = [ThreadingHTTPServer(("127.0.0.1", metrics_port), Metrics),
               ThreadingHTTPServer(("127.0.0.1", jaeger_port), Jaeger)]
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"demo target on 127.0.0.1:{metrics_port}/metrics, Jaeger stand-in on 127.0.0.1:{jaeger_port}", flush=True)
    try:
        servers[0].serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
