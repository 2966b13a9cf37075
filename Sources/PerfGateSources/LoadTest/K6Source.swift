import PerfGateCore

/// k6 results: the end-of-test summary (`--summary-export` or a `handleSummary` JSON dump) or the
/// point stream (`--out json`), told apart by content.
///
/// ```
/// "query": {"file": "summary.json", "metric": "http_req_duration", "stat": "p(95)"}
/// "query": {"file": "points.json", "metric": "http_req_duration", "stat": "p(95)",
///           "tags": {"name": "checkout", "expected_response": "true"}}
/// ```
/// `metric` is named as k6 names it, sub-metrics included (`http_req_duration{name:checkout}`);
/// `tags` adds to the sub-metric's tags. `stat` is one of k6's (`avg`, `min`, `med`, `max`,
/// `p(90)`, `p(95)`, `rate`, `count`, `value`, `passes`, `fails`); `p95` and `median` are accepted
/// too. A summary is already aggregated, so the window cannot filter it; a stream's points are.
package struct K6Source: ResultFileSource {
    package let name = "k6"
    package init() {}

    static let example = #"{"file": "summary.json", "metric": "http_req_duration", "stat": "p(95)"}"#

    package func validate(_ query: Node, at path: SpecPath, context: ValidationContext) -> [Diagnostic] {
        var tagsFree = query
        if case .object(let members) = query.value {
            tagsFree.value = .object(members.filter { $0.key != "tags" })
        }
        var (reader, diagnostics) = ResultFile.validate(
            tagsFree, at: path, known: ["metric", "stat"], required: ["metric", "stat"], example: Self.example)
        if let stat = reader?["stat"]?.stringValue, K6Stat(stat) == nil {
            diagnostics.append(
                .error(
                    path.appending("stat"), reader?["stat"]?.location,
                    "unknown k6 stat '\(stat)'; use one of avg, min, med, max, p(N) such as p(95), count, rate, value, passes, fails"))
        }
        if let tags = query["tags"] {
            switch tags.value {
            case .object(let members):
                for member in members where member.value.members != nil || member.value.items != nil {
                    diagnostics.append(
                        .error(
                            path.appending("tags").appending(member.key), member.value.location,
                            "a tag's value must be a string, such as \"true\" or \"checkout\", found \(member.value.typeName)"))
                }
            default:
                diagnostics.append(
                    .error(
                        path.appending("tags"), tags.location,
                        "'tags' must be an object such as {\"name\": \"checkout\", \"expected_response\": \"true\"}, found \(tags.typeName)"))
            }
        }
        return diagnostics
    }

    func measurements(_ query: Node, context: SourceContext) async throws -> [Measurement] {
        guard let metricText = query["metric"]?.stringValue, let statText = query["stat"]?.stringValue else {
            throw SourceError("the query needs 'metric' and 'stat'")
        }
        let metric = K6MetricName(metricText).adding(Self.tags(query["tags"]))
        let path = try ResultFile.path(for: query, source: name, context: context)
        switch try K6FileKind.detect(path) {
        case .summary:
            let document = try ResultFile.loadDocument(path)
            return try K6Summary.measurements(document: document, name: path, metric: metric, stat: statText)
        case .stream:
            guard let stat = K6Stat(statText) else { throw SourceError.invalidInput("unknown k6 stat '\(statText)'") }
            let window = context.window.map { (start: $0.start, end: $0.end) }
            return [try K6StreamStatistic(path: path, metric: metric, stat: stat, window: window).measure()]
        }
    }

    /// The query's `tags`, values as written (`true` and `"true"` alike).
    static func tags(_ node: Node?) -> [K6Tag] {
        (node?.members ?? []).compactMap { member in
            switch member.value.value {
            case .string(let text): return K6Tag(key: member.key, value: text)
            case .bool(let flag): return K6Tag(key: member.key, value: flag ? "true" : "false")
            case .number(let number): return K6Tag(key: member.key, value: JSONWriter.format(number))
            case .null: return K6Tag(key: member.key, value: "")
            default: return nil
            }
        }
    }
}
