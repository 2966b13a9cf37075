import PerfGateCore

/// What the Markdown summary adds for a person who looks rather than reads: links the platform
/// gives (the HTML report's place) and, where the summary renders Mermaid, a trend chart per
/// indicator with history.
extension MarkdownReport {
    /// The most trend charts one summary draws (GitHub renders each one in the page).
    static let maxCharts = 20

    /// The platform's links, as `[title](url)`; a URL that is not plainly http(s) is left out.
    static func links(_ presentation: Presentation) -> String {
        let links = presentation.links.filter { MarkdownText.isPlainURL($0.url) }
        guard !links.isEmpty else { return "" }
        return links.map { "[\(MarkdownText.cell($0.title))](\($0.url))" }.joined(separator: " · ") + "\n\n"
    }

    /// One `xychart-beta` per indicator with earlier runs: this run last, the absolute limits as
    /// flat lines. Every label is reduced to characters Mermaid cannot read as syntax.
    static func trendCharts(_ result: EvaluationResult, _ presentation: Presentation) -> String {
        guard presentation.summaryCharts, !result.trend.isEmpty else { return "" }
        var charts: [String] = []
        let trend = TrendIndex(result.trend)
        for indicator in result.indicatorResults where charts.count < maxCharts {
            guard let key = HTMLReport.trendKeys(indicator, trend: trend).first else { continue }
            var labels: [String] = [], values: [Double] = []
            for (offset, run) in trend.runs.enumerated() {
                guard let value = trend.value(run: offset, id: indicator.id, key: key)?.value, value.isFinite else { continue }
                labels.append(HTMLReport.shortTime(run.time))
                values.append(value)
            }
            if let value = HTMLReport.currentValue(indicator, key: key).value, value.isFinite {
                labels.append("this run")
                values.append(value)
            }
            guard values.count >= 2 else { continue }
            let limits =
                indicator.objective.map { objective in
                    HTMLReport.criteriaTicks(objective).filter { !$0.label.contains("(") }.map { ($0.label, $0.value) }
                } ?? Thresholds.keys.compactMap { name in indicator.thresholds[name].map { ("\(name) \(NumberText.precise($0))", $0) } }
            let numbered = ([values] + limits.map { limit in Array(repeating: limit.1, count: values.count) })
            guard let lines = MermaidText.numbers(numbered) else { continue }
            let subject = indicator.id == key ? indicator.id : "\(indicator.id) \(key)"
            let caption =
                "\(subject), the last \(values.count - 1) runs and this one"
                + (limits.isEmpty ? "" : " (flat lines: " + limits.map(\.0).joined(separator: ", ") + ")")
            var chart = "```mermaid\nxychart-beta\n    title \"\(MermaidText.label(caption, limit: 120))\"\n"
            chart += "    x-axis [" + labels.map { "\"\(MermaidText.label($0, limit: 20))\"" }.joined(separator: ", ") + "]\n"
            chart += "    y-axis \"\(MermaidText.label(key, limit: 40))\"\n"
            for line in lines { chart += "    line [\(line)]\n" }
            charts.append(chart + "```\n")
        }
        guard !charts.isEmpty else { return "" }
        return "\n### Trends\n\n" + charts.joined(separator: "\n")
    }
}

/// Text for Mermaid: a label keeps ASCII letters, digits and ` _.,:/+-=()` (`<` and `>` become
/// `‹` and `›`), and nothing that could end its string (`"`), a line, a Markdown fence, or start a
/// comment (`%%`) or an entity (`#`). Numbers are plain decimals, as xychart's lexer reads them
/// (`[+-]?\d+(\.\d+)?`: no exponent). The grammar: mermaid's `xychart.jison`.
enum MermaidText {
    static func label(_ text: String, limit: Int) -> String {
        var output = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            let kept =
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || " _.,:/+-=()<>".unicodeScalars.contains(scalar))
            output.unicodeScalars.append(kept && scalar != "<" && scalar != ">" ? scalar : (scalar == "<" ? "‹" : scalar == ">" ? "›" : "_"))
        }
        return output
    }

    /// Each list of numbers as `1, 2.5, 3`; nil when one has no plain decimal form.
    static func numbers(_ lists: [[Double]]) -> [String]? {
        var lines: [String] = []
        for list in lists {
            var texts: [String] = []
            for value in list {
                let text = NumberText.precise(value)
                guard value.isFinite, !text.contains("e"), !text.contains("E") else { return nil }
                texts.append(text)
            }
            lines.append(texts.joined(separator: ", "))
        }
        return lines
    }
}

extension MarkdownText {
    /// An http(s) URL with no character that could end a Markdown link or start markup: what a
    /// link built from a platform's own variables must be before it is written.
    package static func isPlainURL(_ url: String) -> Bool {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#@!$&+,;=%".unicodeScalars)
        return url.unicodeScalars.allSatisfy { allowed.contains($0) }
    }
}
