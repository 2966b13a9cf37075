import PerfGateCore

// The canary judge's samples, per source: a time series' points, a load test's requests, literal values.

extension PrometheusSource: SampleSource {
    /// The range query's points at the step (`POST /api/v1/query_range`): one series per role.
    package func samples(_ query: Node, context: SourceContext, step: Double) async throws -> [Double?] {
        try await seriesSamples(query, context: context, step: step)
    }
}

extension DynatraceSource: SampleSource {
    /// The points at the step's resolution (whole minutes; Timeseries v1 in SERIES mode).
    package func samples(_ query: Node, context: SourceContext, step: Double) async throws -> [Double?] {
        try await seriesSamples(query, context: context, step: step)
    }
}

extension StaticSource: SampleSource {
    /// The values written in the query, in order (a null one is missing).
    package func samples(_ query: Node, context: SourceContext, step: Double) async throws -> [Double?] {
        try await measurements(query, context: context).map(\.value)
    }
}

extension JMeterSource: SampleSource {
    static let samplesExample = #"{"file": "results.jtl", "label": "checkout"}"#

    package func validateSamples(_ query: Node, at path: SpecPath, context: ValidationContext) -> [Diagnostic] {
        let (_, diagnostics) = ResultFile.validate(query, at: path, known: ["label"], required: [], example: Self.samplesExample)
        return diagnostics
    }

    /// Every sample's elapsed time (ms) of the label inside the window.
    package func samples(_ query: Node, context: SourceContext, step: Double) async throws -> [Double?] {
        let path = try ResultFile.path(for: query, source: name, context: context)
        let label = query["label"]?.stringValue
        let summary = try JTLSummary.read(path: path, window: context.window, onlyLabel: label)
        try summary.explainEmpty(path: path, label: label, window: context.window)
        guard label != nil || summary.labelOrder.count <= 1 else {
            throw SourceError(
                "\(path) has \(summary.labelOrder.count) labels (\(Excerpt.list(summary.labelOrder.map { JSONWriter.quoted($0) }, limit: 5))); a Canary indicator compares one: give 'label'"
            )
        }
        guard let histogram = (label ?? summary.labelOrder.first).flatMap({ summary.byLabel[$0] }) else { return [] }
        guard histogram.count <= CanaryJudge.maxSamples else {
            throw SourceError(
                "\(path) has \(histogram.count) samples of the label; the canary judge takes at most \(CanaryJudge.maxSamples) a side: narrow the window"
            )
        }
        var values: [Double?] = []
        values.reserveCapacity(histogram.count)
        histogram.forEachValue { value, count in
            values.append(contentsOf: repeatElement(Double?(Double(value)), count: count))
            return true
        }
        return values
    }
}

extension K6Source: SampleSource {
    static let samplesExample = #"{"file": "points.json", "metric": "http_req_duration", "tags": {"name": "checkout"}}"#

    package func validateSamples(_ query: Node, at path: SpecPath, context: ValidationContext) -> [Diagnostic] {
        var tagsFree = query
        if case .object(let members) = query.value { tagsFree.value = .object(members.filter { $0.key != "tags" }) }
        let (_, diagnostics) = ResultFile.validate(tagsFree, at: path, known: ["metric"], required: ["metric"], example: Self.samplesExample)
        return diagnostics
    }

    /// Every point's value of the metric (with its tags) inside the window, from a `--out json` stream.
    package func samples(_ query: Node, context: SourceContext, step: Double) async throws -> [Double?] {
        guard let metricText = query["metric"]?.stringValue else { throw SourceError("the query needs 'metric'") }
        let metric = K6MetricName(metricText).adding(Self.tags(query["tags"]))
        let path = try ResultFile.path(for: query, source: name, context: context)
        guard try K6FileKind.detect(path) == .stream else {
            throw SourceError(
                "\(path) is a k6 summary, which holds no samples; a Canary indicator reads the point stream: k6 run --out json=points.json")
        }
        var stream = K6PointStream(path: path, metric: metric, window: context.window.map { ($0.start, $0.end) }, needsSpan: false)
        stream.keepLimit = 0
        var values: [Double?] = []
        var tooMany = false
        let scan = try ResultFile.stream(path) { (file) throws(SourceError) in
            try stream.scan(file: file) { value in
                if values.count < CanaryJudge.maxSamples { values.append(value) } else { tooMany = true }
            }
        }
        try K6StreamStatistic(path: path, metric: metric, stat: .count, window: stream.window).explainEmpty(scan)
        if tooMany {
            throw SourceError(
                "\(path) has more than \(CanaryJudge.maxSamples) points of '\(metricText)'; the canary judge takes at most that many a side: narrow the window or the tags"
            )
        }
        return values
    }
}
