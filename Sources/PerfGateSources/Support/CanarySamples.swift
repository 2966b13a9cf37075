import PerfGateCore

// The canary judge's samples, per source: a time series' points, a load test's requests, literal values.

extension PrometheusSource: SampleSource {
    /// The range query's points at the step (`POST /api/v1/query_range`): one series per role.
    package func samples(_ query: Query, context: SourceContext, step: Double) async throws -> [Double?] {
        try await seriesSamples(query, context: context, step: step)
    }
}

extension DynatraceSource: SampleSource {
    /// The points at the step's resolution (whole minutes; Timeseries v1 in SERIES mode).
    package func samples(_ query: Query, context: SourceContext, step: Double) async throws -> [Double?] {
        try await seriesSamples(query, context: context, step: step)
    }
}

extension StaticSource: SampleSource {
    /// The values written in the query, in order (a null one is missing).
    package func samples(_ query: Query, context: SourceContext, step: Double) async throws -> [Double?] {
        try measurements(query).map(\.value)
    }
}

extension JMeterSource: SampleSource {
    static let samplesExample = #"{"file": "results.jtl", "label": "checkout"}"#

    package func parseSamples(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<Query> {
        let read = ResultFile.fields(query, at: path, known: ["label"], required: [], example: Self.samplesExample)
        guard let fields = read.query, !read.diagnostics.hasErrors else { return .failed(read.diagnostics) }
        return ParsedQuery(Query(file: fields.file, label: fields["label"]), diagnostics: read.diagnostics)
    }

    /// Every sample's elapsed time (ms) of the label inside the window.
    package func samples(_ query: Query, context: SourceContext, step: Double) async throws -> [Double?] {
        let path = try ResultFile.path(for: query.file, source: name, context: context)
        let label = query.label
        let summary = try JTLSummary.read(path: path, files: context.files, window: context.window, onlyLabel: label)
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

    package func parseSamples(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<Query> {
        read(query, at: path, known: ["metric"], example: Self.samplesExample)
    }

    /// Every point's value of the metric (with its tags) inside the window, from a `--out json` stream.
    package func samples(_ query: Query, context: SourceContext, step: Double) async throws -> [Double?] {
        let (metricText, metric) = (query.metricText, query.metric)
        let path = try ResultFile.path(for: query.file, source: name, context: context)
        guard try K6FileKind.detect(path, files: context.files) == .stream else {
            throw SourceError(
                "\(path) is a k6 summary, which holds no samples; a Canary indicator reads the point stream: k6 run --out json=points.json")
        }
        var stream = K6PointStream(path: path, metric: metric, window: context.window.map { ($0.start, $0.end) }, needsSpan: false)
        stream.keepLimit = 0
        var values: [Double?] = []
        var tooMany = false
        let scan = try ResultFile.stream(path, files: context.files) { (file) throws(SourceError) in
            try stream.scan(file: file) { value in
                if values.count < CanaryJudge.maxSamples { values.append(value) } else { tooMany = true }
            }
        }
        try K6StreamStatistic(path: path, files: context.files, metric: metric, stat: .count, window: stream.window).explainEmpty(scan)
        if tooMany {
            throw SourceError(
                "\(path) has more than \(CanaryJudge.maxSamples) points of '\(metricText)'; the canary judge takes at most that many a side: narrow the window or the tags"
            )
        }
        return values
    }
}
