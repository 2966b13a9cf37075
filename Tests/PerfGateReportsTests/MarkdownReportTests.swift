import PerfGateCore
import PerfGateReports
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
        #expect(MarkdownText.cell("https://evil.example @octocat www.x.io a@b.io") == "https:\u{200B}//evil.example @\u{200B}octocat www\u{200B}.x.io a@\u{200B}b.io")
        #expect(MarkdownText.code("p99 `per` page") == "``p99 `per` page``")
        #expect(MarkdownText.code("`x") == "`` `x ``")
    }
}
