import PerfGateCore
import PerfGateTestSupport
import Testing

/// Keptn lighthouse's cases from `keptn-quality-gates.md` §3, on the pure SLO evaluation core.
@Suite struct SLOEvaluationTests {
    @Test(arguments: [
        ("<10", "<", 10.0, false, false, false), ("<=10", "<=", 10, false, false, false), ("=10", "=", 10, false, false, false),
        (">=10", ">=", 10, false, false, false), (">10", ">", 10, false, false, false), (">-10%", ">", 10, true, true, false),
        ("<=+10.5%", "<=", 10.5, true, true, true), ("<=+10", "<=", 10, false, true, true), ("  <=+10   %", "<=", 10, true, true, true),
        ("  <=10%", "<=", 10, true, true, true)
    ])
    func parsesCriteria(_ text: String, _ op: String, _ value: Double, _ percent: Bool, _ relative: Bool, _ increase: Bool) throws {
        let criterion = try #require(Criterion(text))
        #expect(criterion.op.rawValue == op)
        #expect(criterion.value == value)
        #expect([criterion.isPercent, criterion.isRelative, criterion.isIncrease] == [percent, relative, increase])
    }

    @Test func rejectsInvalidCriteria() {
        for text in ["", "10", "!=10", "<", "<abc", "<=10%%", "<1.2.3"] { #expect(Criterion(text) == nil, "\(text)") }
        for text in ["=0%", "<+5%", ">-5%"] { #expect(Criterion(text) != nil, "\(text)") }
    }

    @Test func aggregatesLikeLighthouse() {
        let values = (0...10).map(Double.init)
        #expect(SLOAggregate.percentile(values, 0.5) == 5)
        #expect(abs(SLOAggregate.percentile(values, 0.9) - 9.8) < 1e-9)
        #expect(SLOAggregate.percentile(values, 0.95) == 10)
        #expect(SLOAggregate.value([5, 15], function: "avg") == 10)
        #expect(SLOAggregate.value([], function: "avg") == nil)
    }

    @Test(arguments: [
        (10.0, "<=+10%", "avg", true), (11.01, "<=+10%", "avg", false), (10.0, "<+0%", "avg", false), (10.0, ">+0%", "avg", false),
        (11.0, "=+1", "avg", true), (9.0, "=-1", "avg", true), (10.0, "<=+10%", "p50", true), (10.0, ">=-10%", "p50", true)
    ])
    func singleCriterionAgainstPreviousResults(_ value: Double, _ text: String, _ function: String, _ expected: Bool) throws {
        let objective = SLOObjective(sli: "m", pass: [[Criterion(text)!]])
        let result = SLOObjectiveEvaluator.evaluate(
            objective, value: value, previous: [10, 10], aggregate: SLOSpec.AggregateFunction(rawValue: function)!)
        #expect((result.status == .pass) == expected)
    }

    @Test func criteriaSetsAreAndWithinAndOrAcross() throws {
        let and = SLOObjective(sli: "m", pass: [["<=+10%", "<=10.0"]])
        let met = SLOObjectiveEvaluator.evaluate(and, value: 10, previous: [10, 10], aggregate: "avg")
        #expect(met.status == .pass)
        #expect(
            met.passTargets == [
                SLOTarget(criteria: "<=+10%", targetValue: 11, violated: false), SLOTarget(criteria: "<=10.0", targetValue: 10, violated: false)
            ])
        let broken = SLOObjectiveEvaluator.evaluate(and, value: 11, previous: [10, 10], aggregate: "avg")
        #expect(broken.status == .fail)
        #expect(broken.passTargets.map(\.violated) == [false, true])
        let or = SLOObjective(sli: "m", pass: [["<=10.0"], ["<=+10%"]])
        for (value, status, violated) in [
            (10.0, SLOObjectiveResult.Status.pass, [false, false]), (11, .pass, [true, false]), (20, .fail, [true, true])
        ] {
            let result = SLOObjectiveEvaluator.evaluate(or, value: value, previous: [10, 10], aggregate: "avg")
            #expect(result.status == status)
            #expect(result.passTargets.map(\.violated) == violated)
            #expect(result.passTargets.map(\.targetValue) == [10, 11])
        }
    }

    static let s1 = SLOObjective(sli: "my-test-metric-1", pass: [["<=15.0"], ["<=+10%"]], warning: [["<=20.0"], ["<=+15%"]])

    @Test func objectivesPassWarnFailAndInform() throws {
        let pass = SLOObjectiveEvaluator.evaluate(Self.s1, value: 10, previous: [10], aggregate: "avg")
        #expect(pass.status == .pass && pass.score == 1 && pass.comparedValue == 10)
        #expect(pass.warningTargets.map(\.targetValue) == [20, 11.5])
        let warning = SLOObjectiveEvaluator.evaluate(Self.s1, value: 16, previous: [10], aggregate: "avg")
        #expect(warning.status == .warning && warning.score == 0.5)
        #expect(warning.passTargets.map(\.violated) == [true, true])
        #expect(warning.warningTargets.map(\.violated) == [false, true])
        let info = SLOObjectiveEvaluator.evaluate(SLOObjective(sli: "my-log-metric", pass: []), value: 30, previous: [], aggregate: "avg")
        #expect(info.status == .info && info.score == 0 && info.passTargets.isEmpty && info.comparedValue == 0)
        #expect(SLOScorer.score([pass, info], pass: 90, warning: 75) == .init(score: 100, result: .pass, message: ""))
        #expect(SLOScorer.score([warning], pass: 90, warning: 75).score == 50)
        #expect(SLOScorer.score([warning], pass: 90, warning: 75).result == .fail)
    }

    @Test func relativeCriteriaWithoutHistoryAreMet() throws {
        let bug1125 = SLOObjective(sli: "response_time_p50", pass: [["<=+20%", "<500"]])
        let result = SLOObjectiveEvaluator.evaluate(bug1125, value: 1011.0745528937252, previous: [], aggregate: "avg")
        #expect(result.status == .fail)
        #expect(
            result.passTargets == [
                SLOTarget(criteria: "<=+20%", targetValue: 0, violated: false), SLOTarget(criteria: "<500", targetValue: 500, violated: true)
            ])
        let bug1263 = SLOObjective(sli: "response_time_p50", pass: [["<=+20%"]])
        #expect(SLOObjectiveEvaluator.evaluate(bug1263, value: 100, previous: [], aggregate: "avg").status == .pass)
    }

