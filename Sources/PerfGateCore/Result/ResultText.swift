/// The words every output uses for a result's parts: the terminal summary, the reports, the CI
/// platforms and the commands' own lines all say a violation, a duration or an SLO's value the same way.
package enum ResultText {
    /// A violation in words: `checkout: 612 >= severe 500`.
    package static func describe(_ violation: Violation) -> String {
        switch violation.breach {
        case .noValues: return "the source returned no values"
        case .missingValue: return "\(LogText.inert(violation.key ?? "")): no value"
        default:
            let comparison = violation.breach == .lowerSevere || violation.breach == .lowerWarning ? "<=" : ">="
            return "\(LogText.inert(violation.key ?? "")): \(violation.value.map(NumberText.format) ?? "none")"
                + " \(comparison) \(violation.breach.text) \(violation.threshold.map(NumberText.format) ?? "")"
        }
    }

    /// `10m 0s`, `1h 2m`, `0.5s`.
    package static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return "\(NumberText.format(seconds))s" }
        let whole = CheckedNumber.clamped(seconds.rounded(), to: 0...Int(Int32.max) * 1000)
        if whole < 3600 { return "\(whole / 60)m \(whole % 60)s" }
        return "\(whole / 3600)h \(whole % 3600 / 60)m"
    }

    /// An SLO's value, and the value it was compared with.
    package static func sloValue(_ objective: SLOObjectiveResult) -> String {
        guard let value = objective.value else { return "no value: " + LogText.inert(objective.message ?? "") }
        return "value \(NumberText.precise(value))" + (objective.hasComparison ? ", compared \(NumberText.precise(objective.comparedValue))" : "")
    }

    /// An earlier run compared with: `2024-05-01T12:00:00Z pass (score 100)`.
    package static func comparedRun(_ run: HistoryRecord) -> String {
        "\(CivilDate.rfc3339(run.time)) \(run.result.rawValue) (score \(NumberText.precise(run.score)))"
    }
}
