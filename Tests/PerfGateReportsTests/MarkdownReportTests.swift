import PerfGateReports
import Testing

@Suite struct MarkdownReportTests {
    @Test func matchesGoldenFiles() throws {
        try Golden.check(MarkdownReport.render(SampleResults.mixed), "mixed.md")
        try Golden.check(MarkdownReport.render(SampleResults.passing), "passing.md")
    }

    @Test func everyTableRowHasSixCells() {
        let rows = MarkdownReport.render(SampleResults.mixed).split(separator: "\n").filter { $0.hasPrefix("| ") }
        #expect(rows.count == 6)
        for row in rows {
            // Unescaped pipes delimit cells: 7 per row of 6 cells.
            var delimiters = 0
            var escaped = false
            for character in row {
                if character == "|" && !escaped { delimiters += 1 }
                escaped = character == "\\" && !escaped
            }
            #expect(delimiters == 7, "\(row)")
        }
    }

    @Test func escapesMarkupAndCodeSpans() {
        #expect(MarkdownText.cell("a|b <img src=x> [l](u) *x*") == #"a\|b \<img src=x\> \[l\](u) \*x\*"#)
        #expect(MarkdownText.code("p99 `per` page") == "``p99 `per` page``")
        #expect(MarkdownText.code("`x") == "`` `x ``")
    }
}
