import PerfGateCore
import PerfGateEngine
import PerfGateSources
import Synchronization
import Testing

/// A source that counts how often it reads a query: the spec loader reads each once, and
/// measuring, the resolved query and the series use what it read.
final class CountingSource: SeriesSource, SampleSource {
    let name = "counting"
    let reads = Mutex(0)

    struct Query: Sendable {
        var value: Double
    }

    func parse(_ query: Node, at path: SpecPath, context: ValidationContext) -> ParsedQuery<Query> {
        reads.withLock { $0 += 1 }
        guard let value = query["value"]?.numberValue else { return .failed([.error(path.appending("value"), query.location, "needs 'value'")]) }
        return ParsedQuery(Query(value: value))
    }

    func answer(_ query: Query, context: SourceContext) async throws -> SourceAnswer {
        SourceAnswer([Measurement(key: "k", value: query.value)])
    }

    func resolved(_ query: Query, context: SourceContext) -> String? { "value \(query.value)" }

    func series(_ query: Query, context: SourceContext, step: Double) async throws -> [Measurement] {
        [Measurement(key: "k", value: query.value, timestamp: 1), Measurement(key: "k", value: query.value, timestamp: 2)]
    }

    func samples(_ query: Query, context: SourceContext, step: Double) async throws -> [Double?] {
        Array(repeating: query.value, count: 20)
    }
}

@Suite struct ParsedQueryTests {
    static let spec = """
        indicators:
          - {id: a, source: counting, query: {value: 1}, grading: {type: Threshold, metricScore: 50, thresholds: {upperSevere: 5}}}
          - id: b
            source: counting
            query: {value: 2}
            baseline: {value: 2}
            grading: {type: Canary, metricScore: 50}
        objectives: {pass: 90, warning: 75}
        """

    @Test func eachQueryIsReadOnceWhenTheSpecLoads() async throws {
        let source = CountingSource()
        let outcome = SpecDecoder(sources: [source]).decode(try DocumentLoader.parse(Array(Self.spec.utf8), as: .yaml))
        let spec = try #require(outcome.spec, "\(outcome.diagnostics)")
        #expect(source.reads.withLock { $0 } == 3)  // a's query, b's query and b's baseline
        #expect(spec.indicators.allSatisfy { $0.query.parsed is CountingSource.Query })
        #expect(spec.indicators[1].baseline?.parsed is CountingSource.Query)

        let window = Window(start: 0, end: 600)
        var result = await Evaluator(sources: [source]).evaluate(spec, context: SourceContext(window: window))
        await SeriesFetcher(sources: [source], concurrency: 2, timeout: 10, deadline: nil).attach(
            spec.indicators.enumerated().map { ($0.offset, $0.element.source, $0.element.query) }, to: &result,
            context: SourceContext(window: window))
        #expect(source.reads.withLock { $0 } == 3, "measuring, resolving or drawing read a query again")
        #expect(result.indicatorResults.map(\.score) == [50, 50])
        #expect(result.indicatorResults[0].resolvedQuery == "value 1.0")
        #expect(result.indicatorResults[0].series.first?.points.count == 2)
    }

    @Test func aBadQueryIsALoadTimeDiagnosticWithItsPath() throws {
        let spec = Self.spec.replacingOccurrences(of: "query: {value: 1}", with: "query: {valu: 1}")
        let outcome = SpecDecoder(sources: [CountingSource()]).decode(try DocumentLoader.parse(Array(spec.utf8), as: .yaml))
        #expect(outcome.spec == nil)
        #expect(outcome.diagnostics.map(\.description).contains { $0.contains("indicators[0].query.value: needs 'value'") }, "\(outcome.diagnostics)")
    }

    @Test func anIndicatorBuiltInCodeIsReadWhenMeasured() async {
        let grading = Grading(thresholds: Thresholds(upperSevere: 5), metricScore: 100)
        let good = Indicator(id: "good", source: "counting", query: .object([("value", .number(3))]), grading: grading)
        let bad = Indicator(id: "bad", source: "counting", query: .string("three"), grading: grading)
        let spec = PerfSpec(indicators: [good, bad], objectives: Objectives(pass: 90, warning: 75))
        let result = await Evaluator(sources: [CountingSource()]).evaluate(spec, context: SourceContext())
        #expect(result.indicatorResults[0].measurements.map(\.value) == [3])
        #expect(result.indicatorResults[1].error == "counting: needs 'value'")
    }

    @Test func aDynatraceSLIQueryIsCheckedWhenTheGateLoads() async {
        let slo = "objectives:\n  - {sli: rt, pass: [{criteria: [\"<600\"]}]}\ntotal_score: {pass: \"90%\", warning: \"50%\"}\n"
        let sli = "indicators:\n  rt: metricSelector=&entitySelector=type(SERVICE)\n"
        let diagnostics = CollectedDiagnostics()
        let environment = GateEnvironment(
            now: { 1_714_565_000 }, variables: [:], http: FakePrometheus(value: "1"),
            files: MemoryFiles(files: ["/g/slo.yaml": slo, "/g/dynatrace/sli.yaml": sli]), diagnostics: diagnostics)
        await #expect(throws: GateError.self) {
            _ = try await Gate(environment: environment).evaluate(
                GateRequest(specPath: "/g/slo.yaml", window: Window(start: 1_714_564_800, end: 1_714_565_400)))
        }
        let lines = diagnostics.lines.map(\.text)
        #expect(lines.contains { $0.hasPrefix("/g/dynatrace/sli.yaml:2:") && $0.contains("'metricSelector' must be a non-empty string") }, "\(lines)")
    }
}
