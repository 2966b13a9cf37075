/// A Keptn `slo.yaml`: objectives over named SLIs, how to compare with earlier runs, and the
/// total score needed.
package struct SLOSpec: Sendable, Equatable {
    /// `compare_with`.
    package enum CompareWith: String, Sendable, CaseIterable {
        case singleResult = "single_result", severalResults = "several_results"
    }

    /// `include_result_with_score`: which earlier runs count, by their overall result.
    package enum IncludedResults: String, Sendable, CaseIterable {
        case all, pass, passOrWarn = "pass_or_warn"
    }

    /// `aggregate_function`: how earlier values combine into the one a relative criterion compares with.
    package enum AggregateFunction: String, Sendable, CaseIterable {
        case avg, p50, p90, p95
    }

    /// The comparison settings, parsed once when the spec is read.
    package struct Comparison: Sendable, Equatable {
        package var compareWith: CompareWith
        package var includeResultWithScore: IncludedResults
        package var numberOfComparisonResults: Int
        package var aggregateFunction: AggregateFunction

        /// What lighthouse uses when the block is absent.
        package static let absent = Comparison(
            compareWith: .singleResult, includeResultWithScore: .all, numberOfComparisonResults: 1, aggregateFunction: .avg)

        package init(
            compareWith: CompareWith, includeResultWithScore: IncludedResults, numberOfComparisonResults: Int, aggregateFunction: AggregateFunction
        ) {
            self.compareWith = compareWith
            self.includeResultWithScore = includeResultWithScore
            self.numberOfComparisonResults = numberOfComparisonResults
            self.aggregateFunction = aggregateFunction
        }

        /// How many earlier runs to compare with: 1 for `single_result`.
        package var resultsToCompare: Int { compareWith == .singleResult ? 1 : numberOfComparisonResults }
    }

    package var specVersion: String?
    package var filter: [String: String]
    package var comparison: Comparison
    package var objectives: [SLOObjective]
    package var totalPass: Double
    package var totalWarning: Double?

    package init(
        specVersion: String?, filter: [String: String], comparison: Comparison, objectives: [SLOObjective], totalPass: Double, totalWarning: Double?
    ) {
        self.specVersion = specVersion
        self.filter = filter
        self.comparison = comparison
        self.objectives = objectives
        self.totalPass = totalPass
        self.totalWarning = totalWarning
    }
}

