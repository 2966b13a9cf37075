import PerfGateCore

/// The result JSON: a superset of Pitometer's run result, so tools that read Pitometer's
/// `{totalScore, objectives, indicatorResults, result}` read it unchanged.
package enum JSONReport {
    /// The most values an indicator lists; past it, `valueCount` and `valueDistribution` stand in
    /// for them (every breaching one is still in `violations`). A complete report (what a perfgate
    /// server sends `evaluate --server`) lists them all.
    package static let maxValues = 1000

    /// - Parameter exitCode: the exit code the run ends with, when the report states it.
    package static func render(_ result: EvaluationResult, complete: Bool = false, exitCode: Int32? = nil) -> String {
        // Streamed: a report of a million values never exists as a tree (see `Field`).
        let values = result.indicatorResults.reduce(0) { $0 + min($1.measurements.count, complete ? .max : maxValues) + $1.violations.count }
        var json = JSONStreamWriter(pretty: true, reservingCapacity: 4096 + values * 96)
        write(fields(result, complete: complete, exitCode: exitCode), into: &json)
        return json.finish()
    }

    /// The same text, handed to `sink` in pieces of whole lines (about 1 MiB each), with every
    /// string passed through `strings` (a redactor) first: the report never exists whole in memory.
    package static func render(
        _ result: EvaluationResult, complete: Bool = false, exitCode: Int32? = nil, strings: ((String) -> String)?,
        to sink: @escaping (String) -> Void
    ) {
        var json = JSONStreamWriter(pretty: true, strings: strings, sink: sink)
        write(fields(result, complete: complete, exitCode: exitCode), into: &json)
        _ = json.finish()
    }

    package static func document(_ result: EvaluationResult, complete: Bool = false) -> Node { tree(fields(result, complete: complete)) }

    /// One member of the report. Lists that grow with the answers are `.list`s: the tree builds
    /// them, the stream writes them element by element.
    enum Field {
        case node(String, Node)
        case list(String, count: Int, element: (Int) -> Node)
        case fields(String, [Field])
        case fieldLists(String, count: Int, element: (Int) -> [Field])
    }

    static func fields(_ result: EvaluationResult, complete: Bool = false, exitCode: Int32? = nil) -> [Field] {
        if case .keptn(let slo) = result.kind {
            return ((sloDocument(result, slo).members ?? []).map { ($0.key, $0.value) } + feedback(result)).map { .node($0.0, $0.1) }
        }
        var fields: [Field] = [
            .node("result", .string(result.verdict.rawValue)),
            .node("totalScore", .number(result.totalScore)),
            .node("objectives", .object([("pass", .number(result.objectives.pass)), ("warning", .number(result.objectives.warning))])),
            .fieldLists("indicatorResults", count: result.indicatorResults.count) { indicator(result.indicatorResults[$0], complete: complete) }
        ]
        if !result.comparedRuns.isEmpty { fields.append(.node("comparedRuns", comparedRuns(result.comparedRuns))) }
        if let failure = result.failure { fields.append(.node("error", .string(failure))) }
        if let exitCode { fields.append(.node("exitCode", .number(Double(exitCode)))) }
        return fields + (common(result) + feedback(result)).map { .node($0.0, $0.1) }
    }

    /// What a later `perfgate comment` needs besides the grades: the baseline's values and the
    /// trend's (of the keys this report lists), and the run's warnings.
    static func feedback(_ result: EvaluationResult) -> [(String, Node)] {
        var pairs: [(String, Node)] = []
        if let baseline = result.baseline { pairs.append(("baseline", record(baseline, keeping: listedKeys(result, perIndicator: maxValues)))) }
        if !result.trend.isEmpty {
            // A chart draws an indicator's first key: a few per indicator keep the report small.
            let kept = listedKeys(result, perIndicator: 5)
            pairs.append(("trend", .array(result.trend.map { record($0, keeping: kept) })))
        }
        if !result.notes.isEmpty { pairs.append(("warnings", .array(result.notes.map(Node.string)))) }
        if !result.intervals.isEmpty {
            let intervals = result.intervals.map { interval -> Node in
                .object([
                    ("start", .string(CivilDate.rfc3339(interval.window.start))), ("end", .string(CivilDate.rfc3339(interval.window.end))),
                    ("result", .string(interval.verdict.rawValue)), ("totalScore", .number(interval.totalScore))
                ])
            }
            pairs.append(("intervals", .array(intervals)))
        }
        if !result.groupScores.isEmpty {
            let groups = result.groupScores.map { group -> Node in
                .object([
                    ("group", .string(group.group)), ("score", .number(group.score)), ("weight", .number(group.weight)),
                    ("noData", .bool(group.noData))
                ])
            }
            pairs.append(("groupScores", .array(groups)))
        }
        return pairs
    }

    /// `id NUL key` of each indicator's first `perIndicator` measurements, and of its id (an SLI's key).
    static func listedKeys(_ result: EvaluationResult, perIndicator: Int) -> Set<String> {
        var listed = Set<String>()
        for indicator in result.indicatorResults {
            listed.insert(indicator.id + "\u{0}" + indicator.id)
            for measurement in indicator.measurements.prefix(perIndicator) { listed.insert(indicator.id + "\u{0}" + measurement.key) }
        }
        return listed
    }

    /// An earlier run: when, how it ended, and its values of the `kept` keys.
    static func record(_ run: HistoryRecord, keeping kept: Set<String>) -> Node {
        let values = run.values.filter { kept.contains($0.id + "\u{0}" + $0.key) }.map { value -> Node in
            .object([("id", .string(value.id)), ("key", .string(value.key)), ("value", value.value.map(Node.number) ?? .null)])
        }
        return .object([
            ("time", .string(CivilDate.rfc3339(run.time))), ("result", .string(run.result.rawValue)), ("score", .number(run.score)),
            ("values", .array(values))
        ])
    }

    static func tree(_ fields: [Field]) -> Node {
        .object(
            fields.map { field -> (String, Node) in
                switch field {
                case .node(let key, let node): return (key, node)
                case .list(let key, let count, let element): return (key, .array((0..<count).map(element)))
                case .fields(let key, let nested): return (key, tree(nested))
                case .fieldLists(let key, let count, let element): return (key, .array((0..<count).map { tree(element($0)) }))
                }
            })
    }

    static func write(_ fields: [Field], into json: inout JSONStreamWriter) {
        json.openObject()
        for field in fields {
            switch field {
            case .node(let key, let node): json.member(key, node)
            case .list(let key, let count, let element):
                // One line per element: values and violations read as rows.
                json.key(key)
                json.openArray()
                for index in 0..<count { json.value(element(index), compact: true) }
                json.closeArray()
            case .fields(let key, let nested):
                json.key(key)
                write(nested, into: &json)
            case .fieldLists(let key, let count, let element):
                json.key(key)
                json.openArray()
                for index in 0..<count { write(element(index), into: &json) }
                json.closeArray()
            }
        }
        json.closeObject()
    }

    /// The window, the spec and the version, last in every report.
    static func common(_ result: EvaluationResult) -> [(String, Node)] {
        var pairs: [(String, Node)] = []
        if let window = result.window {
            pairs.append(
                (
                    "window",
                    .object([
                        ("start", .string(CivilDate.rfc3339(window.start))), ("end", .string(CivilDate.rfc3339(window.end))),
                        ("durationSeconds", .number(window.duration))
                    ])
                ))
            // Pitometer echoed its run options; timeStart/timeEnd in Unix seconds.
            pairs.append(("options", .object([("timeStart", .number(window.start)), ("timeEnd", .number(window.end))])))
        } else {
            pairs.append(("window", .null))
        }
        if let evaluatedAt = result.evaluatedAt { pairs.append(("evaluatedAt", .string(CivilDate.rfc3339(evaluatedAt)))) }
        pairs.append(("spec", result.specPath.map(Node.string) ?? .null))
        pairs.append(("perfgate", .object([("version", .string(PerfGateVersion.current))])))
        return pairs
    }

    static func indicator(_ result: IndicatorResult, complete: Bool = false) -> [Field] {
        var fields: [Field] = [
            .node("id", .string(result.id)),
            .list("violations", count: result.violations.count) { violation(result.violations[$0]) },
            .node("score", .number(result.score)),
            .node("metricScore", .number(result.metricScore)),
            .node("verdict", .string(result.verdict.rawValue)),
            .node("source", .string(result.source))
        ]
        if complete || result.measurements.count <= maxValues {
            fields.append(
                .list("values", count: result.measurements.count) { index in
                    let measurement = result.measurements[index]
                    return .object([("key", .string(measurement.key)), ("value", measurement.value.map(Node.number) ?? .null)])
                })
        } else {
            fields.append(.node("valueCount", .number(Double(result.measurements.count))))
            fields.append(.node("valueDistribution", distribution(result.measurements)))
        }
        fields.append(.node("thresholds", thresholds(result.thresholds)))
        if result.invalidInput { fields.append(.node("invalidInput", .bool(true))) }
        if let query = result.resolvedQuery { fields.append(.node("query", .string(query))) }
        if let error = result.error { fields.append(.node("error", .string(error))) }
        if !result.warnings.isEmpty { fields.append(.node("warnings", .array(result.warnings.map(Node.string)))) }
        if !result.comparisons.isEmpty { fields.append(.node("comparisons", comparisons(result.comparisons))) }
        if let canary = result.canary { fields.append(.node("canary", Self.canary(canary))) }
        if result.dryRun { fields.append(.node("dryRun", .bool(true))) }
        if let group = result.group { fields.append(.node("group", .string(group))) }
        return fields
    }

    /// What many values are like: how many had none, the least, the most, the mean and the
    /// 50th, 90th, 95th and 99th percentiles (nearest rank).
    static func distribution(_ measurements: [Measurement]) -> Node {
        let values = measurements.compactMap(\.value).sorted()
        var pairs: [(String, Node)] = [("missing", .number(Double(measurements.count - values.count)))]
        guard let least = values.first, let most = values.last else { return .object(pairs) }
        func rank(_ percent: Double) -> Node {
            .number(values[min(values.count - 1, max(0, Int((percent / 100 * Double(values.count)).rounded(.up)) - 1))])
        }
        pairs += [
            ("min", .number(least)), ("max", .number(most)), ("mean", .number(values.reduce(0, +) / Double(values.count))),
            ("p50", rank(50)), ("p90", rank(90)), ("p95", rank(95)), ("p99", rank(99))
        ]
        return .object(pairs)
    }

    /// Pitometer's key order: metadata, value, key, breach, threshold.
    package static func violation(_ violation: Violation) -> Node {
        var pairs: [(String, Node)] = []
        if let metadata = violation.metadata { pairs.append(("metadata", metadata)) }
        switch violation.breach {
        case .noValues:
            break
        case .missingValue:
            pairs.append(("key", .string(violation.key ?? "")))
            pairs.append(("value", .null))
        default:
            pairs.append(("value", violation.value.map(Node.number) ?? .null))
            pairs.append(("key", .string(violation.key ?? "")))
        }
        pairs.append(("breach", .string(violation.breach.text)))
        if let threshold = violation.threshold { pairs.append(("threshold", .number(threshold))) }
        return .object(pairs)
    }
}
