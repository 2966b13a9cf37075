import PerfGateCore

/// What a series' points in the window are graded as (Graphite, Datadog, Azure Monitor, `web`);
/// null points are left out, never read as 0.
package enum PointStat: String, CaseIterable, Sendable {
    case last, max, min, avg, sum, count

    static let names = allCases.map(\.rawValue)

    /// The statistic of the non-null points; `count` of none is 0, any other of none is nil.
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

    /// The query's `stat` member: `last` when absent; an unknown name is an error at its path.
    static func read(_ reader: MemberReader, at path: SpecPath, into diagnostics: inout [Diagnostic]) -> PointStat {
        guard let name = reader.string("stat", required: false, "", into: &diagnostics) else { return .last }
        if let known = PointStat(rawValue: name.lowercased()) { return known }
        diagnostics.append(
            .error(
                path.appending("stat"), reader["stat"]?.location,
                "unknown stat '\(name)'\(Suggestion.hint(for: name, in: names)); use one of \(names.joined(separator: ", "))"))
        return .last
    }
}
