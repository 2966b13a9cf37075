import PerfGateCore
@testable import PerfGateCore
import Testing

/// Kayenta's group scores (canary-analysis.md §1.6, WeightedSumScorer and its ScorerSuite), and
/// dry-run indicators, which are graded but never counted.
@Suite struct GroupScoreTests {
    static func canary(_ id: String, _ group: String, _ classification: CanaryResult.Classification, critical: Bool = false) -> IndicatorResult {
        var result = IndicatorResult(
            id: id, source: "jmeter", score: classification == .pass ? 1 : 0, metricScore: 1, violations: [], measurements: [],
            thresholds: Thresholds())
        result.kind = .canary(
            CanaryResult(
                classification: classification, critical: critical, reason: "", baseline: CanarySampleSummary(count: 50),
                canary: CanarySampleSummary(count: 50)))
        result.group = group
        return result
    }

    static func threshold(_ id: String, _ group: String, passed: Bool) -> IndicatorResult {
        var result = IndicatorResult(
            id: id, source: "static", score: passed ? 1 : 0, metricScore: 1,
            violations: passed ? [] : [Violation(breach: .upperSevere, key: "value", value: 2, threshold: 1)],
            measurements: [Measurement(key: "value", value: passed ? 0 : 2)], thresholds: Thresholds(upperSevere: 1))
        result.group = group
        return result
    }

    static let objectives = Objectives(pass: 95, warning: 75)

    @Test func aGroupOfOnlyNodataCountsAs100UnlessHalfTheIndicatorsHaveNoData() {
        // A group with nothing counted is noData and counts as 100 (calculateSummaryScore)…
        let result = Scorer.result(
            of: [Self.canary("a", "g1", .pass), Self.canary("b", "g1", .pass), Self.canary("c", "g2", .nodata)], objectives: Self.objectives,
            groupWeights: ["g1": 50, "g2": 50])
        #expect(result.totalScore == 100 && result.verdict == .pass)
        #expect(result.groupScores.map(\.noData) == [false, true])
        // …but 50% or more Nodata scores 0 (tooManyNodata, NODATA_THRESHOLD = 50, in Kayenta's
        // WeightedSumScorer at HEAD; ScorerSuite's older "one Pass, one Nodata → 100" predates it).
        let half = Scorer.result(
            of: [Self.canary("a", "g1", .pass), Self.canary("b", "g2", .nodata)], objectives: Self.objectives, groupWeights: ["g1": 50, "g2": 50])
        #expect(half.totalScore == 0 && half.verdict == .fail)
    }

    @Test func eachGroupsShareOfPassesTimesItsWeight() {
        // latency: 2 of 3 pass → 66.666…; errors: 1 of 1 → 100. 60·0.6667 + 40 = 80 (rounded half up to 2 decimals).
        let results = [
            Self.canary("p95", "latency", .pass), Self.canary("p99", "latency", .high), Self.threshold("p50", "latency", passed: true),
            Self.threshold("5xx", "errors", passed: true)
        ]
        let scored = Scorer.result(of: results, objectives: Self.objectives, groupWeights: ["latency": 60, "errors": 40])
        #expect(scored.totalScore == 80 && scored.verdict == .warning)
        #expect(scored.groupScores.map(\.group) == ["latency", "errors"])
        #expect(scored.maximumScore == 100)
    }

    @Test func unweightedGroupsShareTheRestAndAbsentGroupsKeepTheirWeight() {
        // errors has 30 and no indicators; the two unweighted groups share 70.
        let results = [Self.canary("a", "x", .pass), Self.canary("b", "y", .high)]
        let scored = Scorer.result(of: results, objectives: Self.objectives, groupWeights: ["errors": 30])
        #expect(scored.groupScores.map(\.weight) == [35, 35])
        #expect(scored.totalScore == 35)
        // With only latency's metrics, weights {latency 60, errors 40} cap the summary at 60 (§4).
        let capped = Scorer.result(of: [Self.canary("a", "latency", .pass)], objectives: Self.objectives, groupWeights: ["latency": 60, "errors": 40])
        #expect(capped.totalScore == 60)
    }

    @Test func aCriticalFailureOrHalfNodataScoresZero() {
        let critical = Scorer.result(
            of: [Self.canary("a", "g", .pass), Self.canary("b", "g", .high, critical: true)], objectives: Self.objectives, groupWeights: [:])
        #expect(critical.totalScore == 0 && critical.verdict == .fail)
        let nodata = Scorer.result(
            of: [Self.canary("a", "g", .pass), Self.canary("b", "h", .nodata)], objectives: Self.objectives, groupWeights: [:])
        #expect(nodata.totalScore == 0)
    }

    @Test func theSummaryIsRoundedHalfUpToTwoDecimalsAsCommonsMathDoes() {
        #expect(Scorer.roundedHalfUp(83.335, places: 2) == 83.34)
        #expect(Scorer.roundedHalfUp(66.66666666666667, places: 2) == 66.67)
        #expect(Scorer.roundedHalfUp(80, places: 2) == 80)
        #expect(Scorer.roundedHalfUp(33.333333333333336, places: 2) == 33.33)
    }

    @Test func aDryRunIsGradedButNeverCounted() {
        var failing = Self.threshold("new", "g", passed: false)
        failing.dryRun = true
        var broken = IndicatorResult(
            id: "broken", source: "static", score: 0, metricScore: 5, violations: [], measurements: [], thresholds: Thresholds(), error: "down")
        broken.dryRun = true
        var critical = Self.canary("c", "g", .high, critical: true)
        critical.dryRun = true
        let counted = Self.threshold("p95", "g", passed: true)
        let result = Scorer.result(of: [counted, failing, broken, critical], objectives: Objectives(pass: 1, warning: 0))
        #expect(result.verdict == .pass && result.totalScore == 1 && result.maximumScore == 1)
        #expect(result.indicatorResults.count == 4)
        let grouped = Scorer.result(of: [counted, failing, critical], objectives: Self.objectives, groupWeights: ["g": 100])
        #expect(grouped.totalScore == 100 && grouped.verdict == .pass)
    }
}
