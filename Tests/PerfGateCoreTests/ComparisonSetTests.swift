import PerfGateCore
import PerfGateTestSupport
import Testing

/// Which earlier runs a run compares with (`include_result_with_score`, `number_of_comparison_results`).
@Suite struct ComparisonSetTests {
    func record(_ time: Double, _ result: Verdict, _ value: Double?, success: Bool = true, context: [String: String] = [:]) -> HistoryRecord {
        HistoryRecord(
            time: time, window: nil, specKind: "slo", specPath: nil, specDigest: nil, context: context, result: result, score: 0,
            values: [.init(id: "rt", key: "rt", value: value, status: result.rawValue, success: success)])
    }

    func comparison(
        _ compareWith: SLOSpec.CompareWith, _ include: SLOSpec.IncludedResults, _ count: Int, _ function: SLOSpec.AggregateFunction = .avg
    ) -> SLOSpec.Comparison {
        .init(compareWith: compareWith, includeResultWithScore: include, numberOfComparisonResults: count, aggregateFunction: function)
    }

    /// Oldest first, as the file keeps them.
    var history: [HistoryRecord] {
        [record(1, .pass, 100), record(2, .fail, 400), record(3, .warning, 200), record(4, .pass, 120), record(5, .error, nil, success: false)]
    }

    @Test func filtersByTheOverallResultNewestFirst() {
        let all = ComparisonSet.select(from: history, comparison: comparison("several_results", "all", 3), context: [:])
        #expect(all.runs.map(\.time) == [5, 4, 3])
        #expect(all.values(id: "rt", key: "rt") == [120, 200])  // the errored run has no usable value
        let pass = ComparisonSet.select(from: history, comparison: comparison("several_results", "pass", 3), context: [:])
        #expect(pass.runs.map(\.time) == [4, 1])
        #expect(pass.aggregate(id: "rt", key: "rt") == 110)
        let passOrWarn = ComparisonSet.select(from: history, comparison: comparison("several_results", "pass_or_warn", 2), context: [:])
        #expect(passOrWarn.runs.map(\.time) == [4, 3])
    }

    @Test func singleResultComparesWithOneRunWhateverTheCount() {
        let single = ComparisonSet.select(from: history, comparison: comparison("single_result", "pass", 3), context: [:])
        #expect(single.runs.map(\.time) == [4])
    }

    @Test func aggregatesWithTheSpecsFunction() {
        let p90 = ComparisonSet.select(from: history, comparison: comparison("several_results", "all", 5, "p90"), context: [:])
        // Values 120, 200, 400, 100: p90 position 4.5 is past the end, so the maximum.
        #expect(p90.aggregate(id: "rt", key: "rt") == 400)
        #expect(p90.aggregate(id: "other", key: "other") == nil)
    }

    @Test func onlyRunsOfTheSameProjectStageAndService() {
        let mixed = [record(1, .pass, 100, context: ["service": "cart"]), record(2, .pass, 200, context: ["service": "checkout"])]
        let set = ComparisonSet.select(from: mixed, comparison: comparison("several_results", "all", 3), context: ["service": "cart"])
        #expect(set.runs.map(\.time) == [1])
    }

    @Test func keysAreMatchedOneByOne() {
        // Pitometer's grader compared every key with the first key of the earlier run; here each key has its own.
        let run = HistoryRecord(
            time: 1, window: nil, specKind: "perfspec", specPath: nil, specDigest: nil, context: [:], result: .pass, score: 0,
            values: [
                .init(id: "p95", key: "cart", value: 500, status: "pass", success: true),
                .init(id: "p95", key: "checkout", value: 200, status: "pass", success: true)
            ])
        let set = ComparisonSet(runs: [run])
        #expect(set.aggregate(id: "p95", key: "checkout") == 200)
        #expect(set.aggregate(id: "p95", key: "cart") == 500)
    }
}
