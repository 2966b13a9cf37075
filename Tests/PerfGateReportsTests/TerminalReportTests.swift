import PerfGateReports
import Testing

@Suite struct TerminalReportTests {
    @Test func matchesGoldenFiles() throws {
        try Golden.check(TerminalReport.render(SampleResults.mixed), "mixed.txt")
        try Golden.check(TerminalReport.render(SampleResults.mixed, style: .init(color: true)), "mixed.color.txt")
        try Golden.check(TerminalReport.render(SampleResults.passing), "passing.txt")
    }

    @Test func untrustedTextCannotBecomeALogCommand() {
        let text = TerminalReport.render(SampleResults.mixed)
        #expect(!text.contains("##vso["))
        for line in text.split(separator: "\n") {
            #expect(!line.hasPrefix("::"))
            #expect(!line.contains("\u{1B}"))
        }
    }
}
