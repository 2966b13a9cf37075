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
                violations: [
                    Violation(breach: .upperWarning, key: hostileKey, value: 950.25, threshold: 900, metadata: .object([("owner", .string("web"))]))
                ],
                measurements: [Measurement(key: "home", value: 95), Measurement(key: hostileKey, value: 950.25)],
                thresholds: Thresholds(upperSevere: 1500, upperWarning: 900)),
            IndicatorResult(
                id: "error_rate", source: "k6", score: 0, metricScore: 20,
                violations: [
                    Violation(breach: .upperSevere, key: "http_req_failed", value: 0.0612, threshold: 0.05),
                    Violation(breach: .missingValue, key: "other")
                ],
                measurements: [Measurement(key: "http_req_failed", value: 0.0612), Measurement(key: "other", value: nil)],
                thresholds: Thresholds(upperSevere: 0.05, upperWarning: 0.02, lowerSevere: 0)),
            IndicatorResult(
                id: "empty", source: "static", score: 0, metricScore: 10, violations: [Violation(breach: .noValues)],
                measurements: [], thresholds: Thresholds(lowerWarning: 8)),
            IndicatorResult(
                id: "cpu", source: "prometheus", score: 0, metricScore: 20, violations: [], measurements: [],
                thresholds: Thresholds(upperSevere: 0.9), error: "Prometheus said: bad_data <parse error>\n##vso[task.logissue]")
        ],
        window: Window(start: 1_714_564_800, end: 1_714_565_400.5), specPath: "Examples/perfspec.json", evaluatedAt: 1_714_565_460)

    static let passing = EvaluationResult(
        verdict: .pass, totalScore: 10, objectives: Objectives(pass: 10, warning: 5),
        indicatorResults: [
            IndicatorResult(
                id: "a", source: "static", score: 10, metricScore: 10, violations: [],
                measurements: [Measurement(key: "value", value: 1)], thresholds: Thresholds(upperSevere: 2))
        ],
        window: nil, specPath: nil, evaluatedAt: 1_714_565_460)

    /// The mixed result with five earlier runs in its trend (hostile keys among them), series
    /// for the first two indicators, and the summary's charts on.
    static var withPictures: EvaluationResult {
        var result = mixed
        var runs: [HistoryRecord] = []
        for run in 0..<5 {
            let warned = run == 3
            let checkout = HistoryRecord.Value(
                id: "checkout_p95_ms", key: "checkout", value: 500 + Double(run * 20), status: warned ? "warning" : "pass", success: true)
            let page = HistoryRecord.Value(id: "p99 `per` page", key: hostileKey, value: 800 + Double(run), status: "pass", success: true)
            let time: Double = 1_714_000_000 + Double(run * 86_400)
            runs.append(
                HistoryRecord(
                    time: time, window: nil, specKind: "perfspec", specPath: nil, specDigest: nil, context: [:],
                    result: warned ? .warning : .pass, score: warned ? 80 : 100, values: [checkout, page]))
        }
        result.trend = runs
        var points: [SeriesLine.Point] = []
        for index in 0..<121 {
            let value: Double? = index == 60 ? nil : 500 + Double(index % 10 * 10)
            points.append(SeriesLine.Point(time: 1_714_564_800 + Double(index * 5), value: value))
        }
        result.indicatorResults[0].series = [SeriesLine(key: "checkout", points: points)]
        result.indicatorResults[1].series = [SeriesLine(key: hostileKey, points: [SeriesLine.Point(time: 1_714_564_800, value: 1)])]
        result.indicatorResults[2].seriesNote = "no curve: " + hostileKey
        return result
    }

    /// How `withPictures` is presented: trend charts in the summary, and the platform's link.
    static let picturesPresentation = Presentation(
        summaryCharts: true, links: [Presentation.Link(title: "HTML report", url: "https://ci.example/a_b?c=1&d=2")])
}
