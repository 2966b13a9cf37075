#!/usr/bin/env python3
"""The results store's costs (issue 29), against the release binary.

Usage: Benchmarks/store.py [--binary PATH] [--requests N] [--runs N] [--keys N] [--postgres URL] [CASE ...]
Cases:
  overhead  what recording and comparing adds to an evaluation: POST /api/v1/evaluate (a static
            PerfSpec with a relative threshold, a new CI run id each time) to `serve --store none`
            and to `serve` with SQLite (and with --postgres URL, a database of its own on that
            server: scripts/postgres-server starts one), one client, keep-alive, in alternating
            rounds; the p50 and p90 of each and the difference
  million   1,000,000 stored runs across 1,000 keys (made with Python's sqlite3 in the schema
            `serve` creates; records of one indicator, reports left out): p50/p90 of GET
            /api/v1/runs?project&stage&service&limit=20 for random keys, and of an evaluation
            whose comparison reads one of those keys, against the same evaluation on `--store none`
  dashboard 500 stored runs of 30 indicators for one key: the p50 and p90 of GET
            /dashboard?…&limit=500 (the heatmap and 30 trend charts) and the page's size
Prints one line per figure. Nothing leaves the machine (loopback only).
"""
import argparse
import http.client
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = """spec_version: '1.0'
indicators:
  - id: p95
    source: static
    query: 420
    grading: {type: Threshold, metricScore: 100, thresholds: {upperSevere: 5000, upperSeverePerc: 10}}
objectives: {pass: 90, warning: 50}
comparison: {compare_with: several_results, include_result_with_score: pass, number_of_comparison_results: 3}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, binary, arguments, folder):
        self.port = free_port()
        self.process = subprocess.Popen(
            [binary, "serve", "--port", str(self.port)] + arguments, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.025)
        else:
            sys.exit("perfgate serve did not start: " + self.process.stderr.read().decode())
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def request(self, method, path, body=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        start = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - start
        if response.status != 200:
            sys.exit(f"{method} {path}: {response.status} {data[:500]!r}")
        return elapsed, data

    def stop(self):
        self.connection.close()
        self.process.terminate()
        self.process.wait(timeout=30)


def evaluation(run, service="checkout", project="shop"):
    return json.dumps({
        "spec": SPEC, "variables": {"SERVICE": service, "PROJECT": project, "STAGE": "perf"},
        "provenance": {"platform": "github-actions", "runId": str(run), "attempt": "1", "branch": "main"}})


def quantiles(samples):
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.9)] * 1000


def overhead(binary, requests, postgres):
    folder = tempfile.mkdtemp(prefix="perfgate-store-bench-")
    servers = {"none": Server(binary, ["--store", "none"], folder), "SQLite": Server(binary, ["--data-dir", folder], folder)}
    if postgres:
        name = f"perfgate_bench_{os.getpid()}"
        subprocess.run(["psql", postgres, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
        servers["PostgreSQL"] = Server(binary, ["--store", postgres.rsplit("/", 1)[0] + "/" + name], folder)
    times = {name: [] for name in servers}
    run = 0
    for _ in range(5):  # warm-up
        run += 1
        for server in servers.values():
            server.request("POST", "/api/v1/evaluate", evaluation(run))
    for _ in range(10):
        for name, server in servers.items():
            for _ in range(requests // 10):
                run += 1
                times[name].append(server.request("POST", "/api/v1/evaluate", evaluation(run))[0])
    for server in servers.values():
        server.stop()
    none50, none90 = quantiles(times["none"])
    print(f"overhead: --store none p50 {none50:.2f} ms p90 {none90:.2f} ms ({len(times['none'])} requests each)")
    for name, target in (("SQLite", 2), ("PostgreSQL", 5)):
        if name in times:
            p50, p90 = quantiles(times[name])
            print(f"overhead: {name} p50 {p50:.2f} ms p90 {p90:.2f} ms: recording and comparing add {p50 - none50:.2f} ms at p50 (target {target} ms)")


def million(binary, runs, keys, requests):
    folder = tempfile.mkdtemp(prefix="perfgate-store-bench-")
    # The schema as perfgate makes it.
    Server(binary, ["--data-dir", folder], folder).stop()
    path = os.path.join(folder, "perfgate.db")
    database = sqlite3.connect(path)
    database.execute("PRAGMA journal_mode = WAL")
    database.execute("PRAGMA synchronous = OFF")
    started = time.perf_counter()
    per_key = runs // keys
    base = 1_700_000_000.0

    def rows():
        for key in range(keys):
            for index in range(per_key):
                time_ = base + index * 600
                record = json.dumps({
                    "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time_)), "window": None,
                    "spec": {"kind": "perfspec", "path": "spec.yaml", "digest": "sha256:" + "a" * 64},
                    "context": {"project": "shop", "service": f"service-{key}", "stage": "perf"}, "result": "pass", "score": 100,
                    "indicators": [{"id": "p95", "key": "value", "value": 400 + index % 40, "status": "pass", "success": True}]},
                    separators=(",", ":"))
                yield ("shop", "perf", f"service-{key}", "main", time_, "pass", 100.0, "sha256:" + "a" * 64, record, None,
                       "github-actions", "acme/shop", f"{key}-{index}", "1", None, "c0ffee", None, f"bench-{key}-{index}", time_)

    database.executemany(
        "INSERT INTO runs (project, stage, service, branch, time, result, score, spec_digest, record, report, platform, pipeline, ci_run, "
        "attempt, target_branch, commit_sha, url, idempotency_key, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows())
    database.commit()
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    print(f"million: {per_key * keys:,} runs across {keys:,} keys written in {time.perf_counter() - started:.1f} s; "
          f"the file is {os.path.getsize(path) / 1e6:.0f} MB")
    stored = Server(binary, ["--data-dir", folder], folder)
    stateless = Server(binary, ["--store", "none"], folder)
    random.seed(1)
    lists = []
    for _ in range(requests):
        key = random.randrange(keys)
        lists.append(stored.request("GET", f"/api/v1/runs?project=shop&stage=perf&service=service-{key}&limit=20")[0])
    p50, p90 = quantiles(lists)
    print(f"million: GET /api/v1/runs for one key, limit=20: p50 {p50:.2f} ms p90 {p90:.2f} ms over {requests} requests (target 10 ms)")
    with_store, without = [], []
    for index in range(requests):
        key = random.randrange(keys)
        body = evaluation(f"new-{index}", service=f"service-{key}")
        with_store.append(stored.request("POST", "/api/v1/evaluate", body)[0])
        without.append(stateless.request("POST", "/api/v1/evaluate", body)[0])
    s50, s90 = quantiles(with_store)
    n50, n90 = quantiles(without)
    print(f"million: an evaluation comparing with 3 of a key's {per_key} runs and recording: p50 {s50:.2f} ms p90 {s90:.2f} ms; "
          f"without a store p50 {n50:.2f} ms p90 {n90:.2f} ms; the store adds {s50 - n50:.2f} ms at p50 (target 10 ms for the comparison)")
    stored.stop()
    stateless.stop()


def dashboard(binary, requests):
    folder = tempfile.mkdtemp(prefix="perfgate-store-bench-")
    server = Server(binary, ["--data-dir", folder], folder)
    random.seed(3)
    for run in range(500):
        indicators = "".join(
            f"  - id: indicator-{index}\n    source: static\n    query: {round(random.uniform(100, 900), 1)}\n"
            f"    grading: {{type: Threshold, metricScore: 10, thresholds: {{upperWarning: 600, upperSevere: 800}}}}\n" for index in range(30))
        body = json.dumps({"spec": "indicators:\n" + indicators + "objectives: {pass: 90, warning: 50}\n",
                           "variables": {"PROJECT": "shop", "SERVICE": "checkout"}, "provenance": {"runId": str(run), "branch": "main"}})
        server.request("POST", "/api/v1/evaluate", body)
    times, size = [], 0
    for _ in range(max(10, requests // 10)):
        elapsed, page = server.request("GET", "/dashboard?project=shop&service=checkout&limit=500")
        times.append(elapsed)
        size = len(page)
    server.stop()
    p50, p90 = quantiles(times)
    print(f"dashboard: 500 runs x 30 indicators: p50 {p50:.1f} ms p90 {p90:.1f} ms (target 200 ms), {size:,} bytes of HTML (target 1 MB)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "perfgate"))
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=1_000)
    parser.add_argument("--postgres", help="a PostgreSQL server's URL (a role that may create databases)")
    parser.add_argument("cases", nargs="*", default=["overhead", "million", "dashboard"])
    options = parser.parse_args()
    options.binary = os.path.abspath(options.binary)
    for case in options.cases:
        if case == "overhead":
            overhead(options.binary, options.requests, options.postgres)
        elif case == "million":
            million(options.binary, options.runs, options.keys, options.requests)
        elif case == "dashboard":
            dashboard(options.binary, options.requests)
        else:
            sys.exit(f"unknown case {case}: overhead, million, dashboard")


if __name__ == "__main__":
    main()
