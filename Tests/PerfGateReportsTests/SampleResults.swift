import PerfGateCore

/// Results to render: every verdict, and untrusted text that tries to escape its context.
enum SampleResults {
    static let hostileKey = "eu|west <b>&\"'\n::error::boom ##vso[task.complete result=Succeeded]\u{1B}[31m]]>\u{01}"

    static let mixed = EvaluationResult(
        verdict: .error, totalScore: 77.5, objectives: Objectives(pass: 90, warning: 75),
        indicatorResults: [
            IndicatorResult(
                id: "checkout_p95_ms", source: "jmeter", score: 30, metricScore: 30, violations: [],
                measurements: [Measurement(key: "checkout", value: 581)], thresholds: Thresholds(upperSevere: 1200, upperWarning: 800),
                warnings: ["The result was limited to 1 series."]),
            IndicatorResult(
                id: "p99 `per` page", source: "jmeter", score: 10, metricScore: 20,
                violations: [Violation(breach: .upperWarning, key: hostileKey, value: 950.25, threshold: 900, metadata: .object([("owner", .string("web"))]))],
                measurements: [Measurement(key: "home", value: 95), Measurement(key: hostileKey, value: 950.25)],
                thresholds: Thresholds(upperSevere: 1500, upperWarning: 900)),
            IndicatorResult(
                id: "error_rate", source: "k6", score: 0, metricScore: 20,
                violations: [Violation(breach: .upperSevere, key: "http_req_failed", value: 0.0612, threshold: 0.05),
                             Violation(breach: .missingValue, key: "other")],
                measurements: [Measurement(key: "http_req_failed", value: 0.0612), Measurement(key: "other", value: nil)],
                thresholds: Thresholds(upperSevere: 0.05, upperWarning: 0.02, lowerSevere: 0)),
            IndicatorResult(
                id: "empty", source: "static", score: 0, metricScore: 10, violations: [Violation(breach: .noValues)],
                measurements: [], thresholds: Thresholds(lowerWarning: 8)),
            IndicatorResult(
                id: "cpu", source: "prometheus", score: 0, metricScore: 20, violations: [], measurements: [],
                thresholds: Thresholds(upperSevere: 0.9), error: "Prometheus said: bad_data <parse error>\n##vso[task.logissue]"),
        ],
        window: Window(start: 1_714_564_800, end: 1_714_565_400.5), specPath: "Examples/perfspec.json", evaluatedAt: 1_714_565_460)

    static let passing = EvaluationResult(
        verdict: .pass, totalScore: 10, objectives: Objectives(pass: 10, warning: 5),
        indicatorResults: [
            IndicatorResult(id: "a", source: "static", score: 10, metricScore: 10, violations: [],
                            measurements: [Measurement(key: "value", value: 1)], thresholds: Thresholds(upperSevere: 2)),
        ],
        window: nil, specPath: nil, evaluatedAt: 1_714_565_460)
}
