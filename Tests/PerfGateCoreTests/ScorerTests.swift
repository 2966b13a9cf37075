import PerfGateCore
import Testing

@Suite struct ScorerTests {
    func result(_ id: String, _ score: Double, error: String? = nil) -> IndicatorResult {
        IndicatorResult(
            id: id, source: "static", score: score, metricScore: 10, violations: [], measurements: [],
            thresholds: Thresholds(), error: error)
    }

    @Test func verdictComparesWithGreaterOrEqual() {
        let objectives = Objectives(pass: 90, warning: 75)
        #expect(Scorer.verdict(total: 90, objectives: objectives, anyError: false) == .pass)
        #expect(Scorer.verdict(total: 89.999, objectives: objectives, anyError: false) == .warning)
        #expect(Scorer.verdict(total: 75, objectives: objectives, anyError: false) == .warning)
        #expect(Scorer.verdict(total: 74, objectives: objectives, anyError: false) == .fail)
        #expect(Scorer.verdict(total: 100, objectives: objectives, anyError: true) == .error)
    }

    @Test func noIndicatorsPassOnlyWhenPassIsZero() {
        #expect(Scorer.result(of: [], objectives: Objectives(pass: 0, warning: 0)).verdict == .pass)
        #expect(Scorer.result(of: [], objectives: Objectives(pass: 90, warning: 75)).verdict == .fail)
    }

    @Test func sumsInPitometersKeyOrder() {
        // Floating-point sums depend on order: 0.3 + 0.2 + 0.1 is 0.6, 0.1 + 0.3 + 0.2 is not.
        // Pitometer summed integer-like ids first ("1", "2", then "z"), so its total is 0.6.
        let results = [result("z", 0.1), result("1", 0.3), result("2", 0.2)]
        #expect(Scorer.total(of: results) == 0.6)
        #expect(0.1 + 0.3 + 0.2 != 0.6)
    }

    @Test func integerLikeIdsAreJavaScriptArrayIndexes() {
        #expect(Scorer.arrayIndex("0") == 0)
        #expect(Scorer.arrayIndex("17") == 17)
        #expect(Scorer.arrayIndex("01") == nil)
        #expect(Scorer.arrayIndex("-1") == nil)
        #expect(Scorer.arrayIndex("4294967295") == nil)
        #expect(Scorer.arrayIndex("1.5") == nil)
    }

    @Test func anErroredIndicatorScoresZeroAndMakesTheRunAnError() {
        let outcome = Scorer.result(of: [result("a", 0, error: "down"), result("b", 10)], objectives: Objectives(pass: 10, warning: 5))
        #expect(outcome.totalScore == 10)
        #expect(outcome.verdict == .error)
    }
}
