import PerfGateCore
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

    func validate(_ query: Node, at path: SpecPath, context: ValidationContext) -> [Diagnostic] { [] }

    func fetch(_ query: Node, context: SourceContext) async throws -> [Measurement] {
        await probe.enter()
        try? await Task.sleep(for: delay)
        await probe.leave()
        if let message = query["fail"]?.stringValue { throw SourceError(message) }
        return [Measurement(key: "k", value: query["value"]?.numberValue)]
    }
}

@Suite struct EvaluatorTests {
    func indicator(_ id: String, _ query: Node, score: Double = 10) -> Indicator {
        Indicator(id: id, source: "scripted", query: query,
                  grading: Grading(thresholds: Thresholds(upperSevere: 100, upperWarning: 50), metricScore: score))
    }

    @Test func oneFailingSourceDoesNotStopTheOthers() async {
        let spec = PerfSpec(indicators: [
            indicator("a", .object([("fail", .string("backend down"))])),
            indicator("b", .object([("value", .number(60))])),
            indicator("c", .object([("value", .number(1))])),
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
        let result = await evaluator.evaluate(PerfSpec(indicators: indicators, objectives: Objectives(pass: 20, warning: 0)), context: SourceContext())
        #expect(result.verdict == .pass)
        #expect(await probe.peak == 4)
    }

    @Test func anUnknownSourceIsAnIndicatorError() async {
        let spec = PerfSpec(indicators: [indicator("a", .null)], objectives: Objectives(pass: 0, warning: 0))
        let result = await Evaluator(sources: []).evaluate(spec, context: SourceContext())
        #expect(result.indicatorResults[0].error == "no source named 'scripted' is available")
    }
}
