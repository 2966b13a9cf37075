import PerfGateCore

/// A Datadog query as a spec writes it: a metric query for the v1 API (`GET /api/v1/query`),
/// graded as its `stat` of each series' points; or named queries and a formula for the v2 scalar
/// API (`POST /api/v2/query/scalar`), where Datadog reduces each group with the `aggregator`.
///
/// ```
/// "query": "avg:trace.http.request.duration{service:checkout} by {resource_name}"
/// "query": {"query": "p95:trace.http.request{service:checkout}", "stat": "max"}
/// "query": {"formula": "100 * errors / hits", "aggregator": "sum",
///           "queries": {"errors": "sum:trace.http.request.errors{service:checkout}.as_count()",
///                       "hits": "sum:trace.http.request.hits{service:checkout}.as_count()"}}
/// ```
package struct DatadogQuery: Sendable, Equatable {
    package enum Form: Sendable, Equatable {
        /// v1: the metric query, and the statistic of each series' points that is graded.
        case metric(String, stat: PointStat)
        /// v2: named metric queries (in the spec's order), the formula over them, and Datadog's
        /// reduction of each group's points (`avg`, `min`, `max`, `sum`, `last`, `percentile`, …).
        case formula(String, queries: [(name: String, query: String)], aggregator: String)

        package static func == (lhs: Form, rhs: Form) -> Bool {
            switch (lhs, rhs) {
            case let (.metric(a, x), .metric(b, y)): return a == b && x == y
            case let (.formula(a, x, p), .formula(b, y, q)):
                return a == b && p == q && x.map(\.name) == y.map(\.name) && x.map(\.query) == y.map(\.query)
            default: return false
            }
        }
    }

    package var form: Form

    static let example = #""avg:trace.http.request.duration{service:checkout} by {resource_name}""#
    static let formulaExample = #"{"formula": "100 * e / h", "queries": {"e": "sum:…errors{…}.as_count()", "h": "sum:…hits{…}.as_count()"}}"#
    /// Datadog's aggregators for scalar queries (docs: MetricsAggregator).
    static let aggregators = ["avg", "min", "max", "sum", "last", "percentile", "mean", "l2norm", "area"]

    /// Every query text, for placeholders.
    var texts: [String] {
        switch form {
        case .metric(let query, _): return [query]
        case .formula(let formula, let queries, _): return [formula] + queries.map(\.query)
        }
    }

    static func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<DatadogQuery> {
        var diagnostics: [Diagnostic] = []
        let parsed: DatadogQuery
        if let text = query.stringValue {
            parsed = DatadogQuery(form: .metric(text, stat: .last))
        } else if query.members != nil,
            let reader = MemberReader(query, at: path, known: ["query", "stat", "formula", "queries", "aggregator"], into: &diagnostics)
        {
            if reader["formula"] != nil || reader["queries"] != nil {
                parsed = formula(reader, at: path, into: &diagnostics)
            } else {
                let text = reader.string("query", required: true, "the metric query, e.g. \(example)", into: &diagnostics) ?? ""
                parsed = DatadogQuery(form: .metric(text, stat: PointStat.read(reader, at: path, into: &diagnostics)))
            }
        } else {
            return .failed([
                .error(
                    path, query.location,
                    "a Datadog query must be a metric query such as \(example), or an object such as \(formulaExample), found \(query.typeName)")
            ])
        }
        if parsed.texts.contains(where: { $0.trimmingSpaces().isEmpty }), !diagnostics.hasErrors {
            diagnostics.append(.error(path, query.location, "the Datadog query is empty"))
        }
        if context.hasWindow == false {
            diagnostics.append(.error(path, query.location, "a Datadog query needs the load test's window: give --start (and --end)"))
        }
        guard !diagnostics.hasErrors else { return .failed(diagnostics) }
        for text in parsed.texts { diagnostics += Placeholders.diagnostics(text, at: path, location: query.location, context: context) }
        return ParsedQuery(parsed, diagnostics: diagnostics)
    }

    static func formula(_ reader: MemberReader, at path: SpecPath, into diagnostics: inout [Diagnostic]) -> DatadogQuery {
        let formula = reader.string("formula", required: true, "the formula over the named queries, e.g. \(formulaExample)", into: &diagnostics)
        var queries: [(name: String, query: String)] = []
        if let node = reader.required("queries", "the named metric queries, e.g. \(formulaExample)", into: &diagnostics) {
            if let members = node.members, !members.isEmpty {
                for member in members {
                    guard let text = member.value.stringValue else {
                        diagnostics.append(
                            .error(path.appending("queries").appending(member.key), member.value.location, "must be a metric query string"))
                        continue
                    }
                    if member.key.isEmpty || !member.key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) || member.key.first!.isNumber {
                        diagnostics.append(
                            .error(path.appending("queries"), member.keyLocation, "'\(member.key)' is no formula name: use letters, digits and _"))
                    }
                    queries.append((member.key, text))
                }
            } else {
                diagnostics.append(
                    .error(path.appending("queries"), node.location, "'queries' must map names to metric queries, e.g. \(formulaExample)"))
            }
        }
        let aggregator = reader.string("aggregator", required: false, "", into: &diagnostics)?.lowercased() ?? "avg"
        if !aggregators.contains(aggregator) {
            diagnostics.append(
                .error(
                    path.appending("aggregator"), reader["aggregator"]?.location,
                    "unknown aggregator '\(aggregator)'\(Suggestion.hint(for: aggregator, in: aggregators)); use one of \(aggregators.joined(separator: ", "))"
                ))
        }
        if reader["stat"] != nil {
            diagnostics.append(
                .error(path.appending("stat"), reader["stat"]?.location, "a formula is reduced by Datadog: use 'aggregator', not 'stat'"))
        }
        return DatadogQuery(form: .formula(formula ?? "", queries: queries, aggregator: aggregator))
    }

    /// The same query with every placeholder filled.
    func filled(_ context: SourceContext) throws(SourceError) -> DatadogQuery {
        if context.placeholdersFilled { return self }
        func fill(_ text: String) throws(SourceError) -> String { try Placeholders.fill(text, variables: context.variables, window: context.window) }
        switch form {
        case .metric(let text, let stat): return DatadogQuery(form: .metric(try fill(text), stat: stat))
        case .formula(let formula, let queries, let aggregator):
            var filled: [(name: String, query: String)] = []
            for query in queries { filled.append((query.name, try fill(query.query))) }
            return DatadogQuery(form: .formula(try fill(formula), queries: filled, aggregator: aggregator))
        }
    }

    /// How reports show it: the metric query, or the formula with its queries.
    var shown: String {
        switch form {
        case .metric(let text, _): return text
        case .formula(let formula, let queries, _): return formula + " where " + queries.map { "\($0.name) = \($0.query)" }.joined(separator: ", ")
        }
    }
}
