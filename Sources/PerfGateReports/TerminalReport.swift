import PerfGateCore

/// The summary a person reads in a terminal or CI log: one line per indicator with its values,
/// thresholds, score and verdict, its violations below it, then the total and the result.
package enum TerminalReport {
    package struct Style: Sendable {
        package var color: Bool
        package init(color: Bool) { self.color = color }
    }

    package static func render(_ result: EvaluationResult, style: Style = Style(color: false)) -> String {
        var lines: [String] = []
        if let spec = result.specPath { lines.append("spec:   \(LogText.inert(spec))") }
        if let window = result.window {
            lines.append("window: \(CivilDate.rfc3339(window.start)) to \(CivilDate.rfc3339(window.end)) (\(ResultText.duration(window.duration)))")
        } else {
            lines.append("window: none (every sample counts)")
        }
        lines.append("")
        let idWidth = min(40, result.indicatorResults.map { LogText.inert($0.id).count }.max() ?? 0)
        let sourceWidth = result.indicatorResults.map(\.source.count).max() ?? 0
        for indicator in result.indicatorResults {
            let verdict = indicator.objective?.status == .info ? "INFO " : paint(label(indicator.verdict), indicator.verdict, style)
            let id = pad(LogText.inert(indicator.id), idWidth)
            let score = "\(NumberText.format(indicator.score))/\(NumberText.format(indicator.metricScore))"
            let detail: String
            if let error = indicator.error {
                detail = "error: " + LogText.inert(error)
            } else if let canary = indicator.canary {
                detail = LogText.inert(CanaryText.summary(canary))
            } else if case .objective(let objective) = indicator.kind {
                detail = ResultText.sloValue(objective) + "  [" + SLOText.summary(objective) + "]"
            } else {
                detail = values(indicator.measurements) + "  [" + thresholds(of: indicator) + "]"
            }
            let dryRun = indicator.dryRun ? "(dry run, not counted) " : ""
            lines.append("\(verdict) \(id)  \(pad(indicator.source, sourceWidth))  \(pad(score, 9))  \(dryRun)\(detail)")
            let shown = indicator.violations.prefix(10)
            for violation in shown { lines.append("        - " + ResultText.describe(violation)) }
            if indicator.violations.count > shown.count {
                lines.append("        - … and \(indicator.violations.count - shown.count) more")
            }
            if let canary = indicator.canary, indicator.error == nil {
                lines.append("        - " + LogText.inert(canary.reason))
                lines.append("        baseline: " + CanaryText.details(canary.baseline) + "; canary: " + CanaryText.details(canary.canary))
            }
            for warning in indicator.warnings { lines.append("        note: " + LogText.inert(warning)) }
        }
        if !result.indicatorResults.isEmpty { lines.append("") }
        if !result.comparedRuns.isEmpty {
            lines.append(
                "compared with \(result.comparedRuns.count) earlier run\(result.comparedRuns.count == 1 ? "" : "s"): "
                    + result.comparedRuns.map(ResultText.comparedRun).joined(separator: ", "))
        }
        if !result.intervals.isEmpty {
            lines.append(
                "intervals (\(result.intervals.count)): "
                    + result.intervals.map { "\($0.verdict.rawValue) \(NumberText.format($0.totalScore))" }.joined(separator: ", "))
        }
        lines.append(totalLine(result))
        if case .keptn(let slo) = result.kind {
            if !slo.message.isEmpty { lines.append(LogText.inert(slo.message)) }
            for note in slo.notes { lines.append("note: " + LogText.inert(note)) }
        }
        let errors = result.indicatorResults.filter { $0.error != nil && !$0.dryRun }.count
        var verdictLine = "result: " + paint(result.verdict.rawValue.uppercased(), result.verdict, style)
        if errors > 0 { verdictLine += " (\(errors) indicator\(errors == 1 ? "" : "s") could not be measured)" }
        lines.append(verdictLine)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `total score 75 of 90 (pass at …)`, or for an SLO evaluation the percentage.
    package static func totalLine(_ result: EvaluationResult) -> String {
        if case .keptn(let slo) = result.kind {
            let warning = slo.warningTarget.map { ", warning at " + SLOText.percent($0) } ?? ""
            return "total score \(SLOText.percent(result.totalScore)) of \(NumberText.format(slo.maximumScore)) weight"
                + " (pass at \(SLOText.percent(result.objectives.pass))\(warning))"
        }
        if !result.groupScores.isEmpty {
            let groups = result.groupScores.map {
                "\(LogText.inert($0.group)) \($0.noData ? "no data" : NumberText.format($0.score)) × \(NumberText.format($0.weight))%"
            }
            return "total score \(NumberText.format(result.totalScore)) of 100 by group (" + groups.joined(separator: ", ") + ")"
                + " (pass at \(NumberText.format(result.objectives.pass)), warning at \(NumberText.format(result.objectives.warning)))"
        }
        let maximum = result.maximumScore
        return "total score \(NumberText.format(result.totalScore)) of \(NumberText.format(maximum))"
            + " (pass at \(NumberText.format(result.objectives.pass)), warning at \(NumberText.format(result.objectives.warning)))"
    }

    /// `value 200, compared 187.5`, or why there is none.
    static func label(_ verdict: Verdict) -> String {
        switch verdict {
        case .pass: return "PASS "
        case .warning: return "WARN "
        case .fail: return "FAIL "
        case .error: return "ERROR"
        }
    }

    static func paint(_ text: String, _ verdict: Verdict, _ style: Style) -> String {
        guard style.color else { return text }
        let code: String
        switch verdict {
        case .pass: code = "32"
        case .warning: code = "33"
        case .fail: code = "31"
        case .error: code = "35"
        }
        return "\u{1B}[1;\(code)m\(text)\u{1B}[0m"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    package static func values(_ measurements: [Measurement]) -> String {
        guard !measurements.isEmpty else { return "no values" }
        let shown = measurements.prefix(3).map { measurement in
            "\(LogText.inert(measurement.key))=\(measurement.value.map(NumberText.format) ?? "none")"
        }
        let more = measurements.count > 3 ? " +\(measurements.count - 3) more" : ""
        return shown.joined(separator: ", ") + more
    }

    package static func thresholds(_ thresholds: Thresholds) -> String {
        var parts: [String] = []
        if let value = thresholds.lowerSevere { parts.append("severe <= \(NumberText.format(value))") }
        if let value = thresholds.lowerWarning { parts.append("warn <= \(NumberText.format(value))") }
        if let value = thresholds.upperWarning { parts.append("warn >= \(NumberText.format(value))") }
        if let value = thresholds.upperSevere { parts.append("severe >= \(NumberText.format(value))") }
        return parts.isEmpty ? "no thresholds" : parts.joined(separator: ", ")
    }

    /// The indicator's limits; with relative thresholds, per key what they resolved to.
    package static func thresholds(of indicator: IndicatorResult) -> String {
        guard !indicator.comparisons.isEmpty else { return thresholds(indicator.thresholds) }
        let shown = indicator.comparisons.prefix(3).map { comparison in
            let compared = comparison.comparedValue.map { "compared \(NumberText.precise($0)) → " } ?? "no earlier value → "
            return "\(LogText.inert(comparison.key)): \(compared)\(thresholds(comparison.thresholds))"
        }
        let more = indicator.comparisons.count > 3 ? "; +\(indicator.comparisons.count - 3) more keys" : ""
        return shown.joined(separator: "; ") + more
    }

}
