import PerfGateCore

extension MarkdownReport {
    /// An SLO evaluation: the score as a percentage, lighthouse's message, and per objective the
    /// value, what it was compared with, and each criterion with the target it resolved to.
    static func renderSLO(_ result: EvaluationResult, _ slo: SLOSummary, _ presentation: Presentation) -> String {
        let warning = slo.warningTarget.map { ", warning at " + SLOText.percent($0) } ?? ""
        var text =
            "## \(icon(result.verdict)) perfgate: \(result.verdict.rawValue.uppercased()), score \(SLOText.percent(result.totalScore))"
            + " (pass at \(SLOText.percent(result.objectives.pass))\(warning))\n\n"
        if !slo.message.isEmpty { text += MarkdownText.cell(clip(slo.message, 1000)) + "\n\n" }
        text += context(result) + links(presentation)
        guard !result.indicatorResults.isEmpty else { return text + "The SLO file has no objectives.\n" }

        text += "| SLI | Value | Compared with | Pass criteria | Warning criteria | Score | Status |\n|---|---|---|---|---|---|---|\n"
        for indicator in result.indicatorResults.prefix(maxRows) {
            guard case .objective(let objective) = indicator.kind else { continue }
            let name = objective.objective.displayName.flatMap { $0.isEmpty ? nil : $0 }
            var sli = MarkdownText.code(objective.objective.sli)
            if let name { sli = MarkdownText.cell(name) + " " + sli }
            if objective.objective.keySLI { sli += " 🔑" }
            let value = objective.value.map(NumberText.precise) ?? "no value"
            let informational = objective.status == .info
            let hasValue = objective.value != nil
            let cells = [
                sli, MarkdownText.cell(value),
                informational ? "" : objective.hasComparison ? NumberText.precise(objective.comparedValue) : "no earlier value",
                informational
                    ? "informational"
                    : MarkdownText.cell(clip(SLOText.criteria(objective.objective.pass, objective.passTargets, hasValue: hasValue))),
                MarkdownText.cell(clip(SLOText.criteria(objective.objective.warning, objective.warningTargets, hasValue: hasValue))),
                informational ? "" : "\(NumberText.format(objective.score)) / \(NumberText.format(objective.objective.weight))",
                informational ? "ℹ️ info" : "\(icon(indicator.verdict)) \(objective.status.rawValue)"
            ]
            text += "| " + cells.joined(separator: " | ") + " |\n"
        }
        if result.indicatorResults.count > maxRows {
            text += "\n_\(result.indicatorResults.count - maxRows) more objectives are in the JSON report._\n"
        }
        let missing = result.indicatorResults.compactMap { indicator -> String? in
            guard case .objective(let objective) = indicator.kind, objective.value == nil, objective.status != .info else { return nil }
            return "\(MarkdownText.code(indicator.id)): \(MarkdownText.cell(clip(objective.message ?? "no value")))"
        }
        text += list("SLIs without a value", missing)
        text += list("Notes", slo.notes.map { MarkdownText.cell(clip($0, 1000)) })
        let notes = result.indicatorResults.flatMap { indicator in indicator.warnings.map { (indicator.id, $0) } }
        text += list("Backend notes", notes.map { "\(MarkdownText.code($0.0)): \(MarkdownText.cell(clip($0.1)))" })
        return fitted(text + runWarnings(result) + trendCharts(result, presentation))
    }

    /// The window, the spec and the earlier runs, as one paragraph.
    static func context(_ result: EvaluationResult) -> String {
        var context: [String] = []
        if let window = result.window { context.append("Window \(CivilDate.rfc3339(window.start)) to \(CivilDate.rfc3339(window.end))") }
        if let spec = result.specPath { context.append("spec " + MarkdownText.code(Path.lastComponent(of: spec))) }
        var text = context.isEmpty ? "" : context.joined(separator: ", ") + ".\n\n"
        if !result.comparedRuns.isEmpty {
            let runs = result.comparedRuns.prefix(maxListItems).map { MarkdownText.cell(ResultText.comparedRun($0)) }
            text +=
                "Compared with \(result.comparedRuns.count) earlier run\(result.comparedRuns.count == 1 ? "" : "s"), newest first: "
                + runs.joined(separator: ", ") + ".\n\n"
        }
        return text
    }
}
