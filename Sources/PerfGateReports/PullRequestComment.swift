import PerfGateCore

/// The comment perfgate keeps on a pull or merge request: the verdict and score, a row per value
/// with the baseline's value and the change, failures first, the window, the spec and links, and
/// (where the platform renders Mermaid) the trend. One comment per spec, found again by the hidden
/// marker on its first line. Every text from the run is escaped so it cannot mention, link,
/// reference an issue or add HTML.
package enum PullRequestComment {
    /// Where the comment goes: what it may contain and how long it may be.
    package enum Flavor: String, Sendable, CaseIterable {
        case github, gitlab, azure

        /// The platform's largest comment, in bytes of UTF-8 (each counts characters; a byte count is never more).
        /// GitHub: 65,536 characters (the REST API's 422 "body is too long"); GitLab: 1,000,000
        /// characters (a note's limit); Azure DevOps: 150,000 characters (a pull request comment).
        package var sizeLimit: Int {
            switch self {
            case .github: return 65_536
            case .gitlab: return 1_000_000
            case .azure: return 150_000
            }
        }

        /// GitHub and GitLab render ```mermaid blocks; Azure DevOps' pull request comments do not.
        var rendersMermaid: Bool { self != .azure }
    }

    /// The run's place and what to link to: the platform's own URLs, never text from the run.
    package struct Context: Sendable, Equatable {
        package var links: [Presentation.Link]
        package init(links: [Presentation.Link] = []) { self.links = links }
    }

    /// The hidden line that finds this spec's comment again: the spec's path, reduced to
    /// characters that cannot end an HTML comment. Two specs in one pull request keep two comments.
    package static func marker(specPath: String?) -> String {
        var name = String.UnicodeScalarView()
        for scalar in (specPath ?? "default").unicodeScalars.prefix(200) {
            let plain =
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "._/".unicodeScalars.contains(scalar)
            // One `-` at a time: `--` would end the comment.
            let dash = scalar == "-" && name.last != "-"
            name.append(plain || dash ? scalar : "_")
        }
        return "<!-- perfgate-comment: \(String(name)) -->"
    }

    /// How much a comment shows, largest first: each next one is tried when the comment is too long.
    struct Extent {
        var charts: Bool
        var problems: Int
        var passing: Int
    }

    static let extents = [
        Extent(charts: true, problems: 50, passing: 100), Extent(charts: false, problems: 50, passing: 100),
        Extent(charts: false, problems: 20, passing: 20), Extent(charts: false, problems: 10, passing: 0),
        Extent(charts: false, problems: 3, passing: 0)
    ]

    /// The comment's Markdown, at most the flavor's size.
    package static func render(_ result: EvaluationResult, flavor: Flavor, context: Context = Context()) -> String {
        let rows = Row.all(result)
        for extent in extents {
            let text = body(result, rows: rows, flavor: flavor, context: context, extent: extent)
            if text.utf8.count <= flavor.sizeLimit { return text }
        }
        return cut(body(result, rows: rows, flavor: flavor, context: context, extent: extents.last!), to: flavor.sizeLimit)
    }

    static func body(_ result: EvaluationResult, rows: [Row], flavor: Flavor, context: Context, extent: Extent) -> String {
        var text = marker(specPath: result.specPath) + "\n"
        text += "### \(MarkdownReport.icon(result.verdict)) perfgate: \(result.verdict.rawValue.uppercased())"
        if result.failure == nil { text += ", \(TerminalReport.totalLine(result))" }
        text += "\n\n"
        var facts: [String] = []
        if let spec = result.specPath { facts.append("Spec " + escaped(Path.lastComponent(of: spec), limit: 120)) }
        if let window = result.window { facts.append("window \(CivilDate.rfc3339(window.start)) to \(CivilDate.rfc3339(window.end))") }
        if let baseline = result.baseline {
            let when = CivilDate.rfc3339(baseline.time.rounded(.down))
            facts.append("baseline: the run of \(when) (\(baseline.result.rawValue), score \(NumberText.format(baseline.score)))")
        } else {
            facts.append("no baseline yet (keep a history: --history or a perfgate server's store)")
        }
        text += facts.joined(separator: " · ") + "\n\n"
        let links = context.links.filter { MarkdownText.isPlainURL($0.url) }
        if !links.isEmpty { text += links.map { "[\(MarkdownText.cell($0.title))](\($0.url))" }.joined(separator: " · ") + "\n\n" }
        if let failure = result.failure {
            return text + "perfgate could not evaluate: " + escaped(failure, limit: 2000) + "\n"
        }
        guard !rows.isEmpty else { return text + "The spec has no indicators.\n" }
        let problems = rows.filter { $0.status != .pass }
        let passing = rows.filter { $0.status == .pass }
        if !problems.isEmpty {
            text += table(problems.prefix(extent.problems))
            if problems.count > extent.problems { text += "\n_\(problems.count - extent.problems) more in the run's JSON report._\n" }
            text += "\n"
        }
        if !passing.isEmpty {
            if extent.passing > 0 {
                text += "<details><summary>\(passing.count) passing value\(passing.count == 1 ? "" : "s")</summary>\n\n"
                text += table(passing.prefix(extent.passing))
                if passing.count > extent.passing { text += "\n_\(passing.count - extent.passing) more in the run's JSON report._\n" }
                text += "\n</details>\n\n"
            } else {
                text += "_\(passing.count) passing value\(passing.count == 1 ? "" : "s") in the run's JSON report._\n\n"
            }
        }
        let warnings = result.notes.prefix(10).map { "- " + escaped($0, limit: 300) }
        if !warnings.isEmpty { text += "**Warnings**\n\n" + warnings.joined(separator: "\n") + "\n\n" }
        if extent.charts && flavor.rendersMermaid {
            let charts = MarkdownReport.trendCharts(result, Presentation(summaryCharts: true))
            if !charts.isEmpty {
                let heading = "\n### Trends\n\n"
                let body = charts.hasPrefix(heading) ? String(charts.dropFirst(heading.count)) : charts
                text += "<details><summary>Trends</summary>\n\n" + body + "\n</details>\n"
            }
        }
        return text
    }

    static func table(_ rows: some Sequence<Row>) -> String {
        var text = "| Indicator | Key | This run | Baseline | Change | Status |\n|---|---|---|---|--:|---|\n"
        for row in rows {
            let cells = [
                escaped(row.id, limit: 120), row.key.map { escaped($0, limit: 120) } ?? "", escaped(row.value, limit: 300),
                row.baseline.map(NumberText.format) ?? "–", row.change,
                "\(MarkdownReport.icon(row.status)) \(row.status.rawValue)" + (row.dryRun ? " (dry run)" : "")
            ]
            text += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return text
    }

    /// Untrusted text (ids, keys, values, messages) for a cell or a list item: Markdown's escaping,
    /// no mention or link (as the summary's), and no reference either. Escaped rather than in a
    /// code span, so that even a reader of the raw text (a bot, a mail notification) sees no
    /// `<script>`, `@name` or `[text](url)`: `#1`, `!1`, `~label`, `%milestone`, `$snippet`, `&epic`
    /// and `GH-1` link issues, pull requests, work items and more on the three platforms.
    static func escaped(_ value: String, limit: Int) -> String {
        let escaped = MarkdownText.cell(MarkdownReport.clip(value, limit))
        var output = String.UnicodeScalarView()
        let scalars = Array(escaped.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            // `\<` as an entity: the same character rendered, and no `<tag` in the raw text.
            if scalar == "\\", index + 1 < scalars.count, scalars[index + 1] == "<" || scalars[index + 1] == ">" { continue }
            if scalar == "<" || scalar == ">" {
                output.append(contentsOf: (scalar == "<" ? "&lt;" : "&gt;").unicodeScalars)
                continue
            }
            output.append(scalar)
            let next = index + 1 < scalars.count ? scalars[index + 1] : " "
            let word = next.properties.isAlphabetic || ("0"..."9").contains(next) || next == "\"" || next == "-"
            if "#!~%$&".unicodeScalars.contains(scalar), word { output.append("\u{200B}") }
            if (scalar == "H" || scalar == "h"), next == "-", index > 0, scalars[index - 1] == "G" || scalars[index - 1] == "g" {
                output.append("\u{200B}")
            }
        }
        return String(output)
    }

    /// The text cut at a line boundary, open `<details>` and fences closed, with a note.
    static func cut(_ text: String, to limit: Int) -> String {
        let note = "\n_The comment was cut to fit the platform's limit; the run's reports have everything._\n"
        var kept = ""
        var size = note.utf8.count + 32
        var fenced = false, open = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let next = line.utf8.count + 1
            if size + next > limit { break }
            kept += line + "\n"
            size += next
            if line.hasPrefix("```") { fenced.toggle() }
            if line.hasPrefix("<details>") { open += 1 }
            if line.hasPrefix("</details>") { open -= 1 }
        }
        return kept + (fenced ? "```\n" : "") + String(repeating: "</details>\n", count: max(0, open)) + note
    }

    /// One line of the table: an indicator's value for one key.
    struct Row {
        var id: String
        /// nil when the key is the indicator's id (one value).
        var key: String?
        var value: String
        var baseline: Double?
        var change: String
        var status: Verdict
        var dryRun = false

        /// Every indicator's rows, problems first (fail, error, warning), each group in the spec's order.
        static func all(_ result: EvaluationResult) -> [Row] {
            let baseline = Dictionary(
                (result.baseline?.values ?? []).map { ($0.id + "\u{0}" + $0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            var rows: [Row] = []
            for indicator in result.indicatorResults {
                let first = rows.count
                defer { if indicator.dryRun { for index in first..<rows.count { rows[index].dryRun = true } } }
                if let error = indicator.error {
                    rows.append(Row(id: indicator.id, key: nil, value: "not measured: " + error, baseline: nil, change: "", status: .error))
                } else if let canary = indicator.canary {
                    rows.append(
                        Row(
                            id: indicator.id, key: nil, value: "canary: " + CanaryText.summary(canary), baseline: nil, change: "",
                            status: indicator.verdict))
                } else if let objective = indicator.objective {
                    let before = baseline[indicator.id + "\u{0}" + indicator.id] ?? nil
                    rows.append(
                        Row(
                            id: indicator.id, key: nil, value: objective.value.map(NumberText.format) ?? "no value", baseline: before,
                            change: change(objective.value, before), status: indicator.verdict))
                } else if indicator.measurements.isEmpty {
                    rows.append(Row(id: indicator.id, key: nil, value: "no values", baseline: nil, change: "", status: indicator.verdict))
                } else {
                    let worst = Dictionary(
                        indicator.violations.compactMap { violation in violation.key.map { ($0, violation.breach.isSevere) } },
                        uniquingKeysWith: { $0 || $1 })
                    for measurement in indicator.measurements {
                        let before = baseline[indicator.id + "\u{0}" + measurement.key] ?? nil
                        let status: Verdict = measurement.value == nil ? .fail : worst[measurement.key].map { $0 ? .fail : .warning } ?? .pass
                        rows.append(
                            Row(
                                id: indicator.id, key: measurement.key == indicator.id ? nil : measurement.key,
                                value: measurement.value.map(NumberText.format) ?? "no value", baseline: before,
                                change: change(measurement.value, before), status: status))
                    }
                }
            }
            let order: [Verdict: Int] = [.fail: 0, .error: 1, .warning: 2, .pass: 3]
            return rows.enumerated().sorted { (order[$0.element.status]!, $0.offset) < (order[$1.element.status]!, $1.offset) }.map(\.element)
        }

        /// `+12.5%` against the baseline; `–` when either is missing or the baseline is 0.
        static func change(_ value: Double?, _ baseline: Double?) -> String {
            guard let value, let baseline, baseline != 0, value.isFinite, baseline.isFinite else { return "–" }
            let percent = (value - baseline) / abs(baseline) * 100
            let rounded = (percent * 10).rounded() / 10
            return (rounded > 0 ? "+" : rounded == 0 ? "±" : "") + NumberText.format(rounded) + "%"
        }
    }
}
