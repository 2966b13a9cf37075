import PerfGateCore
import PerfGateReports
import Testing

/// The JSON report read back gives the result it was written from: every report rendered from
/// what was read is the report rendered from the original (what `evaluate --server` relies on).
@Suite struct JSONReportReaderTests {
    static let slo = """
        spec_version: '1.0'
        comparison: {compare_with: several_results, number_of_comparison_results: 2, include_result_with_score: all, aggregate_function: avg}
        objectives:
          - sli: response_time_p95
            displayName: "p95 <b>|`x`"
            key_sli: true
            pass: [{criteria: ["<=+10%", "<600"]}, {criteria: ["<=100"]}]
            warning: [{criteria: ["<=800"]}]
            weight: 2
          - sli: error_rate
            pass: [{criteria: ["<1"]}]
          - sli: throughput
          - sli: missing
            pass: [{criteria: [">0"]}]
        total_score: {pass: "90%", warning: "60%"}
        """

    static func sloResult() throws -> EvaluationResult {
        let spec = try #require(SLOSpecDecoder.decode(try YAMLParser.parse(Array(slo.utf8))).spec)
        let earlier = HistoryRecord(
            time: 1_714_560_000, window: Window(start: 1_714_559_400, end: 1_714_560_000), specKind: "slo", specPath: nil, specDigest: "sha256:ab",
            context: [:], result: .pass, score: 100,
            values: [.init(id: "response_time_p95", key: "response_time_p95", value: 500, status: "pass", success: true)])
        let comparison = ComparisonSet.select(from: [earlier], comparison: spec.comparison, context: [:])
        var result = SLOEvaluator.evaluate(
            spec,
            values: [
                "response_time_p95": SLIValue(value: 620), "error_rate": SLIValue(value: 0.5), "throughput": SLIValue(value: 12),
                "missing": .failed("no data <script>")
            ],
            comparison: comparison, source: "prometheus", window: Window(start: 1_714_564_800, end: 1_714_565_400), specPath: "keptn/slo.yaml")
        result.evaluatedAt = 1_714_565_460.25
        return result
    }

    static func renderings(_ result: EvaluationResult) -> [String] {
        Reports.all.map { $0.render(result, redactor: Redactor()) } + [TerminalReport.render(result)]
    }

    static func readBack(_ result: EvaluationResult) throws -> EvaluationResult {
        let text = JSONReportFormat().render(result, redactor: Redactor())
        return try JSONReportReader.result(try JSONParser.parse(Array(text.utf8)))
    }

    @Test func aPerfSpecResultReadsBackWhole() throws {
        for original in [
            SampleResults.mixed, SampleResults.passing, EvaluationResult.stopped("the spec <is> invalid", specPath: "p.yaml")
        ] {
            let read = try Self.readBack(original)
            #expect(read == original)
            #expect(Self.renderings(read) == Self.renderings(original))
        }
    }

    @Test func aKeptnResultReadsBackToTheSameReports() throws {
        let original = try Self.sloResult()
        #expect(original.comparedRuns.count == 1)
        let read = try Self.readBack(original)
        #expect(Self.renderings(read) == Self.renderings(original))
        #expect(read.indicatorResults.map(\.objective) == original.indicatorResults.map(\.objective))
        #expect(read.slo == original.slo)
    }

    @Test(arguments: [
        (#"{"totalScore":1,"objectives":{"pass":1,"warning":0},"indicatorResults":[]}"#, "$.result: missing"),
        (#"{"result":"maybe","totalScore":1,"objectives":{"pass":1},"indicatorResults":[]}"#, "$.result: 'maybe' is not"),
        (#"{"result":"pass","totalScore":"1","objectives":{"pass":1},"indicatorResults":[]}"#, "$.totalScore: must be a number"),
        (
            #"{"result":"pass","totalScore":1,"objectives":{"pass":1},"indicatorResults":[{"id":"a","source":"s","score":1,"metricScore":1,"violations":[{"breach":"sideways"}],"values":[]}]}"#,
            "$.indicatorResults[0].violations[0].breach: 'sideways'"
        ),
        // A threshold crossed names its value's key (the fuzzer found a report without one that
        // read back, and was written back with an empty key).
        (
            #"{"result":"fail","totalScore":0,"objectives":{"pass":1},"indicatorResults":[{"id":"a","source":"s","score":0,"metricScore":1,"violations":[{"value":5,"breach":"upperSevere","threshold":1}],"values":[]}]}"#,
            "$.indicatorResults[0].violations[0].key: missing"
        )
    ])
    func aReportThatIsNotPerfgatesSaysWhereItIsWrong(text: String, message: String) throws {
        #expect {
            _ = try JSONReportReader.result(try JSONParser.parse(Array(text.utf8)))
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }
}
