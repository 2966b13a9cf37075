#!/usr/bin/env python3
"""perfgate benchmarks: each case runs the release binary several times after a warm-up and prints
its median wall time and peak RSS (from wait4's rusage of that one run), next to its target.

Usage: Benchmarks/bench.py [--runs N] [--binary PATH] [CASE ...]
Cases:
  startup        perfgate --version; 1 Prometheus indicator against a 10-series answer
  series-100k    1 indicator against a 100,000-series answer (about 17 MB of JSON)
  breaching      the same answer with 10,000 values breaching, with and without the reports, and
                 a scale of breaching answers (1,000 to 100,000 series)
  http-50x200ms  50 Prometheus indicators, each answered after 200 ms
  connections    1,000 Prometheus indicators against one host: time and the connections the server
                 accepted; the same over HTTPS (the test CA), counting TLS handshakes
  jtl-10k        a 10,000-row JMeter JTL, the same three statistics
  jtl-1m         a 1,000,000-row JMeter JTL (about 100 MB), p95, p99 and error rate for 20 labels
  static-1000    1,000 static indicators
  xml-1m         a 1,000,000-sample XML JTL (about 200 MB), p95, p99 and error rate for 20 labels
  k6-1m          a 1,000,000-point k6 --out json stream (about 300 MB): p95, a tagged p95, the failed
                 rate and the request rate
  memory         peak RSS against input size: 500,000- and 2,000,000-series answers with --json, and a
                 large JSON result file read through one pointer
  size           the stripped size of the static release binary
  canary         the canary judge on two one-label JTLs, the canary 3% slower: 50,000 and 1,000,000 samples a side
  html           the HTML report of 100 Prometheus indicators with --series and 20 runs of history: its
                 size, perfgate's time with and without it, and headless Chromium's load time
                 (scripts/test-html --bench: needs chromium, prometheus and promtool)
  scale          time and peak memory against input size: JTL rows (10k to 10M), Prometheus series (1k to
                 1M), static indicators (10 to 10k); a point whose time per item grows by half is flagged
  serve          wrk (2 threads, 10 s) against perfgate serve: GET /health, POST /api/pitometer with 5
                 static indicators, and with 5 Prometheus indicators against an instant and a 50 ms
                 keep-alive backend (Benchmarks/slow_backend.py), 64 and 256 clients; requests/s, p50
                 and p99 latency, the server's CPU per request (from /proc) and its RSS
  serve-memory   the server's memory per evaluation in flight (64, 256, 1,024 at once)
  soak           ten minutes at 256 clients against the 50 ms backend: RSS and requests/s each minute
  decoders       in-process: JSONDecoder (Codable) and the document parser on the 100,000-series
                 answer (needs the perfgate-decode-bench product; Benchmarks/run.sh builds it)
Inputs are generated deterministically into a temporary folder; the answers come from a loopback
server (Tests/PerfGateTestSupport/Servers/fake_backend.py); nothing leaves the machine.
"""
import argparse
import contextlib
import random
import shutil
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BACKEND = os.path.join(ROOT, "Tests", "PerfGateTestSupport", "Servers", "fake_backend.py")


def measure(argv, runs, env=None, expect=(0, 1)):
    """Median wall seconds, min wall and max peak RSS (MiB) over `runs` runs after one warm-up."""
    walls, rss = [], []
    for index in range(runs + 1):
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in expect:
            sys.exit(f"{' '.join(argv)} exited {code}: {process.stderr.read().decode()[:2000]}")
        process.stderr.close()
        if index == 0:
            continue  # warm-up: page cache, dynamic loader
        walls.append(wall)
        rss.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), min(walls), max(rss)


SERVERS = os.path.join(ROOT, "Tests", "PerfGateTestSupport", "Servers")


def start_backend(tls=False):
    # Its stderr (a reset connection's traceback under wrk) would only clutter the table.
    argv = [sys.executable, BACKEND] + (["--tls", os.path.join(SERVERS, "server.pem"), os.path.join(SERVERS, "server.key")] if tls else [])
    server = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    port = int(server.stdout.readline())
    return server, f"{'https' if tls else 'http'}://127.0.0.1:{port}"


def connections(url, ca=None):
    """The connections the backend accepted since the last ask (with TLS, its handshakes)."""
    argv = ["curl", "-s", url + "/t/connections"] + (["--cacert", ca] if ca else [])
    return json.loads(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)["connections"]


