import PerfGateCore

/// A Graphite render target, and the statistic of its points that is graded.
///
/// ```
/// "query": "app.checkout.p95"
/// "query": {"target": "aliasByNode(app.*.p95, 1)", "stat": "max"}
/// ```
package struct GraphiteQuery: Sendable, Equatable {
    package var target: String
    package var stat: GraphiteStat

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
            var stat = GraphiteStat.last
            if let name = reader.string("stat", required: false, "", into: &diagnostics) {
                if let known = GraphiteStat(rawValue: name.lowercased()) {
                    stat = known
                } else {
                    let names = GraphiteStat.allCases.map(\.rawValue)
                    diagnostics.append(
                        .error(
                            path.appending("stat"), reader["stat"]?.location,
                            "unknown stat '\(name)'\(Suggestion.hint(for: name, in: names)); use one of \(names.joined(separator: ", "))"))
                }
            }
            parsed = GraphiteQuery(target: target, stat: stat)
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

/// What a target's points in the window are graded as; null points are left out.
package enum GraphiteStat: String, CaseIterable, Sendable {
    case last, max, min, avg, sum, count

    func value(of points: [Double]) -> Double? {
        guard let last = points.last else { return self == .count ? 0 : nil }
        switch self {
        case .last: return last
        case .max: return points.max()
        case .min: return points.min()
        case .avg: return points.reduce(0, +) / Double(points.count)
        case .sum: return points.reduce(0, +)
        case .count: return Double(points.count)
        }
    }
}
