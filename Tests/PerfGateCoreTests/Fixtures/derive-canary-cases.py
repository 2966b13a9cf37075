#!/usr/bin/env python3
"""Derives canary-cases-full.json from ../shared/reference/canary-cases.py: the same 20 cases with
every number at full double precision (the shared JSONL keeps 6 decimals), and the exact samples
the interval was computed on (after NaN handling, outliers and, for C20, the seeded noise).

    pip install numpy scipy   # 2.4.6 and 1.17.1 were used, as for the shared cases
    python3 derive-canary-cases.py ../../../../shared/reference/canary-cases.py > canary-cases-full.json
"""
import importlib.util
import json
import math
import sys

spec = importlib.util.spec_from_file_location("cases", sys.argv[1])
cases = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cases)

seen = {}
original = cases.asymptotic_ci


def recording(x, y, conf=cases.CONF_LEVEL, correct=True):
    result = original(x, y, conf, correct)
    seen["x"], seen["y"], seen["result"] = [float(v) for v in x], [float(v) for v in y], result
    return result


cases.asymptotic_ci = recording


def number(value):
    return None if value is None or not math.isfinite(value) else float(value)


out = []
for case in cases.build_cases():
    seen.clear()
    result, _, _ = cases.kayenta_classify(case["baseline"], case["canary"], case["cfg"], case["noise_seed"])
    judged = result["kayenta"]
    record = {
        "id": case["id"], "baseline": case["baseline"], "canary": case["canary"], "noise_seed": case["noise_seed"], "config": result["config"], "classification": judged["classification"], "critical": bool(judged["critical"]),
        "baseline_n": result["preprocessed"]["baseline_n"], "canary_n": result["preprocessed"]["canary_n"],
        "baseline_fences": result["preprocessed"]["baseline_fences"], "canary_fences": result["preprocessed"]["canary_fences"],
    }
    if "result" in seen:
        lo, hi, k_est, r_est, _, _ = seen["result"]
        record.update({
            "judged_canary": seen["x"], "judged_baseline": seen["y"], "ci98": [lo, hi], "estimate": k_est, "estimate_r_style": r_est,
            "tolerance_band": number(judged["tolerance_band"][1]), "mean_ratio": number(judged["deviation_mean_ratio"]),
            "effect_size": number(judged["effect_size"]), "noise": bool(judged["gaussian_noise_added"]),
        })
    out.append(record)
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