def case_connections(binary, runs, folder, url):
    """1,000 Prometheus indicators against one host: the time, and the connections the server saw
    (at most --concurrency); then the same over HTTPS with the test CA, counting TLS handshakes."""
    spec = write_spec(folder, "connections-1000.json", [indicator(i, "prometheus", f"up{{i='{i}'}}") for i in range(1000)])
    argv = [binary, "evaluate", "--spec", spec, "--prometheus-url", url + "/t/delay/0"]
    connections(url)
    median, fastest, rss = measure(argv, runs)
    seen = connections(url) / (runs + 1)
    yield (f"1,000 indicators, HTTP: {seen:.0f} connections/run", median, fastest, rss, "<= --concurrency (64) connections")
    tls, tls_url = start_backend(tls=True)
    ca = os.path.join(SERVERS, "test-ca.pem")
    try:
        argv = [binary, "evaluate", "--spec", spec, "--prometheus-url", tls_url + "/t/delay/0", "--ca-file", ca]
        connections(tls_url, ca)
        median, fastest, rss = measure(argv, runs)
        seen = (connections(tls_url, ca) - 0) / (runs + 1)
        yield (f"1,000 indicators, HTTPS: {seen:.0f} handshakes/run", median, fastest, rss, "<= --concurrency (64) handshakes")
    finally:
        tls.stdin.close()
        tls.wait(timeout=5)


def write_spec(folder, name, indicators, objectives=None):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        json.dump({"spec_version": "1.0", "objectives": objectives or {"pass": 0, "warning": 0}, "indicators": indicators}, f)
    return path


def indicator(i, source, query, upper=1e9):
    return {"id": f"i{i}", "source": source, "query": query,
            "grading": {"type": "Threshold", "thresholds": {"upperSevere": upper}, "metricScore": 1}}


def case_startup(binary, runs, folder, url):
    spec = write_spec(folder, "startup.json", [indicator(0, "prometheus", "http_request_duration_seconds")])
    yield ("startup: perfgate --version", *measure([binary, "--version"], runs), "<= 0.02 s, <= 20 MiB")
    argv = [binary, "evaluate", "--spec", spec, "--prometheus-url", url + "/t/series/10/0"]
    yield ("startup: 1 indicator, 10 series", *measure(argv, runs), "<= 0.02 s, <= 20 MiB")


def case_series(binary, runs, folder, url):
    spec = write_spec(folder, "series.json", [indicator(0, "prometheus", "http_request_duration_seconds")])
    argv = [binary, "evaluate", "--spec", spec, "--prometheus-url", url + "/t/series/100000/0"]
    yield ("1 indicator, 100,000 series", *measure(argv, runs), "<= 0.15 s, <= 100 MiB")


def case_breaching(binary, runs, folder, url):
    """100,000 series of which 10,000 breach a warning (every value from 0.900 up), with and without the
    three reports, beside nothing breaching; then the breaching share held at 10% from 1,000 to
    100,000 series: time per series must stay flat (no per-value scan of per-indicator lists)."""
    calm = write_spec(folder, "calm.json", [indicator(0, "prometheus", "http_request_duration_seconds")])
    # Warnings, not severe breaches: an indicator's verdict stops at its first severe violation,
    # but must look through every warning.
    warned = indicator(0, "prometheus", "http_request_duration_seconds")
    warned["grading"]["thresholds"] = {"upperWarning": 0.9}
    hot = write_spec(folder, "breaching.json", [warned])
    reports = ["--json", os.path.join(folder, "b.json"), "--junit", os.path.join(folder, "b.xml"), "--markdown", os.path.join(folder, "b.md")]
    base = measure([binary, "evaluate", "--spec", calm, "--prometheus-url", url + "/t/series/100000/0"], runs)
    yield ("100,000 series, none breaching", *base, "baseline")
    for label, extra in [("", []), (", --json --junit --markdown", reports)]:
        result = measure([binary, "evaluate", "--spec", hot, "--prometheus-url", url + "/t/series/100000/0"] + extra, runs)
        yield (f"100,000 series, 10,000 breaching{label}", *result, f"<= 0.25 s; {result[0] / base[0]:.2f}x none breaching")
    per = []
    for count in [1_000, 10_000, 100_000]:
        result = measure([binary, "evaluate", "--spec", hot, "--prometheus-url", url + f"/t/series/{count}/0"] + reports, runs)
        per.append(result[0] / count)
        yield (f"{count:,} series, 10% breaching, 3 reports", *result, f"{result[0] / count * 1e6:.2f} µs per series")


