import PerfGateCore

/// A Markdown summary for pull requests, job summaries and build pages.
public enum MarkdownReport {
    public static func render(_ result: EvaluationResult) -> String {
        let maximum = result.indicatorResults.reduce(0) { $0 + $1.metricScore }
        var text = "## perfgate: \(icon(result.verdict)) \(result.verdict.rawValue.uppercased())\n\n"
        text += "Total score **\(NumberText.format(result.totalScore))** of \(NumberText.format(maximum))"
        text += " (pass at \(NumberText.format(result.objectives.pass)), warning at \(NumberText.format(result.objectives.warning)))"
        if let window = result.window {
            text += ", window \(CivilDate.rfc3339(window.start)) to \(CivilDate.rfc3339(window.end))"
        }
        text += ".\n\n"
        guard !result.indicatorResults.isEmpty else { return text + "The spec has no indicators.\n" }
        text += "| | Indicator | Source | Values | Thresholds | Score |\n|---|---|---|---|---|---|\n"
        for indicator in result.indicatorResults {
            let values = indicator.error.map { "error: " + $0 } ?? TerminalReport.values(indicator.measurements)
            let cells = [
                icon(indicator.verdict), MarkdownText.code(indicator.id), MarkdownText.cell(indicator.source),
                MarkdownText.cell(values), MarkdownText.cell(TerminalReport.thresholds(indicator.thresholds)),
                "\(NumberText.format(indicator.score)) / \(NumberText.format(indicator.metricScore))",
            ]
            text += "| " + cells.joined(separator: " | ") + " |\n"
        }
        let notes = result.indicatorResults.flatMap { indicator in indicator.warnings.map { (indicator.id, $0) } }
        if !notes.isEmpty {
            text += "\nBackend notes:\n\n"
            for (id, note) in notes { text += "- \(MarkdownText.code(id)): \(MarkdownText.cell(note))\n" }
        }
        let violations = result.indicatorResults.filter { !$0.violations.isEmpty }
        if !violations.isEmpty {
            text += "\n<details><summary>Violations</summary>\n\n"
            for indicator in violations {
                for violation in indicator.violations.prefix(50) {
                    text += "- \(MarkdownText.code(indicator.id)): \(MarkdownText.cell(TerminalReport.describe(violation)))\n"
                }
            }
            text += "\n</details>\n"
        }
        return text
    }

    static func icon(_ verdict: Verdict) -> String {
        switch verdict {
        case .pass: return "✅"
        case .warning: return "⚠️"
        case .fail: return "❌"
        case .error: return "💥"
        }
    }
}

/// Escaping for untrusted text in Markdown: a table cell stays one cell, and markup, HTML and
/// links in the text show as text.
public enum MarkdownText {
    public static func cell(_ text: String) -> String {
        var output = ""
        for character in LogText.sanitize(text) {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "!", "~", "&":
                output += "\\" + String(character)
            default:
                output.append(character)
            }
        }
        return output
    }

    /// An inline code span that no backtick in the text can close early.
    public static func code(_ text: String) -> String {
        let safe = LogText.sanitize(text).replacing("|", with: "\\|")
        var longestRun = 0
        var run = 0
        for character in safe {
            run = character == "`" ? run + 1 : 0
            longestRun = max(longestRun, run)
        }
        let fence = String(repeating: "`", count: longestRun + 1)
        let padding = safe.hasPrefix("`") || safe.hasSuffix("`") ? " " : ""
        return fence + padding + safe + padding + fence
    }
}
