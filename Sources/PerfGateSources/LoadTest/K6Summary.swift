import PerfGateCore

/// k6's end-of-test summary: `--summary-export` writes the numbers right under each metric,
/// `handleSummary`'s JSON under its `values`.
package enum K6Summary {
    /// The stat of a metric (or sub-metric) in a parsed summary; `name` names the file in messages.
    /// A file that is not a summary is invalid input (exit 65); a metric or stat the summary does
    /// not have is an indicator error (exit 2), like a JMeter label: the spec names something the
    /// run did not record.
    package static func measurements(document: Node, name path: String, metric: K6MetricName, stat: String) throws(SourceError) -> [Measurement] {
        guard let metrics = document["metrics"], let names = metrics.members?.map(\.key) else {
            throw SourceError.invalidInput(
                "\(path) is JSON but not a k6 summary: it has no 'metrics' object. perfgate reads k6's --summary-export file, handleSummary's JSON, or the --out json point stream"
            )
        }
        // The key as written first, then any key that names the same sub-metric in another order.
        let key = metrics[metric.description] != nil ? metric.description : names.first { K6MetricName($0) == metric }
        guard let key, let entry = metrics[key] else {
            throw SourceError(
                "\(path) has no metric '\(metric.description)'\(Suggestion.hint(for: metric.description, in: names)); its metrics: \(Excerpt.list(names))\(subMetricHint(metric))"
            )
        }
        let values = entry["values"] ?? entry
        let available = values.members?.filter { $0.value.numberValue != nil }.map(\.key) ?? []
        guard let statKey = Self.statKey(stat, available: available) else {
            var hint = ""
            if case .percentile? = K6Stat(stat) {
                hint =
                    "; k6 exports the trend stats its summaryTrendStats option lists: add '\(stat)' there (e.g. --summary-trend-stats=\"avg,min,med,max,p(90),p(95),p(99)\"), or read the --out json stream"
            }
            throw SourceError("metric '\(key)' in \(path) has no stat '\(stat)'; it has: \(Excerpt.list(available))\(hint)")
        }
        return [Measurement(key: key, value: values[statKey]?.numberValue)]
    }

    /// A summary holds a sub-metric only when a threshold names it.
    static func subMetricHint(_ metric: K6MetricName) -> String {
        metric.tags.isEmpty
            ? ""
            : ". k6 summarizes a sub-metric only when the script sets a threshold on it; or read the --out json stream, which perfgate filters by tags"
    }

    /// k6's own key for a stat, accepting the JMeter-style spellings too.
    static func statKey(_ stat: String, available: [String]) -> String? {
        if available.contains(stat) { return stat }
        guard let wanted = K6Stat(stat) else { return nil }
        if let key = available.first(where: { K6Stat($0) == wanted }) { return key }
        // A rate metric's share is "value" in --summary-export and "rate" in handleSummary.
        guard available.contains("passes") else { return nil }
        switch wanted {
        case .rate: return available.first { $0 == "value" }
        case .value: return available.first { $0 == "rate" }
        default: return nil
        }
    }
}

/// What a k6 result file is, from its first bytes.
enum K6FileKind {
    case summary, stream

    /// A JSON file whose first line is a whole `{"type": "Metric"|"Point", …}` object is a stream;
    /// other JSON is a summary. Anything else is invalid input, with what it is and what to use.
    static func detect(_ path: String, files: any Files) throws(SourceError) -> K6FileKind {
        let head = try ResultFile.stream(path, files: files) { (file) throws(SourceError) in ResultFile.head(file) }
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        bytes = bytes.drop { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        let use =
            "perfgate reads k6's JSON: the summary (--summary-export=summary.json, or handleSummary) or the point stream (--out json=points.json)"
        guard let first = bytes.first else { throw SourceError.invalidInput("\(path) is empty: k6 did not write it; \(use)") }
        if first == UInt8(ascii: "{") {
            let line = Array(bytes.prefix { $0 != UInt8(ascii: "\n") })
            if let object = try? JSONParser.parse(line), let type = object["type"]?.stringValue, type == "Metric" || type == "Point" {
                return .stream
            }
            return .summary
        }
        if text.hasPrefix("metric_name,") {
            throw SourceError.invalidInput("\(path) is k6's CSV output (--out csv); \(use)")
        }
        if first == UInt8(ascii: "<") {
            let lower = text.lowercased()
            let what = lower.contains("<html") ? "an HTML report" : lower.contains("<testsuite") ? "a JUnit XML report" : "XML or HTML"
            throw SourceError.invalidInput("\(path) is \(what), not k6's results; \(use)")
        }
        if text.contains("http_req_duration") || text.contains("checks") || text.contains("execution:") {
            throw SourceError.invalidInput("\(path) looks like k6's text summary (its console output); \(use)")
        }
        throw SourceError.invalidInput(
            "\(path) is neither a k6 summary nor a k6 point stream (it starts with \(Excerpt.quoted(String(text.prefix(40))))); \(use)")
    }
}
