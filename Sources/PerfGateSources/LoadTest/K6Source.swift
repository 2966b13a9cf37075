import PerfGateCore

/// k6's end-of-test summary: the `--summary-export` file or a `handleSummary` JSON dump.
///
/// ```
/// "query": {"file": "summary.json", "metric": "http_req_duration", "stat": "p(95)"}
/// ```
/// `metric` is named as k6 names it, sub-metrics included (`http_req_duration{name:checkout}`);
/// `stat` is one of k6's (`avg`, `min`, `med`, `max`, `p(90)`, `p(95)`, `rate`, `count`, `value`,
/// `passes`, `fails`); `p95` and `median` are accepted too. The summary is already aggregated, so
/// the window does not filter it.
public struct K6Source: MetricSource {
    public let name = "k6"
    public init() {}

    static let example = #"{"file": "summary.json", "metric": "http_req_duration", "stat": "p(95)"}"#

    public func validate(_ query: Node, at path: SpecPath, context: ValidationContext) -> [Diagnostic] {
        ResultFile.validate(query, at: path, known: ["metric", "stat"], required: ["metric", "stat"], example: Self.example).1
    }

    public func fetch(_ query: Node, context: SourceContext) async throws -> [Measurement] {
        guard let metric = query["metric"]?.stringValue, let stat = query["stat"]?.stringValue else {
            throw SourceError("the query needs 'metric' and 'stat'")
        }
        let path = try ResultFile.path(for: query, source: name, context: context)
        let document = try ResultFile.loadDocument(path)
        do {
            return try Self.measurements(document: document, name: path, metric: metric, stat: stat)
        } catch {
            throw SourceError.invalidInput(error.message)  // the file is there, but not what the query needs
        }
    }

    /// The stat of a metric in a parsed summary; `name` names the file in messages.
    static func measurements(document: Node, name path: String, metric: String, stat: String) throws(SourceError) -> [Measurement] {
        guard let metrics = document["metrics"], let names = metrics.members?.map(\.key) else {
            throw SourceError("\(path) has no 'metrics' object: expected a k6 summary (--summary-export or handleSummary JSON)")
        }
        guard let entry = metrics[metric] else {
            throw SourceError("\(path) has no metric '\(metric)'\(Suggestion.hint(for: metric, in: names)); metrics: \(Excerpt.list(names))")
        }
        // handleSummary nests the numbers under "values"; --summary-export does not.
        let values = entry["values"] ?? entry
        let available = values.members?.filter { $0.value.numberValue != nil }.map(\.key) ?? []
        guard let key = Self.statKey(stat, available: available) else {
            throw SourceError("metric '\(metric)' in \(path) has no stat '\(stat)'; it has: \(Excerpt.list(available))")
        }
        return [Measurement(key: metric, value: values[key]?.numberValue)]
    }

    /// k6's own key for a stat, accepting the JMeter-style spellings too.
    static func statKey(_ stat: String, available: [String]) -> String? {
        if available.contains(stat) { return stat }
        var candidate = stat.lowercased()
        switch candidate {
        case "median": candidate = "med"
        case "mean", "average": candidate = "avg"
        default:
            if candidate.hasPrefix("p"), !candidate.hasPrefix("p("), !candidate.hasPrefix("pa"), Double(candidate.dropFirst()) != nil {
                candidate = "p(\(candidate.dropFirst()))"
            }
        }
        return available.first { $0.lowercased() == candidate }
    }
}
