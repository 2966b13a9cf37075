import PerfGateCore
@testable import PerfGateEngine
import Testing

/// Keptn's rule for an SLI: exactly one value (`keptn-quality-gates.md` §4, Prometheus specifics).
@Suite struct SLIMeasurerTests {
    @Test func exactlyOneValue() {
        #expect(SLIMeasurer.value(.success(SourceAnswer([Measurement(key: "{}", value: 2)]))) == SLIValue(value: 2))
        #expect(SLIMeasurer.value(.success(SourceAnswer([]))).message == "query did not return any values")
        #expect(
            SLIMeasurer.value(.success(SourceAnswer([Measurement(key: "a", value: 1), Measurement(key: "b", value: 2)]))).message
                == "query did return multiple values")
        #expect(SLIMeasurer.value(.success(SourceAnswer([Measurement(key: "a", value: .nan)]))).message == "query did not return valid values")
        let down = SLIMeasurer.value(.failure(SourceError("prometheus: connection refused")))
        #expect(down.unreachable && down.value == nil && down.message == "prometheus: connection refused")
    }

    @Test func theProviderFailsWhenEverySLIFailed() {
        let values: [String: SLIValue] = ["a": .failed("query did not return any values"), "b": SLIValue(value: 1)]
        #expect(SLIMeasurer.providerFailure(values, requested: ["a", "b"]) == nil)
        #expect(SLIMeasurer.providerFailure(values, requested: ["a"]) == "a: query did not return any values")
        #expect(SLIMeasurer.providerFailure(values, requested: []) == nil)
    }

    struct Echo: MetricSource {
        let name = "echo"
        func answer(_ query: Node, context: SourceContext) async throws -> SourceAnswer {
            SourceAnswer(try await measurements(query, context: context))
        }

        func measurements(_ query: Node, context: SourceContext) async throws -> [Measurement] {
            // Proves the measurer marks queries as already filled.
            guard context.placeholdersFilled else { throw SourceError("placeholders were not filled") }
            return [Measurement(key: "x", value: query.numberValue)]
        }
    }

    @Test func measuresEverySLI() async {
        let values = await SLIMeasurer(source: Echo()).measure(
            [("a", SourceQuery(.number(1))), ("b", SourceQuery(.number(2)))], context: SourceContext())
        #expect(values == ["a": SLIValue(value: 1), "b": SLIValue(value: 2)])
    }
}
