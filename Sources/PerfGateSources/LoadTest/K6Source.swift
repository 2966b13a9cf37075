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

    /// A metric (with its tags) and a statistic of it. A Canary indicator's query has no
    /// statistic: it compares the points themselves.
    package struct Query: ResultFileQuery {
        var file: String?
        /// As written, for messages.
        var metricText: String
        var metric: K6MetricName
        var stat: String?
    }

    package func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<Query> {
        read(query, at: path, known: ["metric", "stat"], example: Self.example)
    }

    /// The query without the tags (which are an object) read as file fields, then the tags.
    func read(_ query: Node, at path: SpecPath, known: [String], example: String) -> ParsedQuery<Query> {
        var tagsFree = query
        if case .object(let members) = query.value {
            tagsFree.value = .object(members.filter { $0.key != "tags" })
        }
        let read = ResultFile.fields(tagsFree, at: path, known: known, required: known, example: example)
        guard let fields = read.query else { return .failed(read.diagnostics) }
        var diagnostics = read.diagnostics
        if let stat = fields["stat"], K6Stat(stat) == nil {
            diagnostics.append(
                fields.error(
                    "stat", "unknown k6 stat '\(stat)'; use one of avg, min, med, max, p(N) such as p(95), count, rate, value, passes, fails"))
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
        guard let metricText = fields["metric"], !diagnostics.hasErrors else { return .failed(diagnostics) }
        let metric = K6MetricName(metricText).adding(Self.tags(query["tags"]))
        return ParsedQuery(Query(file: fields.file, metricText: metricText, metric: metric, stat: fields["stat"]), diagnostics: diagnostics)
    }

    func measurements(_ query: Query, context: SourceContext) async throws -> [Measurement] {
        guard let statText = query.stat else { throw SourceError("the query needs a 'stat'") }
        let metric = query.metric
        let path = try ResultFile.path(for: query.file, source: name, context: context)
        let files = context.files
        // Every query of the file shares what is read of it: its kind, a summary's document, a stream's pass.
        switch try await context.scans.answer(WholeFile(), of: "k6 kind\u{0}\(path)", scan: { _ in try K6FileKind.detect(path, files: files) }) {
        case .summary:
            let document = try await context.scans.answer(WholeFile(), of: "k6 summary\u{0}\(path)") { _ in
                try ResultFile.loadDocument(path, files: files)
            }
            return try K6Summary.measurements(document: document, name: path, metric: metric, stat: statText)
        case .stream:
            guard let stat = K6Stat(statText) else { throw SourceError.invalidInput("unknown k6 stat '\(statText)'") }
            let window = context.window.map { (start: $0.start, end: $0.end) }
            let statistic = K6StreamStatistic(path: path, files: context.files, metric: metric, stat: stat, window: window)
            // One pass answers every stat the run asks of this stream.
            let scans = try await context.scans.answer(statistic.question, of: Self.scanKey(path, context.window)) { questions in
                try K6StreamStatistic.scan(path: path, files: files, window: window, questions: questions)
            }
            guard let scan = scans[statistic.question] else { return [try statistic.measure()] }
            return [try statistic.measure(scan)]
        }
    }

    /// Announces the stat a stream query will ask, so that one pass answers every query of the file.
    package func plan(_ query: Query, context: SourceContext) {
        guard let text = query.stat, let stat = K6Stat(text), let path = try? ResultFile.path(for: query.file, source: name, context: context) else {
            return
        }
        let window = context.window.map { (start: $0.start, end: $0.end) }
        let statistic = K6StreamStatistic(path: path, files: context.files, metric: query.metric, stat: stat, window: window)
        context.scans.announce(statistic.question, of: Self.scanKey(path, context.window))
    }

    static func scanKey(_ path: String, _ window: Window?) -> String {
        "k6\u{0}\(path)\u{0}\(window.map { "\($0.start)-\($0.end)" } ?? "")"
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
