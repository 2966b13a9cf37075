import PerfGateCore
import PerfGateTestSupport
import Testing

/// Whole lighthouse evaluations (`keptn-quality-gates.md` §3.3, §3.5 and §3.6), including what the
/// `derived:` lines say the algorithm implies for the total and the result.
@Suite struct SLOEvaluatorTests {
    static let s1Comparison = SLOSpec.Comparison(
        compareWith: "several_results", includeResultWithScore: "pass", numberOfComparisonResults: 2, aggregateFunction: "avg")
    static let s1Objective = SLOObjective(sli: "my-test-metric-1", pass: [["<=15.0"], ["<=+10%"]], warning: [["<=20.0"], ["<=+15%"]])

    func spec(_ objectives: [SLOObjective], comparison: SLOSpec.Comparison = s1Comparison) -> SLOSpec {
        SLOSpec(specVersion: "1.0", filter: [:], comparison: comparison, objectives: objectives, totalPass: 90, totalWarning: 75)
    }

    /// Earlier runs as history records, newest last (as the file keeps them); each passed.
    func history(_ runs: [[String: Double?]], success: Bool = true) -> ComparisonSet {
        let records = runs.enumerated().map { index, values in
            HistoryRecord(
                time: Double(index), window: nil, specKind: "slo", specPath: nil, specDigest: nil, context: [:], result: .pass, score: 100,
                values: values.sorted { $0.key < $1.key }.map {
                    .init(id: $0.key, key: $0.key, value: $0.value, status: "pass", success: success && $0.value != nil)
                })
        }
        return ComparisonSet.select(from: records, comparison: Self.s1Comparison, context: [:])
    }

    func targets(_ targets: [SLOTarget]) -> [String] {
        targets.map { "\($0.criteria) \($0.targetValue) \($0.violated)" }
    }

    @Test func simpleComparison() {
        let result = SLOEvaluator.evaluate(
            spec([Self.s1Objective]), values: ["my-test-metric-1": SLIValue(value: 10)], comparison: history([["my-test-metric-1": 10]]),
            source: "prometheus")
        let objective = try! #require(result.indicatorResults.first?.objective)
        #expect(objective.status == .pass && objective.score == 1 && objective.value == 10 && objective.comparedValue == 10)
        #expect(targets(objective.passTargets) == ["<=15.0 15.0 false", "<=+10% 11.0 false"])
        #expect(targets(objective.warningTargets) == ["<=20.0 20.0 false", "<=+15% 11.5 false"])
        #expect(result.slo?.maximumScore == 1)
        #expect(result.totalScore == 100 && result.verdict == .pass)  // derived
    }

    @Test func expectWarning() {
        let result = SLOEvaluator.evaluate(
            spec([Self.s1Objective]), values: ["my-test-metric-1": SLIValue(value: 16)], comparison: history([["my-test-metric-1": 10]]),
            source: "prometheus")
        let objective = result.indicatorResults[0].objective!
        #expect(objective.status == .warning && objective.score == 0.5 && objective.comparedValue == 10)
        #expect(targets(objective.passTargets) == ["<=15.0 15.0 true", "<=+10% 11.0 true"])
        #expect(targets(objective.warningTargets) == ["<=20.0 20.0 false", "<=+15% 11.5 true"])
        // derived: 50% is below the warning total (75%), so the run fails.
        #expect(result.totalScore == 50 && result.verdict == .fail)
        #expect(result.slo?.message == "Evaluation failed since the calculated score of 50 is below the warning value of 75")
        #expect(result.indicatorResults[0].verdict == .warning)
    }

    @Test(arguments: [[SLOObjective(sli: "my-log-metric", pass: [])], [SLOObjective(sli: "my-log-metric", pass: [], warning: [])]])
    func informationalObjectivesAreNotScored(_ extra: [SLOObjective]) {
        let result = SLOEvaluator.evaluate(
            spec([Self.s1Objective] + extra), values: ["my-test-metric-1": SLIValue(value: 10), "my-log-metric": SLIValue(value: 30)],
            comparison: history([["my-test-metric-1": 10]]), source: "prometheus")
        let info = result.indicatorResults[1].objective!
        #expect(info.status == .info && info.score == 0 && info.comparedValue == 0 && info.passTargets.isEmpty && info.warningTargets.isEmpty)
        #expect(result.slo?.maximumScore == 1)
        #expect(result.totalScore == 100 && result.verdict == .pass)
        #expect(result.indicatorResults[1].metricScore == 0)
    }

