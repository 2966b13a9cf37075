import PerfGateCore
@testable import PerfGateReports
import PerfGateTestSupport
import Testing

@Suite struct JUnitReportTests {
    @Test func matchesGoldenFiles() throws {
        try Golden.check(JUnitReport.render(SampleResults.mixed), "mixed.junit.xml")
        try Golden.check(JUnitReport.render(SampleResults.passing), "passing.junit.xml")
    }

    /// Valid against the strict Ant schema and Jenkins' xUnit schema, hostile text included.
    @Test(.enabled(if: Shared.enabled, Shared.skipped), arguments: ["mixed", "passing"])
    func validatesAgainstBothSchemas(_ name: String) throws {
        let result = name == "mixed" ? SampleResults.mixed : SampleResults.passing
        let file = try Golden.temporaryFile(JUnitReport.render(result), named: "\(name).xml")
        #expect(try Shared.junitProblems(file).isEmpty)
    }

    @Test func countsFailuresAndErrors() {
        let xml = JUnitReport.render(SampleResults.mixed)
        #expect(xml.contains(#"tests="6" failures="2" errors="2""#))
        #expect(xml.contains(#"<failure message="http_req_failed: 0.0612 &gt;= upperSevere 0.05 (score 0 of 20)" type="upperSevere">"#))
        #expect(!xml.contains("\u{1B}") && !xml.contains("\u{01}"))
    }

    @Test func writesTimesWithAtMostThreeDecimals() {
        #expect(JUnitReport.seconds(600.5) == "600.500")
        #expect(JUnitReport.seconds(0.0004) == "0.000")
        #expect(JUnitReport.seconds(12.3456) == "12.346")
    }
}