def case_series_10k(binary, runs, folder, url):
    """A 10,000-series answer from each backend source, side by side: each within Prometheus'
    budget (0.15 s, the budget of its 100,000-series case), and the ratio to Prometheus' time."""
    spec = write_spec(folder, "series-10k-prometheus.json", [indicator(0, "prometheus", "http_request_duration_seconds")])
    prometheus = measure([binary, "evaluate", "--spec", spec, "--prometheus-url", url + "/t/series/10000/0"], runs)
    yield ("10,000 series: prometheus", *prometheus, "<= 0.15 s")
    spec = write_spec(folder, "series-10k-influxdb.json", [indicator(0, "influxdb", 'SELECT last("p95") FROM "http_req_duration" GROUP BY *')])
    influxdb = measure([binary, "evaluate", "--spec", spec, "--influxdb-url", url + "/t/influx-series/10000"], runs)
    yield ("10,000 series: influxdb", *influxdb, f"<= 0.15 s; {influxdb[0] / prometheus[0]:.2f}x prometheus")
    spec = write_spec(folder, "series-10k-graphite.json", [indicator(0, "graphite", "checkout.*.*.p95")])
    graphite = measure([binary, "evaluate", "--spec", spec, "--graphite-url", url + "/t/graphite-series/10000"], runs)
    yield ("10,000 series: graphite", *graphite, f"<= 0.15 s; {graphite[0] / prometheus[0]:.2f}x prometheus")
    window = ["--start", "1714564800", "--end", "1714565400"]
    hosted = {"DD_API_KEY": "bench", "DD_APP_KEY": "bench", "NEW_RELIC_API_KEY": "bench", "NEW_RELIC_ACCOUNT_ID": "1",
              "AZURE_MONITOR_TOKEN": "bench-token", "AZURE_LOGS_TOKEN": "bench-token"}
    env = dict(os.environ, **hosted)
    resource = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/checkout"
    for name, query, flags in [
        ("datadog", "avg:trace.http.request.duration{*} by {instance}", ["--datadog-url", url + "/t/datadog-series/10000"]),
        ("newrelic", "SELECT percentile(duration, 95) FROM Transaction FACET name LIMIT MAX", ["--newrelic-url", url + "/t/newrelic-series/10000"]),
        ("azure-monitor", {"resource": resource, "metric": "HttpResponseTime", "aggregation": "Average", "filter": "Instance eq '*'", "top": 1000},
         ["--azure-monitor-url", url + "/t/azure-series/10000"]),
        ("azure-monitor", {"workspace": "w", "kql": "AppRequests | summarize p95 = percentile(DurationMs, 95), n = count() by Name", "value": "p95"},
         ["--azure-logs-url", url + "/t/logs-series/10000"]),
        ("web", {"url": "/api/v1/query?query=x", "results": "/series", "key": "/scope", "value": "/pointlist/*/1", "timestamp": "/pointlist/*/0"},
         ["--web-url", url + "/t/web-series/10000"]),
    ]:
        label = name + (" logs" if "workspace" in query else "")
        spec = write_spec(folder, f"series-10k-{label.replace(' ', '-')}.json", [indicator(0, name, query)])
        result = measure([binary, "evaluate", "--spec", spec] + window + flags, runs, env=env)
        yield (f"10,000 series: {label}", *result, f"<= 0.15 s; {result[0] / prometheus[0]:.2f}x prometheus")


def case_memory(binary, runs, folder, url):
    """Peak memory against the size of what was read: the bounds README's "Memory" section states.
    Inputs are made in a child Python, so the large buffers never sit in this process (a child's
    peak RSS counts what it shared with us between fork and exec)."""
    spec = write_spec(folder, "memory.json", [indicator(0, "prometheus", "http_request_duration_seconds")])
    # Labelled series, then the smallest series there are (per-series costs outweigh the body).
    for count, maker, route in ((300_000, "series_body", "series/300000/0"), (500_000, "series_body", "series/500000/0"),
                                (2_000_000, "compact_series_body", "compact-series/2000000")):
        size = int(subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {os.path.dirname(BACKEND)!r}); "
                                   f"import fake_backend; print(len(fake_backend.{maker}({count})))"],
                                  capture_output=True, text=True, check=True).stdout) / 2**20
        argv = [binary, "evaluate", "--spec", spec, "--prometheus-url", f"{url}/t/{route}", "--max-response-mib", "256",
                "--json", os.path.join(folder, "memory-result.json")]
        median, fastest, rss = measure(argv, runs)
        kind = "one-label series" if maker == "compact_series_body" else "series"
        yield (f"{count:,} {kind} ({size:.0f} MiB), --json", median, fastest, rss, f"<= 4 x the answer ({4 * size:.0f} MiB); {rss / size:.1f}x")
    # A large JSON result file read through a pointer.
    big = os.path.join(folder, "big-result.json")
    subprocess.run([sys.executable, "-c", f"open({big!r}, 'w').write('{{\"runs\": [' + ','.join('{{\"id\": %d, \"label\": "
                    f"\"transaction_%02d\", \"ms\": %d}}' % (i, i % 20, i % 997) for i in range(1500000)) + '], \"summary\": {{\"p95\": 812.5}}}}')"],
                   check=True)
    size = os.path.getsize(big) / 2**20
    spec = write_spec(folder, "json-file.json", [indicator(0, "json", {"file": big, "pointer": "/summary/p95"})])
    median, fastest, rss = measure([binary, "evaluate", "--spec", spec], runs)
    yield (f"JSON result file ({size:.0f} MiB), one pointer", median, fastest, rss, f"<= 4 x the file ({4 * size:.0f} MiB); {rss / size:.1f}x")