    @Test func bug1125NoPreviousResult() {
        let objective = SLOObjective(sli: "response_time_p50", pass: [["<=+20%", "<500"]])
        let result = SLOEvaluator.evaluate(
            spec([objective]), values: ["response_time_p50": SLIValue(value: 1011.0745528937252)], source: "prometheus")
        let evaluated = result.indicatorResults[0].objective!
        #expect(evaluated.status == .fail && evaluated.score == 0 && evaluated.warningTargets.isEmpty)
        #expect(targets(evaluated.passTargets) == ["<=+20% 0.0 false", "<500 500.0 true"])
        #expect(result.totalScore == 0 && result.verdict == .fail)  // derived
    }

    @Test func bug1263FailedPreviousValuesAreNotCompared() {
        let comparison = SLOSpec.Comparison(
            compareWith: "single_result", includeResultWithScore: "pass", numberOfComparisonResults: 1, aggregateFunction: "avg")
        let objective = SLOObjective(sli: "response_time_p50", pass: [["<=+20%"]])
        let earlier = HistoryRecord(
            time: 1, window: nil, specKind: "slo", specPath: nil, specDigest: nil, context: [:], result: .pass, score: 100,
            values: [.init(id: "response_time_p50", key: "response_time_p50", value: 0, status: "fail", success: false)])
        let set = ComparisonSet.select(from: [earlier], comparison: comparison, context: [:])
        let result = SLOEvaluator.evaluate(
            spec([objective], comparison: comparison), values: ["response_time_p50": SLIValue(value: 100)], comparison: set, source: "prometheus")
        let evaluated = result.indicatorResults[0].objective!
        #expect(evaluated.status == .pass && evaluated.score == 1)
        #expect(targets(evaluated.passTargets) == ["<=+20% 0.0 false"])
        #expect(result.totalScore == 100 && result.verdict == .pass)  // derived
    }

