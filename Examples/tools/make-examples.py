#!/usr/bin/env python3
"""Writes the example load-test results under Examples/ (deterministic: same output every run).

JMeter: results.jtl, 10 minutes from 2024-05-01T12:00:00Z, four labels, a few failures.
Canary: canary/baseline.jtl, canary-slower.jtl (checkout 25% slower) and canary-like.jtl.
Locust: stats_stats.csv, computed from similar samples with Locust's own columns.
"""
import math
import os
import random

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START_MS = 1714564800000  # 2024-05-01T12:00:00Z
DURATION_MS = 600_000
# label: (median ms, spread, error share, share of traffic)
LABELS = {
    "home": (45, 0.35, 0.000, 0.40),
    "search": (120, 0.45, 0.002, 0.25),
    "product": (85, 0.40, 0.001, 0.20),
    "checkout": (240, 0.50, 0.010, 0.15),
}


def samples(rng, count):
    names = list(LABELS)
    weights = [LABELS[n][3] for n in names]
    for i in range(count):
        label = rng.choices(names, weights)[0]
        median, spread, error_share, _ = LABELS[label]
        elapsed = max(1, int(round(median * math.exp(rng.gauss(0, spread)))))
        ts = START_MS + int(i * DURATION_MS / count) + rng.randint(0, 50)
        ok = rng.random() >= error_share
        yield ts, elapsed, label, ok


def write_jtl(path, count=4000):
    rng = random.Random(42)
    header = ("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
              "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect")
    with open(path, "w", newline="") as f:
        f.write(header + "\n")
        for n, (ts, elapsed, label, ok) in enumerate(samples(rng, count)):
            code, message, failure = ("200", "OK", "") if ok else ("500", "Internal Server Error",
                                                                   '"Test failed: code expected to be 200, found 500"')
            thread = f"Shop users 1-{n % 20 + 1}"
            url = f"https://shop.example.test/{label}"
            latency = max(1, elapsed - rng.randint(0, 5))
            f.write(f"{ts},{elapsed},{label},{code},{message},{thread},text,{'true' if ok else 'false'},"
                    f"{failure},{rng.randint(900, 24000)},{rng.randint(120, 480)},20,20,{url},{latency},0,"
                    f"{rng.randint(0, 3)}\n")


def percentile(sorted_values, p):
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def write_locust(path, count=6000):
    rng = random.Random(7)
    by_name = {}
    for ts, elapsed, label, ok in samples(rng, count):
        by_name.setdefault("/" + label, []).append((elapsed, ok))
    columns = ["Type", "Name", "Request Count", "Failure Count", "Median Response Time",
               "Average Response Time", "Min Response Time", "Max Response Time", "Average Content Size",
               "Requests/s", "Failures/s", "50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%",
               "99.9%", "99.99%", "100%"]
    rows = []
    everything = []
    for name in sorted(by_name):
        rows.append(("GET", name, by_name[name]))
        everything += by_name[name]
    rows.append(("", "Aggregated", everything))
    seconds = DURATION_MS / 1000
    with open(path, "w", newline="") as f:
        f.write(",".join(columns) + "\n")
        for kind, name, data in rows:
            values = sorted(e for e, _ in data)
            failures = sum(1 for _, ok in data if not ok)
            pcts = [percentile(values, p) for p in (50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100)]
            cells = [kind, name, len(values), failures, percentile(values, 50),
                     f"{sum(values) / len(values):.6f}", values[0], values[-1], "1834.51",
                     f"{len(values) / seconds:.6f}", f"{failures / seconds:.6f}"] + pcts
            f.write(",".join(str(c) for c in cells) + "\n")


def write_canary_jtl(path, seed, slowdown, count=800):
    """A canary analysis's JMeter file: checkout and search, `slowdown` times the baseline's latency."""
    rng = random.Random(seed)
    header = ("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
              "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect")
    with open(path, "w", newline="") as f:
        f.write(header + "\n")
        for i in range(count):
            label = "checkout" if i % 2 else "search"
            median, spread = (240, 0.35) if label == "checkout" else (120, 0.35)
            factor = slowdown if label == "checkout" else 1.0
            elapsed = max(1, int(round(factor * median * math.exp(rng.gauss(0, spread)))))
            ts = START_MS + int(i * DURATION_MS / count)
            f.write(f"{ts},{elapsed},{label},200,OK,Shop users 1-{i % 20 + 1},text,true,,{rng.randint(900, 24000)},"
                    f"{rng.randint(120, 480)},20,20,https://shop.example.test/{label},{elapsed},0,0\n")


if __name__ == "__main__":
    write_canary_jtl(os.path.join(HERE, "canary", "baseline.jtl"), seed=7, slowdown=1.0)
    write_canary_jtl(os.path.join(HERE, "canary", "canary-slower.jtl"), seed=8, slowdown=1.25)
    write_canary_jtl(os.path.join(HERE, "canary", "canary-like.jtl"), seed=9, slowdown=1.0)
    write_jtl(os.path.join(HERE, "jmeter", "results.jtl"))
    write_locust(os.path.join(HERE, "locust", "stats_stats.csv"))
