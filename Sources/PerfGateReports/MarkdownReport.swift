import PerfGateCore

/// A GitHub-flavoured Markdown summary for job summaries, pull requests and build pages: the
/// verdict line, a table of indicators, then violations and errors. Untrusted text is escaped, and
/// the whole stays under 1 MiB (GitHub's limit for a step summary) by cutting the longest parts.
package enum MarkdownReport {
    package static let sizeLimit = 1 << 20
    static let maxRows = 1000
    static let maxListItems = 200

    /// - Parameter presentation: the platform's links, and whether to draw trend charts.
    package static func render(_ result: EvaluationResult, presentation: Presentation = Presentation()) -> String {
        if case .keptn(let slo) = result.kind { return renderSLO(result, slo, presentation) }
        let maximum = result.maximumScore
        var text =
            "## \(icon(result.verdict)) perfgate: \(result.verdict.rawValue.uppercased()), score \(NumberText.format(result.totalScore))"
            + " of \(NumberText.format(maximum)) (pass at \(NumberText.format(result.objectives.pass)), warning at \(NumberText.format(result.objectives.warning)))\n\n"
        text += context(result) + links(presentation)
        guard !result.indicatorResults.isEmpty else { return text + "The spec has no indicators.\n" }

        text += "| Indicator | Values | Thresholds | Score | Status |\n|---|---|---|---|---|\n"
        for indicator in result.indicatorResults.prefix(maxRows) {
            var values = indicator.error != nil ? "not measured" : TerminalReport.values(indicator.measurements)
            var limits = TerminalReport.thresholds(of: indicator)
            if let canary = indicator.canary {
                values = "canary \(CanaryText.role(canary.canary)), baseline \(CanaryText.role(canary.baseline))"
                limits =
                    canary.classification.rawValue
                    + (canary.interval.map { "; 98% interval [\(NumberText.precise($0.lower)), \(NumberText.precise($0.upper))]" } ?? "")
            }
            let cells = [
                MarkdownText.code(indicator.id), MarkdownText.cell(clip(values)), MarkdownText.cell(clip(limits)),
                "\(NumberText.format(indicator.score)) / \(NumberText.format(indicator.metricScore))",
                "\(icon(indicator.verdict)) \(indicator.verdict.rawValue)" + (indicator.dryRun ? " (dry run, not counted)" : "")
            ]
            text += "| " + cells.joined(separator: " | ") + " |\n"
        }
        if result.indicatorResults.count > maxRows {
            text += "\n_\(result.indicatorResults.count - maxRows) more indicators are in the JSON report._\n"
        }
        // Lazily: only the items shown are described and escaped (100,000 violations once cost 2 s here).
        let violations = result.indicatorResults.lazy.flatMap { indicator in indicator.violations.lazy.map { (indicator.id, $0) } }
        text += list(
            "Violations", violations.map { "\(MarkdownText.code($0.0)): \(MarkdownText.cell(clip(ResultText.describe($0.1))))" },
            count: result.indicatorResults.reduce(0) { $0 + $1.violations.count })
        let canaries = result.indicatorResults.compactMap { indicator in indicator.canary.map { (indicator.id, $0) } }
        text += list(
            "Canary judgements",
            canaries.map { "\(MarkdownText.code($0.0)): \(MarkdownText.cell(clip(CanaryText.summary($0.1) + ". " + $0.1.reason, 600)))" })
        let errors = result.indicatorResults.compactMap { indicator in indicator.error.map { (indicator.id, $0) } }
        text += list("Errors", errors.map { "\(MarkdownText.code($0.0)): \(MarkdownText.cell(clip($0.1)))" })
        let notes = result.indicatorResults.lazy.flatMap { indicator in indicator.warnings.lazy.map { (indicator.id, $0) } }
        text += list(
            "Backend notes", notes.map { "\(MarkdownText.code($0.0)): \(MarkdownText.cell(clip($0.1)))" },
            count: result.indicatorResults.reduce(0) { $0 + $1.warnings.count })
        return fitted(text + runWarnings(result) + trendCharts(result, presentation))
    }

    static func list(_ title: String, _ items: [String]) -> String { list(title, items, count: items.count) }

    /// The run's own warnings (a pull request comment that could not be posted), and an
    /// analysis' intervals.
    static func runWarnings(_ result: EvaluationResult) -> String {
        var text = list("Warnings", result.notes.map { MarkdownText.cell(clip($0, 600)) })
        guard !result.intervals.isEmpty else { return text }
        text += "\n### Intervals\n\n| # | Window | Result | Score |\n|---|---|---|---|\n"
        for (index, interval) in result.intervals.enumerated().prefix(maxRows) {
            text +=
                "| \(index + 1) | \(CivilDate.rfc3339(interval.window.start)) to \(CivilDate.rfc3339(interval.window.end)) | "
                + "\(icon(interval.verdict)) \(interval.verdict.rawValue) | \(NumberText.format(interval.totalScore)) |\n"
        }
        return text
    }

    /// The first `maxListItems` of `items` (of `count` in all), each made only when it is shown.
    static func list(_ title: String, _ items: some Sequence<String>, count: Int) -> String {
        guard count > 0 else { return "" }
        var text = "\n### \(title)\n\n"
        for item in items.prefix(maxListItems) { text += "- \(item)\n" }
        if count > maxListItems { text += "- _… and \(count - maxListItems) more in the JSON report_\n" }
        return text
    }

    /// One cell's text, cut to a length a table can show.
    static func clip(_ text: String, _ limit: Int = 300) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// The text, cut at a line boundary with a note when it would pass the size limit.
    static func fitted(_ text: String) -> String {
        guard text.utf8.count > sizeLimit else { return text }
        let note = "\n_The summary was cut to stay under 1 MiB; the JSON report has everything._\n"
        var kept = ""
        var size = note.utf8.count
        var fenced = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let next = line.utf8.count + 1
            // Room for a fence that closes a chart cut in the middle.
            if size + next + 4 > sizeLimit { break }
            kept += line + "\n"
            size += next
            if line.hasPrefix("```") { fenced.toggle() }
        }
        return kept + (fenced ? "```\n" : "") + note
    }

    package static func icon(_ verdict: Verdict) -> String {
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
package enum MarkdownText {
    package static func cell(_ text: String) -> String {
        var output = ""
        for scalar in LogText.inert(text).unicodeScalars {
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "(", ")", "#", "|", "!", "~", "&":
                output += "\\" + String(scalar)
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return unlinked(output)
    }

    /// Text that GitHub-flavoured Markdown cannot turn into a link or a mention: a zero-width
    /// space breaks `://` (URL autolinks), `www.` (the extended autolink) and `@` (mentions, and
    /// e-mail autolinks). Code spans need none of this: nothing inside them links.
    static func unlinked(_ text: String) -> String {
        guard text.contains(":") || text.contains("@") || text.lowercased().contains("www.") else { return text }
        var output = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            output.append(scalar)
            let rest = scalars[(index + 1)...]
            if scalar == "@" || (scalar == ":" && rest.starts(with: "//".unicodeScalars)) {
                output.append("\u{200B}")
            } else if scalar == "w" || scalar == "W", index >= 2,
                String(String.UnicodeScalarView(scalars[(index - 2)...index])).lowercased() == "www", rest.first == "."
            {
                output.append("\u{200B}")
            }
        }
        return String(output)
    }

    /// An inline code span that no backtick in the text can close early.
    package static func code(_ text: String) -> String {
        let safe = LogText.inert(text).replacingScalars(["|": "\\|"])
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
