import PerfGateCore
@testable import PerfGateEngine
import Testing

/// A source that answers from a table after a delay, and counts how many fetches run at once.
actor ConcurrencyProbe {
    var running = 0
    var peak = 0
    func enter() {
        running += 1
        peak = max(peak, running)
    }
    func leave() { running -= 1 }
}

struct ScriptedSource: MetricSource {
    let name = "scripted"
    let probe: ConcurrencyProbe
    let delay: Duration

    func answer(_ query: Node, context: SourceContext) async throws -> SourceAnswer {
        SourceAnswer(try await measurements(query, context: context))
    }

    func measurements(_ query: Node, context: SourceContext) async throws -> [Measurement] {
        await probe.enter()
        try? await Task.sleep(for: delay)
        await probe.leave()
        if let message = query["fail"]?.stringValue { throw SourceError(message) }
        return [Measurement(key: "k", value: query["value"]?.numberValue)]
    }
}

@Suite struct EvaluatorTests {
    func indicator(_ id: String, _ query: Node, score: Double = 10) -> Indicator {
        Indicator(
            id: id, source: "scripted", query: query,
            grading: Grading(thresholds: Thresholds(upperSevere: 100, upperWarning: 50), metricScore: score))
    }

    @Test func oneFailingSourceDoesNotStopTheOthers() async {
        let spec = PerfSpec(
            indicators: [
                indicator("a", .object([("fail", .string("backend down"))])),
                indicator("b", .object([("value", .number(60))])),
                indicator("c", .object([("value", .number(1))]))
            ], objectives: Objectives(pass: 20, warning: 10))
        let evaluator = Evaluator(sources: [ScriptedSource(probe: ConcurrencyProbe(), delay: .milliseconds(1))])
        let result = await evaluator.evaluate(spec, context: SourceContext())
        #expect(result.verdict == .error)
        #expect(result.indicatorResults.map(\.id) == ["a", "b", "c"])
        #expect(result.indicatorResults.map(\.score) == [0, 5, 10])
        #expect(result.indicatorResults[0].error == "backend down")
        #expect(result.totalScore == 15)
    }

    @Test func fetchesConcurrentlyUpToTheLimit() async {
        let probe = ConcurrencyProbe()
        let indicators = (0..<20).map { indicator("i\($0)", .object([("value", .number(1))]), score: 1) }
        let evaluator = Evaluator(sources: [ScriptedSource(probe: probe, delay: .milliseconds(20))], concurrency: 4)
        let result = await evaluator.evaluate(
            PerfSpec(indicators: indicators, objectives: Objectives(pass: 20, warning: 0)), context: SourceContext())
        #expect(result.verdict == .pass)
        #expect(await probe.peak == 4)
    }

    @Test func anUnknownSourceIsAnIndicatorError() async {
        let spec = PerfSpec(indicators: [indicator("a", .null)], objectives: Objectives(pass: 0, warning: 0))
        let result = await Evaluator(sources: []).evaluate(spec, context: SourceContext())
        #expect(result.indicatorResults[0].error == "no source named 'scripted' is available")
    }

    @Test func relativeThresholdsResolvePerKeyAgainstEarlierRuns() {
        let grading = Grading(
            thresholds: Thresholds(upperSevere: 1000), metricScore: 10, relativeThresholds: Thresholds(upperSevere: 20, upperWarning: 10))
        let indicator = Indicator(id: "p95", source: "static", query: .null, grading: grading)
        let earlier = HistoryRecord(
            time: 1, window: nil, specKind: "perfspec", specPath: nil, specDigest: nil, context: [:], result: .pass, score: 10,
            values: [
                .init(id: "p95", key: "cart", value: 500, status: "pass", success: true),
                .init(id: "p95", key: "checkout", value: 200, status: "pass", success: true)
            ])
        let answer = SourceAnswer([
            Measurement(key: "checkout", value: 230), Measurement(key: "cart", value: 520), Measurement(key: "new", value: 900)
        ])
        let result = Evaluator.grade(indicator, .success(answer), comparison: ComparisonSet(runs: [earlier]))
        // checkout: 230 >= 220 (200 + 10%) warns; cart: 520 < 550 passes, where Pitometer would have
        // compared it with checkout's 200 (the first key) and failed it; new: no earlier value, absolute limits.
        #expect(
            result.comparisons == [
                KeyComparison(key: "checkout", comparedValue: 200, thresholds: Thresholds(upperSevere: 240, upperWarning: 220)),
                KeyComparison(key: "cart", comparedValue: 500, thresholds: Thresholds(upperSevere: 600, upperWarning: 550)),
                KeyComparison(key: "new", comparedValue: nil, thresholds: Thresholds(upperSevere: 1000))
            ])
        #expect(result.violations.map { "\($0.key ?? "") \($0.breach.text) \($0.threshold ?? 0)" } == ["checkout upperWarning 220.0"])
        #expect(result.score == 5)
        // Without an earlier run the absolute limits alone apply.
        #expect(Evaluator.grade(indicator, .success(answer)).violations.isEmpty)
    }
}