    @Test func issue6096MissingSLIAndAnExtraOne() {
        let objective = SLOObjective(sli: "a_different_metric", pass: Self.s1Objective.pass, warning: Self.s1Objective.warning)
        // The second earlier run has no value for the metric at all (lighthouse's `value: null`): skipped.
        let result = SLOEvaluator.evaluate(
            spec([objective]), values: ["my-test-metric-1": SLIValue(value: 10)],
            comparison: history([["my-test-metric-1": 10, "a_different_metric": 5], ["my-test-metric-1": 10, "a_different_metric": nil]]),
            providerFailure: "the provider failed", source: "prometheus")
        let evaluated = result.indicatorResults[0].objective!
        #expect(evaluated.status == .fail && evaluated.score == 0 && evaluated.value == nil)
        #expect(evaluated.message == "no value received from SLI provider")
        #expect(targets(evaluated.passTargets) == ["<=15.0 15.0 true", "<=+10% 5.0 true"])
        #expect(targets(evaluated.warningTargets) == ["<=20.0 20.0 true", "<=+15% 5.0 true"])
        #expect(
            result.slo?.notes == [
                "perfgate received additional SLIs, which are not specified as SLO: my-test-metric-1 . Please consider using them as an SLO."
            ])
        // derived: the provider's failure overrides the result.
        #expect(result.verdict == .fail)
        #expect(result.slo?.message.hasPrefix("perfgate failed because SLI failed with message ") == true)
    }

    @Test func issue9198NoObjectives() {
        let result = SLOEvaluator.evaluate(spec([]), values: [:], providerFailure: "no SLIs were requested", source: "prometheus")
        #expect(result.verdict == .fail && result.totalScore == 0 && result.indicatorResults.isEmpty)
        #expect(result.slo?.message == "perfgate failed because no SLO objective was provided")
    }

    @Test func missingValueAndUnsuccessfulValue() {
        let missing = SLOEvaluator.evaluate(
            spec([Self.s1Objective]), values: [:], comparison: history([["my-test-metric-1": 10]]), source: "prometheus")
        let objective = missing.indicatorResults[0].objective!
        #expect(objective.status == .fail && objective.score == 0 && objective.message == "no value received from SLI provider")
        #expect(targets(objective.passTargets) == ["<=15.0 15.0 true", "<=+10% 10.0 true"])
        #expect(targets(objective.warningTargets) == ["<=20.0 20.0 true", "<=+15% 10.0 true"])
        let failed = SLOEvaluator.evaluate(
            spec([Self.s1Objective]), values: ["my-test-metric-1": .failed("could not get data")], comparison: history([["my-test-metric-1": 10]]),
            source: "prometheus")
        #expect(failed.indicatorResults[0].objective?.message == "could not get data")
        #expect(failed.indicatorResults[0].objective?.status == .fail)
        #expect(failed.verdict == .fail)
    }

    @Test func absoluteCriteriaNeedNoComparison() {
        // §3.3's last case: "<=10" with no comparison at all.
        let result = SLOEvaluator.evaluate(
            spec([SLOObjective(sli: "m", pass: [["<=10"]])], comparison: .absent), values: ["m": SLIValue(value: 10)], source: "prometheus")
        #expect(result.verdict == .pass)
        // §3.2's fixed thresholds: the target is the criterion's own value.
        let fixed = SLOEvaluator.evaluate(
            spec([SLOObjective(sli: "m", pass: [[">9.0"]]), SLOObjective(sli: "n", pass: [["=9.0"]])]),
            values: ["m": SLIValue(value: 10), "n": SLIValue(value: 10)], source: "prometheus")
        #expect(fixed.indicatorResults.map { targets($0.objective!.passTargets) } == [[">9.0 9.0 false"], ["=9.0 9.0 true"]])
    }

    @Test func aFailedKeySLIFailsTheGateButAWarnedOneDoesNot() {
        let key = SLOObjective(sli: "cpu", displayName: "cpu time", pass: [["<10"]], warning: [["<20"]], keySLI: true)
        let other = SLOObjective(sli: "rt", pass: [["<100"]], weight: 9)
        let failed = SLOEvaluator.evaluate(spec([key, other]), values: ["cpu": SLIValue(value: 30), "rt": SLIValue(value: 1)], source: "prometheus")
        #expect(failed.totalScore == 90 && failed.verdict == .fail)
        #expect(failed.slo?.message == "Evaluation failed due to key_sli objective 'cpu time': failed evaluation with score 0.000000")
        let warned = SLOEvaluator.evaluate(spec([key, other]), values: ["cpu": SLIValue(value: 15), "rt": SLIValue(value: 1)], source: "prometheus")
        #expect(warned.totalScore == 95 && warned.verdict == .pass)
        let missing = SLOEvaluator.evaluate(
            spec([key, other]), values: ["cpu": .failed("query did not return any values"), "rt": SLIValue(value: 1)], source: "prometheus")
        #expect(missing.slo?.message == "Evaluation failed due to key_sli objective 'cpu time': query did not return any values")
    }

    @Test func anUnreachableBackendIsAnErrorNotAFailedGate() {
        let result = SLOEvaluator.evaluate(
            spec([SLOObjective(sli: "m", pass: [["<10"]]), SLOObjective(sli: "n", pass: [["<10"]])]),
            values: ["m": SLIValue(value: nil, message: "prometheus: connection refused", unreachable: true), "n": SLIValue(value: 1)],
            source: "prometheus")
        #expect(result.verdict == .error)
        #expect(result.indicatorResults[0].error == "prometheus: connection refused")
        #expect(result.indicatorResults[1].verdict == .pass)
    }

    @Test func twoObjectivesMayShareAnSLI() {
        // Lighthouse hands each SLI value to the first objective only; perfgate gives it to both.
        let result = SLOEvaluator.evaluate(
            spec([SLOObjective(sli: "m", pass: [["<10"]]), SLOObjective(sli: "m", displayName: "m, strict", pass: [["<1"]])]),
            values: ["m": SLIValue(value: 5)], source: "prometheus")
        #expect(result.indicatorResults.map { $0.objective?.status } == [.pass, .fail])
        #expect(result.totalScore == 50)
    }
}
