import PerfGateCore
import PerfGateReports
import Testing

@Suite struct JSONReportTests {
    @Test func matchesGoldenFiles() throws {
        try Golden.check(JSONReport.render(SampleResults.mixed), "mixed.result.json")
        try Golden.check(JSONReport.render(SampleResults.passing), "passing.result.json")
    }

    @Test func keepsPitometersFieldsAndShapes() throws {
        let node = try JSONParser.parse(JSONReport.render(SampleResults.mixed))
        #expect(node.members?.prefix(4).map(\.key) == ["result", "totalScore", "objectives", "indicatorResults"])
        let indicators = try #require(node["indicatorResults"]?.items)
        #expect(indicators[0].members?.prefix(3).map(\.key) == ["id", "violations", "score"])
        #expect(indicators[1]["violations"]?.items?.first?.members?.map(\.key) == ["metadata", "value", "key", "breach", "threshold"])
        #expect(indicators[2]["violations"]?.items?.last == .object([("key", .string("other")), ("value", .null),
            ("breach", .string("The indicator returned no value for the current key"))]))
        #expect(indicators[3]["violations"]?.items?.first == .object([("breach", .string("The indicator returned no values"))]))
        #expect(indicators[4]["error"]?.stringValue?.hasPrefix("Prometheus said") == true)
        #expect(node["options"] == .object([("timeStart", .number(1_714_564_800)), ("timeEnd", .number(1_714_565_400.5))]))
        #expect(node["window"]?["start"]?.stringValue == "2024-05-01T12:00:00Z")
    }
}
