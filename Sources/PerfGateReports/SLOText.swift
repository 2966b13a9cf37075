import PerfGateCore

/// How SLO criteria read in every report: each with the target it resolved to, so nobody redoes
/// the arithmetic (`<=+10% → ≤ 206.25`), a broken one marked `✗`; AND within a set, OR across sets.
package enum SLOText {
    /// One criterion: relative ones show their target; the mark says it was broken.
    package static func target(_ target: SLOTarget, hasValue: Bool = true) -> String {
        let text = LogText.inert(String(target.criteria.unicodeScalars.filter { !$0.properties.isWhitespace }))
        let mark = target.violated ? " ✗" : ""
        let criterion = target.criterion
        guard criterion.isRelative else { return text + mark }
        if !hasValue { return text + " → not measured" + mark }
        if target.targetValue == 0 && !target.violated { return text + " → no earlier value, met" }
        return "\(text) → \(symbol(criterion.op)) \(NumberText.precise(target.targetValue))\(mark)"
    }

    /// The sets of a pass or warning list, with their targets: `a and b or c`.
    package static func criteria(_ sets: [[Criterion]], _ targets: [SLOTarget], hasValue: Bool = true) -> String {
        guard !sets.isEmpty else { return "" }
        var remaining = targets[...]
        let rendered = sets.map { set -> String in
            let count = min(set.count, remaining.count)
            let shown = remaining.prefix(count).map { self.target($0, hasValue: hasValue) }
            remaining = remaining.dropFirst(count)
            // Targets are missing only when the criteria could not be read; show them as written.
            return (shown.isEmpty ? set.map { LogText.sanitize($0.text) } : shown).joined(separator: " and ")
        }
        return rendered.joined(separator: " or ")
    }

    /// `pass: … ; warning: …`, for a one-line summary.
    package static func summary(_ objective: SLOObjectiveResult) -> String {
        if objective.objective.pass.isEmpty { return "informational" }
        let hasValue = objective.value != nil
        var text = "pass: " + criteria(objective.objective.pass, objective.passTargets, hasValue: hasValue)
        if !objective.objective.warning.isEmpty {
            text += "; warning: " + criteria(objective.objective.warning, objective.warningTargets, hasValue: hasValue)
        }
        return text
    }

    package static func symbol(_ op: Criterion.Operator) -> String {
        switch op {
        case .less: return "<"
        case .lessOrEqual: return "≤"
        case .equal: return "="
        case .greaterOrEqual: return "≥"
        case .greater: return ">"
        }
    }

    /// `100%`, `75.3%`.
    package static func percent(_ value: Double) -> String { NumberText.precise(value) + "%" }

    /// The earlier runs, newest first: `2024-04-30T15:20:11Z pass 100`.
}
