import Foundation
import PerfGateCore
import PerfGateReports
import Testing

@Suite struct JSONReportTests {
    @Test func matchesGoldenFiles() throws {
        try Golden.check(JSONReport.render(SampleResults.mixed), "mixed.result.json")
        try Golden.check(JSONReport.render(SampleResults.passing), "passing.result.json")
    }

    /// The query as sent is in the report, so "no values" can be debugged from it.
    @Test func showsTheResolvedQuery() throws {
        var result = SampleResults.passing
        result.indicatorResults[0].resolvedQuery = #"rate(http_requests_total{job="shop"}[5m])"#
        let document = try JSONParser.parse(JSONReport.render(result))
        #expect(document["indicatorResults"]?.items?.first?["query"]?.stringValue == #"rate(http_requests_total{job="shop"}[5m])"#)
        #expect(try JSONParser.parse(JSONReport.render(SampleResults.passing))["indicatorResults"]?.items?.first?["query"] == nil)
    }

    @Test func keepsPitometersFieldsAndShapes() throws {
        let node = try JSONParser.parse(JSONReport.render(SampleResults.mixed))
        #expect(node.members?.prefix(4).map(\.key) == ["result", "totalScore", "objectives", "indicatorResults"])
        let indicators = try #require(node["indicatorResults"]?.items)
        #expect(indicators[0].members?.prefix(3).map(\.key) == ["id", "violations", "score"])
        #expect(indicators[1]["violations"]?.items?.first?.members?.map(\.key) == ["metadata", "value", "key", "breach", "threshold"])
        #expect(
            indicators[2]["violations"]?.items?.last
                == .object([
                    ("key", .string("other")), ("value", .null),
                    ("breach", .string("The indicator returned no value for the current key"))
                ]))
        #expect(indicators[3]["violations"]?.items?.first == .object([("breach", .string("The indicator returned no values"))]))
        #expect(indicators[4]["error"]?.stringValue?.hasPrefix("Prometheus said") == true)
        #expect(node["options"] == .object([("timeStart", .number(1_714_564_800)), ("timeEnd", .number(1_714_565_400.5))]))
        #expect(node["window"]?["start"]?.stringValue == "2024-05-01T12:00:00Z")
    }
}

/// The JSON report is streamed: in pieces, or whole, it is the text of the tree.
@Suite struct JSONReportStreamTests {
    static func result(values: Int) -> EvaluationResult {
        let measurements = (0..<values).map { Measurement(key: "{i=\"\($0)\"}", value: Double($0) / 4) }
        let violations = measurements.prefix(values / 2).map { Violation(breach: .upperWarning, key: $0.key, value: $0.value, threshold: 1) }
        return EvaluationResult(
            verdict: .warning, totalScore: 5, objectives: Objectives(pass: 9, warning: 1),
            indicatorResults: [
                IndicatorResult(
                    id: "big", source: "prometheus", score: 5, metricScore: 10, violations: Array(violations),
                    measurements: measurements, thresholds: Thresholds(upperWarning: 1), warnings: ["w"]),
                IndicatorResult(
                    id: "none", source: "static", score: 0, metricScore: 0, violations: [], measurements: [],
                    thresholds: Thresholds(), error: "down")
            ],
            specPath: "s.json")
    }

    @Test(arguments: [0, 1, 3, 20000])
    func piecesMakeTheSameTextAsTheTree(_ values: Int) throws {
        let result = Self.result(values: values)
        // The same document (the stream writes list elements one per line; the tree cannot say that).
        // Complete, so 20,000 values are all written (the file report summarizes past 1,000).
        let tree = JSONReport.document(result, complete: true)
        let whole = JSONReport.render(result, complete: true)
        #expect(try JSONParser.parse(Array(whole.utf8)) == tree)
        var pieces: [String] = []
        JSONReport.render(result, complete: true, strings: nil) { pieces.append($0) }
        #expect(pieces.joined() == whole)
        if values == 20000 { #expect(pieces.count > 1 && pieces.dropLast().allSatisfy { $0.hasSuffix("\n") }) }
    }

    @Test func pastAThousandValuesTheFileReportHasTheirCountAndDistribution() throws {
        let report = try JSONParser.parse(Array(JSONReport.render(Self.result(values: 20000)).utf8))
        let indicator = try #require(report["indicatorResults"]?.items?.first)
        #expect(indicator["values"] == nil)
        #expect(indicator["valueCount"]?.numberValue == 20000)
        let distribution = try #require(indicator["valueDistribution"])
        #expect(distribution["missing"]?.numberValue == 0)
        #expect(distribution["min"] != nil && distribution["max"] != nil && distribution["p99"] != nil)
        // Every breaching value is still there.
        #expect(indicator["violations"]?.items?.count == 10000)
        let small = try JSONParser.parse(Array(JSONReport.render(Self.result(values: 1000)).utf8))
        #expect(small["indicatorResults"]?.items?.first?["values"]?.items?.count == 1000)
    }

    @Test func everyStringPassesTheRedactor() {
        var text = ""
        JSONReport.render(Self.result(values: 3), strings: { $0.replacingOccurrences(of: "i=", with: "***") }) { text += $0 }
        #expect(!text.contains("i=") && text.contains("***"))
    }
}