def case_http(binary, runs, folder, url):
    spec = write_spec(folder, "http-50.json", [
        indicator(i, "prometheus", f"histogram_quantile(0.95, rate(x_{i}[5m]))") for i in range(50)])
    for concurrency in (None, 50, 8):
        argv = [binary, "evaluate", "--spec", spec, "--prometheus-url", url + "/t/delay/200"]
        label = "50 x 200 ms (default concurrency)"
        if concurrency:
            argv += ["--concurrency", str(concurrency)]
            label = f"50 x 200 ms, --concurrency {concurrency}"
        yield (label, *measure(argv, runs), "<= 0.25 s (floor 0.2 s)")


def write_jtl(path, rows, labels=20, seed=7):
    rng = random.Random(seed)
    names = [f"transaction_{i:02d}" for i in range(labels)]
    start = 1714564800000
    with open(path, "w") as f:
        f.write("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,"
                "bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n")
        lines = []
        for i in range(rows):
            label = names[i % labels]
            elapsed = int(rng.lognormvariate(4.6, 0.5))
            ok = rng.random() > 0.01
            lines.append(f"{start + i * 3},{elapsed},{label},{200 if ok else 500},{'OK' if ok else 'Internal Server Error'},"
                         f"Users 1-{i % 50 + 1},text,{'true' if ok else 'false'},,{1000 + i % 5000},{200 + i % 100},50,50,"
                         f"https://shop.example.test/{label},{max(1, elapsed - 3)},0,{i % 4}\n")
            if len(lines) == 10000:
                f.write("".join(lines))
                lines = []
        f.write("".join(lines))


def jtl_case(binary, runs, folder, rows, target):
    jtl = os.path.join(folder, f"results-{rows}.jtl")
    write_jtl(jtl, rows)
    size = os.path.getsize(jtl) / 1e6
    one = write_spec(folder, f"jtl-{rows}-one.json", [indicator(0, "jmeter", {"file": os.path.basename(jtl), "stat": "p95"})])
    yield (f"{rows:,}-row JTL ({size:.1f} MB), 1 stat x 20 labels", *measure([binary, "evaluate", "--spec", one], runs), "(one read)")
    spec = write_spec(folder, f"jtl-{rows}.json", [
        indicator(i, "jmeter", {"file": os.path.basename(jtl), "stat": stat, **({"label": label} if label else {})})
        for i, (stat, label) in enumerate([("p95", None), ("p99", None), ("errorRate", "*"), ("p95", "transaction_03")])])
    yield (f"{rows:,}-row JTL, 4 stats (one read)", *measure([binary, "evaluate", "--spec", spec], runs), target + ", ~ 1 stat's time")


def case_xml(binary, runs, folder, url):
    """A 1,000,000-sample XML JTL (made in a child process), the same statistics as jtl-1m."""
    xml = os.path.join(folder, "results-1m.xml.jtl")
    subprocess.run([sys.executable, "-c", f"""
import random
rng = random.Random(7)
with open({xml!r}, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\\n<testResults version="1.2">\\n')
    for i in range(1_000_000):
        label = "transaction_%02d" % (i % 20)
        ok = rng.random() > 0.01
        f.write('<httpSample t="%d" it="0" lt="%d" ct="1" ts="%d" s="%s" lb="%s" rc="%s" rm="OK" tn="Users 1-%d" dt="text" by="%d" sby="200" ng="50" na="50"/>\\n'
                % (int(rng.lognormvariate(4.6, 0.5)), 3, 1714564800000 + i * 3, "true" if ok else "false", label, "200" if ok else "500", i % 50 + 1, 1000 + i % 5000))
    f.write('</testResults>\\n')
"""], check=True)
    # The same samples as a CSV JTL, for the reader's ratio.
    csv = os.path.join(folder, "results-1m-same.jtl")
    subprocess.run([sys.executable, "-c", f"""
import re
pattern = re.compile(r'<httpSample t="(\\d+)" it="0" lt="(\\d+)" ct="1" ts="(\\d+)" s="(\\w+)" lb="([^"]*)" rc="(\\d+)" rm="OK" tn="([^"]*)" dt="text" by="(\\d+)"')
with open({xml!r}) as source, open({csv!r}, "w") as f:
    f.write("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,Latency,IdleTime,Connect\\n")
    for line in source:
        m = pattern.match(line)
        if m:
            t, lt, ts, ok, lb, rc, tn, by = m.groups()
            f.write(f"{{ts}},{{t}},{{lb}},{{rc}},OK,{{tn}},text,{{ok}},,{{by}},200,50,50,{{lt}},0,1\\n")
"""], check=True)
    size = os.path.getsize(xml) / 1e6
    rows = []
    for name, path in [("CSV", csv), ("XML", xml)]:
        spec = write_spec(folder, f"same-{name}.json", [
            indicator(i, "jmeter", {"file": os.path.basename(path), "stat": stat}) for i, stat in enumerate(["p95", "p99", "errorRate"])])
        argv = [binary, "evaluate", "--spec", spec]
        median, fastest, rss = measure(argv, runs)
        rows.append(median)
        label = f"1,000,000-sample XML JTL ({size:.0f} MB)" if name == "XML" else "the same samples as a CSV JTL"
        target = f"{median / rows[0]:.2f}x CSV (<= 2x, memory flat)" if name == "XML" else "(the ratio's base)"
        yield (label, median, fastest, rss, target)


