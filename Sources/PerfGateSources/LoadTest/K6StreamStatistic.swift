import PerfGateCore

/// A stat of one metric over a k6 point stream, computed the way k6's end-of-test summary
/// computes it from the same points:
/// - trend: `avg` (sum/count), `min`, `max`, `count`, `med` and `p(N)`, linear between the closest
///   ranks at position p/100 × (n−1), 0-based, exactly as k6's `TrendSink.P`;
/// - counter: `count` (the sum of the values) and `rate` (that sum per second of the window, or,
///   without one, of the stream's span from its first point to its last);
/// - rate: `rate` or `value` (the share of non-zero values), `passes`, `fails`;
/// - gauge: `value` (the last), `min`, `max`.
struct K6StreamStatistic {
    let path: String
    let files: any Files
    let metric: K6MetricName
    let stat: K6Stat
    let window: (start: Double, end: Double)?
    /// Trend values held in memory before selecting by re-reading (32 MiB of them).
    var keepLimit = 1 << 22

    /// What a stat needs of a scan; stats that need the same share one.
    struct Question: Hashable, Sendable {
        var metric: K6MetricName
        /// Values are kept only for an order statistic; every other stat is a running sum.
        var keepsValues: Bool
        var needsSpan: Bool
    }

    var question: Question {
        let keeps: Bool
        switch stat {
        case .med, .percentile: keeps = true
        default: keeps = false
        }
        return Question(metric: metric, keepsValues: keeps, needsSpan: stat == .rate && window == nil)
    }

    /// One pass over the stream for every question (`keepLimit` values kept for each that keeps them).
    static func scan(
        path: String, files: any Files, window: (start: Double, end: Double)?, questions: [Question], keepLimit: Int = 1 << 22
    ) throws(SourceError) -> [Question: K6PointStream.Scan] {
        var stream = K6PointStream(path: path, metrics: questions.map(\.metric), window: window, needsSpan: questions.map(\.needsSpan))
        stream.keepLimits = questions.map { $0.keepsValues ? keepLimit : 0 }
        let scans = try ResultFile.stream(path, files: files) { (file) throws(SourceError) in try stream.scanAll(file: file) }
        return Dictionary(zip(questions, scans), uniquingKeysWith: { first, _ in first })
    }

    /// The stat from a pass of its own.
    func measure() throws(SourceError) -> Measurement {
        let question = question
        let scan = try Self.scan(path: path, files: files, window: window, questions: [question], keepLimit: keepLimit)[question]!
        return try measure(scan)
    }

    /// The stat from a pass made for its question.
    func measure(_ scan: K6PointStream.Scan) throws(SourceError) -> Measurement {
        try explainEmpty(scan)
        guard let type = scan.declaredType ?? K6MetricType.builtIn(metric.base) else {
            throw SourceError.invalidInput(
                "\(path) has points of '\(metric.base)' but not its {\"type\":\"Metric\"} line, so its kind (trend, counter, rate, gauge) is unknown: the stream is cut at its start, or not k6's --out json"
            )
        }
        guard stat.applies(to: type) else {
            throw SourceError("'\(metric.base)' is a k6 \(type.rawValue) metric; its stats are \(type.stats.joined(separator: ", "))")
        }
        let count = Double(scan.count)
        let value: Double?
        switch stat {
        case .avg: value = scan.sum / count
        case .min: value = scan.minimum
        case .max: value = scan.maximum
        case .value: value = type == .rate ? Double(scan.nonZero) / count : scan.last
        case .count: value = type == .counter ? scan.sum : count
        case .passes: value = Double(scan.nonZero)
        case .fails: value = Double(scan.count - scan.nonZero)
        case .rate:
            if type == .rate {
                value = Double(scan.nonZero) / count
            } else {
                let seconds = window.map { $0.end - $0.start } ?? (scan.streamEnd - scan.streamStart)
                guard seconds > 0 else {
                    throw SourceError(
                        "\(path): the points of '\(metric.base)' span no time, so it has no rate per second; give a window (--window-file or --from/--to)"
                    )
                }
                value = scan.sum / seconds
            }
        case .med: value = try percentile(50, scan: scan)
        case .percentile(let percent): value = try percentile(percent, scan: scan)
        }
        return Measurement(key: metric.description, value: value)
    }

    /// k6's `TrendSink.P`: position p/100 × (n−1), linear between the two values around it.
    /// Past the values kept, the stream is read again to select the two exactly.
    func percentile(_ percent: Double, scan: K6PointStream.Scan) throws(SourceError) -> Double {
        guard scan.count > 1 else { return scan.minimum }
        let position = percent / 100 * (Double(scan.count) - 1)
        let lower = Int(position.rounded(.down)), upper = Int(position.rounded(.up))
        let pair: [Double]
        if var kept = scan.kept {
            kept.sort()
            pair = [kept[lower], kept[upper]]
        } else {
            var again = K6PointStream(path: path, metric: metric, window: window, needsSpan: false)
            again.keepLimit = 0
            pair = try ExactSelection(limit: keepLimit).values(atRanks: [lower, upper], count: scan.count) { (visit) throws(SourceError) in
                _ = try ResultFile.stream(path, files: files) { (file) throws(SourceError) in try again.scan(file: file, visit: visit) }
            }
        }
        return pair[0] + (pair[1] - pair[0]) * (position - position.rounded(.down))
    }

    /// An error instead of "no values" when the metric, or a point with the wanted tags, is not in
    /// the stream, or when all its points lie outside the window.
    func explainEmpty(_ scan: K6PointStream.Scan) throws(SourceError) {
        guard scan.count == 0 else { return }
        if scan.pointsOfMetric == 0 {
            if scan.declaredType != nil {
                throw SourceError("\(path) declares the metric '\(metric.base)' but has no point of it: the test never recorded one")
            }
            throw SourceError(
                "\(path) has no metric '\(metric.base)'\(Suggestion.hint(for: metric.base, in: scan.metricsSeen)); its metrics: \(Excerpt.list(scan.metricsSeen))"
            )
        }
        if scan.outsideWindow == 0, let first = metric.tags.first {
            let seen =
                scan.tagValuesSeen.isEmpty
                ? "none of its points has the tag '\(first.key)'"
                : "its points' '\(first.key)' tags: \(Excerpt.list(scan.tagValuesSeen.map { JSONWriter.quoted($0) }))"
            throw SourceError(
                "\(path) has \(scan.pointsOfMetric) points of '\(metric.base)', none tagged \(metric.tags.map { "\($0.key)=\(JSONWriter.quoted($0.value))" }.joined(separator: ", ")); \(seen)"
            )
        }
        if let window, scan.outsideWindow > 0 {
            throw SourceError(
                "no point of '\(metric.description)' in \(path) falls inside the window \(CivilDate.rfc3339(window.start)) to \(CivilDate.rfc3339(window.end)); its \(scan.outsideWindow) points run from \(CivilDate.rfc3339(scan.earliest)) to \(CivilDate.rfc3339(scan.latest)). Check the window, and the clocks of the load generator and this machine"
            )
        }
    }
}
