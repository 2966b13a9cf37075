import PerfGateCore
import PerfGateReports
import Testing

@Suite struct ReportListTests {
    @Test func everyReportHasItsOwnFlagAndFile() {
        #expect(Reports.all.map(\.identifier) == ["json", "junit", "markdown", "html"])
        #expect(Set(Reports.all.map(\.defaultFileName)).count == Reports.all.count)
        #expect(Reports.named("junit")?.defaultFileName == "perfgate-junit.xml")
        #expect(Reports.named("pdf") == nil)
    }

    /// Each format's renderer behind the protocol gives what the format's own renderer gives.
    @Test func theProtocolRendersWhatTheRenderersDo() {
        let result = SampleResults.mixed
        #expect(JSONReportFormat().render(result, redactor: Redactor()) == JSONReport.render(result))
        #expect(JUnitReportFormat().render(result, redactor: Redactor()) == JUnitReport.render(result))
        #expect(MarkdownReportFormat().render(result, redactor: Redactor()) == MarkdownReport.render(result))
        #expect(HTMLReportFormat().render(result, redactor: Redactor()) == HTMLReport.render(result))
    }

    /// A secret still in outside text is masked in the form each format escapes it to.
    @Test func eachFormatRedactsItsOwnEscaping() {
        let secret = "s3cr<t&\"|x"
        var result = SampleResults.mixed
        result.indicatorResults[0].error = "echoed " + secret
        let redactor = Redactor([secret])
        for report in Reports.all {
            let text = report.render(result, redactor: redactor)
            #expect(!text.contains("s3cr"), "\(report.identifier)")
            #expect(text.contains(Redactor.mask), "\(report.identifier)")
        }
    }
}
