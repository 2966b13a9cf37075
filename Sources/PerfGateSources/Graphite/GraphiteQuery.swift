import PerfGateCore

/// A Graphite render target, and the statistic of its points that is graded.
///
/// ```
/// "query": "app.checkout.p95"
/// "query": {"target": "aliasByNode(app.*.p95, 1)", "stat": "max"}
/// ```
package struct GraphiteQuery: Sendable, Equatable {
    package var target: String
    package var stat: PointStat

    static let example = #"{"target": "aliasByNode(app.*.p95, 1)", "stat": "max"}"#

    static func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<GraphiteQuery> {
        var diagnostics: [Diagnostic] = []
        var parsed: GraphiteQuery
        var targetPath = path
        if let text = query.stringValue {
            parsed = GraphiteQuery(target: text, stat: .last)
        } else if query.members != nil, let reader = MemberReader(query, at: path, known: ["target", "stat"], into: &diagnostics) {
            targetPath = path.appending("target")
            let target = reader.string("target", required: true, "the render target, e.g. \(example)", into: &diagnostics) ?? ""
            parsed = GraphiteQuery(target: target, stat: PointStat.read(reader, at: path, into: &diagnostics))
        } else {
            return .failed([
                .error(path, query.location, "a Graphite query must be a target string or an object such as \(example), found \(query.typeName)")
            ])
        }
        if parsed.target.trimmingSpaces().isEmpty, !diagnostics.hasErrors {
            diagnostics.append(.error(targetPath, query.location, "the Graphite target is empty"))
        }
        guard !diagnostics.hasErrors else { return .failed(diagnostics) }
        // Placeholders depend on the run: the query stands, and the loader refuses what has no value.
        return ParsedQuery(parsed, diagnostics: Placeholders.diagnostics(parsed.target, at: targetPath, location: query.location, context: context))
    }
}
