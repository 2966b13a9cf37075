import PerfGateCore
import Testing

/// `slo.yaml` parsing with lighthouse's defaults (`keptn-quality-gates.md` §3.7).
@Suite struct SLOSpecDecoderTests {
    func decode(_ yaml: String) throws -> SLOSpecDecoder.Outcome {
        SLOSpecDecoder.decode(try YAMLParser.parse(yaml))
    }

    static let objectives = """
        objectives:
          - sli: response_time_p95
            displayName: Response time P95
            key_sli: true
            pass:
              - criteria: ["<=+10%", "<600"]
            warning:
              - criteria: ["<=800"]
          - null
          - {sli: srt, pass: [], warning: []}
          - {sli: errors, pass: [{criteria: ["=0%"]}, {criteria: ["<+5%", ">-5%"]}], weight: 2}
        total_score: {pass: "90%", warning: 75%}
        """

    @Test func comparisonDefaultsAsLighthouseAppliesThem() throws {
        let absent = try #require(try decode(Self.objectives).spec)
        #expect(
            absent.comparison
                == .init(compareWith: "single_result", includeResultWithScore: "all", numberOfComparisonResults: 1, aggregateFunction: "avg"))
        let partial = try #require(try decode("comparison: {compare_with: single_result}\n" + Self.objectives).spec)
        #expect(
            partial.comparison
                == .init(compareWith: "single_result", includeResultWithScore: "all", numberOfComparisonResults: 3, aggregateFunction: "avg"))
        let full = try #require(
            try decode(
                """
                comparison: {compare_with: several_results, include_result_with_score: pass, number_of_comparison_results: 3, aggregate_function: p90}

                """ + Self.objectives
            ).spec)
        #expect(
            full.comparison
                == .init(compareWith: "several_results", includeResultWithScore: "pass", numberOfComparisonResults: 3, aggregateFunction: "p90"))
        #expect(full.comparison.resultsToCompare == 3)
        #expect(absent.comparison.resultsToCompare == 1)
    }

    @Test func objectivesKeepTheirCriteriaWeightsAndKeys() throws {
        let spec = try #require(try decode(Self.objectives).spec)
        #expect(spec.objectives.map(\.sli) == ["response_time_p95", "srt", "errors"])  // the null entry is dropped
        #expect(
            spec.objectives[0]
                == SLOObjective(
                    sli: "response_time_p95", displayName: "Response time P95", pass: [["<=+10%", "<600"]],
                    warning: [["<=800"]], weight: 1, keySLI: true))
        #expect(spec.objectives[1].weight == 1 && spec.objectives[1].pass.isEmpty)
        #expect(spec.objectives[2].weight == 2 && spec.objectives[2].pass == [["=0%"], ["<+5%", ">-5%"]])
        #expect(spec.totalPass == 90 && spec.totalWarning == 75)
    }

    @Test func reportsEveryProblemWithItsPath() throws {
        let outcome = try decode(
            """
            comparison: {compare_with: latest, aggregate_function: p99}
            objectives:
              - {sli: a, pass: [{criteria: ["about 600"]}]}
              - {pass: [{criteria: ["<1"]}]}
            total_score: {pass: "ninety"}
            """)
        #expect(outcome.spec == nil)
        #expect(
            outcome.diagnostics.map { "\($0.path): \($0.message)" } == [
                "comparison.compare_with: 'latest' is not one of single_result, several_results",
                "comparison.aggregate_function: 'p99' is not one of avg, p50, p90, p95 (did you mean 'p90'?)",
                "objectives[0].pass[0].criteria[0]: 'about 600' is not a criterion: use <, <=, =, >= or > with a number, e.g. <=800 or <=+10%",
                "objectives[1]: missing 'sli' (the SLI's name in sli.yaml)",
                "total_score.pass: could not parse the pass target percentage 'ninety'"
            ])
        #expect(
            try decode("objectives: []").diagnostics.map(\.message) == [
                "missing 'total_score' (the score needed, e.g. {pass: \"90%\", warning: \"75%\"})"
            ])
    }

    @Test func aHugeComparisonCountIsAnErrorNotATrap() throws {
        // Found by fuzzing: Int(1e30) trapped.
        let outcome = try decode("comparison: {number_of_comparison_results: 1e30}\n" + Self.objectives)
        #expect(outcome.spec == nil)
        #expect(outcome.diagnostics.map(\.message) == ["'number_of_comparison_results' must be a whole number from 0 to 100000, found 1e+30"])
        #expect(try decode("comparison: {number_of_comparison_results: 2.5}\n" + Self.objectives).spec == nil)
    }
}