    @Test func aMissingValueFailsWithTheRawAggregateAsTarget() throws {
        let missing = SLOObjectiveEvaluator.evaluate(Self.s1, value: nil, previous: [10], aggregate: "avg")
        #expect(missing.status == .fail && missing.score == 0 && missing.message == "no value received from SLI provider")
        #expect(
            missing.passTargets == [
                SLOTarget(criteria: "<=15.0", targetValue: 15, violated: true), SLOTarget(criteria: "<=+10%", targetValue: 10, violated: true)
            ])
        #expect(missing.warningTargets.map(\.targetValue) == [20, 10])
        let failed = SLOObjectiveEvaluator.evaluate(Self.s1, value: nil, message: "could not get data", previous: [10], aggregate: "avg")
        #expect(failed.message == "could not get data")
    }

    /// Criteria are parsed when the spec is read: one that is no criterion is a spec error there
    /// (exit 65), in pass and warning alike, so evaluation cannot meet one.
    @Test func anInvalidCriterionIsASpecError() throws {
        let pass = "objectives:\n  - sli: m\n    pass: [{criteria: [\"about 10\"]}]\n"
        let warning = "objectives:\n  - sli: m\n    pass: [{criteria: [\"<1\"]}]\n    warning: [{criteria: [\"about 10\"]}]\n"
        for text in [pass, warning] {
            let outcome = SLOSpecDecoder.decode(try YAMLParser.parse(Array(text.utf8)))
            #expect(outcome.diagnostics.contains { $0.severity == .error && $0.message.hasPrefix("'about 10' is not a criterion") }, "\(text)")
        }
    }

    func result(_ score: Double, weight: Double = 1, withTargets: Bool = true) -> SLOObjectiveResult {
        SLOObjectiveResult(
            objective: SLOObjective(sli: "m", pass: withTargets ? [["<1"]] : [], weight: weight), status: .pass, score: score, value: 1,
            comparedValue: 0, passTargets: withTargets ? [SLOTarget(criteria: "<1", targetValue: 1, violated: false)] : [], warningTargets: [])
    }

    @Test func totalScoresAsLighthouseComputesThem() {
        #expect(SLOScorer.score([result(1)], pass: 90, warning: 75) == .init(score: 100, result: .pass, message: ""))
        #expect(
            SLOScorer.score([result(1), result(0)], pass: 90, warning: 75, keyFailure: ("cpu time", "evaluation failed"))
                == .init(score: 50, result: .fail, message: "Evaluation failed due to key_sli objective 'cpu time': evaluation failed"))
        #expect(
            SLOScorer.score([result(1), result(0.506)], pass: 90, warning: 75)
                == .init(
                    score: 75.3, result: .warning,
                    message: "Evaluation returned a warning: the calculated score of 75.3 is close to the warning target value of 75"))
        #expect(
            SLOScorer.score([result(1), result(0.48)], pass: 90, warning: 75)
                == .init(score: 74, result: .fail, message: "Evaluation failed since the calculated score of 74 is below the warning value of 75"))
        #expect(SLOScorer.score([result(1, withTargets: false), result(1, withTargets: false)], pass: 90, warning: 75).score == 100)
        #expect(SLOScorer.score([result(1), result(1, withTargets: false)], pass: 90, warning: 75) == .init(score: 100, result: .pass, message: ""))
    }
}