def case_k6(binary, runs, folder, url):
    """A 1,000,000-point k6 stream as --out json writes it: four points per request (http_reqs,
    http_req_duration, http_req_waiting, http_req_failed) with k6's usual tags, 20 request names."""
    stream = os.path.join(folder, "points-1m.json")
    subprocess.run([sys.executable, "-c", f"""
import json, random
rng = random.Random(7)
with open({stream!r}, "w") as f:
    for name, kind, contains in [("http_reqs", "counter", "default"), ("http_req_duration", "trend", "time"),
                                 ("http_req_waiting", "trend", "time"), ("http_req_failed", "rate", "default")]:
        f.write(json.dumps({{"type": "Metric", "data": {{"name": name, "type": kind, "contains": contains, "thresholds": [], "submetrics": None}}, "metric": name}}, separators=(",", ":")) + "\\n")
    lines = []
    for i in range(250_000):
        ok = rng.random() > 0.01
        seconds = i * 0.004
        time = "2024-05-01T12:%02d:%06.3f000000+02:00" % (seconds // 60, seconds % 60)
        tags = json.dumps({{"expected_response": "true" if ok else "false", "group": "", "method": "GET", "name": "checkout_%02d" % (i % 20),
                            "proto": "HTTP/1.1", "scenario": "default", "status": "200" if ok else "500", "tls_version": "tls1.3",
                            "url": "https://shop.example.test/checkout_%02d" % (i % 20)}}, separators=(",", ":"))
        duration = rng.lognormvariate(4.6, 0.5)
        for metric, value in [("http_reqs", "1"), ("http_req_duration", "%.6f" % duration), ("http_req_waiting", "%.6f" % (duration * 0.9)), ("http_req_failed", "0" if ok else "1")]:
            lines.append('{{"metric":"%s","type":"Point","data":{{"time":"%s","value":%s,"tags":%s}}}}\\n' % (metric, time, value, tags))
        if len(lines) >= 40000:
            f.write("".join(lines))
            lines = []
    f.write("".join(lines))
"""], check=True)
    size = os.path.getsize(stream) / 1e6
    queries = [{"metric": "http_req_duration", "stat": "p(95)"}, {"metric": "http_req_duration", "stat": "p(95)", "tags": {"name": "checkout_03"}},
               {"metric": "http_req_failed", "stat": "rate"}, {"metric": "http_reqs", "stat": "rate"}]
    one = write_spec(folder, "k6-1m-one.json", [indicator(0, "k6", dict(file=os.path.basename(stream), **queries[0]))])
    single = measure([binary, "evaluate", "--spec", one], runs)
    yield (f"1,000,000-point k6 stream ({size:.0f} MB), 1 stat", *single, "(one read)")
    spec = write_spec(folder, "k6-1m.json", [indicator(i, "k6", dict(file=os.path.basename(stream), **query)) for i, query in enumerate(queries)])
    four = measure([binary, "evaluate", "--spec", spec], runs)
    yield ("the same stream, 4 stats (one read)", *four, f"{four[0] / single[0]:.2f}x 1 stat's time (~ 1x, memory flat)")


def case_jtl_small(binary, runs, folder, url):
    yield from jtl_case(binary, runs, folder, 10_000, "(start-up class)")


def case_jtl(binary, runs, folder, url):
    yield from jtl_case(binary, runs, folder, 1_000_000, "<= 1.0 s, <= 64 MiB")


def case_decoders(binary, runs, folder, url):
    bench = os.path.join(os.path.dirname(binary), "perfgate-decode-bench")
    if not os.path.exists(bench):
        print("decoders: skipped, perfgate-decode-bench is not built (Benchmarks/run.sh builds it)")
        return []
    sys.path.insert(0, os.path.dirname(BACKEND))
    import fake_backend
    answer = os.path.join(folder, "series-100k.json")
    with open(answer, "wb") as f:
        f.write(fake_backend.series_body(100_000))
    for which in ("decoder", "parser"):
        output = subprocess.run([bench, answer, str(max(runs, 5)), which], capture_output=True, text=True, check=True).stdout
        print("in-process, 100,000 series: " + output.strip())
    return []


