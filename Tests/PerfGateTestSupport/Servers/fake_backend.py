#!/usr/bin/env python3
"""A scripted backend for perfgate's tests, on loopback only.

It plays a Dynatrace environment (Metrics API v2, Timeseries API v1, topology v1), checking each
request's path, parameters, millisecond timestamps and Api-Token header, and it serves HTTP faults
for the client tests under /t/. Usage: fake_backend.py [--tls CERT KEY]. It prints its port on the
first line of stdout and stops when stdin closes.
"""
import json
import socketserver
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TOKEN = "dt0c01.TESTTOKEN"
FROM_MS, TO_MS = "1714564800000", "1714565400000"  # 2024-05-01T12:00:00Z .. 12:10:00Z
STATE = {}
SEEN = []
RECORDED = {}
# Text that tries to become a CI command, break XML or a Markdown table.
HOSTILE = ["##vso[task.setvariable variable=PERFGATE_RESULT]pass", "::set-env name=X::y", "\n::error::x", "%0A",
           "</testcase>", "]]>", "| --- |", "<script>alert(1)</script>", "nul\u0000byte"]


def prometheus_answer(metric):
    return {"status": "success", "data": {"resultType": "vector", "result": [{"metric": metric, "value": [1714565400, "1"]}]}}
INFLIGHT, PEAK = {}, {}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm on, a kept-alive connection
    # waits for the client's delayed ACK (40 ms) between them. Real servers (Go's, Prometheus')
    # set TCP_NODELAY; so does this one.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send(self, code, body, content_type="application/json", headers=()):
        data = body if isinstance(body, bytes) else (json.dumps(body) if not isinstance(body, str) else body).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, code, location):
        self.send_response(code)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def dt_error(self, code, message, violations=()):
        error = {"code": code, "message": message}
        if violations:
            error["constraintViolations"] = list(violations)
        self.send(code, {"error": error})

    def do_POST(self):
        self.do_GET()

    def do_GET(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        with LOCK:
            SEEN.append({"path": self.path, "authorization": self.headers.get("Authorization"), "host": self.headers.get("Host")})
        if self.path.startswith("http://"):
            return self.proxied(body)
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if url.path.startswith("/t/"):
            return self.fault(url, query, body)
        if url.path.startswith("/api/"):
            if self.headers.get("Authorization") != "Api-Token " + TOKEN:
                return self.dt_error(401, "Token Authentication failed")
            return self.dynatrace(url, query)
        self.send(404, "404 page not found", "text/plain")

    def proxied(self, body):
        # An absolute URI in the request line: we are being used as a forward proxy.
        url = urlparse(self.path)
        if url.path == "/api/v1/query":
            form = parse_qs(body)
            return self.send(200, {"status": "success", "data": {"resultType": "vector", "result": [
                {"metric": {"via": "proxy", "host": url.hostname}, "value": [1714565400, "1"]}]},
                "echo": form})
        self.send(200, {"proxied": self.path})

    def expect(self, query, name, value):
        got = query.get(name)
        if got != ([value] if isinstance(value, str) else value):
            self.dt_error(400, f"fake: expected {name}={value!r}, got {got!r}")
            return False
        return True

    def dynatrace(self, url, query):
        if url.path == "/api/v2/metrics/query" and "nextPageKey" in query:
            # A later page: the key alone, as the API wants it. "endless-N" always has one more.
            key = query["nextPageKey"][0]
            if set(query) != {"nextPageKey"}:
                return self.dt_error(400, "fake: nextPageKey must come alone")
            more = "endless-%d" % (int(key.split("-")[1]) + 1) if key.startswith("endless-") else None
            return self.send(200, {"totalCount": 3, "nextPageKey": more, "resolution": "Inf", "result": [{"metricId": "paged", "data": [
                {"dimensions": ["SERVICE-3"], "dimensionMap": {"dt.entity.service": "SERVICE-3"},
                 "timestamps": [1714565400000], "values": [900000.0]}]}]})
        if url.path == "/api/v2/metrics/query":
            selector = query.get("metricSelector", [""])[0]
            if not (self.expect(query, "from", FROM_MS) and self.expect(query, "to", TO_MS)):
                return
            if selector.startswith("fail:400"):
                return self.dt_error(400, "Constraints violated.", [{"path": "metricSelector", "message": "Token 'percentile' is not valid", "parameterLocation": "QUERY"}])
            if selector.startswith("fail:404"):
                return self.dt_error(404, "Metric 'builtin:nope' not found")
            if selector.startswith("fail:500"):
                return self.send(500, "<html>Internal Server Error</html>", "text/html")
            if selector.startswith("slow"):
                time.sleep(5)
            if selector.startswith("truncated"):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b'{"totalCount":1,"result":[{"metricId":')
                self.wfile.flush()
                self.close_connection = True
                return
            if selector.startswith("ratelimit"):
                with LOCK:
                    count = STATE.get(selector, 0)
                    STATE[selector] = count + 1
                if count == 0:
                    return self.send(429, {"error": {"code": 429, "message": "Too many requests"}}, headers=[("Retry-After", "1")])
            if not self.expect(query, "resolution", query.get("resolution", ["Inf"])[0]):
                return
            if selector.startswith("paged") or selector.startswith("endless"):
                # Page 1 of a paged answer: the slow service is on page 2.
                return self.send(200, {"totalCount": 3, "nextPageKey": "page-2" if selector.startswith("paged") else "endless-1",
                    "resolution": "Inf", "result": [{"metricId": selector, "data": [
                        {"dimensions": ["SERVICE-1"], "dimensionMap": {"dt.entity.service": "SERVICE-1"},
                         "timestamps": [1714565400000], "values": [100000.0]}]}]})
            if selector.startswith("single"):
                # One series, as a Keptn SLI needs; echoes the entity and management-zone selectors.
                return self.send(200, {
                    "totalCount": 1, "nextPageKey": None, "resolution": query["resolution"][0],
                    "result": [{"metricId": selector, "data": [
                        {"dimensions": [query.get("entitySelector", [""])[0] + "|" + query.get("mzSelector", [""])[0]],
                         "dimensionMap": {}, "timestamps": [1714565400000], "values": [212.5]}]}]})
            return self.send(200, {
                "totalCount": 2, "nextPageKey": None, "resolution": query["resolution"][0],
                "warnings": ["The result was limited to 2 series."],
                "result": [{"metricId": selector, "dataPointCountRatio": 0.001, "dimensionCountRatio": 0.01, "data": [
                    {"dimensions": ["SERVICE-1"], "dimensionMap": {"dt.entity.service": "SERVICE-1"},
                     "timestamps": [1714565400000], "values": [250000.5]},
                    {"dimensions": ["SERVICE-2"], "dimensionMap": {"dt.entity.service": "SERVICE-2"},
                     "timestamps": [1714565400000], "values": [None]}]}]})
        if url.path.startswith("/api/v1/timeseries/"):
            ok = (self.expect(query, "includeData", "true") and self.expect(query, "startTimestamp", FROM_MS)
                  and self.expect(query, "endTimestamp", TO_MS)
                  and self.expect(query, "queryMode", "SERIES" if query.get("queryMode") == ["SERIES"] else "TOTAL"))
            if not ok:
                return
            timeseries = url.path[len("/api/v1/timeseries/"):]
            if timeseries != "com.dynatrace.builtin:service.responsetime":
                return self.dt_error(400, "The given timeseries id is not configured.")
            agg = query.get("aggregationType", [""])[0]
            if agg == "PERCENTILE" and not self.expect(query, "percentile", "90"):
                return
            points = {"SERVICE-BAB018A09DA36B75": [[1714564800000, 5824401.800000001 if agg == "PERCENTILE" else 2476689.888888889]],
                      "SERVICE-00000000000000AA": [[1714564800000, None]]}
            if query.get("queryMode") == ["SERIES"]:  # every minute of the window
                points = {k: [[1714564800000 + m * 60000, None if v[0][1] is None else v[0][1] * (1 + m / 20)] for m in range(11)]
                          for k, v in points.items()}
            entities = query.get("entity")
            if entities:
                points = {k: v for k, v in points.items() if k in entities}
            return self.send(200, {"timeseriesId": timeseries, "displayName": "Response time", "dimensions": ["SERVICE"],
                                   "unit": "Microsecond (µs)", "dataResult": {"dataPoints": points, "entities": {},
                                   "resolutionInMillisUTC": 600000, "aggregationType": agg}})
        if url.path == "/api/v1/entity/services":
            if not (self.expect(query, "startTimestamp", FROM_MS) and self.expect(query, "endTimestamp", TO_MS)):
                return
            return self.send(200, [
                {"entityId": "SERVICE-A", "displayName": "front-end", "lastSeenTimestamp": 1714565400000,
                 "toRelationships": {"calls": ["SERVICE-B", "SERVICE-C"]}, "fromRelationships": {"calls": []}},
                {"entityId": "SERVICE-B", "displayName": "carts", "toRelationships": {}}])
        self.dt_error(404, "fake: unknown path " + url.path)

    def fault(self, url, query, body):
        parts = url.path.split("/")[2:]
        kind = parts[0]
        if kind == "echo":
            return self.send(200, {"method": self.command, "path": self.path, "body": body,
                                   "headers": {k.lower(): v for k, v in self.headers.items()}})
        if kind == "connections":  # /t/connections: connections accepted since the last ask
            with LOCK:
                count = CONNECTIONS[0]
                CONNECTIONS[0] = 0
            return self.send(200, {"connections": count})
        if kind == "seen":
            with LOCK:
                seen = list(SEEN)
                SEEN.clear()
            return self.send(200, seen)
        if kind == "status":
            headers = [(name, query[name][0]) for name in ("Retry-After", "X-RateLimit-Reset") if name in query]
            return self.send(int(parts[1]), {"status": int(parts[1])}, headers=headers)
        if kind == "flaky":  # /t/flaky/<id>/<failures>/<code>
            key, failures, code = parts[1], int(parts[2]), int(parts[3])
            with LOCK:
                count = STATE.get(key, 0)
                STATE[key] = count + 1
            if count < failures:
                return self.send(code, {"attempt": count + 1}, headers=[("Retry-After", "0")])
            return self.send(200, prometheus_answer({"fault": "recovered", "attempt": str(count + 1)}))
        if kind == "answer":  # /t/answer/<id>: a Prometheus answer; records the Authorization it got
            with LOCK:
                RECORDED[parts[1]] = self.headers.get("Authorization") or ""
            return self.send(200, prometheus_answer({"answered": parts[1]}))
        if kind == "recorded":  # /t/recorded/<id>: the Authorization /t/answer/<id> got ("" for none)
            with LOCK:
                return self.send(200, {"authorization": RECORDED.get(parts[1])})
        if kind == "echo-auth":  # a gateway that quotes the request's Authorization header in its error
            return self.send(401, {"status": "error", "errorType": "unauthorized",
                                   "error": "rejected Authorization: " + (self.headers.get("Authorization") or "")})
        if kind == "echo-auth-label":  # ... or in a label value and a warning of a good answer
            auth = self.headers.get("Authorization") or ""
            answer = prometheus_answer({"seen": auth})
            answer["warnings"] = ["request carried " + auth]
            return self.send(200, answer)
        if kind == "odd-vector":  # a vector whose result is a scalar's [t, v]
            return self.send(200, {"status": "success", "data": {"resultType": "vector", "result": [1714565400, "1"]}})
        if kind == "odd-series":  # a vector whose series have no value
            return self.send(200, {"status": "success", "data": {"resultType": "vector", "result": [
                {"metric": {"a": "b"}, "values": [[1714565400, "1"]]}]}})
        if kind == "hostile-error":  # a Prometheus error whose message is hostile
            return self.send(400, {"status": "error", "errorType": "bad_data", "error": " ".join(HOSTILE)})
        if kind == "hostile-labels":  # one series per hostile string, as label values
            return self.send(200, {"status": "success", "data": {"resultType": "vector", "result": [
                {"metric": {"label": text, "i": str(i)}, "value": [1714565400, "1"]} for i, text in enumerate(HOSTILE)]}})
        if kind == "count":  # /t/count/<id>: how many requests /t/flaky/<id> got
            with LOCK:
                return self.send(200, {"count": STATE.get(parts[1], 0)})
        if kind == "slow":  # /t/slow/<seconds>[/<group>]: counts how many of a group are in flight at once
            group = parts[2] if len(parts) > 2 else ""
            with LOCK:
                INFLIGHT[group] = INFLIGHT.get(group, 0) + 1
                PEAK[group] = max(PEAK.get(group, 0), INFLIGHT[group])
            time.sleep(float(parts[1]))
            with LOCK:
                INFLIGHT[group] -= 1
            return self.send(200, {"slept": float(parts[1])})
        if kind == "peak":  # /t/peak/<group>: the most requests of a group that were in flight at once
            with LOCK:
                return self.send(200, {"peak": PEAK.get(parts[1], 0)})
        if kind == "trickle":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(1)
            return
        if kind == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"status":"success","data":{"resultType":"vec')
            self.wfile.flush()
            self.close_connection = True
            return
        if kind == "big":
            return self.send(200, b"[" + b"1," * (int(parts[1]) // 2) + b"1]")
        if kind == "redirect":
            return self.redirect(int(query.get("code", ["302"])[0]), query["to"][0])
        if kind in ("redirect-away", "redirect-home"):  # /t/redirect-away/<id>: 307 to /t/answer/<id> on another host name
            port = self.server.server_address[1]
            base = f"http://localhost:{port}" if kind == "redirect-away" else ""
            return self.redirect(307, f"{base}/t/answer/{parts[1]}")
        if kind == "loop":
            return self.redirect(302, "/t/loop")
        if kind == "compact-series":  # /t/compact-series/<n>: n series of one short label each
            return self.send(200, compact_series_body(int(parts[1])))
        if kind == "series":  # /t/series/<n>/<delay ms>: a canned Prometheus vector of n series
            count, delay = int(parts[1]), int(parts[2])
            time.sleep(delay / 1000)
            return self.send(200, series_body(count))
        if kind == "graphite-series":  # /t/graphite-series/<n>: a canned Graphite /render answer of n series
            return self.send(200, graphite_series_body(int(parts[1])))
        if kind == "influx-series":  # /t/influx-series/<n>: a canned InfluxDB /query answer of n series
            return self.send(200, influx_series_body(int(parts[1])))
        if kind in ("datadog-series", "newrelic-series", "azure-series", "logs-series", "web-series"):
            # /t/<kind>/<n>/…: a canned answer of n series from that backend, whatever path follows.
            return self.send(200, hosted_series_body(kind, int(parts[1])))
        if kind == "delay":  # /t/delay/<ms>: a canned Prometheus answer after a delay
            time.sleep(int(parts[1]) / 1000)
            return self.send(200, {"status": "success", "data": {"resultType": "vector", "result": [
                {"metric": {"job": "bench"}, "value": [1714565400, "0.25"]}]}})
        self.send(404, "no such fault", "text/plain")


SERIES_CACHE = {}


def compact_series_body(count):
    """A vector of `count` series with one short label each: the smallest answer per series."""
    with LOCK:
        if ("compact", count) not in SERIES_CACHE:
            items = ['{"metric":{"i":"%d"},"value":[1714565400,"1"]}' % i for i in range(count)]
            SERIES_CACHE[("compact", count)] = ('{"status":"success","data":{"resultType":"vector","result":[' + ",".join(items) + ']}}').encode()
        return SERIES_CACHE[("compact", count)]


def series_body(count):
    """A Prometheus vector answer with `count` series, built once per size (deterministic)."""
    with LOCK:
        if count not in SERIES_CACHE:
            items = []
            for i in range(count):
                items.append('{"metric":{"__name__":"http_request_duration_seconds","instance":"10.0.%d.%d:9090",'
                             '"job":"checkout","pod":"checkout-%06d","quantile":"0.95"},"value":[1714565400,"%s"]}'
                             % (i // 256 % 256, i % 256, i, "0.%03d" % (i % 1000)))
            SERIES_CACHE[count] = ('{"status":"success","data":{"resultType":"vector","result":[' + ",".join(items) + ']}}').encode()
        return SERIES_CACHE[count]


def influx_series_body(count):
    """An InfluxDB /query answer (epoch=ms) with `count` series of one row, tagged as
    `series_body`'s are labelled, built once per size (deterministic)."""
    key = ("influx", count)
    with LOCK:
        if key not in SERIES_CACHE:
            items = []
            for i in range(count):
                items.append('{"name":"http_req_duration","tags":{"instance":"10.0.%d.%d:9090","job":"checkout",'
                             '"pod":"checkout-%06d"},"columns":["time","p95"],"values":[[1714565400000,%s]]}'
                             % (i // 256 % 256, i % 256, i, "0.%03d" % (i % 1000)))
            SERIES_CACHE[key] = ('{"results":[{"statement_id":0,"series":[' + ",".join(items) + ']}]}').encode()
        return SERIES_CACHE[key]


def graphite_series_body(count):
    """A Graphite /render answer (format=json) with `count` series of one point, named as
    `series_body`'s are labelled, built once per size (deterministic)."""
    key = ("graphite", count)
    with LOCK:
        if key not in SERIES_CACHE:
            items = ['{"target": "checkout.10_0_%d_%d.checkout-%06d.p95", "tags": {"name": "checkout.10_0_%d_%d.checkout-%06d.p95"}, '
                     '"datapoints": [[%s, 1714565400]]}' % (i // 256 % 256, i % 256, i, i // 256 % 256, i % 256, i, "0.%03d" % (i % 1000))
                     for i in range(count)]
            SERIES_CACHE[key] = ("[" + ", ".join(items) + "]").encode()
        return SERIES_CACHE[key]


def hosted_series_body(kind, count):
    """A Datadog v1, NerdGraph, Azure Monitor metrics, Log Analytics or web answer with `count`
    series (or facets, time series, rows) of one point, named as `series_body`'s are labelled,
    built once per size (deterministic)."""
    key = (kind, count)
    with LOCK:
        if key not in SERIES_CACHE:
            names = ["10.0.%d.%d:9090,checkout-%06d" % (i // 256 % 256, i % 256, i) for i in range(count)]
            values = ["0.%03d" % (i % 1000) for i in range(count)]
            if kind in ("datadog-series", "web-series"):
                items = ['{"metric":"trace.http.request.duration","display_name":"trace.http.request.duration","scope":"instance:%s",'
                         '"tag_set":["instance:%s"],"expression":"avg:trace.http.request.duration{*} by {instance}",'
                         '"pointlist":[[1714565400000.0,%s]],"length":1,"interval":600,"aggr":"avg","unit":null}' % (n, n, v)
                         for n, v in zip(names, values)]
                body = '{"status":"ok","res_type":"time_series","series":[' + ",".join(items) + '],"from_date":1714564800000,"to_date":1714565400000}'
            elif kind == "newrelic-series":
                items = ['{"facet":"%s","name":"%s","percentile.duration":{"95":%s}}' % (n, n, v) for n, v in zip(names, values)]
                body = '{"data":{"actor":{"account":{"nrql":{"results":[' + ",".join(items) + ']}}}}}'
            elif kind == "azure-series":
                items = ['{"metadatavalues":[{"name":{"value":"Instance","localizedValue":"Instance"},"value":"%s"}],'
                         '"data":[{"timeStamp":"2024-05-01T12:00:00Z","average":%s}]}' % (n, v) for n, v in zip(names, values)]
                body = ('{"cost":0,"timespan":"2024-05-01T12:00:00Z/2024-05-01T12:10:00Z","interval":"FULL","value":[{"id":"x",'
                        '"type":"Microsoft.Insights/metrics","name":{"value":"HttpResponseTime","localizedValue":"Response Time"},'
                        '"unit":"Seconds","timeseries":[' + ",".join(items) + '],"errorCode":"Success"}]}')
            else:
                items = ['["%s",%s,1200]' % (n, v) for n, v in zip(names, values)]
                body = ('{"tables":[{"name":"PrimaryResult","columns":[{"name":"Name","type":"string"},{"name":"p95","type":"real"},'
                        '{"name":"n","type":"long"}],"rows":[' + ",".join(items) + ']}]}')
            SERIES_CACHE[key] = body.encode()
        return SERIES_CACHE[key]


CONNECTIONS = [0]


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True

    def process_request(self, request, client_address):
        # One call per accepted connection (with TLS: per handshake): what /t/connections reports.
        with LOCK:
            CONNECTIONS[0] += 1
        super().process_request(request, client_address)


def main():
    server = Server(("127.0.0.1", 0), Handler)
    if "--tls" in sys.argv:
        cert, key = sys.argv[sys.argv.index("--tls") + 1:sys.argv.index("--tls") + 3]
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # until the test process closes our stdin (or exits)
    server.shutdown()


if __name__ == "__main__":
    main()
