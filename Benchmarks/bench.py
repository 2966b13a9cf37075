#!/usr/bin/env python3
"""perfgate benchmarks: each case runs the release binary several times after a warm-up and prints
its median wall time and peak RSS (from wait4's rusage of that one run).

Usage: Benchmarks/bench.py [--runs N] [--binary PATH] [CASE ...]
Cases: http-50x200ms (50 Prometheus indicators, each answered after 200 ms by a loopback server).
Inputs are generated deterministically into a temporary folder; nothing leaves the machine.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BACKEND = os.path.join(ROOT, "Tests", "PerfGateTestSupport", "Servers", "fake_backend.py")


def measure(argv, runs, env=None, expect=(0,)):
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


def start_backend():
    server = subprocess.Popen([sys.executable, BACKEND], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    port = int(server.stdout.readline())
    return server, f"http://127.0.0.1:{port}"


def case_http(binary, runs, folder, backend_url):
    spec = {"spec_version": "1.0", "objectives": {"pass": 50, "warning": 0}, "indicators": [
        {"id": f"latency_{i}", "source": "prometheus", "query": f"histogram_quantile(0.95, rate(x_{i}[5m]))",
         "grading": {"type": "Threshold", "thresholds": {"upperSevere": 1}, "metricScore": 1}} for i in range(50)]}
    path = os.path.join(folder, "http-50.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    url = backend_url + "/t/delay/200"
    lines = []
    for concurrency in (50, 8):
        argv = [binary, "evaluate", "--spec", path, "--prometheus-url", url, "--concurrency", str(concurrency)]
        median, fastest, rss = measure(argv, runs)
        lines.append((f"http-50x200ms --concurrency {concurrency}", median, fastest, rss))
    return lines


CASES = {"http-50x200ms": case_http}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "perfgate"))
    parser.add_argument("cases", nargs="*", default=list(CASES))
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} is missing: swift build -c release --static-swift-stdlib --product perfgate")
    server, url = start_backend()
    try:
        with tempfile.TemporaryDirectory() as folder:
            print(f"{'case':44} {'median':>9} {'fastest':>9} {'peak RSS':>10}   ({args.runs} runs after a warm-up)")
            for name in args.cases:
                for label, median, fastest, rss in CASES[name](args.binary, args.runs, folder, url):
                    print(f"{label:44} {median:8.3f}s {fastest:8.3f}s {rss:7.1f} MiB")
    finally:
        server.stdin.close()
        server.wait(timeout=5)


if __name__ == "__main__":
    main()