/// Reads `slo.yaml` with lighthouse's defaults (`keptn-quality-gates.md` §1 and §3.7), reporting
/// every problem with its path and line.
package enum SLOSpecDecoder {
    package struct Outcome: Sendable {
        package var spec: SLOSpec?
        package var diagnostics: [Diagnostic]
    }

    package static func decode(_ root: Node) -> Outcome {
        var diagnostics: [Diagnostic] = []
        guard
            let top = MemberReader(root, at: .root, known: ["spec_version", "filter", "comparison", "objectives", "total_score"], into: &diagnostics)
        else {
            return Outcome(spec: nil, diagnostics: diagnostics)
        }
        var filter: [String: String] = [:]
        for member in top["filter"]?.members ?? [] {
            filter[member.key] = text(member.value)
        }
        let comparison = decodeComparison(top["comparison"], into: &diagnostics)
        var objectives: [SLOObjective] = []
        let objectivesPath = SpecPath.root.appending("objectives")
        for (index, item) in (top["objectives"]?.items ?? []).enumerated() where !item.isNull {
            if let objective = decodeObjective(item, at: objectivesPath.appending(index), into: &diagnostics) { objectives.append(objective) }
        }
        var totalPass: Double?
        var totalWarning: Double?
        if let total = top.required("total_score", "the score needed, e.g. {pass: \"90%\", warning: \"75%\"}", into: &diagnostics),
            let reader = MemberReader(total, at: SpecPath.root.appending("total_score"), known: ["pass", "warning"], into: &diagnostics)
        {
            totalPass = percentage(reader, "pass", required: true, into: &diagnostics)
            totalWarning = percentage(reader, "warning", required: false, into: &diagnostics)
        }
        guard let totalPass, !diagnostics.hasErrors else { return Outcome(spec: nil, diagnostics: diagnostics) }
        let spec = SLOSpec(
            specVersion: top["spec_version"]?.stringValue, filter: filter, comparison: comparison, objectives: objectives,
            totalPass: totalPass, totalWarning: totalWarning)
        return Outcome(spec: spec, diagnostics: diagnostics)
    }

    static func decodeComparison(_ node: Node?, into diagnostics: inout [Diagnostic]) -> SLOSpec.Comparison {
        guard let node, !node.isNull else { return .absent }
        let path = SpecPath.root.appending("comparison")
        guard
            let reader = MemberReader(
                node, at: path, known: ["compare_with", "include_result_with_score", "number_of_comparison_results", "aggregate_function"],
                into: &diagnostics)
        else { return .absent }
        // With the block present, lighthouse's own defaults differ: 3 results, all scores, avg.
        var count = 0
        if let number = reader.number("number_of_comparison_results", required: false, "", into: &diagnostics) {
            // A history keeps at most a few thousand runs; anything else is a mistake (and 1e30 would trap).
            if number == number.rounded(), number >= 0, number <= 100_000 {
                count = Int(number)
            } else {
                diagnostics.append(
                    .error(
                        path.appending("number_of_comparison_results"), reader["number_of_comparison_results"]?.location,
                        "'number_of_comparison_results' must be a whole number from 0 to 100000, found \(JSONWriter.format(number))"))
            }
        }
        /// A setting's value, or its default (with an error for one that is not allowed).
        func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, default fallback: Choice) -> Choice where Choice.RawValue == String {
            let value = text(reader[key], default: fallback.rawValue)
            if let known = Choice(rawValue: value) { return known }
            let allowed = Choice.allCases.map(\.rawValue)
            diagnostics.append(
                .error(
                    path.appending(key), reader[key]?.location,
                    "'\(value)' is not one of \(allowed.joined(separator: ", "))\(Suggestion.hint(for: value, in: allowed))"))
            return fallback
        }
        let comparison = SLOSpec.Comparison(
            compareWith: choice("compare_with", default: SLOSpec.CompareWith.singleResult),
            includeResultWithScore: choice("include_result_with_score", default: SLOSpec.IncludedResults.all),
            numberOfComparisonResults: count > 0 ? count : 3,
            aggregateFunction: choice("aggregate_function", default: SLOSpec.AggregateFunction.avg))
        return comparison
    }

    static func decodeObjective(_ node: Node, at path: SpecPath, into diagnostics: inout [Diagnostic]) -> SLOObjective? {
        guard let reader = MemberReader(node, at: path, known: ["sli", "displayName", "pass", "warning", "weight", "key_sli"], into: &diagnostics),
            let sli = reader.string("sli", required: true, "the SLI's name in sli.yaml", into: &diagnostics)
        else { return nil }
        // Parsed once, here: evaluation works on typed criteria and cannot fail on them.
        func sets(_ key: String) -> [[Criterion]] {
            (reader[key]?.items ?? []).enumerated().map { index, set in
                let criteria = set["criteria"]?.items ?? []
                return criteria.enumerated().compactMap { offset, item -> Criterion? in
                    let text = Self.text(item)
                    guard let criterion = Criterion(text) else {
                        diagnostics.append(
                            .error(
                                path.appending(key).appending(index).appending("criteria").appending(offset), item.location,
                                "'\(text)' is not a criterion: use <, <=, =, >= or > with a number, e.g. <=800 or <=+10%"))
                        return nil
                    }
                    return criterion
                }
            }
        }
        let weight = reader["weight"]?.numberValue ?? 0
        // Without pass criteria an objective is informational, which Keptn means as written. An
        // objective that says it counts (warning criteria, key_sli, a weight) or has a misspelt
        // key in their place was meant to grade: it can never fail, and is named.
        let known = ["sli", "displayName", "pass", "warning", "weight", "key_sli"]
        let unknown = (node.members ?? []).map(\.key).filter { !known.contains($0) }
        let meantToCount = reader["warning"] != nil || reader["key_sli"]?.boolValue == true || reader["weight"] != nil || !unknown.isEmpty
        if reader["pass"] == nil, meantToCount {
            let why = unknown.map { key in
                "'\(key)' is not an objective's key" + (Suggestion.closest(to: key, in: known).map { "; did you mean '\($0)'?" } ?? "")
            }
            diagnostics.append(
                .warning(
                    path, node.location,
                    "'\(sli)' can never fail: it has no pass criteria\(why.isEmpty ? "" : " (" + why.joined(separator: "; ") + ")"), so it is only informational; give pass: [{criteria: [...]}]"
                ))
        }
        return SLOObjective(
            sli: sli, displayName: reader["displayName"]?.stringValue, pass: sets("pass"), warning: sets("warning"),
            weight: weight > 0 ? weight : 1, keySLI: reader.bool("key_sli", into: &diagnostics) ?? false)
    }

    /// A key's text, or the default when it is missing or empty.
    static func text(_ node: Node?, default fallback: String) -> String {
        guard let node else { return fallback }
        let value = text(node)
        return value.isEmpty ? fallback : value
    }

    /// A scalar as text: strings as they are, numbers as written. (A switch rather than
    /// `Optional.map` on the accessors: Swift 6.3's optimizer crashes on the latter.)
    static func text(_ node: Node) -> String {
        switch node.value {
        case .string(let text): return text
        case .number(let number): return JSONWriter.format(number)
        case .bool(let bool): return bool ? "true" : "false"
        default: return ""
        }
    }

    /// `"90%"`, `90%` or `90`: the `%` is optional.
    static func percentage(_ reader: MemberReader, _ key: String, required: Bool, into diagnostics: inout [Diagnostic]) -> Double? {
        guard let node = reader[key], !node.isNull else {
            if required { diagnostics.append(.error(reader.path, reader.node.location, "missing '\(key)' (no target score defined)")) }
            return nil
        }
        let text = Self.text(node).trimmingSpaces()
        guard let value = Double(text.hasSuffix("%") ? String(text.dropLast()) : text) else {
            diagnostics.append(.error(reader.path.appending(key), node.location, "could not parse the \(key) target percentage '\(text)'"))
            return nil
        }
        return value
    }
}
