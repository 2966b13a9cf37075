import PerfGateCore
@testable import PerfGateReports
import Testing

@Suite struct MarkdownReportTests {
    @Test func matchesGoldenFiles() throws {
        try Golden.check(MarkdownReport.render(SampleResults.mixed), "mixed.md")
        try Golden.check(MarkdownReport.render(SampleResults.passing), "passing.md")
    }

    @Test func everyTableRowHasFiveCells() {
        let rows = MarkdownReport.render(SampleResults.mixed).split(separator: "\n").filter { $0.hasPrefix("| ") }
        #expect(rows.count == 6)
        for row in rows {
            // Unescaped pipes delimit cells: 6 per row of 5 cells.
            var delimiters = 0
            var escaped = false
            for character in row {
                if character == "|" && !escaped { delimiters += 1 }
                escaped = character == "\\" && !escaped
            }
            #expect(delimiters == 6, "\(row)")
        }
    }

    @Test func staysUnderOneMebibyte() {
        let key = String(repeating: "k", count: 2000)
        let indicators = (0..<3000).map { index in
            IndicatorResult(
                id: "indicator_\(index)", source: "static", score: 0, metricScore: 1,
                violations: (0..<3).map { _ in Violation(breach: .upperSevere, key: key, value: 2, threshold: 1) },
                measurements: [Measurement(key: key, value: 2)], thresholds: Thresholds(upperSevere: 1))
        }
        let result = EvaluationResult(verdict: .fail, totalScore: 0, objectives: Objectives(pass: 1, warning: 0), indicatorResults: indicators)
        let text = MarkdownReport.render(result)
        #expect(text.utf8.count <= MarkdownReport.sizeLimit)
        #expect(text.contains("more indicators are in the JSON report"))
        #expect(text.hasPrefix("## ❌ perfgate: FAIL, score 0 of 3000"))
    }

    @Test func escapesMarkupAndCodeSpans() {
        #expect(MarkdownText.cell("a|b <img src=x> [l](u) *x*") == #"a\|b \<img src=x\> \[l\]\(u\) \*x\*"#)
        // No autolink, no mention: a zero-width space after '@', in '://' and in 'www.'.
        #expect(
            MarkdownText.cell("https://evil.example @octocat www.x.io a@b.io")
                == "https:\u{200B}//evil.example @\u{200B}octocat www\u{200B}.x.io a@\u{200B}b.io")
        #expect(MarkdownText.code("p99 `per` page") == "``p99 `per` page``")
        #expect(MarkdownText.code("`x") == "`` `x ``")
    }
}

/// Mermaid charts in the summary: drawn from the trend, and no label can become syntax.
@Suite struct MarkdownChartTests {
    @Test func aChartPerIndicatorWithHistoryOnlyWhenAskedFor() {
        let markdown = MarkdownReport.render(SampleResults.withPictures, presentation: SampleResults.picturesPresentation)
        #expect(
            markdown.contains(
                """
                ```mermaid
                xychart-beta
                    title "checkout_p95_ms checkout, the last 5 runs and this one (flat lines: upperSevere 1200, upperWarning 800)"
                    x-axis ["04-24 23:06", "04-25 23:06", "04-26 23:06", "04-27 23:06", "04-28 23:06", "this run"]
                    y-axis "checkout"
                    line [500, 520, 540, 560, 580, 581]
                    line [1200, 1200, 1200, 1200, 1200, 1200]
                    line [800, 800, 800, 800, 800, 800]
                ```
                """))
        var plain = SampleResults.picturesPresentation
        plain.summaryCharts = false
        #expect(!MarkdownReport.render(SampleResults.withPictures, presentation: plain).contains("mermaid"))
        #expect(markdown.contains("[HTML report](https://ci.example/a_b?c=1&d=2)"))
    }

    @Test func noLabelBecomesMermaidOrMarkdown() {
        var result = SampleResults.withPictures
        let hostile = "x\"]\n    line [1]\n```\n%%{init: {\"theme\": \"dark\"}}%%\n<img src=x onerror=alert(1)> #35; `a` ; click"
        result.indicatorResults[0].id = hostile
        result.trend = result.trend.map { run in
            var run = run
            run.values = run.values.map { value in
                var value = value; if value.key == "checkout" { value.id = hostile }; return value
            }
            return run
        }
        let markdown = MarkdownReport.render(result, presentation: SampleResults.picturesPresentation)
        let blocks = markdown.components(separatedBy: "```mermaid\n").dropFirst().map { $0.components(separatedBy: "\n```\n")[0] }
        #expect(!blocks.isEmpty)
        for block in blocks {
            for line in block.split(separator: "\n") {
                // Only the statements perfgate writes, each label a plain quoted string.
                let ok =
                    line == "xychart-beta" || line.hasPrefix("    title \"") || line.hasPrefix("    x-axis [\"") || line.hasPrefix("    y-axis \"")
                    || line.hasPrefix("    line [")
                #expect(ok, "\(line)")
                let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
                #expect(quoted.count % 2 == 1, "\(line)")
                for forbidden in ["%%", "#", "`", ";", "<", ">"] { #expect(!line.contains(forbidden), "\(line)") }
            }
        }
        // A link only from the platform, and only a plain http(s) URL.
        var hostileLinks = SampleResults.picturesPresentation
        hostileLinks.links = [Presentation.Link(title: "x", url: "javascript:alert(1)"), Presentation.Link(title: "y", url: "https://a/b)c")]
        let unlinked = MarkdownReport.render(result, presentation: hostileLinks)
        #expect(!unlinked.contains("](javascript") && !unlinked.contains("](https://a/b)c"))
    }

    @Test func aCutSummaryClosesItsChart() {
        let text = "a\n```mermaid\n" + String(repeating: "line [1]\n", count: 200_000)
        let fitted = MarkdownReport.fitted(text)
        #expect(fitted.utf8.count <= MarkdownReport.sizeLimit)
        #expect(fitted.components(separatedBy: "```").count % 2 == 1)
    }
}