def case_static(binary, runs, folder, url):
    spec = write_spec(folder, "static.json", [indicator(i, "static", [{"key": "k", "value": i}]) for i in range(1000)])
    yield ("1,000 static indicators", *measure([binary, "evaluate", "--spec", spec], runs), "<= 0.1 s")


def case_size(binary, runs, folder, url):
    stripped = os.path.join(folder, "perfgate-stripped")
    shutil.copy(binary, stripped)
    subprocess.run(["strip", stripped], check=True)
    print(f"{'static stripped binary':44} {os.path.getsize(stripped) / 1e6:8.2f} MB{'':21}   target <= 21 MB with serve (scripts/check-binary)")
    return []


def case_canary(binary, runs, folder, url):
    # The canary judge on raw samples: two one-label JTLs, lognormal elapsed times, the canary 3%
    # slower (allowedIncrease 1.1 passes it): 50,000 and 1,000,000 samples a side.
    for rows in (50_000, 1_000_000):
        paths = []
        for name, seed, scale in (("stable", 7, 1.0), ("canary", 8, 1.03)):
            path = os.path.join(folder, f"canary-{name}-{rows}.jtl")
            rng = random.Random(seed)
            # Written in chunks: a big string here would grow this process, and a child's peak RSS
            # (wait4) counts what it was forked from.
            with open(path, "w") as f:
                f.write("timeStamp,elapsed,label,responseCode,success\n")
                for chunk in range(0, rows, 10_000):
                    f.write("".join(f"{1714564800000 + i},{int(rng.lognormvariate(4.6, 0.5) * scale)},checkout,200,true\n"
                                    for i in range(chunk, min(rows, chunk + 10_000))))
            paths.append(os.path.basename(path))
        spec = os.path.join(folder, f"canary-{rows}.json")
        with open(spec, "w") as f:
            json.dump({"indicators": [{"id": "checkout", "source": "jmeter", "query": {"file": paths[1], "label": "checkout"},
                                       "baseline": {"file": paths[0], "label": "checkout"},
                                       "grading": {"type": "Canary", "metricScore": 1, "effectSize": {"allowedIncrease": 1.1}}}],
                       "objectives": {"pass": 1, "warning": 0}}, f)
        yield (f"canary judge, {rows:,} samples a side", *measure([binary, "evaluate", "--spec", spec], runs), "reported")


def case_html(binary, runs, folder, url):
    # The browser and the real Prometheus live in the HTML report's test; it prints one line.
    result = subprocess.run([os.path.join(ROOT, "scripts", "test-html"), "--bench", "--binary", binary], capture_output=True, text=True)
    print(result.stdout.strip() or result.stderr.strip()[-500:])
    return []


WRK_POST = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = io.open(os.getenv("PERFGATE_BENCH_BODY"), "r"):read("*a")
"""


def wrk(url, script=None, body=None, seconds=10, connections=64):
    """wrk -t2: requests/s, p50 and p99 latency in ms, the non-2xx count and the requests completed."""
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    env = dict(os.environ)
    if script:
        argv += ["-s", script]
        env["PERFGATE_BENCH_BODY"] = body
    output = subprocess.run(argv + [url], capture_output=True, text=True, env=env, check=True).stdout
    def millis(text):
        number = float(text.rstrip("usm"))
        return number / 1000 if text.endswith("us") else number * 1000 if text.endswith("s") and not text.endswith("ms") else number
    rate = float(next(line.split()[1] for line in output.splitlines() if line.startswith("Requests/sec")))
    latency = {line.split()[0]: millis(line.split()[1]) for line in output.splitlines() if line.strip().startswith(("50%", "99%"))}
    errors = sum(int(line.split()[-1]) for line in output.splitlines() if "Non-2xx or 3xx responses" in line)
    requests = int(next(line.split()[0] for line in output.splitlines() if " requests in " in line))
    return rate, latency["50%"], latency["99%"], errors, requests


def start_slow_backend(delay_ms, series=1):
    """Benchmarks/slow_backend.py: a keep-alive asyncio Prometheus answering after `delay_ms`."""
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "Benchmarks", "slow_backend.py"), str(delay_ms), str(series)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{int(server.stdout.readline())}"


@contextlib.contextmanager
def slow_backend(delay_ms, series=1):
    """`start_slow_backend` for a `with` block: its URL, and the server stopped after."""
    server, url = start_slow_backend(delay_ms, series)
    try:
        yield url
    finally:
        server.stdin.close()
        server.wait(timeout=5)


class Service:
    """perfgate serve in the background, its port read from its access log's first line."""

    def __init__(self, binary, folder, backend, *flags):
        self.log = open(os.path.join(folder, "serve.log"), "w+")
        self.process = subprocess.Popen([binary, "serve", "--port", "0", "--data-dir", folder, "--prometheus-url", backend, *flags],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        port = None
        for _ in range(200):
            self.log.seek(0)
            for line in self.log:
                if '"event":"listening"' in line:
                    port = json.loads(line)["port"]
            if port:
                break
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{port}"

    def cpu(self):
        """User plus system CPU seconds the server has used."""
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory(self):
        """RSS and peak RSS, MiB."""
        with open(f"/proc/{self.process.pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=40)
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


def pitometer_bodies(folder):
    """The wrk script and the request bodies: 5 static indicators, 5 Prometheus ones."""
    script = os.path.join(folder, "post.lua")
    with open(script, "w") as f:
        f.write(WRK_POST)
    def body(name, indicators):
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            json.dump({"timeStart": 1714564800, "timeEnd": 1714565400, "perfSpec": {
                "spec_version": "1.0", "objectives": {"pass": 5, "warning": 3}, "indicators": indicators}}, f)
        return path
    static = body("static-5.json", [indicator(i, "static", [{"key": f"svc-{i}", "value": 100 + i}]) for i in range(5)])
    prometheus = body("prometheus-5.json", [indicator(i, "prometheus", f"histogram_quantile(0.95, rate(x_{i}[5m]))") for i in range(5)])
    return script, static, prometheus


def serve_row(service, label, path, script=None, body=None, connections=64, seconds=10):
    before = service.cpu()
    rate, p50, p99, errors, requests = wrk(service.base + path, script, body, seconds, connections)
    cpu = (service.cpu() - before) / max(1, requests) * 1000
    rss, peak = service.memory()
    note = f", {errors} non-2xx" if errors else ""
    print(f"{'serve: ' + label:58} {rate:7.0f}/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  CPU {cpu:5.3f} ms/req  "
          f"RSS {rss:5.1f} MiB (peak {peak:5.1f}){note}", flush=True)


def case_serve(binary, runs, folder, url):
    """perfgate serve under wrk (2 threads): the server's own CPU per request (from /proc, over
    the requests wrk completed), against an instant and a 50 ms keep-alive backend."""
    script, static, prometheus = pitometer_bodies(folder)
    for delay in [0, 50]:
        with slow_backend(delay) as backend_url:
            settings = [("defaults", [])] if delay else [("--max-evaluations 64", ["--max-evaluations", "64"]), ("defaults", [])]
            # With the delay, also the cap perfgate had before --backend-connections: 64 connections per host.
            if delay:
                settings.append(("64 backend conns", ["--backend-connections", "64"]))
            for name, flags in settings:
                with Service(binary, folder, backend_url, *flags) as service:
                    if delay == 0 and name == "defaults":
                        serve_row(service, "GET /health", "/health")
                        serve_row(service, "POST /api/pitometer, 5 static", "/api/pitometer", script, static)
                    for clients in ([64] if delay == 0 else [256] if flags else [64, 256]):
                        serve_row(service, f"5 Prometheus, {delay} ms backend, {clients} clients, {name}", "/api/pitometer", script, prometheus,
                                  clients)
    return []


def case_serve_memory(binary, runs, folder, url):
    """Memory per evaluation in flight: a 2 s backend holds N evaluations open at once; the
    server's RSS with them, less its RSS idle, over N (what --max-evaluations' default is chosen from)."""
    script, _, prometheus = pitometer_bodies(folder)
    for series, flights in [(1, [64, 256, 1024]), (4000, [16, 64])]:
        serve_memory(binary, folder, script, prometheus, series, flights)
    return []


def serve_memory(binary, folder, script, prometheus, series, flights):
    """`flights` evaluations held open by a 2 s backend whose answers have `series` series each."""
    with slow_backend(2000, series) as backend_url:
        for flight in flights:
            limits = ["--max-evaluations", "4096", "--max-connections", "4096", "--backend-connections", "4096"]
            with Service(binary, folder, backend_url, *limits) as service:
                # One evaluation first, so the idle figure includes what every evaluation shares.
                subprocess.run(["curl", "-s", "-o", "/dev/null", "-d", "@" + prometheus, service.base + "/api/pitometer"], check=True)
                idle, _ = service.memory()
                load = subprocess.Popen(["wrk", "-t2", f"-c{flight}", "-d6s", "--timeout", "10s", "-s", script, service.base + "/api/pitometer"],
                                        stdout=subprocess.DEVNULL, env=dict(os.environ, PERFGATE_BENCH_BODY=prometheus))
                samples = []
                for _ in range(8):
                    time.sleep(0.5)
                    samples.append(service.memory()[0])
                load.wait()
                busy = max(samples[2:])
                print(f"{'serve: ' + str(flight) + ' evaluations in flight, ' + str(5 * series) + ' values each':58} RSS idle {idle:6.1f} MiB, busy {busy:6.1f} MiB: "
                      f"{(busy - idle) * 1024 / flight:7.1f} KiB per evaluation in flight", flush=True)


def case_soak(binary, runs, folder, url):
    """Ten minutes at the target load (256 clients, 5 Prometheus indicators, 50 ms backend, the
    defaults) as one wrk run: the server's RSS and CPU every 30 s, then wrk's totals."""
    script, _, prometheus = pitometer_bodies(folder)
    with slow_backend(50) as backend_url, Service(binary, folder, backend_url) as service:
        load = subprocess.Popen(["wrk", "-t2", "-c256", "-d600s", "--latency", "--timeout", "10s", "-s", script, service.base + "/api/pitometer"],
                                stdout=subprocess.PIPE, text=True, env=dict(os.environ, PERFGATE_BENCH_BODY=prometheus))
        start, cpu = time.monotonic(), service.cpu()
        while load.poll() is None:
            time.sleep(30)
            if load.poll() is not None:
                break
            rss, peak = service.memory()
            now = service.cpu()
            print(f"soak {time.monotonic() - start:5.0f} s: RSS {rss:6.1f} MiB (peak {peak:6.1f}), server CPU {(now - cpu) / 30 * 100:4.0f}% of a core",
                  flush=True)
            cpu = now
        output = load.stdout.read()
        lines = [line for line in output.splitlines() if "requests in" in line or "Requests/sec" in line or line.strip().startswith(("50%", "99%"))
                 or "Non-2xx" in line]
        print("soak totals: " + "; ".join(line.strip() for line in lines), flush=True)
    return []


def case_scale(binary, runs, folder, url):
    """Time and peak memory against input size; a point whose time per item grows by more than
    half over the previous point's is flagged as a bend (linear or better is the target)."""
    def curve(name, sizes, run):
        previous = None
        for size in sizes:
            median, fastest, rss = run(size)
            per = median / size
            bend = previous is not None and per > previous * 1.5
            previous = per
            yield (f"scale: {name} {size:,}", median, fastest, rss, f"{per * 1e6:.2f} us/item" + ("  BENDS" if bend else ""))

    def jtl(rows):
        path = os.path.join(folder, f"scale-{rows}.jtl")
        if not os.path.exists(path):
            write_jtl(path, rows)
        spec = write_spec(folder, f"scale-jtl-{rows}.json", [
            indicator(i, "jmeter", {"file": os.path.basename(path), "stat": stat}) for i, stat in enumerate(["p95", "p99", "errorRate"])])
        result = measure([binary, "evaluate", "--spec", spec], max(1, runs // 3) if rows >= 1_000_000 else runs)
        if rows >= 10_000_000:
            os.remove(path)
        return result

    def series(count):
        spec = write_spec(folder, "scale-series.json", [indicator(0, "prometheus", "up")])
        return measure([binary, "evaluate", "--spec", spec, "--prometheus-url", url + f"/t/compact-series/{count}"], runs)

    def indicators(count):
        spec = write_spec(folder, f"scale-static-{count}.json", [indicator(i, "static", i) for i in range(count)])
        return measure([binary, "evaluate", "--spec", spec], runs)

    yield from curve("JTL rows", [10_000, 100_000, 1_000_000, 10_000_000], jtl)
    yield from curve("Prometheus series", [1_000, 10_000, 100_000, 1_000_000], series)
    yield from curve("static indicators", [10, 100, 1_000, 10_000], indicators)


CASES = {"serve-memory": case_serve_memory, "soak": case_soak, "breaching": case_breaching, "scale": case_scale, "connections": case_connections, "serve": case_serve, "startup": case_startup, "series-100k": case_series, "series-10k": case_series_10k, "http-50x200ms": case_http, "jtl-10k": case_jtl_small,
         "jtl-1m": case_jtl, "static-1000": case_static, "size": case_size, "decoders": case_decoders, "memory": case_memory, "xml-1m": case_xml,
         "k6-1m": case_k6, "html": case_html, "canary": case_canary}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "perfgate"))
    # The soak takes ten minutes: only when named.
    parser.add_argument("cases", nargs="*", default=[name for name in CASES if name != "soak"])
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} is missing: swift build -c release --static-swift-stdlib --product perfgate")
    server, url = start_backend()
    try:
        with tempfile.TemporaryDirectory() as folder:
            print(f"{'case':44} {'median':>9} {'fastest':>9} {'peak RSS':>10}   target ({args.runs} runs after a warm-up)")
            for name in args.cases:
                for label, median, fastest, rss, target in CASES[name](args.binary, args.runs, folder, url):
                    print(f"{label:44} {median:8.3f}s {fastest:8.3f}s {rss:7.1f} MiB   {target}", flush=True)
    finally:
        server.stdin.close()
        server.wait(timeout=5)


if __name__ == "__main__":
    main()
